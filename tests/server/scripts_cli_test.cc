// adbridge scripts as callers' supervisors run it: a data folder with verified records, a
// template by its bundled id or as a file, PDF or text by --out; exit codes 0 / 1 / 2 and one
// line per problem on stderr (spec/cli.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tests/output/verified_records.h"
#include "tests/server/cli_runner.h"

namespace adbridge {
namespace {

namespace fs = std::filesystem;
using test_support::Quote;
using test_support::RunResult;
using test_support::Slurp;

const std::string kKyufukinCall =
    std::string(ADBRIDGE_SOURCE_DIR) + "/models/templates/kyufukin-call.json";

class ScriptsCliTest : public ::testing::Test {
 protected:
  ScriptsCliTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-scripts-cli-" + std::to_string(rd()));
    fs::create_directories(dir_);
    data_ = dir_ / "data";
  }
  ~ScriptsCliTest() override { fs::remove_all(dir_); }

  // One verified benefit application (and one bus reservation) in the data folder, plus the
  // benefit applications given.
  void Seed(const std::vector<std::map<std::string, std::string>>& more = {}) {
    testing::VerifiedRecords records(data_);
    records.RegisterBundledForm("kyufukin-application");
    records.RegisterBundledForm("demand-bus-reservation");
    records.Add("kyufukin-application", testing::KyufukinValues());
    records.Add("demand-bus-reservation", testing::DemandBusValues());
    for (const auto& values : more) records.Add("kyufukin-application", values);
  }

  RunResult Scripts(const std::string& args) {
    return test_support::RunAdbridge(dir_, "scripts --data " + Quote(data_) + " " + args);
  }

  fs::path dir_;
  fs::path data_;
};

TEST_F(ScriptsCliTest, WritesAPdfOrTextByTheOutputsNameAndSaysHowMany) {
  Seed();
  // The bundled template by its id, and the same template as a file.
  for (const auto& [name, spec] :
       {std::pair<std::string, std::string>{"calls.pdf", "kyufukin-call"},
        {"calls.TXT", Quote(kKyufukinCall)}}) {
    SCOPED_TRACE(name);
    const fs::path out = dir_ / name;
    RunResult run = Scripts("--template " + spec + " --out " + Quote(out));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.err, "");
    const auto lines = run.JsonLines();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], (nlohmann::json{{"template", "kyufukin-call"},
                                        {"form", "kyufukin-application"},
                                        {"scripts", 1},
                                        {"skipped", 0},
                                        {"out", out.string()}}));
    const std::string written = Slurp(out);
    if (name == "calls.pdf") {
      EXPECT_EQ(written.rfind("%PDF-", 0), 0u);
    } else {
      EXPECT_NE(written.find("お相手: 山田 太郎（ヤマダ タロウ）"), std::string::npos);
    }
  }
}

TEST_F(ScriptsCliTest, ScriptsAreOnlyForTheRecordsOfOneMunicipality) {
  {
    testing::VerifiedRecords records(data_);
    records.RegisterBundledForm("kyufukin-application");
    ASSERT_TRUE(records.store().EnsureTenant("shiojiri", "塩尻市").ok());
    records.Add("kyufukin-application", testing::KyufukinValues());
    std::map<std::string, std::string> other = testing::KyufukinValues();
    other["applicant_name"] = "塩尻 次郎";
    other["applicant_kana"] = "シオジリ ジロウ";
    records.Add("kyufukin-application", other, 1, true, "shiojiri");
    records.Add("kyufukin-application", other, 1, true, "shiojiri");
  }
  const fs::path out = dir_ / "calls.txt";
  RunResult by_default = Scripts("--template kyufukin-call --out " + Quote(out));
  ASSERT_EQ(by_default.exit_code, 0) << by_default.err;
  EXPECT_EQ(by_default.JsonLines().at(0)["scripts"], 1);
  EXPECT_NE(Slurp(out).find("山田 太郎"), std::string::npos);
  EXPECT_EQ(Slurp(out).find("塩尻 次郎"), std::string::npos);

  RunResult shiojiri = Scripts("--template kyufukin-call --tenant shiojiri --out " + Quote(out));
  ASSERT_EQ(shiojiri.exit_code, 0) << shiojiri.err;
  EXPECT_EQ(shiojiri.JsonLines().at(0)["scripts"], 2);
  EXPECT_EQ(Slurp(out).find("山田 太郎"), std::string::npos);
  EXPECT_NE(Slurp(out).find("塩尻 次郎"), std::string::npos);

  RunResult unknown = Scripts("--template kyufukin-call --tenant nowhere --out " + Quote(out));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("nowhere"), std::string::npos) << unknown.err;
}

TEST_F(ScriptsCliTest, ARecordWhoseValueCannotBeWrittenIsNamedAndTheOthersAreWritten) {
  std::map<std::string, std::string> broken = testing::KyufukinValues();
  broken["birth_date"] = "1950/04/01";
  Seed({broken});
  const fs::path out = dir_ / "calls.txt";
  RunResult run = Scripts("--template kyufukin-call --out " + Quote(out));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.ErrLines(), 1) << run.err;
  EXPECT_EQ(run.err.rfind("adbridge: document 3: field birth_date: ", 0), 0u) << run.err;
  EXPECT_NE(run.err.find("; no script\n"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("1950"), std::string::npos) << "the value is never quoted";
  EXPECT_EQ(run.JsonLines()[0]["scripts"], 1);
  EXPECT_EQ(run.JsonLines()[0]["skipped"], 1);
  EXPECT_NE(Slurp(out).find("記録 1　"), std::string::npos);
  EXPECT_EQ(Slurp(out).find("記録 3　"), std::string::npos);
}

TEST_F(ScriptsCliTest, WhenNoScriptCanBeMadeTheRunFailsAndWritesNothing) {
  testing::VerifiedRecords records(data_);
  records.RegisterBundledForm("kyufukin-application");
  std::map<std::string, std::string> broken = testing::KyufukinValues();
  broken["phone"] = "12345";
  records.Add("kyufukin-application", broken);
  const fs::path out = dir_ / "calls.pdf";
  RunResult run = Scripts("--template kyufukin-call --out " + Quote(out));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.ErrLines(), 2);
  EXPECT_NE(run.err.find("not one script could be made (all 1 records were left out"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(ScriptsCliTest, WithoutVerifiedRecordsItSaysSoAndWritesNothing) {
  testing::VerifiedRecords records(data_);
  records.RegisterBundledForm("kyufukin-application");
  RunResult run = Scripts("--template kyufukin-call --out " + Quote(dir_ / "calls.pdf"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.JsonLines()[0]["scripts"], 0);
  EXPECT_TRUE(run.JsonLines()[0]["out"].is_null());
  EXPECT_FALSE(fs::exists(dir_ / "calls.pdf"));
}

TEST_F(ScriptsCliTest, AnOutputNeitherPdfNorTextOrAMissingOptionIsAUsageError) {
  Seed();
  RunResult run = Scripts("--template kyufukin-call --out " + Quote(dir_ / "calls.docx"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.ErrLines(), 1);
  EXPECT_NE(run.err.find("--out must be a .pdf or .txt file"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(dir_ / "calls.docx"));
  EXPECT_EQ(Scripts("--out " + Quote(dir_ / "a.txt")).exit_code, 2);
  EXPECT_EQ(Scripts("--template kyufukin-call").exit_code, 2);
}

TEST_F(ScriptsCliTest, ATemplateThatReadsASensitiveFieldAloudIsRefused) {
  Seed();
  std::string bad = Slurp(kKyufukinCall);
  const std::string line = "申請をされたご本人様はいらっしゃいますでしょうか。";
  bad.replace(bad.find(line), line.size(), "{{applicant_name}}様はいらっしゃいますか。");
  std::ofstream(dir_ / "bad-call.json") << bad;
  RunResult run = Scripts("--template " + Quote(dir_ / "bad-call.json") + " --out " +
                          Quote(dir_ / "calls.pdf"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.ErrLines(), 1);
  EXPECT_EQ(run.err.find((dir_ / "bad-call.json").string() +
                         ": greeting[2]: a line read aloud places the sensitive field"),
            std::string("adbridge: ").size())
      << run.err;
  EXPECT_FALSE(fs::exists(dir_ / "calls.pdf"));
}

TEST_F(ScriptsCliTest, AnUnregisteredFormAnotherFormOrAMissingTemplateFails) {
  RunResult unregistered = Scripts("--template kyufukin-call --out " + Quote(dir_ / "calls.txt"));
  EXPECT_EQ(unregistered.exit_code, 1);
  EXPECT_EQ(unregistered.ErrLines(), 1);
  EXPECT_NE(unregistered.err.find("kyufukin-application"), std::string::npos) << unregistered.err;

  Seed();
  RunResult other = Scripts("--template kyufukin-call --form demand-bus-reservation --out " +
                            Quote(dir_ / "calls.txt"));
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_EQ(other.err,
            "adbridge: kyufukin-call.json: the template is for form kyufukin-application, not "
            "demand-bus-reservation\n");
  RunResult letter = Scripts("--template kyufukin-decision --out " + Quote(dir_ / "calls.txt"));
  EXPECT_EQ(letter.exit_code, 1);
  EXPECT_NE(letter.err.find("a script template is needed here"), std::string::npos) << letter.err;
  RunResult missing = Scripts("--template no-such-call --out " + Quote(dir_ / "calls.txt"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("kyufukin-call"), std::string::npos) << "it lists what is bundled";
  EXPECT_FALSE(fs::exists(dir_ / "calls.txt"));
}

TEST_F(ScriptsCliTest, AFolderThatDoesNotExistStopsTheRunBeforeAnythingIsAudited) {
  Seed();
  RunResult run = Scripts("--template kyufukin-call --out " + Quote(dir_ / "no/such/calls.pdf"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.ErrLines(), 1);
  EXPECT_EQ(run.out, "");
  testing::VerifiedRecords records(data_);
  Result<std::vector<models::AuditEvent>> audit = records.store().RecentAudit(1);
  ASSERT_TRUE(audit.ok() && !audit->empty());
  EXPECT_NE(audit->front().action, "scripts.generated");
}

}  // namespace
}  // namespace adbridge
