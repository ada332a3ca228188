// `adbridge ingest-phone` driven as the front desk drives it: the day's phone-intake CSV,
// saved by whatever program the operators use (UTF-8, UTF-8 with BOM, CP932), handed in once or
// twice; rows that are refused reported by line; the phone task handed to a reviewer with the
// typed value and the operator's note.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tests/ingest/encode_cp932.h"
#include "tests/server/cli_runner.h"

namespace adbridge {
namespace {

namespace fs = std::filesystem;
using test_support::Quote;
using test_support::RunResult;
using ::testing::HasSubstr;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;

constexpr char kCalls[] =
    "form,applicant_name,applicant_kana,birth_date,postal_code,phone,copies,purpose,"
    "needs_mynumber,received_at,operator,note,uncertain\r\n"
    "juminhyo-request,塩尻 花子,しおじり はなこ,昭和25年4月1日,〒399-0701,0263-52-0280,２,"
    "pension,はい,2026-11-21 09:30,suzuki,,\r\n"
    "juminhyo-request,塩尻 太郎,シオジリ タロウ,1960-01-02,399-0701,0263520280,1,"
    "employment,,2026-11-21 09:42,suzuki,電話番号は折り返しで確認,phone\r\n";

class PhoneCliTest : public ::testing::Test {
 protected:
  PhoneCliTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-phone-cli-" + std::to_string(rd()));
    fs::create_directories(dir_);
    data_ = dir_ / "data";
    const RunResult added = Adbridge(
        Data() + " forms add " + Quote(kSource / "tests/data/forms/juminhyo-request.json"));
    EXPECT_EQ(added.exit_code, 0) << added.err;
  }
  ~PhoneCliTest() override { fs::remove_all(dir_); }

  RunResult Adbridge(const std::string& args) { return test_support::RunAdbridge(dir_, args); }
  std::string Data() const { return "--data " + Quote(data_); }
  fs::path Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return dir_ / name;
  }
  std::size_t Documents() { return Adbridge(Data() + " documents list").JsonLines().size(); }

  fs::path dir_;
  fs::path data_;
};

TEST_F(PhoneCliTest, EachEncodingGivesTheSameDocumentsAndTheSecondRunAddsNothing) {
  const fs::path utf8 = Write("calls.csv", kCalls);
  const RunResult first = Adbridge(Data() + " ingest-phone " + Quote(utf8));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::vector<nlohmann::json> lines = first.JsonLines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["source"], utf8.string() + ":2");
  EXPECT_EQ(lines[0]["duplicate"], false);
  EXPECT_EQ(lines[0]["state"], "verified");
  EXPECT_EQ(lines[1]["source"], utf8.string() + ":3");
  EXPECT_EQ(lines[1]["state"], "in_review");

  // The same calls, saved with a BOM, as CP932, and the same file again.
  for (const fs::path& again : {Write("calls-bom.csv", "\xEF\xBB\xBF" + std::string(kCalls)),
                                Write("calls-sjis.csv", test_support::EncodeCp932(kCalls)),
                                utf8}) {
    const RunResult run = Adbridge(Data() + " ingest-phone " + Quote(again));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const std::vector<nlohmann::json> seen = run.JsonLines();
    ASSERT_EQ(seen.size(), 2u) << again;
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(seen[i]["document"], lines[i]["document"]) << again;
      EXPECT_EQ(seen[i]["duplicate"], true) << again;
      EXPECT_EQ(seen[i]["state"], lines[i]["state"]) << again;
    }
  }
  EXPECT_EQ(Documents(), 2u);
}

TEST_F(PhoneCliTest, MalformedRowsAreReportedByLineAndTheOthersStored) {
  const fs::path file = Write(
      "calls.csv",
      "form,applicant_name,birth_date,received_at,uncertain\n"
      "juminhyo-request,塩尻 花子,1950-04-01,,\n"                // 2: stored
      "juminhyo-request,塩尻 一郎\n"                             // 3: too few cells
      "dog-licence,ポチ,2020-01-01,,\n"                          // 4: no such form
      "juminhyo-request,塩尻 二郎,1950-04-02,,address\n"          // 5: not a field
      "juminhyo-request,塩尻 三郎,1950-04-03,午前中,\n"           // 6: not a time
      "juminhyo-request,塩尻 四郎,1950-04-04,,\n"                // 7: stored
      "juminhyo-request,\"塩尻 五郎,1950-04-05,,\n");           // 8: quote never closed
  const RunResult run = Adbridge(Data() + " ingest-phone " + Quote(file));
  EXPECT_EQ(run.exit_code, 1);
  const std::vector<nlohmann::json> lines = run.JsonLines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["source"], file.string() + ":2");
  EXPECT_EQ(lines[1]["source"], file.string() + ":7");
  EXPECT_EQ(run.ErrLines(), 5) << run.err;
  EXPECT_THAT(run.err, HasSubstr("line 3: 2 cells where the header has 5"));
  EXPECT_THAT(run.err, HasSubstr("line 4: no such form: dog-licence"));
  EXPECT_THAT(run.err, HasSubstr("line 5: uncertain names address"));
  EXPECT_THAT(run.err, HasSubstr("line 6: received_at is not a time"));
  EXPECT_THAT(run.err, HasSubstr("line 8: a quote is never closed"));
  EXPECT_EQ(Documents(), 2u);
}

TEST_F(PhoneCliTest, AnUnknownColumnOrFormIsNamedAndNothingIsStored) {
  const RunResult column = Adbridge(
      Data() + " ingest-phone " +
      Quote(Write("column.csv", "form,applicant_name,shoe_size\njuminhyo-request,塩尻 花子,26\n")));
  EXPECT_EQ(column.exit_code, 1);
  EXPECT_THAT(column.err, HasSubstr("shoe_size"));
  EXPECT_THAT(column.err, HasSubstr("juminhyo-request"));
  const RunResult form = Adbridge(
      Data() + " ingest-phone " + Quote(Write("form.csv", "form,applicant_name\ndog-licence,ポチ\n")));
  EXPECT_EQ(form.exit_code, 1);
  EXPECT_THAT(form.err, HasSubstr("dog-licence"));
  const RunResult bytes = Adbridge(Data() + " ingest-phone " +
                                   Quote(Write("binary.csv", std::string("form\n\x81\x20\n"))));
  EXPECT_EQ(bytes.exit_code, 1);
  EXPECT_THAT(bytes.err, HasSubstr("byte offset 5"));
  EXPECT_EQ(Documents(), 0u);
}

TEST_F(PhoneCliTest, AReviewerSeesTheTypedValueAndTheOperatorsNoteInsteadOfASnippet) {
  ASSERT_EQ(Adbridge(Data() + " ingest-phone " + Quote(Write("calls.csv", kCalls))).exit_code, 0);
  ASSERT_EQ(test_support::RunAdbridge(dir_, Data() + " users add hanako --role reviewer",
                                      "ADBRIDGE_LANG=en", "password-1\n")
                .exit_code,
            0);
  const RunResult next = Adbridge(Data() + " review next --user hanako");
  ASSERT_EQ(next.exit_code, 0) << next.err;
  const nlohmann::json task = next.JsonLines().at(0);
  ASSERT_FALSE(task["task"].is_null());
  EXPECT_EQ(task["field"], "phone");
  EXPECT_EQ(task["prefill"], "0263520280");
  EXPECT_EQ(task["note"], "電話番号は折り返しで確認");
  EXPECT_FALSE(task.contains("snippet"));

  const RunResult submit = Adbridge(Data() + " review submit " +
                                    std::to_string(task["task"].get<int>()) +
                                    " --user hanako --value 0263520281");
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  for (const nlohmann::json& doc : Adbridge(Data() + " documents list").JsonLines()) {
    EXPECT_EQ(doc["state"], "verified");
    EXPECT_EQ(doc["source"], "phone");
  }
}

}  // namespace
}  // namespace adbridge
