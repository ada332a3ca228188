// What adbridge writes where people read it (every command's stdout and stderr, the server's
// output, the audit log) and what it keeps (the database): passwords never, in any of them;
// residents' data never in a log line or an audit detail. The built program is run as a
// municipality runs it: users made on the command line and over HTTP, logins wrong and right,
// phone records taken in, a field reviewed over HTTP, the records exported and made into letters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "models/store.h"
#include "tests/server/cli_runner.h"
#include "tests/server/http_test_client.h"
#include "tests/server/serve_process.h"

namespace adbridge {
namespace {

namespace fs = std::filesystem;
using server::http_test::Describe;
using server::http_test::Json;
using server::http_test::Login;
using server::http_test::Reply;
using server::http_test::Send;
using test_support::Quote;
using test_support::RunResult;
using test_support::Slurp;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;

// Passwords, each used once and searched for everywhere afterwards.
constexpr char kAdminPassword[] = "Himitsu-Kanri-4821";      // `users add` on the command line
constexpr char kReviewerPassword[] = "Kakunin-Suru-3306";    // `users add` on the command line
constexpr char kSecondPassword[] = "Futari-Me-Desu-8842";    // `users add` on the command line
constexpr char kWrongPassword[] = "Machigai-Desu-7730";      // a failed login
constexpr char kHttpUserPassword[] = "Atarashii-Hito-5519";  // POST /api/users

// A benefit application taken by phone; the operator was unsure of the phone number, so a
// reviewer checks it and corrects it; the account number and holder are entered twice, by two
// reviewers, as for every benefit application.
constexpr char kCalls[] =
    "form,application_date,applicant_kana,applicant_name,birth_date,postal_code,address,phone,"
    "household_size,consent_tax_exempt,consent_public_records,consent_no_duplicate,bank_name,"
    "bank_code,branch_name,branch_code,account_type,account_number,account_holder_kana,"
    "received_at,operator,note,uncertain\r\n"
    "kyufukin-application,2025-06-02,ロウエイ シケンコ,漏洩 試験子,1961-07-08,399-0751,"
    "長野県塩尻市秘密町9-9-9,0263-98-1234,3,true,true,true,八十二銀行,0143,塩尻支店,321,futsu,"
    "7654329,ロウエイ シケンコ,2026-11-21 09:30,suzuki,,phone\r\n";
constexpr char kCorrectedPhone[] = "0263-98-4321";

// Everything of the resident that must not reach a log, as typed and as normalised.
const std::vector<std::string> kResidentData = {
    "漏洩",     "試験子",  "ロウエイ",     "シケンコ",   "秘密町",       "1961-07-08", "1961",
    "399-0751", "3990751", "0263-98-1234", "0263981234", "0263-98-4321", "0263984321", "7654329"};

class LogPrivacyTest : public ::testing::Test {
 protected:
  LogPrivacyTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-log-privacy-" + std::to_string(rd()));
    fs::create_directories(dir_);
    data_ = dir_ / "data";
    Run("forms add " + Quote(kSource / "models/forms/kyufukin-application.json"));
    Run("users add kanri --role admin", std::string(kAdminPassword) + "\n");
    Run("users add kakunin --role reviewer", std::string(kReviewerPassword) + "\n");
    Run("users add futarime --role reviewer", std::string(kSecondPassword) + "\n");
  }

  ~LogPrivacyTest() override {
    StopServer();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs `adbridge --data DATA ARGS` and keeps what it wrote; fails the test when it fails.
  RunResult Run(const std::string& args, const std::optional<std::string>& input = std::nullopt) {
    RunResult run = test_support::RunAdbridge(dir_, "--data " + Quote(data_) + " " + args,
                                              "ADBRIDGE_LANG=en", input);
    EXPECT_EQ(run.exit_code, 0) << args << ": " << run.err;
    written_.push_back({"adbridge " + args + " (stdout)", run.out});
    written_.push_back({"adbridge " + args + " (stderr)", run.err});
    return run;
  }

  // Starts `adbridge serve` in the background.
  void StartServer() {
    serve_ = std::make_unique<test_support::ServeProcess>(dir_);
    ASSERT_TRUE(serve_->Start("--data " + Quote(data_) + " serve --port 0 --jobs 0"))
        << "adbridge serve did not start: " << serve_->err();
    port_ = serve_->port();
  }

  // Stops the server as an operator does (SIGTERM) and keeps what it wrote.
  void StopServer() {
    if (!serve_) return;
    serve_->Stop();
    written_.push_back({"adbridge serve (stdout)", serve_->out()});
    written_.push_back({"adbridge serve (stderr)", serve_->err()});
    serve_.reset();
  }

  Reply LogIn(const std::string& name, const std::string& password, Login* login = nullptr) {
    Reply reply = Send(port_, {.method = "POST",
                               .path = "/api/login",
                               .body = Json({{"name", name}, {"password", password}}).dump()});
    if (login) {
      for (const Poco::Net::HTTPCookie& cookie : reply.cookies) {
        if (cookie.getName() == server::http_test::kSessionCookie)
          login->cookie = cookie.getValue();
      }
      login->csrf = reply.json().value("csrf_token", "");
    }
    return reply;
  }

  // Every audit row, as the rows are stored.
  std::vector<models::AuditEvent> AuditLog() {
    Result<std::unique_ptr<models::Store>> store = models::OpenSqliteStore(data_ / "adbridge.db");
    EXPECT_TRUE(store.ok()) << store.status().message(Lang::kEn);
    if (!store.ok()) return {};
    Result<std::vector<models::AuditEvent>> events = (*store)->RecentAudit(100000);
    EXPECT_TRUE(events.ok());
    return events.ok() ? *events : std::vector<models::AuditEvent>{};
  }

  // Each place `secret` appears in, among what adbridge wrote and the audit log (and, with
  // `database`, the database's files themselves).
  std::vector<std::string> WhereFound(const std::string& secret, bool database) {
    std::vector<std::string> found;
    for (const auto& [what, text] : written_) {
      if (text.find(secret) != std::string::npos) found.push_back(what);
    }
    for (const models::AuditEvent& event : AuditLog()) {
      if (event.action.find(secret) != std::string::npos ||
          event.detail_json.find(secret) != std::string::npos) {
        found.push_back("audit " + event.action + " " + event.detail_json);
      }
    }
    if (database) {
      for (const fs::directory_entry& entry : fs::directory_iterator(data_)) {
        if (entry.is_regular_file() && Slurp(entry.path()).find(secret) != std::string::npos) {
          found.push_back(entry.path().filename().string());
        }
      }
    }
    return found;
  }

  fs::path dir_;
  fs::path data_;
  std::unique_ptr<test_support::ServeProcess> serve_;
  int port_ = 0;
  std::vector<std::pair<std::string, std::string>> written_;  // (what, its text)
};

TEST_F(LogPrivacyTest, NoPasswordIsWrittenToAnyOutputTheAuditLogOrTheDatabase) {
  StartServer();
  EXPECT_EQ(LogIn("kanri", kWrongPassword).status, 401);
  EXPECT_EQ(LogIn("no-such-user", kWrongPassword).status, 401);
  Login admin;
  ASSERT_EQ(LogIn("kanri", kAdminPassword, &admin).status, 200);
  const Reply added = Send(
      port_,
      {.method = "POST",
       .path = "/api/users",
       .body = Json({{"name", "atarashii"}, {"password", kHttpUserPassword}, {"role", "frontdesk"}})
                   .dump(),
       .as = &admin});
  ASSERT_EQ(added.status, 200) << Describe(added);
  EXPECT_EQ(added.body.find(kHttpUserPassword), std::string::npos);
  Login created;
  ASSERT_EQ(LogIn("atarashii", kHttpUserPassword, &created).status, 200);
  EXPECT_EQ(Send(port_, {.path = "/api/me", .as = &created}).status, 200);
  StopServer();
  Run("users list");

  // The logins happened and were audited, without their passwords.
  bool failure_audited = false;
  for (const models::AuditEvent& event : AuditLog()) {
    failure_audited = failure_audited || event.action == "user.login_failed";
  }
  EXPECT_TRUE(failure_audited);
  for (const char* password :
       {kAdminPassword, kReviewerPassword, kSecondPassword, kWrongPassword, kHttpUserPassword}) {
    EXPECT_THAT(WhereFound(password, /*database=*/true), ::testing::IsEmpty()) << password;
  }
}

TEST_F(LogPrivacyTest, AResidentsDataNeverReachesALogLineOrTheAuditLog) {
  std::ofstream(dir_ / "calls.csv", std::ios::binary) << kCalls;
  Run("ingest-phone " + Quote(dir_ / "calls.csv"));

  StartServer();
  // What each reviewer enters, by field: the phone number corrected, the double entries as
  // the resident gave them.
  const std::map<std::string, std::string> entries = {{"phone", kCorrectedPhone},
                                                      {"account_number", "7654329"},
                                                      {"account_holder_kana", "ロウエイ シケンコ"}};
  std::string document_state;
  int settled = 0;
  for (const auto& [name, password] : std::vector<std::pair<std::string, std::string>>{
           {"kakunin", kReviewerPassword}, {"futarime", kSecondPassword}}) {
    Login reviewer;
    ASSERT_EQ(LogIn(name, password, &reviewer).status, 200);
    for (int claims = 0; claims < 10; ++claims) {
      const Reply next = Send(
          port_, {.method = "POST", .path = "/api/review/next", .body = "{}", .as = &reviewer});
      ASSERT_EQ(next.status, 200) << Describe(next);
      const Json task = next.json()["task"];
      if (!task.is_object()) break;
      const std::string field = task.value("label_en", "");
      ASSERT_TRUE(entries.count(field)) << "a task for " << field << ": " << next.body;
      const std::string submit =
          "/api/review/tasks/" + std::to_string(task.value("id", 0)) + "/submit";
      if (field == "phone") {  // a typo first, refused with its reason
        const Reply typo = Send(port_, {.method = "POST",
                                        .path = submit,
                                        .body = Json({{"value", "0263-98-43"}}).dump(),
                                        .as = &reviewer});
        EXPECT_EQ(typo.status, 400) << Describe(typo);
      }
      const Reply done = Send(port_, {.method = "POST",
                                      .path = submit,
                                      .body = Json({{"value", entries.at(field)}}).dump(),
                                      .as = &reviewer});
      ASSERT_EQ(done.status, 200) << Describe(done);
      document_state = done.json().value("document_state", "");
      ++settled;
    }
  }
  EXPECT_EQ(settled, 5) << "the phone number, and two fields entered twice";
  EXPECT_EQ(document_state, "verified");
  StopServer();

  Run("export --form kyufukin-application --out " + Quote(dir_ / "records.csv"));
  Run("export --form kyufukin-application --format jsonl --out " + Quote(dir_ / "records.jsonl"));
  Run("letters --template kyufukin-decision --out " + Quote(dir_ / "letters.pdf"));
  Run("scripts --template kyufukin-call --out " + Quote(dir_ / "scripts.txt"));
  Run("documents list");

  // The data went where it belongs: the export holds the resident, as corrected.
  const std::string exported = Slurp(dir_ / "records.csv");
  EXPECT_THAT(exported, ::testing::HasSubstr("漏洩 試験子"));
  EXPECT_THAT(exported, ::testing::HasSubstr("0263984321"));
  EXPECT_GT(fs::file_size(dir_ / "letters.pdf"), 0u);

  // Only stderr and the server's output are logs; a command's stdout is its answer.
  std::vector<std::pair<std::string, std::string>> logs;
  for (const auto& [what, text] : written_) {
    if (what.find("(stderr)") != std::string::npos || what.starts_with("adbridge serve")) {
      logs.push_back({what, text});
    }
  }
  written_ = logs;
  for (const std::string& value : kResidentData) {
    EXPECT_THAT(WhereFound(value, /*database=*/false), ::testing::IsEmpty()) << value;
  }
}

}  // namespace
}  // namespace adbridge
