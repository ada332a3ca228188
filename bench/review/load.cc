#include "bench/review/load.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <utility>

namespace adbridge::bench {
namespace {

using Clock = std::chrono::steady_clock;

Clock::duration Seconds(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

std::int64_t MicrosBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::microseconds>(b - a).count();
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// VmHWM (peak resident memory) of a process in MB, from /proc; nullopt when it does not say.
std::optional<double> PeakRssMb(const std::string& pid) {
  std::ifstream status("/proc/" + pid + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      double kb = 0;
      if (fields >> kb) return kb / 1024;
    }
  }
  return std::nullopt;
}

// User + system CPU time of another process so far, from /proc/PID/stat (fields 14 and 15,
// after the command name in parentheses, which may hold spaces).
std::optional<double> ProcessCpuSeconds(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  // After ")": state is field 3, so utime (14) is the 12th from here.
  for (int i = 3; i < 14; ++i) fields >> field;
  double utime = 0, stime = 0;
  if (!(fields >> utime >> stime)) return std::nullopt;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// What one reviewer's thread measured; merged into the report after the threads end.
struct ThreadLog {
  ReviewerLog log;
  std::vector<std::int64_t> start_us, claim_us, submit_us, cycle_us, lag_us;
  std::map<std::string, std::map<std::string, std::int64_t>> errors;
  std::map<std::string, std::string> first_error;
  std::map<std::string, std::int64_t> submit_results;
  std::int64_t requests = 0, empty_claims = 0;
  Clock::time_point end;

  void Error(const std::string& kind, const Answer& answer) {
    ++errors[kind][answer.error];
    first_error.try_emplace(kind + " " + answer.error, answer.detail);
  }
};

// Lets every reviewer start (log in) before anyone's clock runs, so the window measures the
// queue and not the password hashing.
class StartLine {
 public:
  StartLine(int parties, std::optional<int> server_pid)
      : waiting_(parties), server_pid_(server_pid) {}
  // Blocks until every party arrived; returns the common start time.
  Clock::time_point Arrive() {
    std::unique_lock lock(mu_);
    if (--waiting_ == 0) {
      start_ = Clock::now();
      cpu_at_start_ = CpuSeconds();
      if (server_pid_) {
        server_cpu_at_start_ = ProcessCpuSeconds(*server_pid_);
        server_peak_at_start_ = PeakRssMb(std::to_string(*server_pid_));
      }
      cv_.notify_all();
    } else {
      cv_.wait(lock, [this] { return waiting_ == 0; });
    }
    return start_;
  }
  // After every party arrived: when the window started, and this process's CPU time then.
  Clock::time_point start() const { return start_; }
  double cpu_at_start() const { return cpu_at_start_; }
  std::optional<double> server_cpu_at_start() const { return server_cpu_at_start_; }
  std::optional<double> server_peak_at_start() const { return server_peak_at_start_; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_;
  const std::optional<int> server_pid_;
  Clock::time_point start_;
  double cpu_at_start_ = 0;
  std::optional<double> server_cpu_at_start_;
  std::optional<double> server_peak_at_start_;
};

// One reviewer's thread: start, wait for the others, then cycles until the deadline. `index`
// of `count` staggers a paced reviewer's schedule so the reviewers together keep the rate.
void RunReviewer(Reviewer& reviewer, int index, int count, const LoadOptions& options,
                 StartLine& start_line, ThreadLog& out) {
  out.log.name = reviewer.name();
  const Clock::time_point t_start = Clock::now();
  const Answer started = reviewer.Start();
  out.start_us.push_back(MicrosBetween(t_start, Clock::now()));
  if (!started.ok()) out.Error("start", started);
  out.log.started = started.ok();
  const Clock::time_point start = start_line.Arrive();
  const Clock::time_point deadline = start + Seconds(options.seconds);
  const bool paced = options.rate > 0;
  const Clock::duration interval = paced ? Seconds(count / options.rate) : Clock::duration{};
  Clock::time_point scheduled = paced ? start + Seconds(index / options.rate) : start;
  int consecutive_errors = 0;
  auto failed = [&](const std::string& kind, const Answer& answer) {
    out.Error(kind, answer);
    if (++consecutive_errors >= options.max_consecutive_errors) out.log.gave_up = true;
  };
  while (out.log.started && !out.log.gave_up) {
    if (paced) {
      if (scheduled >= deadline) break;
      std::this_thread::sleep_until(scheduled);
      out.lag_us.push_back(MicrosBetween(scheduled, Clock::now()));
      scheduled += interval;
    } else if (Clock::now() >= deadline) {
      break;
    }
    const Clock::time_point t0 = Clock::now();
    const ClaimAnswer claim = reviewer.Next(options.field_type);
    const Clock::time_point t1 = Clock::now();
    ++out.requests;
    out.claim_us.push_back(MicrosBetween(t0, t1));
    if (!claim.ok()) {
      failed("claim", claim);
      continue;
    }
    if (!claim.task_id) {
      // Nothing waits: the seed was too small for the run. Ask again a little later rather
      // than spin; the report flags every empty claim.
      ++out.empty_claims;
      if (!paced) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    out.log.claimed.push_back(*claim.task_id);
    const SubmitAnswer submit = reviewer.Submit(*claim.task_id, ValueToSubmit(claim));
    const Clock::time_point t2 = Clock::now();
    ++out.requests;
    out.submit_us.push_back(MicrosBetween(t1, t2));
    if (!submit.ok()) {
      failed("submit", submit);
      continue;
    }
    consecutive_errors = 0;
    out.log.submitted.push_back(*claim.task_id);
    ++out.submit_results[submit.result];
    out.cycle_us.push_back(MicrosBetween(t0, t2));
  }
  out.end = Clock::now();
}

// Owns a file descriptor.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// The disk's answer time while the run goes on: every 100 ms of the window, 4 KiB written to a
// file in `dir` and fdatasync'd, as a SQLite commit does to its WAL. Returns the latencies;
// none when the file cannot be made.
std::vector<std::int64_t> ProbeFsync(const std::string& dir, double seconds,
                                     StartLine& start_line) {
  const std::string path = dir + "/fsync-probe.tmp";
  FileDescriptor file(open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600));
  const Clock::time_point start = start_line.Arrive();
  std::vector<std::int64_t> micros;
  if (file.get() < 0) return micros;
  const Clock::time_point deadline = start + Seconds(seconds);
  std::vector<char> block(4096, 'x');
  for (int k = 0; Clock::now() < deadline; ++k) {
    const off_t offset = static_cast<off_t>(k % 256) * 4096;
    if (pwrite(file.get(), block.data(), block.size(), offset) < 0) break;
    const Clock::time_point t0 = Clock::now();
    if (fdatasync(file.get()) != 0) break;
    micros.push_back(MicrosBetween(t0, Clock::now()));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  unlink(path.c_str());
  return micros;
}

template <typename T>
void MergeCounts(std::map<std::string, T>& into, const std::map<std::string, T>& from) {
  for (const auto& [key, n] : from) into[key] += n;
}

nlohmann::ordered_json LatencyToJson(const LatencySummary& s) {
  auto ms = [](double v) { return std::round(v * 1000) / 1000; };
  return {{"count", s.count}, {"mean", ms(s.mean)}, {"p50", ms(s.p50)},
          {"p90", ms(s.p90)}, {"p99", ms(s.p99)},   {"max", ms(s.max)}};
}

}  // namespace

std::string ValueToSubmit(const ClaimAnswer& claim) {
  if (!claim.blind && !claim.prefill.empty()) return claim.prefill;
  static const std::unordered_map<std::string, std::string> kValid = {
      {"date", "1950-04-01"},  {"postal_code", "390-0001"},
      {"phone", "0263520280"}, {"kana", "ヤマダ タロウ"},
      {"integer", "1"},        {"checkbox", "true"},
      {"digits", "1234"},      {"text", "山田 太郎"}};
  auto it = kValid.find(claim.field_type);
  return it != kValid.end() ? it->second : claim.prefill;
}

LatencySummary Summarize(std::vector<std::int64_t>& micros) {
  LatencySummary s;
  s.count = static_cast<std::int64_t>(micros.size());
  if (micros.empty()) return s;
  std::sort(micros.begin(), micros.end());
  auto rank = [&](double p) {
    // Nearest rank: the smallest value with at least p of the samples at or below it.
    std::size_t i = static_cast<std::size_t>(std::ceil(p * static_cast<double>(micros.size())));
    return micros[std::clamp<std::size_t>(i, 1, micros.size()) - 1] / 1000.0;
  };
  double sum = 0;
  for (std::int64_t v : micros) sum += static_cast<double>(v);
  s.mean = sum / static_cast<double>(micros.size()) / 1000.0;
  s.p50 = rank(0.50);
  s.p90 = rank(0.90);
  s.p99 = rank(0.99);
  s.max = micros.back() / 1000.0;
  return s;
}

LoadReport RunLoad(const std::vector<std::unique_ptr<Reviewer>>& reviewers,
                   const LoadOptions& options) {
  const int n = static_cast<int>(reviewers.size());
  std::vector<ThreadLog> logs(reviewers.size());
  StartLine start_line(n + (options.fsync_probe_dir ? 1 : 0), options.server_pid);
  std::vector<std::int64_t> fsync_us;
  {
    std::vector<std::thread> threads;
    threads.reserve(reviewers.size() + 1);
    for (int i = 0; i < n; ++i) {
      threads.emplace_back(
          [&, i] { RunReviewer(*reviewers[i], i, n, options, start_line, logs[i]); });
    }
    if (options.fsync_probe_dir) {
      threads.emplace_back(
          [&] { fsync_us = ProbeFsync(*options.fsync_probe_dir, options.seconds, start_line); });
    }
    for (std::thread& t : threads) t.join();
  }
  const double cpu_seconds = CpuSeconds() - start_line.cpu_at_start();

  LoadReport report;
  report.reviewers = n;
  report.rate = options.rate;
  std::vector<std::int64_t> start_us, claim_us, submit_us, cycle_us, lag_us;
  Clock::time_point end = start_line.start();
  for (ThreadLog& t : logs) {
    start_us.insert(start_us.end(), t.start_us.begin(), t.start_us.end());
    claim_us.insert(claim_us.end(), t.claim_us.begin(), t.claim_us.end());
    submit_us.insert(submit_us.end(), t.submit_us.begin(), t.submit_us.end());
    cycle_us.insert(cycle_us.end(), t.cycle_us.begin(), t.cycle_us.end());
    lag_us.insert(lag_us.end(), t.lag_us.begin(), t.lag_us.end());
    for (const auto& [kind, counts] : t.errors) MergeCounts(report.errors[kind], counts);
    for (const auto& [key, message] : t.first_error) report.first_error.try_emplace(key, message);
    MergeCounts(report.submit_results, t.submit_results);
    report.requests += t.requests;
    report.empty_claims += t.empty_claims;
    report.cycles += static_cast<std::int64_t>(t.cycle_us.size());
    end = std::max(end, t.end);
    report.logs.push_back(std::move(t.log));
  }
  report.seconds = std::chrono::duration<double>(end - start_line.start()).count();
  report.latency["start"] = Summarize(start_us);
  report.latency["claim"] = Summarize(claim_us);
  report.latency["submit"] = Summarize(submit_us);
  report.latency["cycle"] = Summarize(cycle_us);
  if (!lag_us.empty()) report.latency["lag"] = Summarize(lag_us);
  if (!fsync_us.empty()) report.latency["fsync"] = Summarize(fsync_us);

  std::unordered_map<std::int64_t, int> times_claimed;
  for (const ReviewerLog& log : report.logs) {
    for (std::int64_t id : log.claimed) {
      if (++times_claimed[id] == 2) report.claimed_twice.push_back(id);
    }
  }
  std::sort(report.claimed_twice.begin(), report.claimed_twice.end());
  report.client_cpu_seconds = cpu_seconds;
  report.client_peak_rss_mb = PeakRssMb("self").value_or(0);
  if (options.server_pid) {
    const std::optional<double> cpu_at_end = ProcessCpuSeconds(*options.server_pid);
    if (cpu_at_end && start_line.server_cpu_at_start()) {
      report.server_cpu_seconds = *cpu_at_end - *start_line.server_cpu_at_start();
    }
    report.server_peak_rss_mb = PeakRssMb(std::to_string(*options.server_pid));
    report.server_peak_rss_mb_at_start = start_line.server_peak_at_start();
  }
  return report;
}

nlohmann::ordered_json ReportToJson(const LoadReport& report) {
  const double seconds = report.seconds > 0 ? report.seconds : 1;
  nlohmann::ordered_json json = {
      {"mode", report.mode},
      {"reviewers", report.reviewers},
      {"rate", report.rate},
      {"seconds", std::round(report.seconds * 1000) / 1000},
      {"cycles", report.cycles},
      {"cycles_per_second", std::round(report.cycles / seconds * 10) / 10},
      {"requests", report.requests},
      {"requests_per_second", std::round(report.requests / seconds * 10) / 10},
      {"empty_claims", report.empty_claims},
  };
  nlohmann::ordered_json latency = nlohmann::ordered_json::object();
  for (const auto& [kind, summary] : report.latency) latency[kind] = LatencyToJson(summary);
  json["latency_ms"] = latency;
  json["errors"] = report.errors;
  json["first_error"] = report.first_error;
  json["submit_results"] = report.submit_results;
  json["claimed_twice"] = report.claimed_twice;
  json["client_cpu_seconds"] = std::round(report.client_cpu_seconds * 100) / 100;
  json["client_peak_rss_mb"] = std::round(report.client_peak_rss_mb * 10) / 10;
  if (report.server_cpu_seconds) {
    json["server_cpu_seconds"] = std::round(*report.server_cpu_seconds * 100) / 100;
  }
  if (report.server_peak_rss_mb) {
    json["server_peak_rss_mb"] = std::round(*report.server_peak_rss_mb * 10) / 10;
  }
  if (report.server_peak_rss_mb_at_start) {
    json["server_peak_rss_mb_at_start"] = std::round(*report.server_peak_rss_mb_at_start * 10) / 10;
  }
  nlohmann::ordered_json reviewers = nlohmann::ordered_json::array();
  for (const ReviewerLog& log : report.logs) {
    reviewers.push_back({{"name", log.name},
                         {"started", log.started},
                         {"gave_up", log.gave_up},
                         {"claimed", log.claimed},
                         {"submitted", log.submitted}});
  }
  json["reviewer_logs"] = reviewers;
  return json;
}

Result<LoadReport> ReportFromJson(const nlohmann::json& json) {
  static constexpr const char* kKeys[] = {
      "mode",       "reviewers", "seconds",        "cycles",        "requests",     "empty_claims",
      "latency_ms", "errors",    "submit_results", "claimed_twice", "reviewer_logs"};
  if (!json.is_object()) {
    return Status::InvalidArgument("負荷の報告が JSON オブジェクトではありません",
                                   "the load report is not a JSON object");
  }
  for (const char* key : kKeys) {
    if (!json.contains(key)) {
      return Status::InvalidArgument(std::string("負荷の報告に ") + key + " がありません",
                                     std::string("the load report has no ") + key);
    }
  }
  try {
    LoadReport report;
    report.mode = json.at("mode").get<std::string>();
    report.reviewers = json.at("reviewers").get<int>();
    report.rate = json.value("rate", 0.0);
    report.seconds = json.at("seconds").get<double>();
    report.cycles = json.at("cycles").get<std::int64_t>();
    report.requests = json.at("requests").get<std::int64_t>();
    report.empty_claims = json.at("empty_claims").get<std::int64_t>();
    for (const auto& [kind, s] : json.at("latency_ms").items()) {
      report.latency[kind] = {s.at("count").get<std::int64_t>(), s.at("mean").get<double>(),
                              s.at("p50").get<double>(),         s.at("p90").get<double>(),
                              s.at("p99").get<double>(),         s.at("max").get<double>()};
    }
    report.errors = json.at("errors").get<decltype(report.errors)>();
    report.first_error = json.value("first_error", decltype(report.first_error){});
    report.submit_results = json.at("submit_results").get<decltype(report.submit_results)>();
    report.claimed_twice = json.at("claimed_twice").get<std::vector<std::int64_t>>();
    report.client_cpu_seconds = json.value("client_cpu_seconds", 0.0);
    report.client_peak_rss_mb = json.value("client_peak_rss_mb", 0.0);
    if (json.contains("server_cpu_seconds")) {
      report.server_cpu_seconds = json["server_cpu_seconds"].get<double>();
    }
    if (json.contains("server_peak_rss_mb")) {
      report.server_peak_rss_mb = json["server_peak_rss_mb"].get<double>();
    }
    if (json.contains("server_peak_rss_mb_at_start")) {
      report.server_peak_rss_mb_at_start = json["server_peak_rss_mb_at_start"].get<double>();
    }
    for (const nlohmann::json& r : json.at("reviewer_logs")) {
      ReviewerLog log;
      log.name = r.at("name").get<std::string>();
      log.started = r.at("started").get<bool>();
      log.gave_up = r.at("gave_up").get<bool>();
      log.claimed = r.at("claimed").get<std::vector<std::int64_t>>();
      log.submitted = r.at("submitted").get<std::vector<std::int64_t>>();
      report.logs.push_back(std::move(log));
    }
    return report;
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument("負荷の報告が読めません: " + std::string(e.what()),
                                   "cannot read the load report: " + std::string(e.what()));
  }
}

std::string ReportSummaryLine(const LoadReport& report) {
  const double seconds = report.seconds > 0 ? report.seconds : 1;
  std::ostringstream line;
  line.setf(std::ios::fixed);
  line.precision(1);
  line << report.mode << ": " << report.reviewers << " reviewers";
  if (report.rate > 0) line << " paced at " << report.rate << " cycles/s";
  line << ", " << report.seconds << " s, " << report.cycles
       << " cycles = " << report.cycles / seconds << " cycles/s, " << report.requests / seconds
       << " requests/s";
  line.precision(2);
  for (const char* kind : {"claim", "submit", "cycle", "lag", "fsync"}) {
    auto it = report.latency.find(kind);
    if (it == report.latency.end()) continue;
    line << "; " << kind << " p50 " << it->second.p50 << " ms p99 " << it->second.p99 << " ms";
  }
  std::int64_t errors = 0;
  for (const auto& [kind, counts] : report.errors) {
    for (const auto& [error, n] : counts) errors += n;
  }
  line << "; errors " << errors << ", empty claims " << report.empty_claims
       << ", tasks claimed twice " << report.claimed_twice.size();
  return line.str();
}

}  // namespace adbridge::bench
