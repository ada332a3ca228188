// Phone scripts: the bundled script templates load against their forms and fill a record with
// what a caller says and sees; a template that would read a sensitive value out in full is
// refused when it is loaded.
#include "output/phone_script.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "models/form_definition.h"
#include "output/script_template.h"
#include "tests/output/verified_records.h"

namespace adbridge::output {
namespace {

namespace fs = std::filesystem;

// The bundled forms, as the store would return them once registered.
Result<models::FormDefinition> BundledForm(const std::string& id) {
  const fs::path file = fs::path(ADBRIDGE_SOURCE_DIR) / "models/forms" / (id + ".json");
  if (!fs::exists(file)) {
    return Status::NotFound("様式が登録されていません: " + id, "no such form is registered: " + id);
  }
  return models::LoadFormDefinition(file);
}

ScriptTemplate Bundled(const std::string& id) {
  Result<ScriptTemplate> loaded = LoadScriptTemplate(id, BundledForm);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message(Lang::kEn);
  return *loaded;
}

// A small kyufukin script template with `patch` applied to its keys.
std::string ScriptJson(const nlohmann::json& patch = nlohmann::json::object()) {
  nlohmann::json t = {{"id", "t"},
                      {"kind", "script"},
                      {"form", "kyufukin-application"},
                      {"title", "T"},
                      {"heading", "{{applicant_name}}"},
                      {"greeting", {"こちらは福祉課でございます。"}},
                      {"identity_checks",
                       {{{"ask", "生年月日をお聞かせください。"}, {"expect", "{{birth_date}}"}}}},
                      {"message", {"受け付けました。"}},
                      {"questions", nlohmann::json::array()},
                      {"closing", {"失礼いたします。"}}};
  t.merge_patch(patch);
  return t.dump();
}

Result<ScriptTemplate> Parse(const std::string& json) {
  ADB_ASSIGN_OR_RETURN(Template common,
                       ParseTemplate(json, "bad.json", TemplateKind::kScript, BundledForm));
  return ParseScriptTemplate(std::move(common));
}

// The English message of the error a template gets (and that it is InvalidArgument).
std::string Refusal(const nlohmann::json& patch) {
  Result<ScriptTemplate> parsed = Parse(ScriptJson(patch));
  EXPECT_FALSE(parsed.ok()) << "accepted: " << patch.dump();
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message(Lang::kJa).rfind("bad.json: ", 0), 0u);
  return parsed.status().message(Lang::kEn);
}

RecordValues Record(std::int64_t document_id, const std::map<std::string, std::string>& values) {
  RecordValues record{document_id, {}, "2026-11-20"};
  for (const auto& [name, value] : values) record.fields[name] = value;
  return record;
}

RecordValues KyufukinRecord() { return Record(17, testing::KyufukinValues()); }

RecordValues BusRecord(bool wheelchair, std::string notes) {
  RecordValues record = Record(23, testing::DemandBusValues());
  record.fields["wheelchair"] = wheelchair ? "true" : "false";
  record.fields["notes"] = std::move(notes);
  return record;
}

std::string BuildText(const std::string& template_id, const RecordValues& record) {
  Result<PhoneScript> script = BuildPhoneScript(Bundled(template_id), record);
  EXPECT_TRUE(script.ok()) << script.status().message(Lang::kEn);
  return script.ok() ? PhoneScriptsText({*script}) : "";
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// --- the bundled templates ---

TEST(PhoneScriptTest, BundledScriptTemplatesLoadAgainstTheirForms) {
  EXPECT_EQ(Bundled("kyufukin-call").common.form.id, "kyufukin-application");
  EXPECT_EQ(Bundled("demand-bus-call").common.form.id, "demand-bus-reservation");
}

TEST(PhoneScriptTest, KyufukinScriptConfirmsAmountDateAndAccountByItsLastDigits) {
  const std::string text = BuildText("kyufukin-call", KyufukinRecord());
  EXPECT_TRUE(Contains(text, "記録 17　お相手: 山田 太郎（ヤマダ タロウ）")) << text;
  EXPECT_TRUE(Contains(text, "発信先: 0263-54-1234")) << text;
  EXPECT_TRUE(Contains(text, "【読】お忙しいところ恐れ入ります。")) << text;
  EXPECT_TRUE(Contains(text, "令和7年6月2日（れいわ ななねん ろくがつ ふつか）付け")) << text;
  EXPECT_TRUE(Contains(text, "1世帯あたり3万円（さんまんえん）でございます。")) << text;
  EXPECT_TRUE(
      Contains(text, "令和8年12月18日（れいわ はちねん じゅうにがつ じゅうはちにち）を予定"))
      << text;
  EXPECT_TRUE(Contains(text, "普通預金で、口座番号の末尾が＊＊＊4567の口座")) << text;
  // The birth date is shown to the caller as the expected answer, never read out.
  EXPECT_TRUE(Contains(text,
                       "【答え・読まない】昭和25年4月1日（しょうわ にじゅうごねん しがつ "
                       "ついたち）"))
      << text;
  EXPECT_TRUE(Contains(text, "【答え・読まない】＊＊＊＊＊＊1234")) << text;
  // The office's own number: printed in the caller's note, read aloud digit by digit.
  EXPECT_TRUE(Contains(text, "福祉課（0263-52-0280）")) << text;
  EXPECT_TRUE(Contains(text, "ゼロ・ニー・ロク・サン、ゴー・ニー、ゼロ・ニー・ハチ・ゼロ")) << text;
}

TEST(PhoneScriptTest, KyufukinScriptNeverHoldsTheAccountOrBankInFullNorReadsThePhoneAloud) {
  const std::string text = BuildText("kyufukin-call", KyufukinRecord());
  EXPECT_FALSE(Contains(text, "1234567")) << text;
  EXPECT_FALSE(Contains(text, "八十二銀行")) << text;
  EXPECT_FALSE(Contains(text, "塩尻支店")) << text;
  EXPECT_FALSE(Contains(text, "大門七番町")) << text;
  EXPECT_FALSE(Contains(text, "ゼロ・ニー・ロク・サン、ゴー・ヨン")) << text;  // 0263-54-…
}

TEST(PhoneScriptTest, BusScriptReadsTheRideAndKeepsOnlyTheLinesThatApply) {
  const std::string with_chair = BuildText("demand-bus-call", BusRecord(true, "杖をついています"));
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

  const std::string without = BuildText("demand-bus-call", BusRecord(false, ""));
  EXPECT_FALSE(Contains(without, "車いすのままお乗りいただける車両")) << without;
  EXPECT_TRUE(Contains(without, "車いすはご利用にならない")) << without;
  EXPECT_FALSE(Contains(without, "連絡事項")) << without;
}

TEST(PhoneScriptTest, AFieldTheRecordLacksShowsAsNotFilledIn) {
  RecordValues record = BusRecord(false, "");
  record.fields["pickup_stop"] = std::nullopt;  // marked unreadable
  record.fields.erase("dropoff_stop");
  const std::string text = BuildText("demand-bus-call", record);
  EXPECT_TRUE(Contains(text, "お乗りになる場所は（記入なし）、お降りになる場所は（記入なし）で"))
      << text;
}

TEST(PhoneScriptTest, AStoredValueItsFilterCannotWriteFailsTheScriptWithoutQuotingIt) {
  RecordValues record = KyufukinRecord();
  record.fields["birth_date"] = "1950/04/01";
  Result<PhoneScript> script = BuildPhoneScript(Bundled("kyufukin-call"), record);
  ASSERT_FALSE(script.ok());
  EXPECT_EQ(script.status().code(), StatusCode::kInvalidArgument);
  const std::string message = script.status().message(Lang::kEn);
  EXPECT_EQ(message.rfind("document 17: field birth_date: ", 0), 0u) << message;
  EXPECT_FALSE(Contains(message, "1950")) << message;
}

TEST(PhoneScriptTest, TextPutsAFormFeedBetweenScripts) {
  const ScriptTemplate script_template = Bundled("demand-bus-call");
  std::vector<PhoneScript> scripts;
  for (bool chair : {true, false}) {
    Result<PhoneScript> script = BuildPhoneScript(script_template, BusRecord(chair, ""));
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
  EXPECT_EQ(Refusal({{"greeting", {"{{applicant_name|sama}}でいらっしゃいますか。"}}}),
            "bad.json: greeting[1]: a line read aloud places the sensitive field \"氏名\" "
            "(applicant_name) in full; mask it with masked4, or move it to a note or an "
            "expected answer: {{applicant_name|sama}}");
}

TEST(PhoneScriptTest, ASensitiveFieldIsRefusedInEveryKindOfLineReadAloud) {
  // A spoken filter is no mask: the number would be read out whole; nor is a default one.
  EXPECT_NE(Refusal({{"greeting", {{{"say", "{{phone|phone_spoken}}"}}}}}).find("greeting[1]"),
            std::string::npos);
  EXPECT_NE(Refusal({{"message", {"ok", "{{phone}}"}}}).find("message[2]: "), std::string::npos);
  EXPECT_NE(Refusal({{"identity_checks", {{{"ask", "{{birth_date}}ですね"}, {"expect", "はい"}}}}})
                .find("identity_checks[1]: "),
            std::string::npos);
  EXPECT_NE(
      Refusal({{"questions", {{{"question", "口座は？"}, {"answer", {"{{bank_name}}です"}}}}}})
          .find("questions[1].answer[1]: "),
      std::string::npos);
}

TEST(PhoneScriptTest, ASensitiveFieldMayBeMaskedOrShownToTheCallerOnly) {
  for (const nlohmann::json& patch :
       {nlohmann::json{{"greeting", {"末尾{{account_number|masked4}}の口座です。"}}},
        nlohmann::json{{"greeting", {{{"note", "{{applicant_name|sama}}"}}}}},
        nlohmann::json{{"greeting", {"{{application_date}}に受け付けました。"}}},
        nlohmann::json{{"questions",
                        {{{"question", "{{applicant_name}}様の件"},
                          {"answer", {{{"note", "{{bank_name}}"}}}}}}}}}) {
    Result<ScriptTemplate> parsed = Parse(ScriptJson(patch));
    EXPECT_TRUE(parsed.ok()) << patch.dump() << ": " << parsed.status().message(Lang::kEn);
  }
}

// --- other template errors ---

TEST(PhoneScriptTest, ATemplateNamingWhatTheFormDoesNotHaveIsRefused) {
  EXPECT_NE(Refusal({{"greeting", {"{{ride_date}}"}}})
                .find("greeting[1]: form kyufukin-application has no field ride_date"),
            std::string::npos);
  EXPECT_NE(Refusal({{"greeting", {"{{household_size|upper}}"}}}).find("unknown filter upper"),
            std::string::npos);
  EXPECT_NE(Refusal({{"greeting", {"{{household_size|era}}"}}})
                .find("filter era is for date values (household_size is integer)"),
            std::string::npos);
  EXPECT_EQ(Refusal({{"greeting", {{{"say", "s"}, {"when", "wheelchair"}}}}}),
            "bad.json: greeting[1]: when: wheelchair is neither a field of form "
            "kyufukin-application nor a values key");
}

TEST(PhoneScriptTest, MalformedScriptTemplatesAreRefusedWithThePlaceAndReason) {
  const std::pair<nlohmann::json, std::string> cases[] = {
      {{{"colour", "red"}}, "colour"},
      {{{"greeting", nlohmann::json::array()}}, "greeting: "},
      {{{"greeting", "こんにちは"}}, "greeting"},
      {{{"message", {{{"say", "a"}, {"note", "b"}}}}}, "message[1]: give exactly one of"},
      {{{"greeting", {{{"ask", "a"}, {"expect", "b"}}}}}, "greeting[1]"},
      {{{"identity_checks", {"お名前は？"}}}, "identity_checks[1]: identity_checks holds"},
      {{{"questions", {"ok"}}}, "questions[1]: questions holds"},
      {{{"questions", {{{"question", "q"}, {"answer", nlohmann::json::array()}}}}},
       "questions[1]: answer needs one or more lines"},
      {{{"closing", {"{{amount"}}}, "closing[1]: "},
      {{{"heading", nullptr}}, "heading"},
  };
  for (const auto& [patch, expected] : cases) {
    SCOPED_TRACE(patch.dump());
    EXPECT_NE(Refusal(patch).find(expected), std::string::npos) << Refusal(patch);
  }
}

TEST(PhoneScriptTest, ALetterTemplateIsNoScript) {
  Result<ScriptTemplate> letter = LoadScriptTemplate("kyufukin-decision", BundledForm);
  ASSERT_FALSE(letter.ok());
  EXPECT_EQ(letter.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(letter.status().message(Lang::kEn).find("a script template is needed here"),
            std::string::npos)
      << letter.status().message(Lang::kEn);
}

}  // namespace
}  // namespace adbridge::output
