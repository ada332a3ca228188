// Running the built adbridge program in a test, as people and scripts run it: arguments in,
// stdout, stderr and the exit code out.
//
//   RunResult run = RunAdbridge(scratch_dir, "forms list --data " + Quote(data));
//   ASSERT_EQ(run.exit_code, 0) << run.err;
//   for (const nlohmann::json& line : run.JsonLines()) { ... }
//
// The test target defines ADBRIDGE_BINARY, the path of the program.
// Thread-safety: one run at a time per scratch folder.
#ifndef ADBRIDGE_TESTS_SERVER_CLI_RUNNER_H_
#define ADBRIDGE_TESTS_SERVER_CLI_RUNNER_H_

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace adbridge::test_support {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;

  // Each line of stdout parsed as JSON.
  std::vector<nlohmann::json> JsonLines() const;
  int ErrLines() const;
};

// `s` quoted for the shell.
std::string Quote(const std::string& s);
// The whole file, as bytes.
std::string Slurp(const std::filesystem::path& file);

// Runs `adbridge ARGS` with `env` (assignments put before the command) and `input` on stdin
// (or /dev/null), capturing stdout and stderr in files in `scratch`.
RunResult RunAdbridge(const std::filesystem::path& scratch, const std::string& args,
                      const std::string& env = "ADBRIDGE_LANG=en",
                      const std::optional<std::string>& input = std::nullopt);

}  // namespace adbridge::test_support

#endif  // ADBRIDGE_TESTS_SERVER_CLI_RUNNER_H_
