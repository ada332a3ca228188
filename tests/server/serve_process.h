// `adbridge serve` run as an operator runs it, in the background, for tests of the program
// itself: started with the arguments given, its port read from the line it prints, stopped with
// SIGTERM, and what it wrote to stdout and stderr kept.
//
//   ServeProcess serve(scratch_dir);
//   ASSERT_TRUE(serve.Start("--data " + Quote(data) + " serve --port 0 --jobs 0"));
//   Send(serve.port(), ...);
//   serve.Stop();
//   EXPECT_THAT(serve.err(), Not(HasSubstr(secret)));
//
// The test target defines ADBRIDGE_BINARY, the path of the program.
// Thread-safety: one test's; not shared.
#ifndef ADBRIDGE_TESTS_SERVER_SERVE_PROCESS_H_
#define ADBRIDGE_TESTS_SERVER_SERVE_PROCESS_H_

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace adbridge::test_support {

class ServeProcess {
 public:
  // stdout and stderr go to files in `scratch`.
  explicit ServeProcess(std::filesystem::path scratch) : scratch_(std::move(scratch)) {}
  ~ServeProcess() { Stop(); }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Runs `adbridge ARGS` (with ADBRIDGE_LANG=en) and waits up to 30 s for its first line of
  // stdout. Returns false when the program printed no port by then (see err()).
  bool Start(const std::string& args);
  // Sends SIGTERM and waits up to 30 s for the program to end. Does nothing when not started.
  void Stop();

  int port() const { return port_; }
  // The first line the program printed ({"serving", "port", …}), null before Start.
  const nlohmann::json& started() const { return started_; }
  std::string out() const;
  std::string err() const;

 private:
  std::filesystem::path scratch_;
  int pid_ = 0;
  int port_ = 0;
  nlohmann::json started_;
};

}  // namespace adbridge::test_support

#endif  // ADBRIDGE_TESTS_SERVER_SERVE_PROCESS_H_
