// What the fuzz targets of tests/fuzz share: a data directory of their own for the targets that
// need a store, and where the bundled forms are.
//
// Each target defines LLVMFuzzerTestOneInput. Built with clang and -fsanitize=fuzzer (the
// ADBRIDGE_FUZZ configuration) it is a libFuzzer binary; in the ordinary build it is linked with
// replay_main.cc into a program that runs the committed corpus and regression inputs once each,
// as a plain test.
//
// Thread-safety: the fuzz targets run inputs one at a time, on one thread.
#ifndef ADBRIDGE_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define ADBRIDGE_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace adbridge::fuzz {

// The source tree, for the bundled forms and samples.
inline std::filesystem::path SourceDir() { return ADBRIDGE_SOURCE_DIR; }

// A fresh, empty folder for one fuzzing process, in memory when the machine has /dev/shm (a
// store's fsyncs then cost nothing, so the fuzzer runs more inputs), removed when the process
// ends normally.
inline std::filesystem::path FreshDataDir(const std::string& prefix) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path base =
      fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
  fs::path dir = base / (prefix + std::to_string(::getpid()));
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    std::abort();
  }
  static const fs::path* to_remove = nullptr;
  if (to_remove == nullptr) {
    to_remove = new fs::path(dir);
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(*to_remove, ignored);
    });
  }
  return dir;
}

// Stops the fuzzer with a message when a setup step fails: that is a broken harness, not a
// finding, and must not pass silently.
[[noreturn]] inline void SetupFailed(const std::string& what) {
  std::fprintf(stderr, "fuzz setup failed: %s\n", what.c_str());
  std::abort();
}

}  // namespace adbridge::fuzz

#endif  // ADBRIDGE_TESTS_FUZZ_FUZZ_SUPPORT_H_
