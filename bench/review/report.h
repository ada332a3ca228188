// The review benchmark's results: for each place the data lived (on disk, as installed; in
// memory, where a commit does not wait for the disk), the HTTP run beside the in-process
// baseline with their ratio, the targets, the server's memory and CPU, and the integrity
// checks (bench/README.md, "Review queue", shows them).
//
//   RunFigures figures{.date = ..., .machine = ..., .seed = ..., .storages = {disk, memory}};
//   std::cout << RenderMarkdown(figures);
//
// Thread-safety: plain functions over values.
#ifndef ADBRIDGE_BENCH_REVIEW_REPORT_H_
#define ADBRIDGE_BENCH_REVIEW_REPORT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench/review/integrity.h"
#include "bench/review/load.h"

namespace adbridge::bench {

inline constexpr double kTargetCyclesPerSecond = 1000;
inline constexpr double kTargetP99Ms = 50;

// One run: its load report and the integrity check of its copy of the seed.
struct RunResult {
  LoadReport report;
  IntegrityResult integrity;
};

// The runs made with the data in one place ("disk" or "memory"), each on its own copy of the
// seed, in the order they ran: typically HTTP as fast as it answers, HTTP at the target rate,
// and in process as fast as it answers.
struct StorageRun {
  std::string storage;
  std::vector<RunResult> runs;
};

struct RunFigures {
  std::string date;     // when the run was made
  std::string machine;  // cores, CPU, memory, load before the run
  nlohmann::json seed;  // the seed tool's summary line
  std::vector<StorageRun> storages;
  std::string server_command;  // how the server was started
};

// Markdown for bench/README.md: a sentence on the run, a table per storage (a column per run,
// and HTTP ÷ in process between the two unpaced runs), the notes. The targets are marked on
// the disk runs only, as adbridge is installed: cycles/s on the unpaced HTTP run (what the
// server can take), p99 on the HTTP run paced at the target rate when there is one.
std::string RenderMarkdown(const RunFigures& figures);

}  // namespace adbridge::bench

#endif  // ADBRIDGE_BENCH_REVIEW_REPORT_H_
