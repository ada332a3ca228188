#include "output/phone_script.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "models/form_definition.h"
#include "output/script_template.h"
#include "tests/output/verified_records.h"

namespace adbridge::output {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

models::FormDefinition Form(const std::string& id) {
  Result<models::FormDefinition> form =
      models::LoadFormDefinition(kSource / "models/forms" / (id + ".json"));
  EXPECT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  return *form;
}

ScriptTemplate BundledTemplate(const std::string& id) {
  Result<ScriptTemplate> parsed =
      ParseScriptTemplate(ReadFile(kSource / "models/templates" / (id + ".json")), id + ".json");
  EXPECT_TRUE(parsed.ok()) << parsed.status().message(Lang::kEn);
  return *parsed;
}

// A small kyufukin template whose greeting is `greeting` (a JSON array's items).
std::string KyufukinTemplate(const std::string& greeting, const std::string& extra = "") {
  return R"({"id": "t", "kind": "script", "form": "kyufukin-application", "title": "T",
             "heading": "{{applicant_name}}", )" +
         extra + R"( "greeting": [)" + greeting + R"(],
             "identity_checks": [{"ask": "生年月日をお聞かせください。", "expect": "{{birth_date}}"}],
             "message": ["受け付けました。"], "questions": [], "closing": ["失礼いたします。"]})";
}

Status CheckKyufukin(const std::string& json) {
  Result<ScriptTemplate> parsed = ParseScriptTemplate(json, "bad.json");
  if (!parsed.ok()) return parsed.status();
  return CheckScriptTemplate(*parsed, Form("kyufukin-application"));
}

ScriptRecord KyufukinRecord() { return {17, testing::KyufukinValues()}; }

ScriptRecord BusRecord(bool wheelchair, std::string notes) {
  ScriptRecord record{23, testing::DemandBusValues()};
  record.values["wheelchair"] = wheelchair ? "true" : "false";
  record.values["notes"] = std::move(notes);
  return record;
}

std::string BuildText(const std::string& template_id, const std::string& form_id,
                      const ScriptRecord& record) {
  const ScriptTemplate script_template = BundledTemplate(template_id);
  const models::FormDefinition form = Form(form_id);
  EXPECT_TRUE(CheckScriptTemplate(script_template, form).ok());
  Result<PhoneScript> script = BuildPhoneScript(script_template, form, record);
  EXPECT_TRUE(script.ok()) << script.status().message(Lang::kEn);
  return script.ok() ? PhoneScriptsText({*script}) : "";
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// --- the bundled templates ---

TEST(PhoneScriptTest, BundledTemplatesPassTheChecksOfTheirForms) {
  for (const auto& [template_id, form_id] :
       {std::pair{"kyufukin-call", "kyufukin-application"},
        std::pair{"demand-bus-call", "demand-bus-reservation"}}) {
    SCOPED_TRACE(template_id);
    const Status status = CheckScriptTemplate(BundledTemplate(template_id), Form(form_id));
    EXPECT_TRUE(status.ok()) << status.message(Lang::kEn);
  }
}

TEST(PhoneScriptTest, KyufukinScriptConfirmsAmountDateAndAccountByItsLastDigits) {
  const std::string text = BuildText("kyufukin-call", "kyufukin-application", KyufukinRecord());
  EXPECT_TRUE(Contains(text, "記録 17　お相手: 山田 太郎（ヤマダ タロウ）")) << text;
  EXPECT_TRUE(Contains(text, "発信先: 0263-54-1234")) << text;
  EXPECT_TRUE(Contains(text, "【読】お忙しいところ恐れ入ります。")) << text;
  EXPECT_TRUE(Contains(text, "1世帯あたり3万円（さんまんえん）でございます。")) << text;
  EXPECT_TRUE(Contains(text, "令和7年7月25日（れいわ ななねん しちがつ にじゅうごにち）を予定"))
      << text;
  EXPECT_TRUE(Contains(text, "普通預金で、口座番号の末尾が＊＊＊4567の口座")) << text;
  // The birth date is shown to the caller as the expected answer, never read out.
  EXPECT_TRUE(
      Contains(text, "【答え・読まない】昭和25年4月1日（しょうわ にじゅうごねん しがつ ついたち）"))
      << text;
  EXPECT_TRUE(Contains(text, "【答え・読まない】＊＊＊＊＊＊1234")) << text;
  // The office's own number is read aloud digit by digit.
  EXPECT_TRUE(Contains(text, "ゼロ・ニー・ロク・サン、ゴー・ニー、ゼロ・ニー・ハチ・ゼロ")) << text;
}

TEST(PhoneScriptTest, KyufukinScriptNeverHoldsTheAccountOrBankInFullNorReadsThePhoneAloud) {
  const std::string text = BuildText("kyufukin-call", "kyufukin-application", KyufukinRecord());
  EXPECT_FALSE(Contains(text, "1234567")) << text;
  EXPECT_FALSE(Contains(text, "八十二銀行")) << text;
  EXPECT_FALSE(Contains(text, "塩尻支店")) << text;
  EXPECT_FALSE(Contains(text, "大門七番町")) << text;
  EXPECT_FALSE(Contains(text, "ゼロ・ニー・ロク・サン、ゴー・ヨン")) << text;  // 0263-54-…
}

TEST(PhoneScriptTest, BusScriptReadsTheRideAndKeepsOnlyTheLinesThatApply) {
  const std::string with_chair =
      BuildText("demand-bus-call", "demand-bus-reservation", BusRecord(true, "杖をついています"));
  EXPECT_TRUE(Contains(with_chair,
                       "ご乗車の日は、令和7年4月14日（れいわ ななねん しがつ "
                       "じゅうよっか）でございます。"))
      << with_chair;
  EXPECT_TRUE(Contains(with_chair, "お迎えの時間帯は、9時台でございます。")) << with_chair;
  EXPECT_TRUE(Contains(with_chair, "お乗りになる場所は市役所前、お降りになる場所は塩尻駅"))
      << with_chair;
  EXPECT_TRUE(Contains(with_chair, "車いすのままお乗りいただける車両")) << with_chair;
  EXPECT_FALSE(Contains(with_chair, "車いすはご利用にならない")) << with_chair;
  EXPECT_FALSE(Contains(with_chair, "介助の方")) << with_chair;
  EXPECT_TRUE(Contains(with_chair, "【指示・読まない】申込書の連絡事項: 杖をついています"))
      << with_chair;
  EXPECT_TRUE(Contains(with_chair, "発信先: 090-1234-5678")) << with_chair;
  EXPECT_TRUE(Contains(with_chair, "300円（さんびゃくえん）")) << with_chair;

  const std::string without =
      BuildText("demand-bus-call", "demand-bus-reservation", BusRecord(false, ""));
  EXPECT_FALSE(Contains(without, "車いすのままお乗りいただける車両")) << without;
  EXPECT_TRUE(Contains(without, "車いすはご利用にならない")) << without;
  EXPECT_FALSE(Contains(without, "連絡事項")) << without;
}

TEST(PhoneScriptTest, AValueTheRecordLacksShowsAsNotFilledIn) {
  ScriptRecord record = BusRecord(false, "");
  record.values.erase("pickup_stop");  // marked unreadable
  const std::string text = BuildText("demand-bus-call", "demand-bus-reservation", record);
  EXPECT_TRUE(Contains(text, "お乗りになる場所は（記入なし）、")) << text;
}

TEST(PhoneScriptTest, AStoredValueItsFilterCannotWriteFailsTheScriptWithoutQuotingIt) {
  ScriptRecord record = KyufukinRecord();
  record.values["birth_date"] = "1950/04/01";
  const models::FormDefinition form = Form("kyufukin-application");
  Result<PhoneScript> script = BuildPhoneScript(BundledTemplate("kyufukin-call"), form, record);
  ASSERT_FALSE(script.ok());
  EXPECT_EQ(script.status().code(), StatusCode::kInvalidArgument);
  const std::string message = script.status().message(Lang::kEn);
  EXPECT_TRUE(Contains(message, "record 17")) << message;
  EXPECT_TRUE(Contains(message, "{{birth_date|era_spoken}}")) << message;
  EXPECT_FALSE(Contains(message, "1950")) << message;
}

TEST(PhoneScriptTest, TextPutsAFormFeedBetweenScripts) {
  const ScriptTemplate script_template = BundledTemplate("demand-bus-call");
  const models::FormDefinition form = Form("demand-bus-reservation");
  std::vector<PhoneScript> scripts;
  for (bool chair : {true, false}) {
    Result<PhoneScript> script = BuildPhoneScript(script_template, form, BusRecord(chair, ""));
    ASSERT_TRUE(script.ok());
    scripts.push_back(*script);
  }
  const std::string text = PhoneScriptsText(scripts);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\f'), 1);
  EXPECT_TRUE(text.substr(text.find('\f') + 1).starts_with("電話台本　のりあいバス"));
  EXPECT_TRUE(Contains(text, "\n1. ごあいさつ\n【読】お世話になっております。")) << text;
  EXPECT_TRUE(Contains(text, "\n4. よくあるご質問\n【Ｑ】時間を変えたい。\n　　【読】")) << text;
}

// --- the rule: nothing sensitive read aloud in full ---

TEST(PhoneScriptTest, ASensitiveFieldInALineReadAloudIsRefusedWhenTheTemplateIsLoaded) {
  const Status status =
      CheckKyufukin(KyufukinTemplate(R"("{{applicant_name|sama}}でいらっしゃいますか。")"));
  ASSERT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(Lang::kEn),
            "bad.json: greeting item 1: {{applicant_name|sama}} puts the sensitive field \"氏名\" "
            "(applicant_name) in full into a line read aloud; mask it with masked4, or move it "
            "to a note or an expected answer");
  EXPECT_TRUE(Contains(status.message(Lang::kJa), "bad.json: greeting の 1 番目"));
}

TEST(PhoneScriptTest, ASensitiveFieldIsRefusedInEveryKindOfLineReadAloud) {
  // A spoken filter is no mask: the phone number would be read out whole.
  EXPECT_EQ(CheckKyufukin(KyufukinTemplate(R"({"say": "{{phone|phone_spoken}}"})")).code(),
            StatusCode::kInvalidArgument);
  // An identity question read aloud.
  const Status ask = CheckKyufukin(R"({"id": "t", "kind": "script",
      "form": "kyufukin-application", "title": "T", "heading": "h", "greeting": ["g"],
      "identity_checks": [{"ask": "{{birth_date}}ですね", "expect": "はい"}], "message": ["m"],
      "questions": [], "closing": ["c"]})");
  EXPECT_EQ(ask.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(ask.message(Lang::kEn), "identity_checks item 1: {{birth_date}}"))
      << ask.message(Lang::kEn);
  // An answer to a resident's question.
  const std::string answer = R"({"id": "t", "kind": "script", "form": "kyufukin-application",
      "title": "T", "heading": "h", "greeting": ["g"],
      "identity_checks": [{"ask": "a", "expect": "e"}], "message": ["m"],
      "questions": [{"question": "口座は？", "answer": ["{{bank_name}}です"]}],
      "closing": ["c"]})";
  const Status in_answer = CheckKyufukin(answer);
  EXPECT_EQ(in_answer.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(in_answer.message(Lang::kEn), "questions item 1: answer 1: {{bank_name}}"))
      << in_answer.message(Lang::kEn);
}

TEST(PhoneScriptTest, ASensitiveFieldMayBeMaskedOrShownToTheCallerOnly) {
  EXPECT_TRUE(
      CheckKyufukin(KyufukinTemplate(R"("末尾{{account_number|masked4}}の口座です。")")).ok());
  EXPECT_TRUE(CheckKyufukin(KyufukinTemplate(R"({"note": "{{applicant_name|sama}}"})")).ok());
  EXPECT_TRUE(CheckKyufukin(KyufukinTemplate(R"("{{application_date}}に受け付けました。")")).ok());
}

// --- other template errors ---

TEST(PhoneScriptTest, ATemplateNamingWhatTheFormDoesNotHaveIsRefused) {
  const Status unknown_field = CheckKyufukin(KyufukinTemplate(R"("{{ride_date}}")"));
  EXPECT_EQ(unknown_field.message(Lang::kEn),
            "bad.json: greeting item 1: {{ride_date}}: \"ride_date\" is neither a field of form "
            "kyufukin-application nor one of the template's values");
  const Status unknown_filter = CheckKyufukin(KyufukinTemplate(R"("{{household_size|upper}}")"));
  EXPECT_EQ(unknown_filter.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(unknown_filter.message(Lang::kEn), "no filter \"upper\""));
  const Status wrong_type = CheckKyufukin(KyufukinTemplate(R"("{{household_size|era}}")"));
  EXPECT_TRUE(Contains(wrong_type.message(Lang::kEn),
                       "the filter era does not write a field of type integer"))
      << wrong_type.message(Lang::kEn);
  const Status condition = CheckKyufukin(KyufukinTemplate(R"({"say": "s", "when": "wheelchair"})"));
  EXPECT_TRUE(Contains(condition.message(Lang::kEn), "\"wheelchair\" is neither a field"));
}

TEST(PhoneScriptTest, ATemplateForAnotherFormIsRefused) {
  const Status status =
      CheckScriptTemplate(BundledTemplate("kyufukin-call"), Form("demand-bus-reservation"));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(Lang::kEn),
            "kyufukin-call.json: the template is for form kyufukin-application, not "
            "demand-bus-reservation");
}

TEST(PhoneScriptTest, MalformedTemplatesAreRefusedWithThePlaceAndReason) {
  const std::pair<std::string, std::string> cases[] = {
      {"{\"id\": ", "not valid JSON"},
      {"[1]", "not a JSON object"},
      {KyufukinTemplate("\"g\"", R"("colour": "red",)"), "unknown key \"colour\""},
      {KyufukinTemplate(R"("{{amount")"), "greeting item 1: cannot read the placeholder"},
      {KyufukinTemplate(R"("{{amount|}}")"), "no filter name after |"},
      {KyufukinTemplate(R"({"say": "a", "note": "b"})"), "exactly one of"},
      {KyufukinTemplate(R"({"ask": "a", "expect": "b"})"), "greeting item 1"},
      {KyufukinTemplate("\"g\"", R"("values": {"amount": {"type": "integer", "value": "-5"}},)"),
       "values.amount"},
      {KyufukinTemplate("\"g\"", R"("values": {"amount": {"type": "money", "value": "5"}},)"),
       "unknown type: money"},
      {R"({"id": "t", "kind": "letter", "form": "f", "title": "T"})", "\"kind\" is not \"script\""},
  };
  for (const auto& [json, expected] : cases) {
    SCOPED_TRACE(json);
    Result<ScriptTemplate> parsed = ParseScriptTemplate(json, "bad.json");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(Contains(parsed.status().message(Lang::kEn), expected))
        << parsed.status().message(Lang::kEn);
    EXPECT_TRUE(parsed.status().message(Lang::kJa).starts_with("bad.json: "));
  }
}

TEST(PhoneScriptTest, AMissingSectionIsRefused) {
  const std::string json = R"({"id": "t", "kind": "script", "form": "kyufukin-application",
      "title": "T", "heading": "h", "greeting": ["g"], "message": ["m"], "questions": [],
      "closing": ["c"]})";
  Result<ScriptTemplate> parsed = ParseScriptTemplate(json, "bad.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(Lang::kEn),
            "bad.json: \"identity_checks\" must be an array of one or more items");
}

}  // namespace
}  // namespace adbridge::output
