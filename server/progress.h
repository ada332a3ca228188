// Progress of a long run on a terminal: count, rate and time left, redrawn in place on stderr.
// Quiet when stdout or stderr is not a terminal, so scripts and pipes see only the results.
//
//   Progress progress(files.size(), {"取り込み", "ingest"});
//   for (...) { ...; progress.Step(); }
//   progress.Finish();
//
// Thread-safety: one thread.
#ifndef ADBRIDGE_SERVER_PROGRESS_H_
#define ADBRIDGE_SERVER_PROGRESS_H_

#include <chrono>
#include <cstddef>

#include "models/status.h"

namespace adbridge::server {

class Progress {
 public:
  Progress(std::size_t total, Text label);
  ~Progress();

  void Step();
  // Clears the progress line. Called by the destructor if not before.
  void Finish();

 private:
  void Draw();

  std::size_t total_;
  std::size_t done_ = 0;
  Text label_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_PROGRESS_H_
