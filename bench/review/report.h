// The review benchmark's results: for each place the data lived (on disk, as installed; in
// memory, where a commit does not wait for the disk), the HTTP run beside the in-process
// baseline with their ratio, the targets, the server's memory and CPU, and the integrity
// checks (bench/README.md, "Review queue", shows them).
//
//   RunFigures figures{.date = ..., .machine = ..., .seed = ..., .runs = {disk, memory}};
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

// The runs on one copy of the seed, kept in one place (disk or memory).
struct StorageRun {
  std::string storage;  // "disk" or "memory"
  LoadReport http;
  IntegrityResult http_integrity;
  std::optional<LoadReport> in_process;
  std::optional<IntegrityResult> in_process_integrity;
};

struct RunFigures {
  std::string date;     // when the run was made
  std::string machine;  // cores, CPU, memory, load before the run
  nlohmann::json seed;  // the seed tool's summary line
  std::vector<StorageRun> runs;
  std::string server_command;  // how the server was started
};

// Markdown for bench/README.md: a sentence on the run, a table per storage, the notes. The
// targets are marked on the disk run only: that is how adbridge is installed.
std::string RenderMarkdown(const RunFigures& figures);

}  // namespace adbridge::bench

#endif  // ADBRIDGE_BENCH_REVIEW_REPORT_H_
