#include "output/resident_values.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <utility>

#include "models/field_types.h"

namespace adbridge::output {
namespace {

using models::FieldDefinition;
using models::FieldType;

// The text of an OK result, or the error's English message marked so a test shows it.
std::string Text(const Result<std::string>& result) {
  return result.ok() ? *result : "error: " + result.status().message(Lang::kEn);
}

void ExpectRefused(const Result<std::string>& result) {
  ASSERT_FALSE(result.ok()) << "wrote " << *result;
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(result.status().message(Lang::kJa).empty());
  EXPECT_FALSE(result.status().message(Lang::kEn).empty());
}

FieldDefinition Field(std::string name, FieldType type) {
  FieldDefinition field;
  field.name = name;
  field.label = name;
  field.type = type;
  return field;
}

FieldDefinition AccountTypeField() {
  FieldDefinition field = Field("account_type", FieldType::kChoice);
  field.label = "預金種目";
  field.options = {{"futsu", "普通", {}}, {"toza", "当座", {}}};
  return field;
}

// --- era ---

TEST(ResidentValuesTest, EraDateWritesTheEraYearMonthAndDay) {
  EXPECT_EQ(Text(EraDate("2025-04-01")), "令和7年4月1日");
  EXPECT_EQ(Text(EraDate("1950-12-31")), "昭和25年12月31日");
  EXPECT_EQ(Text(EraDate("2024-02-29")), "令和6年2月29日");
}

TEST(ResidentValuesTest, EraDateWritesTheFirstYearAsGannen) {
  EXPECT_EQ(Text(EraDate("2019-05-01")), "令和元年5月1日");
  EXPECT_EQ(Text(EraDate("1989-12-31")), "平成元年12月31日");
}

TEST(ResidentValuesTest, EraDateChangesEraOnTheExactDay) {
  EXPECT_EQ(Text(EraDate("1868-01-25")), "明治元年1月25日");
  EXPECT_EQ(Text(EraDate("1912-07-29")), "明治45年7月29日");
  EXPECT_EQ(Text(EraDate("1912-07-30")), "大正元年7月30日");
  EXPECT_EQ(Text(EraDate("1926-12-24")), "大正15年12月24日");
  EXPECT_EQ(Text(EraDate("1926-12-25")), "昭和元年12月25日");
  EXPECT_EQ(Text(EraDate("1989-01-07")), "昭和64年1月7日");
  EXPECT_EQ(Text(EraDate("1989-01-08")), "平成元年1月8日");
  EXPECT_EQ(Text(EraDate("2019-04-30")), "平成31年4月30日");
  EXPECT_EQ(Text(EraDate("2019-05-01")), "令和元年5月1日");
}

TEST(ResidentValuesTest, EraDateRefusesWhatIsNotANormalisedCalendarDate) {
  for (const char* bad : {"", "2025-4-1", "2025/04/01", "令和7年4月1日", "2023-02-29", "2025-13-01",
                          "2025-04-31", "2025-04-01 ", "20250401", "0000-01-01"}) {
    SCOPED_TRACE(bad);
    ExpectRefused(EraDate(bad));
    ExpectRefused(EraDateSpoken(bad));
  }
}

TEST(ResidentValuesTest, EraDateRefusesADateBeforeMeiji) {
  ExpectRefused(EraDate("1868-01-24"));
  EXPECT_EQ(EraDate("1800-01-01").status().message(Lang::kJa),
            "明治より前の日付は和暦で書けません");
}

TEST(ResidentValuesTest, EraDateSpokenAddsTheReading) {
  EXPECT_EQ(Text(EraDateSpoken("2025-04-01")), "令和7年4月1日（れいわ ななねん しがつ ついたち）");
  EXPECT_EQ(Text(EraDateSpoken("2019-05-01")), "令和元年5月1日（れいわ がんねん ごがつ ついたち）");
  EXPECT_EQ(Text(EraDateSpoken("1989-01-07")),
            "昭和64年1月7日（しょうわ ろくじゅうよねん いちがつ なのか）");
  EXPECT_EQ(Text(EraDateSpoken("1997-09-20")), "平成9年9月20日（へいせい くねん くがつ はつか）");
  EXPECT_EQ(Text(EraDateSpoken("1918-07-14")),
            "大正7年7月14日（たいしょう ななねん しちがつ じゅうよっか）");
  EXPECT_EQ(Text(EraDateSpoken("1879-11-24")),
            "明治12年11月24日（めいじ じゅうにねん じゅういちがつ にじゅうよっか）");
}

TEST(ResidentValuesTest, EraDateSpokenReadsTheIrregularDays) {
  const std::pair<int, const char*> days[] = {
      {1, "ついたち"},        {2, "ふつか"},          {3, "みっか"},
      {4, "よっか"},          {5, "いつか"},          {6, "むいか"},
      {7, "なのか"},          {8, "ようか"},          {9, "ここのか"},
      {10, "とおか"},         {11, "じゅういちにち"}, {14, "じゅうよっか"},
      {17, "じゅうしちにち"}, {19, "じゅうくにち"},   {20, "はつか"},
      {24, "にじゅうよっか"}, {29, "にじゅうくにち"}, {31, "さんじゅういちにち"}};
  for (const auto& [day, reading] : days) {
    char iso[11];
    std::snprintf(iso, sizeof(iso), "2025-01-%02d", day);
    const std::string spoken = Text(EraDateSpoken(iso));
    EXPECT_TRUE(spoken.ends_with(std::string(" ") + reading + "）")) << spoken;
  }
}

TEST(ResidentValuesTest, EraDateSpokenReadsEveryMonth) {
  const char* const expected[] = {"いちがつ", "にがつ",     "さんがつ",       "しがつ",
                                  "ごがつ",   "ろくがつ",   "しちがつ",       "はちがつ",
                                  "くがつ",   "じゅうがつ", "じゅういちがつ", "じゅうにがつ"};
  for (int month = 1; month <= 12; ++month) {
    char iso[11];
    std::snprintf(iso, sizeof(iso), "2025-%02d-10", month);
    const std::string spoken = Text(EraDateSpoken(iso));
    EXPECT_NE(spoken.find(std::string(" ") + expected[month - 1] + " とおか）"), std::string::npos)
        << spoken;
  }
}

// --- yen ---

TEST(ResidentValuesTest, YenGroupsThousandsAndDropsLeadingZeros) {
  EXPECT_EQ(Text(Yen("30000")), "30,000円");
  EXPECT_EQ(Text(Yen("0030000")), "30,000円");
  EXPECT_EQ(Text(Yen("999")), "999円");
  EXPECT_EQ(Text(Yen("1000")), "1,000円");
  EXPECT_EQ(Text(Yen("1234567")), "1,234,567円");
  EXPECT_EQ(Text(Yen("0")), "0円");
  EXPECT_EQ(Text(Yen("000")), "0円");
}

TEST(ResidentValuesTest, YenRefusesNegativeAndMalformedAmounts) {
  ExpectRefused(Yen("-500"));
  EXPECT_EQ(Yen("-500").status().message(Lang::kJa), "負の金額は書けません");
  for (const char* bad :
       {"", "1,000", "３０００", "30000円", "1.5", "+5", " 5", "1234567890123456789"}) {
    SCOPED_TRACE(bad);
    ExpectRefused(Yen(bad));
    ExpectRefused(YenSpoken(bad));
  }
}

TEST(ResidentValuesTest, YenSpokenSaysTheNamedAmounts) {
  EXPECT_EQ(Text(YenSpoken("35000")), "3万5千円（さんまんごせんえん）");
  EXPECT_EQ(Text(YenSpoken("1200000")), "120万円（ひゃくにじゅうまんえん）");
  EXPECT_EQ(Text(YenSpoken("30000")), "3万円（さんまんえん）");
  EXPECT_EQ(Text(YenSpoken("10000")), "1万円（いちまんえん）");
}

TEST(ResidentValuesTest, YenSpokenCarriesTheSoundChanges) {
  EXPECT_EQ(Text(YenSpoken("300")), "300円（さんびゃくえん）");
  EXPECT_EQ(Text(YenSpoken("600")), "600円（ろっぴゃくえん）");
  EXPECT_EQ(Text(YenSpoken("800")), "800円（はっぴゃくえん）");
  EXPECT_EQ(Text(YenSpoken("100")), "100円（ひゃくえん）");
  EXPECT_EQ(Text(YenSpoken("3000")), "3,000円（さんぜんえん）");
  EXPECT_EQ(Text(YenSpoken("8000")), "8,000円（はっせんえん）");
  EXPECT_EQ(Text(YenSpoken("1000")), "1,000円（せんえん）");
  EXPECT_EQ(Text(YenSpoken("10000000")), "1000万円（せんまんえん）");
  EXPECT_EQ(Text(YenSpoken("4")), "4円（よえん）");
  EXPECT_EQ(Text(YenSpoken("14")), "14円（じゅうよえん）");
  EXPECT_EQ(Text(YenSpoken("40000")), "4万円（よんまんえん）");
  EXPECT_EQ(Text(YenSpoken("1999")), "1,999円（せんきゅうひゃくきゅうじゅうきゅうえん）");
  EXPECT_EQ(Text(YenSpoken("3681")), "3,681円（さんぜんろっぴゃくはちじゅういちえん）");
}

TEST(ResidentValuesTest, YenSpokenReachesOkuAndCho) {
  EXPECT_EQ(Text(YenSpoken("123456789")),
            "1億2345万6789円（いちおくにせんさんびゃくよんじゅうごまん"
            "ろくせんななひゃくはちじゅうきゅうえん）");
  EXPECT_EQ(Text(YenSpoken("1000000000000")), "1兆円（いっちょうえん）");
  EXPECT_EQ(Text(YenSpoken("8000000000000")), "8兆円（はっちょうえん）");
  EXPECT_EQ(Text(YenSpoken("10000000000000")), "10兆円（じゅっちょうえん）");
  EXPECT_EQ(Text(YenSpoken("1200000000000")), "1兆2千億円（いっちょうにせんおくえん）");
  const std::string nines = "きゅうせんきゅうひゃくきゅうじゅうきゅう";
  EXPECT_EQ(Text(YenSpoken("9999999999999999")), "9999兆9999億9999万9999円（" + nines + "ちょう" +
                                                     nines + "おく" + nines + "まん" + nines +
                                                     "えん）");
  ExpectRefused(YenSpoken("10000000000000000"));  // 1京
  EXPECT_EQ(Text(YenSpoken("0")), "0円（ぜろえん）");
}

// --- sama, postal, masked, choice, check ---

TEST(ResidentValuesTest, SamaFollowsTheName) {
  EXPECT_EQ(Text(WithSama("山田 太郎")), "山田 太郎 様");
  EXPECT_EQ(Text(WithSama("ヤマダ タロウ")), "ヤマダ タロウ 様");
  ExpectRefused(WithSama(""));
  ExpectRefused(WithSama("  "));
  ExpectRefused(WithSama("　"));
  ExpectRefused(WithSama("\xE5\xB1"));  // a cut character
}

TEST(ResidentValuesTest, PostalPutsTheMarkBeforeTheCode) {
  EXPECT_EQ(Text(PostalCodeWithMark("399-0786")), "〒399-0786");
  for (const char* bad :
       {"", "3990786", "399-786", "〒399-0786", "399-07860", "３９９-０７８６", "39a-0786"}) {
    SCOPED_TRACE(bad);
    ExpectRefused(PostalCodeWithMark(bad));
  }
}

TEST(ResidentValuesTest, MaskedKeepsOnlyTheLastCharacters) {
  EXPECT_EQ(Text(Masked("1234567", 4)), "＊＊＊4567");
  EXPECT_EQ(Text(Masked("123456789012", 4)), "＊＊＊＊＊＊＊＊9012");
  EXPECT_EQ(Text(Masked("ヤマダタロウ", 2)), "＊＊＊＊ロウ");
  EXPECT_EQ(Text(Masked("12345", 4)), "＊2345");
}

TEST(ResidentValuesTest, MaskedNeverShowsAShortValueInFull) {
  EXPECT_EQ(Text(Masked("1234", 4)), "＊＊＊＊");
  EXPECT_EQ(Text(Masked("12", 4)), "＊＊");
  ExpectRefused(Masked("", 4));
  ExpectRefused(Masked("12\xFF", 4));
}

TEST(ResidentValuesTest, ChoiceWritesTheOptionLabel) {
  const FieldDefinition field = AccountTypeField();
  EXPECT_EQ(Text(ChoiceLabel("futsu", field)), "普通");
  EXPECT_EQ(Text(ChoiceLabel("toza", field)), "当座");
  ExpectRefused(ChoiceLabel("普通", field));  // a label is not a value
  ExpectRefused(ChoiceLabel("", field));
  ExpectRefused(ChoiceLabel("futsu", Field("bank_name", FieldType::kText)));
}

TEST(ResidentValuesTest, CheckSaysYesOrNo) {
  EXPECT_EQ(Text(YesNo("true")), "はい");
  EXPECT_EQ(Text(YesNo("false")), "いいえ");
  for (const char* bad : {"", "TRUE", "1", "yes", "はい"}) {
    SCOPED_TRACE(bad);
    ExpectRefused(YesNo(bad));
  }
}

// --- phone ---

TEST(ResidentValuesTest, PhoneGroupsAFourDigitAreaCodeFourTwoFour) {
  EXPECT_EQ(Text(PhoneGroups("0263520280")), "0263-52-0280");
  EXPECT_EQ(Text(PhoneGroups("0265221234")), "0265-22-1234");
}

TEST(ResidentValuesTest, PhoneGroupsTokyoAndOsakaTwoFourFour) {
  EXPECT_EQ(Text(PhoneGroups("0312345678")), "03-1234-5678");
  EXPECT_EQ(Text(PhoneGroups("0661234567")), "06-6123-4567");
}

TEST(ResidentValuesTest, PhoneGroupsThreeDigitAreaCodesFromTheTable) {
  EXPECT_EQ(Text(PhoneGroups("0456712121")), "045-671-2121");
  EXPECT_EQ(Text(PhoneGroups("0112111111")), "011-211-1111");
  EXPECT_EQ(Text(PhoneGroups("0529611111")), "052-961-1111");
  EXPECT_EQ(Text(PhoneGroups("0262265911")), "026-226-5911");  // 長野, not 0262
  EXPECT_EQ(Text(PhoneGroups("0480221111")), "0480-22-1111");  // 久喜, not 048
  EXPECT_EQ(Text(PhoneGroups("0920481111")), "0920-48-1111");  // 壱岐, not 092
}

TEST(ResidentValuesTest, PhoneGroupsMobilesThreeFourFour) {
  EXPECT_EQ(Text(PhoneGroups("09012345678")), "090-1234-5678");
  EXPECT_EQ(Text(PhoneGroups("08098765432")), "080-9876-5432");
  EXPECT_EQ(Text(PhoneGroups("07011112222")), "070-1111-2222");
  EXPECT_EQ(Text(PhoneGroups("06012345678")), "060-1234-5678");
  EXPECT_EQ(Text(PhoneGroups("05012345678")), "050-1234-5678");
}

TEST(ResidentValuesTest, PhoneGroupsFreeDial) {
  EXPECT_EQ(Text(PhoneGroups("0120123456")), "0120-123-456");
  EXPECT_EQ(Text(PhoneGroups("08001234567")), "0800-123-4567");
  EXPECT_EQ(Text(PhoneGroups("0570064321")), "0570-064-321");
}

TEST(ResidentValuesTest, PhoneRefusesWhatIsNoJapaneseNumber) {
  for (const char* bad : {"", "263520280", "02635202801", "0901234567", "1263520280",
                          "0263-52-0280", "026352028a", "012012345678", "0800123456"}) {
    SCOPED_TRACE(bad);
    ExpectRefused(PhoneGroups(bad));
    ExpectRefused(PhoneSpoken(bad));
  }
}

TEST(ResidentValuesTest, PhoneSpokenReadsEachDigitWithPausesBetweenGroups) {
  EXPECT_EQ(Text(PhoneSpoken("0263520280")),
            "ゼロ・ニー・ロク・サン、ゴー・ニー、ゼロ・ニー・ハチ・ゼロ");
  EXPECT_EQ(Text(PhoneSpoken("09012345678")),
            "ゼロ・キュウ・ゼロ、イチ・ニー・サン・ヨン、ゴー・ロク・ナナ・ハチ");
}

// --- the filter table ---

TEST(ResidentValuesTest, EveryFilterNamedInTemplatesIsFound) {
  const std::set<std::string> expected = {"era",        "yen",          "sama",      "postal",
                                          "phone",      "masked4",      "choice",    "check",
                                          "era_spoken", "phone_spoken", "yen_spoken"};
  std::set<std::string> names;
  for (const ValueFilter& filter : ValueFilters()) names.insert(std::string(filter.name));
  EXPECT_EQ(names, expected);
  for (const std::string& name : expected) {
    const ValueFilter* filter = FindValueFilter(name);
    ASSERT_NE(filter, nullptr) << name;
    EXPECT_EQ(filter->name, name);
  }
  EXPECT_EQ(FindValueFilter("upper"), nullptr);
  EXPECT_EQ(FindValueFilter(""), nullptr);
}

TEST(ResidentValuesTest, FiltersWriteLikeTheirFunctions) {
  const FieldDefinition date = Field("birth_date", FieldType::kDate);
  const FieldDefinition amount = Field("amount", FieldType::kInteger);
  const FieldDefinition name = Field("applicant_name", FieldType::kText);
  const FieldDefinition postal = Field("postal_code", FieldType::kPostalCode);
  const FieldDefinition phone = Field("phone", FieldType::kPhone);
  const FieldDefinition account = Field("account_number", FieldType::kDigits);
  const FieldDefinition wheelchair = Field("wheelchair", FieldType::kCheckbox);
  const FieldDefinition account_type = AccountTypeField();
  auto apply = [](std::string_view filter, std::string_view value, const FieldDefinition* f) {
    return Text(FindValueFilter(filter)->apply(value, f));
  };
  EXPECT_EQ(apply("era", "2025-04-01", &date), "令和7年4月1日");
  EXPECT_EQ(apply("yen", "30000", &amount), "30,000円");
  EXPECT_EQ(apply("sama", "山田 太郎", &name), "山田 太郎 様");
  EXPECT_EQ(apply("postal", "399-0786", &postal), "〒399-0786");
  EXPECT_EQ(apply("phone", "0263520280", &phone), "0263-52-0280");
  EXPECT_EQ(apply("masked4", "1234567", &account), "＊＊＊4567");
  EXPECT_EQ(apply("choice", "futsu", &account_type), "普通");
  EXPECT_EQ(apply("check", "true", &wheelchair), "はい");
  EXPECT_EQ(apply("era_spoken", "2019-05-01", &date),
            "令和元年5月1日（れいわ がんねん ごがつ ついたち）");
  EXPECT_EQ(apply("phone_spoken", "0312345678", &phone),
            "ゼロ・サン、イチ・ニー・サン・ヨン、ゴー・ロク・ナナ・ハチ");
  EXPECT_EQ(apply("yen_spoken", "35000", &amount), "3万5千円（さんまんごせんえん）");
  // A value that is no field's (a template's own amount) needs no definition.
  EXPECT_EQ(apply("yen_spoken", "1200000", nullptr), "120万円（ひゃくにじゅうまんえん）");
  EXPECT_EQ(apply("masked4", "123456789012", nullptr), "＊＊＊＊＊＊＊＊9012");
}

TEST(ResidentValuesTest, FilterRefusesAFieldOfAnotherType) {
  const FieldDefinition name = Field("applicant_name", FieldType::kText);
  const Result<std::string> era = FindValueFilter("era")->apply("2025-04-01", &name);
  ExpectRefused(era);
  EXPECT_EQ(era.status().message(Lang::kEn),
            "The filter \"era\" applies to date fields; field \"applicant_name\" "
            "(applicant_name) is text");
  const FieldDefinition wheelchair = Field("wheelchair", FieldType::kCheckbox);
  ExpectRefused(FindValueFilter("masked4")->apply("true", &wheelchair));
  ExpectRefused(FindValueFilter("phone_spoken")->apply("0263520280", &name));
  ExpectRefused(FindValueFilter("choice")->apply("futsu", &name));
  ExpectRefused(FindValueFilter("choice")->apply("futsu", nullptr));
}

TEST(ResidentValuesTest, OnlyMaskedFourMasksAndOnlyTheSpokenFiltersAreSpoken) {
  for (const ValueFilter& filter : ValueFilters()) {
    EXPECT_EQ(filter.masks, filter.name == "masked4") << filter.name;
    EXPECT_EQ(filter.spoken, filter.name.ends_with("_spoken")) << filter.name;
  }
}

TEST(ResidentValuesTest, FiltersAcceptEveryValueTheFieldTypesNormaliseTo) {
  // What a person types, normalised by the field's own rules, is what the filters get.
  const FieldDefinition date = Field("d", FieldType::kDate);
  const FieldDefinition phone = Field("p", FieldType::kPhone);
  const FieldDefinition postal = Field("z", FieldType::kPostalCode);
  const FieldDefinition amount = Field("a", FieldType::kInteger);
  EXPECT_EQ(Text(EraDateSpoken(*models::NormalizeAndValidate(date, "R7.4.1"))),
            "令和7年4月1日（れいわ ななねん しがつ ついたち）");
  EXPECT_EQ(Text(PhoneGroups(*models::NormalizeAndValidate(phone, "(0263) 52-0280"))),
            "0263-52-0280");
  EXPECT_EQ(Text(PostalCodeWithMark(*models::NormalizeAndValidate(postal, "〒3990786"))),
            "〒399-0786");
  EXPECT_EQ(Text(YenSpoken(*models::NormalizeAndValidate(amount, "三万五千"))),
            "3万5千円（さんまんごせんえん）");
}

}  // namespace
}  // namespace adbridge::output
