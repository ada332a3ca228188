#include "tests/server/cli_runner.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace adbridge::test_support {

namespace fs = std::filesystem;

std::vector<nlohmann::json> RunResult::JsonLines() const {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

int RunResult::ErrLines() const {
  int n = 0;
  for (char c : err) n += c == '\n';
  return n;
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

RunResult RunAdbridge(const fs::path& scratch, const std::string& args, const std::string& env,
                      const std::optional<std::string>& input) {
  const fs::path out = scratch / "stdout", err = scratch / "stderr", in = scratch / "stdin";
  if (input) std::ofstream(in, std::ios::binary) << *input;
  const std::string command = env + " " + Quote(ADBRIDGE_BINARY) + " " + args + " > " + Quote(out) +
                              " 2> " + Quote(err) + " < " +
                              (input ? Quote(in) : std::string("/dev/null"));
  const int status = std::system(command.c_str());
  return {WEXITSTATUS(status), Slurp(out), Slurp(err)};
}

}  // namespace adbridge::test_support
