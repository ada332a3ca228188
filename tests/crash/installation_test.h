// A test that runs the built adbridge program on installations in a scratch folder of its own:
// each command as an administrator types it, and an installation set up as a municipality's
// first day leaves it (the bundled forms, its users, the sample phone calls).
//
//   class BackupTest : public InstallationTest {
//    protected:
//     BackupTest() : InstallationTest("adbridge-backup-test-") {}
//   };
//   const fs::path data = Installation("original");
//   Ok(data, {"export", "--form", "juminhyo-request", "--out", out});
//
// Thread-safety: one test's thread.
#ifndef ADBRIDGE_TESTS_CRASH_INSTALLATION_TEST_H_
#define ADBRIDGE_TESTS_CRASH_INSTALLATION_TEST_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/crash/child_process.h"
#include "tests/server/http_test_client.h"

namespace adbridge::test_support {

// The password of every user Installation adds.
inline constexpr char kInstallationPassword[] = "installation-test-password";

class InstallationTest : public ::testing::Test {
 protected:
  explicit InstallationTest(const std::string& prefix)
      : dir_(server::http_test::FreshDataFolder(prefix)) {
    std::filesystem::create_directories(dir_);
  }
  ~InstallationTest() override { std::filesystem::remove_all(dir_); }

  // `adbridge --data DATA ARGS` run to its end, with `input` on stdin.
  ChildExit Adbridge(const std::filesystem::path& data, std::vector<std::string> args,
                     const std::optional<std::string>& input = std::nullopt) {
    args.insert(args.begin(), {"--data", data.string()});
    return RunToEnd(dir_, args, {}, input);
  }

  // As Adbridge, failing the test unless it succeeds.
  void Ok(const std::filesystem::path& data, std::vector<std::string> args,
          const std::optional<std::string>& input = std::nullopt) {
    const ChildExit run = Adbridge(data, args, input);
    ASSERT_EQ(run.exit_code, 0) << args[0] << ": " << run.err;
  }

  // An installation in dir_/NAME with the bundled forms juminhyo-request and
  // kyufukin-application, a reviewer, a frontdesk user and a department user (named as their
  // roles), and the sample phone calls.
  std::filesystem::path Installation(const std::string& name) {
    const std::filesystem::path source = ADBRIDGE_SOURCE_DIR;
    const std::filesystem::path data = dir_ / name;
    for (const char* form : {"juminhyo-request", "kyufukin-application"}) {
      Ok(data, {"forms", "add", (source / "models/forms" / (std::string(form) + ".json")).string()});
    }
    for (const auto& [user, role] : std::map<std::string, std::string>{
             {"reviewer", "reviewer"}, {"frontdesk", "frontdesk"}, {"department", "department"}}) {
      Ok(data, {"users", "add", user, "--role", role}, std::string(kInstallationPassword) + "\n");
    }
    Ok(data, {"ingest-phone", (source / "samples/phone/calls-2026-11-21.csv").string()});
    return data;
  }

  std::filesystem::path dir_;
};

}  // namespace adbridge::test_support

#endif  // ADBRIDGE_TESTS_CRASH_INSTALLATION_TEST_H_
