#include "tests/crash/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

namespace adbridge::test_support {
namespace {

namespace fs = std::filesystem;

extern "C" char** environ;

}  // namespace

std::vector<nlohmann::json> ChildExit::JsonLines() const {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
    if (!parsed.is_discarded()) lines.push_back(std::move(parsed));
  }
  return lines;
}

ChildProcess ChildProcess::Start(const fs::path& scratch, const std::vector<std::string>& args,
                                 const std::vector<std::string>& env,
                                 const std::optional<std::string>& input) {
  static std::atomic<int> counter{0};
  const std::string stem = "child-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
  const fs::path out = scratch / (stem + ".out");
  const fs::path err = scratch / (stem + ".err");
  fs::path in_file = "/dev/null";
  if (input) {
    in_file = scratch / (stem + ".in");
    std::ofstream(in_file, std::ios::binary) << *input;
  }
  // Everything the child needs is made before fork: after it only async-signal-safe calls.
  // ADBRIDGE_PROGRAM runs the tests against another build (an older release, to see what it
  // gets wrong); the one built beside the tests otherwise.
  const char* program = std::getenv("ADBRIDGE_PROGRAM");
  std::vector<std::string> argv_strings{program != nullptr && *program != '\0' ? program
                                                                                : ADBRIDGE_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("ADBRIDGE_LANG=", 0) == 0) continue;
    if (std::string_view(*e).rfind("ADBRIDGE_CRASH_AT=", 0) == 0) continue;
    env_strings.emplace_back(*e);
  }
  env_strings.emplace_back("ADBRIDGE_LANG=en");
  env_strings.emplace_back("OMP_THREAD_LIMIT=1");
  env_strings.insert(env_strings.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    const int in_fd = ::open(in_file.c_str(), O_RDONLY);
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) ::_exit(127);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  return ChildProcess(pid, out, err);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      out_(std::move(other.out_)),
      err_(std::move(other.err_)) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  if (!out_.empty()) fs::remove(out_, ec);
  if (!err_.empty()) fs::remove(err_, ec);
}

ChildExit ChildProcess::Finish(int status, bool killed) {
  pid_ = -1;
  status_.reset();
  ChildExit done;
  done.killed = killed;
  if (WIFEXITED(status)) done.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) done.signal = WTERMSIG(status);
  done.out = Slurp(out_);
  done.err = Slurp(err_);
  return done;
}

bool ChildProcess::Running() {
  if (status_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
  status_ = status;
  return false;
}

ChildExit ChildProcess::WaitOrKill(std::chrono::microseconds after) {
  if (status_) return Finish(*status_, false);
  const auto deadline = std::chrono::steady_clock::now() + after;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) return Finish(status, false);
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  // It may have ended by itself between the last look and the kill.
  const bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  return Finish(status, killed);
}

ChildExit ChildProcess::Wait() {
  if (status_) return Finish(*status_, false);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  return Finish(status, false);
}

std::string ChildProcess::OutSoFar() const { return Slurp(out_); }

ChildExit RunToEnd(const fs::path& scratch, const std::vector<std::string>& args,
                   const std::vector<std::string>& env, const std::optional<std::string>& input) {
  return ChildProcess::Start(scratch, args, env, input).Wait();
}

}  // namespace adbridge::test_support
