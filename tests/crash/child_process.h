// Running the built adbridge program as a separate process that a test can kill: its
// arguments and environment in, stdout and stderr captured in files, SIGKILL at a chosen
// moment.
//
//   ChildProcess child = ChildProcess::Start(scratch, {"--data", data, "process"});
//   ChildExit done = child.WaitOrKill(std::chrono::milliseconds(250));
//   if (done.killed) { ...check what the crash left... }
//
// The test target defines ADBRIDGE_BINARY, the path of the program; the environment variable
// ADBRIDGE_PROGRAM, when set, names another build to run instead.
// Thread-safety: one ChildProcess per thread; Start may run from several threads at once.
#ifndef ADBRIDGE_TESTS_CRASH_CHILD_PROCESS_H_
#define ADBRIDGE_TESTS_CRASH_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/server/cli_runner.h"  // Slurp

namespace adbridge::test_support {

struct ChildExit {
  bool killed = false;  // the test killed it while it still ran
  int exit_code = -1;   // when it ended by itself
  int signal = 0;       // the signal that ended it (SIGKILL when killed, or a crash point)
  std::string out;
  std::string err;

  // Each line of stdout that parses as JSON (a line cut short by a kill is left out).
  std::vector<nlohmann::json> JsonLines() const;
};

class ChildProcess {
 public:
  // Starts `adbridge ARGS` with the test's environment plus `env` ("NAME=value") and
  // ADBRIDGE_LANG=en, stdin from `input` (or /dev/null), stdout and stderr to files in
  // `scratch`. Aborts the test binary when fork fails.
  static ChildProcess Start(const std::filesystem::path& scratch,
                            const std::vector<std::string>& args,
                            const std::vector<std::string>& env = {},
                            const std::optional<std::string>& input = std::nullopt);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ~ChildProcess();  // kills and reaps a child still running

  pid_t pid() const { return pid_; }

  // Whether the program still runs (it is reaped when it has ended).
  bool Running();
  // Waits until the program ends by itself, or kills it with SIGKILL once `after` has passed.
  ChildExit WaitOrKill(std::chrono::microseconds after);
  // Waits until it ends by itself.
  ChildExit Wait();
  // Reads what stdout holds so far (for a server's first line).
  std::string OutSoFar() const;

 private:
  ChildProcess(pid_t pid, std::filesystem::path out, std::filesystem::path err)
      : pid_(pid), out_(std::move(out)), err_(std::move(err)) {}
  ChildExit Finish(int status, bool killed);

  pid_t pid_ = -1;
  std::optional<int> status_;  // once reaped by Running()
  std::filesystem::path out_;
  std::filesystem::path err_;
};

// Runs `adbridge ARGS` to the end.
ChildExit RunToEnd(const std::filesystem::path& scratch, const std::vector<std::string>& args,
                   const std::vector<std::string>& env = {},
                   const std::optional<std::string>& input = std::nullopt);

}  // namespace adbridge::test_support

#endif  // ADBRIDGE_TESTS_CRASH_CHILD_PROCESS_H_
