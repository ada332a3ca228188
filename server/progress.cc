#include "server/progress.h"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <utility>

namespace adbridge::server {

Progress::Progress(std::size_t total, Text label)
    : total_(total),
      label_(std::move(label)),
      enabled_(isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1 && total > 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Finish(); }

void Progress::Step() {
  ++done_;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && done_ < total_) return;
  last_draw_ = now;
  Draw();
}

void Progress::Draw() {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = seconds > 0 ? done_ / seconds : 0;
  const double left = rate > 0 ? (total_ - done_) / rate : 0;
  const bool ja = DefaultLang() == Lang::kJa;
  std::fprintf(stderr, ja ? "\r\033[K%s %zu/%zu  %.1f 件/秒  残り %.0f 秒"
                          : "\r\033[K%s %zu/%zu  %.1f/s  %.0f s left",
               label_.In(DefaultLang()).c_str(), done_, total_, rate, left);
  std::fflush(stderr);
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_ && done_ > 0) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

}  // namespace adbridge::server
