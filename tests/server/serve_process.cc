#include "tests/server/serve_process.h"

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "tests/server/cli_runner.h"

namespace adbridge::test_support {

namespace fs = std::filesystem;

bool ServeProcess::Start(const std::string& args) {
  const std::string command = "cd " + Quote(scratch_) + " && (ADBRIDGE_LANG=en " +
                              Quote(ADBRIDGE_BINARY) + " " + args +
                              " > serve.out 2> serve.err & echo $! > serve.pid)";
  if (std::system(command.c_str()) != 0) return false;
  pid_ = std::atoi(Slurp(scratch_ / "serve.pid").c_str());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream out(scratch_ / "serve.out");
    std::string line;
    if (std::getline(out, line)) {
      started_ = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (started_.is_object()) port_ = started_.value("port", 0);
      return port_ != 0;
    }
    if (pid_ > 0 && ::kill(pid_, 0) != 0) return false;  // it ended without a word
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void ServeProcess::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline && ::kill(pid_, 0) == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = 0;
}

std::string ServeProcess::out() const { return Slurp(scratch_ / "serve.out"); }
std::string ServeProcess::err() const { return Slurp(scratch_ / "serve.err"); }

}  // namespace adbridge::test_support
