// The review benchmark's load: simulated reviewers, each on its own thread, claiming the next
// task and submitting its pre-fill as fast as the queue answers, for a fixed time; and the
// figures that come out of it (bench/README.md, "Review queue").
//
//   std::vector<std::unique_ptr<Reviewer>> reviewers = ...;  // HttpReviewer, InProcessReviewer
//   LoadReport report = RunLoad(reviewers, {.seconds = 60});
//   std::cout << ReportToJson(report).dump();
//
// The loop is the same whichever way a Reviewer reaches the queue, so the HTTP run and the
// in-process baseline measure the same cycles and their ratio is what the HTTP layer costs.
//
// Thread-safety: RunLoad calls each Reviewer from one thread only (its own); reviewers must
// not share state that is not safe for concurrent use. The other functions work on values.
#ifndef ADBRIDGE_BENCH_REVIEW_LOAD_H_
#define ADBRIDGE_BENCH_REVIEW_LOAD_H_

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "models/status.h"

namespace adbridge::bench {

// What one request to the queue came back with. `error` is empty on success, else what went
// wrong in words that group alike failures: the HTTP status ("409") over HTTP, the Status
// code's name ("failed_precondition") in process, "transport" when no answer came.
struct Answer {
  std::string error;
  std::string detail;  // the error's message, for the first few of each kind
  bool ok() const { return error.empty(); }
};

struct ClaimAnswer : Answer {
  // Set when a task was handed out; unset with ok() when nothing is waiting.
  std::optional<std::int64_t> task_id;
  std::string field_type;
  std::string prefill;
  bool blind = false;
};

struct SubmitAnswer : Answer {
  std::string result;  // "verified", "recorded", "disagreement" or "unreadable"
};

// One simulated reviewer's way to the queue.
class Reviewer {
 public:
  virtual ~Reviewer() = default;
  virtual const std::string& name() const = 0;
  // Before the measured window: log in (HTTP) or look the user up (in process).
  virtual Answer Start() = 0;
  virtual ClaimAnswer Next(const std::optional<std::string>& field_type) = 0;
  virtual SubmitAnswer Submit(std::int64_t task_id, const std::string& value) = 0;
};

// The value a reviewer submits for a claimed task: the pre-fill (the seed makes every pre-fill
// valid), or for a blind task a valid value of its type.
std::string ValueToSubmit(const ClaimAnswer& claim);

struct LoadOptions {
  double seconds = 60;
  std::optional<std::string> field_type;  // ask the queue for one field type only
  // A reviewer stops (and the report says so) after this many failed requests in a row, so a
  // broken server cannot turn the run into a tight loop of errors.
  int max_consecutive_errors = 100;
  // The server's process, when it runs on this machine: its CPU time during the window and its
  // peak memory at the end go into the report.
  std::optional<int> server_pid;
  // Cycles per second for all reviewers together; 0: each reviewer starts its next cycle as
  // soon as the last one ended (the most the queue can take). With a rate, each reviewer
  // starts its cycles on a fixed schedule (reviewers ÷ rate apart, staggered), so latency is
  // measured at that load rather than at saturation; a reviewer that falls behind starts late
  // and the report's "lag" says by how much.
  double rate = 0;
  // A folder on the disk the data is on: during the window a probe thread writes 4 KiB there
  // and calls fdatasync every 100 ms, so the report says what a commit's wait for the disk
  // cost while the run went on.
  std::optional<std::string> fsync_probe_dir;
};

// Latencies of one kind of request, in milliseconds.
struct LatencySummary {
  std::int64_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
};
// Nearest-rank percentiles of `micros` (microseconds); sorts it.
LatencySummary Summarize(std::vector<std::int64_t>& micros);

struct ReviewerLog {
  std::string name;
  std::vector<std::int64_t> claimed;    // every task id handed to this reviewer, in order
  std::vector<std::int64_t> submitted;  // tasks whose submit succeeded
  bool started = false;
  bool gave_up = false;  // stopped after max_consecutive_errors
};

struct LoadReport {
  std::string mode;  // "http" or "in_process"
  int reviewers = 0;
  double rate = 0;          // LoadOptions::rate (0: as fast as the queue answers)
  double seconds = 0;       // the measured window, from the common start to the last reviewer's end
  std::int64_t cycles = 0;  // a claim that got a task and its successful submit
  std::int64_t requests = 0;      // claims (with or without a task) and submits, failed ones too
  std::int64_t empty_claims = 0;  // claims that found nothing waiting: the seed ran dry
  // "start", "claim", "submit", "cycle"; "lag" (paced runs: how late cycles started) and
  // "fsync" (the probe's fdatasync) when measured.
  std::map<std::string, LatencySummary> latency;
  // kind ("start", "claim", "submit") -> error ("409") -> count
  std::map<std::string, std::map<std::string, std::int64_t>> errors;
  std::map<std::string, std::string> first_error;      // "claim 409" -> its message
  std::map<std::string, std::int64_t> submit_results;  // "verified" -> count
  std::vector<ReviewerLog> logs;
  // Task ids handed out more than once (to two reviewers, or twice to one).
  std::vector<std::int64_t> claimed_twice;
  double client_cpu_seconds = 0;             // user + system time of this process during the window
  double client_peak_rss_mb = 0;             // this process's VmHWM at the end
  std::optional<double> server_cpu_seconds;  // the server's user + system time in the window
  std::optional<double> server_peak_rss_mb;  // the server's VmHWM at the end, before it stops
  // Its VmHWM when the window started, after every reviewer logged in: the logins' password
  // hashing (Argon2id, 64 MiB each) may set the peak before the queue does any work.
  std::optional<double> server_peak_rss_mb_at_start;
};

// Starts every reviewer (concurrently, outside the window), then runs the window: each
// reviewer claims, and when it gets a task, submits ValueToSubmit; a cycle's latency runs
// from the claim's start to the submit's end. A claim is never left without its submit when
// the time runs out: the clock is read before each claim only.
LoadReport RunLoad(const std::vector<std::unique_ptr<Reviewer>>& reviewers,
                   const LoadOptions& options);

// The report as JSON (bench/README.md lists the keys), and back (for the integrity check and
// the results table). FromJson returns InvalidArgument naming the key that is missing.
nlohmann::ordered_json ReportToJson(const LoadReport& report);
Result<LoadReport> ReportFromJson(const nlohmann::json& json);

// A line for people: cycles/s, requests/s, claim and submit p50/p99, errors.
std::string ReportSummaryLine(const LoadReport& report);

}  // namespace adbridge::bench

#endif  // ADBRIDGE_BENCH_REVIEW_LOAD_H_
