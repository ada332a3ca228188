#include "bench/review/report.h"

#include <cmath>
#include <cstdio>
#include <functional>
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

std::string ColumnTitle(const LoadReport& r) {
  std::string title = r.mode == "http" ? "HTTP (`adbridge serve`)" : "in process (`ReviewQueue`)";
  if (r.rate > 0) return title + ", paced at " + Grouped(std::llround(r.rate)) + " cycles/s";
  return title + ", as fast as it answers";
}

const RunResult* FindRun(const StorageRun& storage, const std::string& mode, bool paced) {
  for (const RunResult& run : storage.runs) {
    if (run.report.mode == mode && (run.report.rate > 0) == paced) return &run;
  }
  return nullptr;
}

// One storage's table: a column per run, then HTTP ÷ in process (unpaced runs), then the
// target. Targets are marked when `judged`.
void RenderTable(std::ostringstream& md, const StorageRun& storage, bool judged) {
  const RunResult* http = FindRun(storage, "http", false);
  const RunResult* paced = FindRun(storage, "http", true);
  const RunResult* in = FindRun(storage, "in_process", false);
  // The p99 target is judged at the target rate when such a run was made.
  const RunResult* latency_judged = paced != nullptr ? paced : http;
  const bool ratio = http != nullptr && in != nullptr;

  md << "| figure |";
  for (const RunResult& run : storage.runs) md << " " << ColumnTitle(run.report) << " |";
  if (ratio) md << " HTTP ÷ in process |";
  md << " target |\n|---|";
  for (std::size_t i = 0; i < storage.runs.size(); ++i) md << "---:|";
  if (ratio) md << "---:|";
  md << "---:|\n";

  // A row: `cell` for each run, then the ratio cell and the target.
  auto row = [&](const std::string& figure,
                 const std::function<std::string(const RunResult&)>& cell,
                 const std::string& ratio_cell, const std::string& target) {
    md << "| " << figure << " |";
    for (const RunResult& run : storage.runs) md << " " << cell(run) << " |";
    if (ratio) md << " " << ratio_cell << " |";
    md << " " << target << " |\n";
  };
  auto cps = [](const RunResult& r) { return PerSecond(r.report.cycles, r.report.seconds); };
  auto rps = [](const RunResult& r) { return PerSecond(r.report.requests, r.report.seconds); };

  row(
      "claim+submit cycles/s",
      [&](const RunResult& r) {
        std::string cell = Fixed(cps(r), 1);
        if (judged && &r == http) cell += Mark(cps(r) >= kTargetCyclesPerSecond);
        if (judged && &r == paced) cell += Mark(cps(r) >= 0.99 * r.report.rate);
        return cell;
      },
      ratio ? Ratio(cps(*http), cps(*in)) : "",
      judged ? "≥ " + Grouped(static_cast<std::int64_t>(kTargetCyclesPerSecond)) + " over HTTP"
             : "");
  row(
      "requests/s (claims + submits)", [&](const RunResult& r) { return Fixed(rps(r), 1); },
      ratio ? Ratio(rps(*http), rps(*in)) : "", "");
  row(
      "cycles in the window",
      [&](const RunResult& r) {
        return Grouped(r.report.cycles) + " in " + Fixed(r.report.seconds, 1) + " s";
      },
      "", "");
  for (const char* kind : {"claim", "submit", "cycle"}) {
    const bool target = judged && std::string(kind) != "cycle";
    row(
        std::string(kind) + " latency p50 / p90 / p99 / max, ms",
        [&](const RunResult& r) {
          return LatencyCell(LatencyOf(r.report, kind), target && &r == latency_judged);
        },
        // No ratio: with reviewers that never pause, latency is set by how many wait (Little's
        // law) and, in process, by who wins the store's lock, not by what a request costs.
        "", target ? "p99 < " + Fixed(kTargetP99Ms, 0) + " ms" : "");
  }
  bool any_lag = false, any_fsync = false;
  for (const RunResult& run : storage.runs) {
    any_lag |= run.report.latency.count("lag") > 0;
    any_fsync |= run.report.latency.count("fsync") > 0;
  }
  if (any_lag) {
    row(
        "late starts (paced): p50 / p90 / p99 / max, ms",
        [&](const RunResult& r) {
          return r.report.latency.count("lag") ? LatencyCell(LatencyOf(r.report, "lag"), false)
                                               : std::string("—");
        },
        "", "");
  }
  if (any_fsync) {
    row(
        "the disk meanwhile: 4 KiB + fdatasync p50 / p90 / p99 / max, ms",
        [&](const RunResult& r) {
          return r.report.latency.count("fsync") ? LatencyCell(LatencyOf(r.report, "fsync"), false)
                                                 : std::string("—");
        },
        "", "");
  }
  row(
      "failed requests", [&](const RunResult& r) { return ErrorsCell(r.report); }, "", "none");
  row(
      "claims that found nothing waiting",
      [&](const RunResult& r) { return Grouped(r.report.empty_claims); }, "",
      "none (the seed is big enough)");
  row(
      "peak memory (VmHWM)",
      [&](const RunResult& r) {
        const LoadReport& l = r.report;
        if (l.mode != "http") return Fixed(l.client_peak_rss_mb, 1) + " MB (the whole process)";
        std::string cell =
            "server " + (l.server_peak_rss_mb ? Fixed(*l.server_peak_rss_mb, 1) + " MB"
                                              : std::string("not measured"));
        if (l.server_peak_rss_mb_at_start) {
          cell += " (" + Fixed(*l.server_peak_rss_mb_at_start, 1) + " MB after the logins)";
        }
        return cell + "; load client " + Fixed(l.client_peak_rss_mb, 1) + " MB";
      },
      "", "");
  row(
      "CPU time in the window",
      [&](const RunResult& r) {
        const LoadReport& l = r.report;
        if (l.mode != "http") return Fixed(l.client_cpu_seconds, 1) + " s";
        return "server " +
               (l.server_cpu_seconds ? Fixed(*l.server_cpu_seconds, 1) + " s"
                                     : std::string("not measured")) +
               " + load client " + Fixed(l.client_cpu_seconds, 1) + " s";
      },
      "", "");
  // The work a cycle costs, whoever does it: what HTTP adds, independent of waiting.
  auto cpu_per_cycle = [](const RunResult& r) -> std::optional<double> {
    const LoadReport& l = r.report;
    if (l.cycles == 0) return std::nullopt;
    double cpu = l.client_cpu_seconds;
    if (l.mode == "http") {
      if (!l.server_cpu_seconds) return std::nullopt;
      cpu += *l.server_cpu_seconds;
    }
    return cpu * 1000 / static_cast<double>(l.cycles);
  };
  std::optional<double> http_cpu = http ? cpu_per_cycle(*http) : std::nullopt;
  std::optional<double> in_cpu = in ? cpu_per_cycle(*in) : std::nullopt;
  row(
      "CPU time per cycle, ms (server + load client, or the process)",
      [&](const RunResult& r) {
        std::optional<double> ms = cpu_per_cycle(r);
        return ms ? Fixed(*ms, 3) : std::string("—");
      },
      ratio && http_cpu && in_cpu ? Ratio(*http_cpu, *in_cpu) : "", "");
  row(
      "integrity", [&](const RunResult& r) { return IntegrityCell(r.integrity); }, "",
      "no task lost or handed out twice");

  bool any_problem = false;
  for (const RunResult& run : storage.runs) any_problem |= !run.integrity.ok();
  if (any_problem) {
    md << "\nIntegrity problems:\n\n";
    for (const RunResult& run : storage.runs) {
      for (const std::string& p : run.integrity.problems) {
        md << "- " << ColumnTitle(run.report) << ": " << p << "\n";
      }
    }
  }
  bool any_error = false;
  for (const RunResult& run : storage.runs) any_error |= !run.report.first_error.empty();
  if (any_error) {
    md << "\nFirst error of each kind:\n\n";
    for (const RunResult& run : storage.runs) {
      for (const auto& [key, message] : run.report.first_error) {
        md << "- " << ColumnTitle(run.report) << ", " << key << ": "
           << (message.empty() ? "(no message)" : message) << "\n";
      }
    }
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
  if (!f.storages.empty() && !f.storages.front().runs.empty()) {
    md << f.storages.front().runs.front().report.reviewers << " reviewers, each on its own "
       << "thread (and connection). The load client and the server share the same cores.\n";
  }
  for (const StorageRun& storage : f.storages) {
    md << "\n#### " << StorageTitle(storage.storage) << "\n\n";
    RenderTable(md, storage, storage.storage == "disk");
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
