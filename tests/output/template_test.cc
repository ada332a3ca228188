// Templates: the bundled ones load against the bundled forms and write a record as a resident
// reads it; a bad template is refused when it is loaded, naming the template, the key and the
// placeholder; a record that cannot fill a template is refused naming the document and field.
#include "output/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "models/form_definition.h"

namespace adbridge::output {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;

// The bundled forms, as the store would return them once registered.
Result<models::FormDefinition> BundledForm(const std::string& id) {
  const fs::path file = kSource / "models/forms" / (id + ".json");
  if (!fs::exists(file))
    return Status::NotFound("様式が登録されていません: " + id, "no such form is registered: " + id);
  return models::LoadFormDefinition(file);
}

// A letter template for kyufukin-application with `patch` applied to its keys.
std::string LetterJson(const nlohmann::json& patch = nlohmann::json::object()) {
  nlohmann::json t = {
      {"id", "test-letter"},
      {"kind", "letter"},
      {"form", "kyufukin-application"},
      {"title", "{{form_title}} の結果"},
      {"values", {{"amount", "30000"}}},
      {"sender",
       {{"name", "塩尻市長"},
        {"department", "福祉課"},
        {"postal_code", "399-0786"},
        {"address", "長野県塩尻市大門七番町3番3号"},
        {"phone", "0263-52-0280"}}},
      {"recipient",
       {{"postal_code", "postal_code"}, {"address", "address"}, {"name", "applicant_name"}}},
      {"date", "{{today|era}}"},
      {"body", {"{{applicant_name|sama}}、{{amount|yen}}を支給します。"}},
      {"contact", "福祉課 0263-52-0280"}};
  t.merge_patch(patch);
  return t.dump();
}

Result<LetterTemplate> ParseLetter(const std::string& json,
                                   const std::string& name = "test-letter.json") {
  ADB_ASSIGN_OR_RETURN(Template common,
                       ParseTemplate(json, name, TemplateKind::kLetter, BundledForm));
  return ParseLetterTemplate(std::move(common));
}

// The English message of the error a bad template gets (and that it is InvalidArgument).
std::string Refusal(const nlohmann::json& patch) {
  Result<LetterTemplate> parsed = ParseLetter(LetterJson(patch));
  EXPECT_FALSE(parsed.ok()) << "accepted: " << patch.dump();
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument)
      << parsed.status().message(Lang::kEn);
  EXPECT_THAT(parsed.status().message(Lang::kEn), HasSubstr("test-letter.json"));
  return parsed.status().message(Lang::kEn);
}

RecordValues KyufukinRecord() {
  RecordValues record;
  record.document_id = 17;
  record.today = "2026-11-20";
  record.fields = {{"application_date", "2026-10-01"}, {"applicant_name", "山田 太郎"},
                   {"postal_code", "399-0738"},        {"address", "長野県塩尻市大門一番町12-5"},
                   {"bank_name", "八十二銀行"},        {"branch_name", "塩尻支店"},
                   {"account_type", "futsu"},          {"account_number", "1234567"}};
  return record;
}

std::string Expanded(const LetterTemplate& letter, const TemplateText& text,
                     const RecordValues& record) {
  Result<std::string> out = ExpandText(letter.common, text, record);
  EXPECT_TRUE(out.ok()) << out.status().message(Lang::kEn);
  return out.ok() ? *out : "";
}

TEST(TemplateTest, EveryBundledTemplateLoadsAgainstItsBundledForm) {
  const std::vector<std::string> ids = BundledTemplateIds();
  EXPECT_THAT(ids, ::testing::IsSupersetOf({"juminhyo-mailing", "kyufukin-decision"}));
  for (const std::string& id : ids) {
    SCOPED_TRACE(id);
    Result<TemplateSource> source = ReadTemplateSource(id);
    ASSERT_TRUE(source.ok());
    EXPECT_EQ(source->name, id + ".json");
    Result<Template> parsed = ParseTemplate(source->json, source->name,
                                            nlohmann::json::parse(source->json)["kind"] == "letter"
                                                ? TemplateKind::kLetter
                                                : TemplateKind::kScript,
                                            BundledForm);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message(Lang::kEn);
    EXPECT_EQ(parsed->id, id) << "a bundled template's id is its file name";
    // The program carries the same bytes as the repository's file.
    std::ifstream file(kSource / "models/templates" / (id + ".json"), std::ios::binary);
    const std::string on_disk((std::istreambuf_iterator<char>(file)), {});
    EXPECT_EQ(source->json, on_disk);
  }
}

TEST(TemplateTest, TheDecisionLetterWritesTheRecordAsAResidentReadsIt) {
  Result<LetterTemplate> letter = LoadLetterTemplate("kyufukin-decision", BundledForm);
  ASSERT_TRUE(letter.ok()) << letter.status().message(Lang::kEn);
  const RecordValues record = KyufukinRecord();
  EXPECT_EQ(Expanded(*letter, letter->date, record), "令和8年11月20日");
  EXPECT_EQ(Expanded(*letter, letter->reference, record), "塩福第17号");
  EXPECT_THAT(Expanded(*letter, letter->body[0], record), HasSubstr("令和8年10月1日付けで"));
  std::map<std::string, std::string> items;
  for (const LetterTemplate::Item& item : letter->items) {
    items[Expanded(*letter, item.label, record)] = Expanded(*letter, item.value, record);
  }
  EXPECT_EQ(items["支給額"], "30,000円");
  EXPECT_EQ(items["支給予定日"], "令和8年12月18日");
  EXPECT_EQ(items["振込先"], "八十二銀行 塩尻支店");
  EXPECT_EQ(items["口座"], "普通 ＊＊＊4567") << "the account number is never printed in full";
  EXPECT_EQ(letter->recipient.postal_code_field, "postal_code");
  EXPECT_EQ(letter->recipient.name_field, "applicant_name");
  EXPECT_EQ(Expanded(*letter, letter->recipient.postal_code, record), "〒399-0738");
  EXPECT_EQ(Expanded(*letter, letter->recipient.address, record), "長野県塩尻市大門一番町12-5");
  EXPECT_EQ(Expanded(*letter, letter->recipient.name, record), "山田 太郎 様");
}

TEST(TemplateTest, TheMailingLetterNamesTheCopiesAndThePurpose) {
  Result<LetterTemplate> letter = LoadLetterTemplate("juminhyo-mailing", BundledForm);
  ASSERT_TRUE(letter.ok()) << letter.status().message(Lang::kEn);
  RecordValues record;
  record.document_id = 3;
  record.today = "2026-11-20";
  record.fields = {{"request_date", "2026-11-02"},
                   {"copies", "2"},
                   {"purpose", "pension"},
                   {"include_honseki", "false"}};
  std::string items;
  for (const LetterTemplate::Item& item : letter->items) {
    items +=
        Expanded(*letter, item.label, record) + "=" + Expanded(*letter, item.value, record) + ";";
  }
  EXPECT_THAT(items, HasSubstr("住民票の写し 2通"));
  EXPECT_THAT(items, HasSubstr("ご請求の目的=年金;"));
  EXPECT_THAT(items, HasSubstr("本籍・筆頭者の記載=いいえ;"));
}

TEST(TemplateTest, PlaceholdersTakeFieldsValuesAndBuiltinsWithOrWithoutAFilter) {
  Result<LetterTemplate> letter = ParseLetter(LetterJson(
      {{"body",
        {"{{ applicant_name }}/{{amount}}/{{document}}/{{today}}/{{postal_code|postal}}"}}}));
  ASSERT_TRUE(letter.ok()) << letter.status().message(Lang::kEn);
  const RecordValues record = KyufukinRecord();
  EXPECT_EQ(Expanded(*letter, letter->body[0], record), "山田 太郎/30000/17/2026-11-20/〒399-0738");
  EXPECT_EQ(Expanded(*letter, letter->common.title, record),
            "物価高騰対応重点支援給付金 支給申請書 の結果");
  ASSERT_EQ(letter->body[0].pieces.size(), 9u);
  EXPECT_EQ(letter->body[0].pieces[0].placeholder->source, PlaceholderSource::kField);
  EXPECT_EQ(letter->body[0].pieces[2].placeholder->source, PlaceholderSource::kValue);
  EXPECT_EQ(letter->body[0].pieces[4].placeholder->source, PlaceholderSource::kBuiltin);
}

TEST(TemplateTest, AnUnknownFieldIsRefusedNamingTemplateKeyAndPlaceholder) {
  const std::string message = Refusal({{"body", {"ok", "{{payment_day|era}} に振り込みます"}}});
  EXPECT_THAT(message, HasSubstr("body[1]"));
  EXPECT_THAT(message, HasSubstr("{{payment_day|era}}"));
  EXPECT_THAT(message, HasSubstr("no field payment_day"));
  Result<LetterTemplate> ja = ParseLetter(LetterJson({{"body", {"{{payment_day}}"}}}));
  EXPECT_THAT(ja.status().message(Lang::kJa), HasSubstr("項目 payment_day はなく"));
}

TEST(TemplateTest, AnUnknownFilterIsRefusedListingTheFilters) {
  const std::string message = Refusal({{"contact", "{{amount|yens}}"}});
  EXPECT_THAT(message, AllOf(HasSubstr("contact"), HasSubstr("{{amount|yens}}"),
                             HasSubstr("unknown filter yens"), HasSubstr("era, yen")));
}

TEST(TemplateTest, BracesThatDoNotPairAreRefused) {
  EXPECT_THAT(Refusal({{"body", {"{{applicant_name 様へ"}}}), HasSubstr("not closed"));
  EXPECT_THAT(Refusal({{"body", {"{{applicant_name {{amount}}"}}}), HasSubstr("not closed"));
  EXPECT_THAT(Refusal({{"sender", {{"name", "{applicant_name}} 様"}}}}),
              AllOf(HasSubstr("sender.name"), HasSubstr("}} without {{")));
  EXPECT_THAT(Refusal({{"body", {"{{}}"}}}), HasSubstr("a name is [a-z]"));
  EXPECT_THAT(Refusal({{"body", {"{{amount|yen|era}}"}}}), HasSubstr("one filter only"));
  EXPECT_THAT(Refusal({{"body", {"{{amount|}}"}}}), HasSubstr("no filter name"));
}

TEST(TemplateTest, AFilterThatDoesNotFitTheFieldOrTheConstantIsRefused) {
  EXPECT_THAT(Refusal({{"body", {"{{postal_code|era}}"}}}),
              AllOf(HasSubstr("{{postal_code|era}}"), HasSubstr("filter era is for date"),
                    HasSubstr("postal_code is postal_code")));
  EXPECT_THAT(Refusal({{"values", {{"amount", "3万円"}}}, {"body", {"{{amount|yen}}"}}}),
              AllOf(HasSubstr("{{amount|yen}}"), HasSubstr("does not fit values amount")));
}

TEST(TemplateTest, ValuesMustBeStringsWithNamesOfTheirOwn) {
  EXPECT_THAT(Refusal({{"values", {{"amount", 30000}}}}), HasSubstr("values.amount"));
  EXPECT_THAT(Refusal({{"values", {{"address", "x"}}}}),
              AllOf(HasSubstr("values.address"), HasSubstr("cannot be reused")));
  EXPECT_THAT(Refusal({{"values", {{"today", "x"}}}}), HasSubstr("values.today"));
  EXPECT_THAT(Refusal({{"values", {{"Amount", "1"}}}}), HasSubstr("values.Amount"));
}

TEST(TemplateTest, StructuralMistakesAreRefusedNamingTheKey) {
  EXPECT_THAT(Refusal({{"kind", "script"}}), HasSubstr("this is a script template"));
  EXPECT_THAT(Refusal({{"kind", "memo"}}), HasSubstr("kind is letter or script"));
  EXPECT_THAT(Refusal({{"footer", "x"}}), HasSubstr("unknown key \"footer\""));
  EXPECT_THAT(Refusal({{"sender", {{"fax", "x"}}}}), HasSubstr("unknown key \"fax\""));
  EXPECT_THAT(Refusal({{"contact", nullptr}}), HasSubstr("contact is missing"));
  EXPECT_THAT(Refusal({{"body", nlohmann::json::array()}}), HasSubstr("body has no paragraph"));
  EXPECT_THAT(Refusal({{"body", {1}}}), HasSubstr("body[0]"));
  EXPECT_THAT(Refusal({{"items", {{{"label", "支給額"}}}}}),
              HasSubstr("items[0]: value is missing"));
  EXPECT_THAT(Refusal({{"id", "Test Letter"}}), HasSubstr("id must use"));
  EXPECT_THAT(Refusal({{"recipient", {{"name", "applicant_nam"}}}}),
              AllOf(HasSubstr("recipient"), HasSubstr("no field applicant_nam")));
  EXPECT_THAT(Refusal({{"recipient", {{"postal_code", "address"}}}}),
              HasSubstr("must be of type postal_code"));
}

TEST(TemplateTest, MalformedJsonIsRefusedWithItsLineAndARepeatedKeyToo) {
  Result<LetterTemplate> broken =
      ParseLetter("{\n  \"id\": \"x\",\n  \"kind\": letter\n}", "broken.json");
  ASSERT_EQ(broken.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(broken.status().message(Lang::kEn),
              AllOf(HasSubstr("broken.json"), HasSubstr("line 3")));
  Result<LetterTemplate> twice = ParseLetter(R"({"id": "x", "id": "y"})", "twice.json");
  ASSERT_EQ(twice.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(twice.status().message(Lang::kEn), HasSubstr("twice.json"));
  EXPECT_EQ(ParseLetter("[]", "array.json").status().code(), StatusCode::kInvalidArgument);
}

TEST(TemplateTest, ATemplateForAFormThatIsNotRegisteredIsNotFound) {
  Result<LetterTemplate> parsed = ParseLetter(LetterJson({{"form", "dog-licence"}}));
  ASSERT_EQ(parsed.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(parsed.status().message(Lang::kEn),
              AllOf(HasSubstr("test-letter.json"), HasSubstr("dog-licence")));
}

TEST(TemplateTest, ARecordWithAnEmptyOrUnreadableFieldIsRefusedNamingDocumentAndField) {
  Result<LetterTemplate> letter = LoadLetterTemplate("kyufukin-decision", BundledForm);
  ASSERT_TRUE(letter.ok());
  RecordValues record = KyufukinRecord();
  record.fields["application_date"] = std::nullopt;
  Result<std::string> unreadable = ExpandText(letter->common, letter->body[0], record);
  ASSERT_EQ(unreadable.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unreadable.status().message(Lang::kEn),
              AllOf(HasSubstr("document 17"), HasSubstr("application_date"), HasSubstr("申請日"),
                    HasSubstr("unreadable")));

  record.fields["application_date"] = "";
  EXPECT_THAT(ExpandText(letter->common, letter->body[0], record).status().message(Lang::kEn),
              HasSubstr("is empty"));
  record.fields.erase("application_date");
  EXPECT_FALSE(ExpandText(letter->common, letter->body[0], record).ok());

  record = KyufukinRecord();
  record.fields["account_type"] = "savings";  // not an option of the form
  std::string items;
  Status refused;
  for (const LetterTemplate::Item& item : letter->items) {
    Result<std::string> value = ExpandText(letter->common, item.value, record);
    if (!value.ok()) refused = value.status();
  }
  EXPECT_THAT(refused.message(Lang::kEn), AllOf(HasSubstr("document 17"), HasSubstr("account_type"),
                                                Not(HasSubstr("savings"))));
}

TEST(TemplateTest, ATemplateIsAFileByPathOrABundledId) {
  std::random_device rd;
  const fs::path dir =
      fs::temp_directory_path() / ("adbridge-template-test-" + std::to_string(rd()));
  fs::create_directories(dir);
  const fs::path file = dir / "mine.json";
  std::ofstream(file) << LetterJson();
  Result<LetterTemplate> mine = LoadLetterTemplate(file.string(), BundledForm);
  EXPECT_TRUE(mine.ok()) << mine.status().message(Lang::kEn);

  Result<TemplateSource> missing = ReadTemplateSource((dir / "none.json").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(Lang::kEn), HasSubstr("none.json"));

  Result<TemplateSource> unknown = ReadTemplateSource("kyufukin-desicion");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(Lang::kEn),
              AllOf(HasSubstr("kyufukin-desicion"), HasSubstr("kyufukin-decision")));

  const fs::path huge = dir / "huge.json";
  std::ofstream(huge) << std::string(300 * 1024, ' ');
  EXPECT_EQ(ReadTemplateSource(huge.string()).status().code(), StatusCode::kResourceExhausted);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace adbridge::output
