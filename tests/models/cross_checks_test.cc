#include "models/cross_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

namespace adbridge::models {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class CrossChecksTest : public ::testing::Test {
 protected:
  CrossChecksTest() {
    Result<FormDefinition> form = LoadFormDefinition(std::filesystem::path(ADBRIDGE_SOURCE_DIR) /
                                                     "models/forms/juminhyo-request.json");
    EXPECT_TRUE(form.ok());
    form_ = *std::move(form);
  }

  std::map<std::string, std::string> Values() {
    return {{"applicant_kana", "シオジリ タロウ"}, {"applicant_name", "塩尻 太郎"},
            {"postal_code", "399-0738"},          {"address", "長野県塩尻市大門一番町12-3"},
            {"birth_date", "1950-04-01"}};
  }

  std::vector<CrossCheckRule> Broken(const std::map<std::string, std::string>& values) {
    std::vector<CrossCheckRule> rules;
    for (const CrossCheckIssue& issue : CheckCrossFields(form_, values, "2026-11-21")) {
      rules.push_back(issue.rule);
    }
    return rules;
  }

  FormDefinition form_;
};

TEST_F(CrossChecksTest, ConsistentApplicationPassesEveryCheck) {
  EXPECT_THAT(Broken(Values()), IsEmpty());
}

TEST_F(CrossChecksTest, KanaTooShortForTheNameIsFlaggedWithBothFields) {
  std::map<std::string, std::string> values = Values();
  values["applicant_kana"] = "シオ タ";  // a dropped line of kana
  std::vector<CrossCheckIssue> issues = CheckCrossFields(form_, values, "2026-11-21");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].rule, CrossCheckRule::kKanaReading);
  EXPECT_THAT(issues[0].fields, ElementsAre("applicant_kana", "applicant_name"));
  EXPECT_THAT(issues[0].reason.ja, HasSubstr("フリガナ"));
}

TEST_F(CrossChecksTest, KanaSplitIntoOtherWordsThanTheNameIsFlagged) {
  std::map<std::string, std::string> values = Values();
  values["applicant_kana"] = "シオ ジリ タロウ";
  EXPECT_THAT(Broken(values), ElementsAre(CrossCheckRule::kKanaReading));
}

TEST_F(CrossChecksTest, NameWrittenWithoutASpaceIsComparedWhole) {
  std::map<std::string, std::string> values = Values();
  values["applicant_name"] = "塩尻太郎";
  EXPECT_THAT(Broken(values), IsEmpty());
}

TEST_F(CrossChecksTest, PostalCodeOfAnotherPrefectureIsFlagged) {
  std::map<std::string, std::string> values = Values();
  values["postal_code"] = "100-0001";  // 東京都千代田区
  std::vector<CrossCheckIssue> issues = CheckCrossFields(form_, values, "2026-11-21");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].rule, CrossCheckRule::kPostalArea);
  EXPECT_THAT(issues[0].reason.ja, HasSubstr("長野県"));
}

TEST_F(CrossChecksTest, AddressWithoutAPrefectureCannotContradictThePostalCode) {
  std::map<std::string, std::string> values = Values();
  values["address"] = "塩尻市大門一番町12-3";
  values["postal_code"] = "100-0001";
  EXPECT_THAT(Broken(values), IsEmpty());
}

TEST_F(CrossChecksTest, BirthDateAfterTodayIsFlaggedButTodayIsNot) {
  std::map<std::string, std::string> values = Values();
  values["birth_date"] = "2026-11-22";
  EXPECT_THAT(Broken(values), ElementsAre(CrossCheckRule::kPastDate));
  values["birth_date"] = "2026-11-21";
  EXPECT_THAT(Broken(values), IsEmpty());
}

TEST_F(CrossChecksTest, ChecksWithAnEmptyOrMissingFieldAreSkipped) {
  std::map<std::string, std::string> values = Values();
  values["applicant_kana"] = "";
  values.erase("postal_code");
  values["birth_date"] = "2099-01-01";
  EXPECT_THAT(Broken(values), ElementsAre(CrossCheckRule::kPastDate));
}

TEST(PostalPrefectureTest, LeadingDigitsDecideThePrefecture) {
  EXPECT_TRUE(PostalCodeFitsPrefecture("399-0738", "長野県"));
  EXPECT_TRUE(PostalCodeFitsPrefecture("380-0846", "長野県"));
  EXPECT_FALSE(PostalCodeFitsPrefecture("390-0000", "山梨県"));
  EXPECT_TRUE(PostalCodeFitsPrefecture("160-0023", "東京都"));
  EXPECT_TRUE(PostalCodeFitsPrefecture("060-0001", "北海道"));
  EXPECT_EQ(PrefectureOf("神奈川県横浜市"), "神奈川県");
  EXPECT_EQ(PrefectureOf("塩尻市大門"), "");
}

TEST(TodayTest, TodayIsAnIsoDate) {
  EXPECT_TRUE(std::regex_match(TodayInJapan(), std::regex("20[0-9]{2}-[01][0-9]-[0-3][0-9]")));
}

}  // namespace
}  // namespace adbridge::models
