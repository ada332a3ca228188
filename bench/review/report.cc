#include "bench/review/report.h"

#include <cstdio>
#include <sstream>
#include <vector>

namespace adbridge::bench {
namespace {

// 1234567 -> "1,234,567".
std::string Grouped(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return n < 0 ? "-" + digits : digits;
}

std::string Fixed(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, v);
  std::string s = text;
  // Group the whole part of large figures (1,024.5 cycles/s).
  const std::size_t dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  if (whole.size() > 3 && whole.find('-') == std::string::npos) {
    s = Grouped(std::stoll(whole)) + (dot == std::string::npos ? "" : s.substr(dot));
  }
  return s;
}

double PerSecond(std::int64_t n, double seconds) { return seconds > 0 ? n / seconds : 0; }

std::string Mark(bool met) { return met ? " ✓" : " ✗"; }

std::string Ratio(double http, double in_process) {
  if (in_process <= 0) return "—";
  return Fixed(http / in_process, 2) + "×";
}

std::int64_t FailedRequests(const LoadReport& report) {
  std::int64_t n = 0;
  for (const auto& [kind, counts] : report.errors) {
    if (kind == "start") continue;
    for (const auto& [error, count] : counts) n += count;
  }
  return n;
}

std::string ErrorsCell(const LoadReport& report) {
  const std::int64_t failed = FailedRequests(report);
  std::string cell = Grouped(failed);
  if (failed > 0) {
    std::vector<std::string> parts;
    for (const auto& [kind, counts] : report.errors) {
      if (kind == "start") continue;
      for (const auto& [error, count] : counts) {
        parts.push_back(kind + " " + error + ": " + Grouped(count));
      }
    }
    cell += " (";
    for (std::size_t i = 0; i < parts.size(); ++i) cell += (i ? ", " : "") + parts[i];
    cell += ")";
  }
  return cell;
}

const LatencySummary& LatencyOf(const LoadReport& report, const std::string& kind) {
  static const LatencySummary kNone;
  auto it = report.latency.find(kind);
  return it != report.latency.end() ? it->second : kNone;
}

// "p50 / p90 / p99 / max" in ms, the p99 marked against the target when asked.
std::string LatencyCell(const LatencySummary& s, bool mark) {
  if (s.count == 0) return "—";
  return Fixed(s.p50, 2) + " / " + Fixed(s.p90, 2) + " / " + Fixed(s.p99, 2) +
         (mark ? Mark(s.p99 < kTargetP99Ms) : "") + " / " + Fixed(s.max, 1);
}

std::string IntegrityCell(const IntegrityResult& r) {
  std::string cell = r.ok() ? "✓ " : "✗ ";
  cell += Grouped(r.claims) + " claims, " + Grouped(r.claimed_twice) + " handed out twice; " +
          Grouped(r.settled) + " tasks settled = " + Grouped(r.submits_ok) +
          " successful submits, " + Grouped(r.tasks_with_two_submits) +
          " with two submit entries; " + Grouped(r.lost) + " lost";
  if (r.gold_tasks > 0) cell += "; " + Grouped(r.gold_tasks) + " gold tasks (apart)";
  return cell;
}

std::string StorageTitle(const std::string& storage) {
  if (storage == "disk") {
    return "Data on disk, as installed (SQLite WAL, synchronous=FULL: every commit waits for "
           "the disk)";
  }
  if (storage == "memory") {
    return "Data in memory (tmpfs: a commit does not wait for the disk; the same code "
           "otherwise)";
  }
  return "Data on " + storage;
}

// One storage's table. Targets are marked when `judged`.
void RenderTable(std::ostringstream& md, const StorageRun& run, bool judged) {
  const LoadReport& http = run.http;
  const LoadReport* in = run.in_process ? &*run.in_process : nullptr;
  auto mark = [&](bool met) { return judged ? Mark(met) : std::string(); };
  md << "| figure | HTTP (`adbridge serve`) | in process (`ReviewQueue`) | HTTP ÷ in process | "
        "target |\n";
  md << "|---|---:|---:|---:|---:|\n";
  const double http_cps = PerSecond(http.cycles, http.seconds);
  const double in_cps = in != nullptr ? PerSecond(in->cycles, in->seconds) : 0;
  md << "| claim+submit cycles/s | " << Fixed(http_cps, 1)
     << mark(http_cps >= kTargetCyclesPerSecond) << " | "
     << (in != nullptr ? Fixed(in_cps, 1) : "—") << " | " << Ratio(http_cps, in_cps) << " | "
     << (judged ? "≥ " + Grouped(static_cast<std::int64_t>(kTargetCyclesPerSecond)) + " over HTTP"
                : "")
     << " |\n";
  const double http_rps = PerSecond(http.requests, http.seconds);
  const double in_rps = in != nullptr ? PerSecond(in->requests, in->seconds) : 0;
  md << "| requests/s (claims + submits) | " << Fixed(http_rps, 1) << " | "
     << (in != nullptr ? Fixed(in_rps, 1) : "—") << " | " << Ratio(http_rps, in_rps) << " |  |\n";
  md << "| cycles in the window | " << Grouped(http.cycles) << " in " << Fixed(http.seconds, 1)
     << " s | "
     << (in != nullptr ? Grouped(in->cycles) + " in " + Fixed(in->seconds, 1) + " s" : "—")
     << " |  |  |\n";
  for (const char* kind : {"claim", "submit", "cycle"}) {
    const bool target = judged && std::string(kind) != "cycle";
    const LatencySummary& h = LatencyOf(http, kind);
    md << "| " << kind << " latency p50 / p90 / p99 / max, ms | " << LatencyCell(h, target) << " | "
       << (in != nullptr ? LatencyCell(LatencyOf(*in, kind), false) : "—") << " | "
       << (in != nullptr ? "p99 " + Ratio(h.p99, LatencyOf(*in, kind).p99) : "—") << " | "
       << (target ? "p99 < " + Fixed(kTargetP99Ms, 0) + " ms" : "") << " |\n";
  }
  md << "| failed requests | " << ErrorsCell(http) << " | "
     << (in != nullptr ? ErrorsCell(*in) : "—") << " |  | none |\n";
  md << "| claims that found nothing waiting | " << Grouped(http.empty_claims) << " | "
     << (in != nullptr ? Grouped(in->empty_claims) : "—")
     << " |  | none (the seed is big enough) |\n";
  md << "| peak memory (VmHWM) | server "
     << (http.server_peak_rss_mb ? Fixed(*http.server_peak_rss_mb, 1) + " MB" : "not measured");
  if (http.server_peak_rss_mb_at_start) {
    md << " (" << Fixed(*http.server_peak_rss_mb_at_start, 1) << " MB after the logins)";
  }
  md << "; load client " << Fixed(http.client_peak_rss_mb, 1) << " MB | "
     << (in != nullptr ? Fixed(in->client_peak_rss_mb, 1) + " MB (the whole process)" : "—")
     << " |  |  |\n";
  md << "| CPU time in the window | server "
     << (http.server_cpu_seconds ? Fixed(*http.server_cpu_seconds, 1) + " s" : "not measured")
     << " + load client " << Fixed(http.client_cpu_seconds, 1) << " s | "
     << (in != nullptr ? Fixed(in->client_cpu_seconds, 1) + " s" : "—") << " |  |  |\n";
  md << "| integrity | " << IntegrityCell(run.http_integrity) << " | "
     << (run.in_process_integrity ? IntegrityCell(*run.in_process_integrity) : "—")
     << " |  | no task lost or handed out twice |\n";

  auto problems = [&](const char* which, const IntegrityResult& r) {
    for (const std::string& p : r.problems) md << "- " << which << ": " << p << "\n";
  };
  if (!run.http_integrity.ok() || (run.in_process_integrity && !run.in_process_integrity->ok())) {
    md << "\nIntegrity problems:\n\n";
    problems("HTTP", run.http_integrity);
    if (run.in_process_integrity) problems("in process", *run.in_process_integrity);
  }
  auto first_errors = [&](const char* which, const LoadReport& r) {
    for (const auto& [key, message] : r.first_error) {
      md << "- " << which << ", " << key << ": " << (message.empty() ? "(no message)" : message)
         << "\n";
    }
  };
  if (!http.first_error.empty() || (in != nullptr && !in->first_error.empty())) {
    md << "\nFirst error of each kind:\n\n";
    first_errors("HTTP", http);
    if (in != nullptr) first_errors("in process", *in);
  }
}

}  // namespace

std::string RenderMarkdown(const RunFigures& f) {
  std::ostringstream md;
  md << "Run " << f.date << " on " << f.machine << ". ";
  if (f.seed.is_object()) {
    md << "Seed: " << Grouped(f.seed.value("documents", std::int64_t{0})) << " documents with "
       << Grouped(f.seed.value("tasks", std::int64_t{0})) << " open review tasks";
    if (f.seed.contains("tasks_by_type") && f.seed["tasks_by_type"].is_object()) {
      md << " (";
      bool first = true;
      for (const auto& [type, n] : f.seed["tasks_by_type"].items()) {
        md << (first ? "" : ", ") << type << " " << Grouped(n.get<std::int64_t>());
        first = false;
      }
      md << ")";
    }
    md << ", made in " << Fixed(f.seed.value("seconds", 0.0), 1) << " s; every run starts "
       << "from a copy of it. ";
  }
  if (!f.runs.empty()) {
    md << f.runs.front().http.reviewers << " reviewers. The load client and the server share "
       << "the same cores.\n";
  }
  for (const StorageRun& run : f.runs) {
    md << "\n#### " << StorageTitle(run.storage) << "\n\n";
    RenderTable(md, run, run.storage == "disk");
  }
  md << "\nA cycle is one claim (`POST /api/review/next`) that got a task and its successful "
        "submit (`POST /api/review/tasks/ID/submit` with the pre-fill); cycles/s = cycles ÷ the "
        "window. Latencies are measured by the load client with `steady_clock` around each "
        "request (over HTTP: loopback, keep-alive, one connection per reviewer). CPU time is "
        "user + system time during the window";
  if (!f.server_command.empty()) md << "; the server ran as `" << f.server_command << "`";
  md << ".\n";
  return md.str();
}

}  // namespace adbridge::bench
