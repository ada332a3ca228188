// The review benchmark's results table: the HTTP run beside the in-process baseline, with the
// ratio, the targets, the server's memory and CPU, and the integrity checks of both runs
// (bench/README.md, "Review queue", shows it).
//
//   RunFigures figures{.seed = ..., .http = ..., .in_process = ..., ...};
//   std::cout << RenderMarkdown(figures);
//
// Thread-safety: plain functions over values.
#ifndef ADBRIDGE_BENCH_REVIEW_REPORT_H_
#define ADBRIDGE_BENCH_REVIEW_REPORT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bench/review/integrity.h"
#include "bench/review/load.h"

namespace adbridge::bench {

inline constexpr double kTargetCyclesPerSecond = 1000;
inline constexpr double kTargetP99Ms = 50;

struct RunFigures {
  std::string date;     // when the run was made
  std::string machine;  // cores, CPU, memory
  nlohmann::json seed;  // the seed tool's summary line
  LoadReport http;
  IntegrityResult http_integrity;
  std::optional<LoadReport> in_process;
  std::optional<IntegrityResult> in_process_integrity;
  std::string server_command;  // how the server was started
};

// Markdown for bench/README.md: a sentence on the run, the table, the notes.
std::string RenderMarkdown(const RunFigures& figures);

}  // namespace adbridge::bench

#endif  // ADBRIDGE_BENCH_REVIEW_REPORT_H_
