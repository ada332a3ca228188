#include "output/phone_script_run.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "tests/output/pdf_test_support.h"
#include "tests/output/verified_records.h"

namespace adbridge::output {
namespace {

namespace fs = std::filesystem;
using testing::VerifiedRecords;

std::string Slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `text` without white space (ASCII, the ideographic space, form feeds), so that text broken
// into lines on a page compares with the same text unbroken.
std::string Squeezed(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "　") == 0) {
      i += 2;
      continue;
    }
    if (text[i] == ' ' || text[i] == '\n' || text[i] == '\f' || text[i] == '\t' ||
        text[i] == '\r') {
      continue;
    }
    out += text[i];
  }
  return out;
}

class PhoneScriptRunTest : public ::testing::Test {
 protected:
  PhoneScriptRunTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-scripts-" + std::to_string(rd()));
    records_ = std::make_unique<VerifiedRecords>(dir_ / "data");
    records_->RegisterBundledForm("kyufukin-application");
    records_->RegisterBundledForm("demand-bus-reservation");
  }
  ~PhoneScriptRunTest() override {
    records_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  models::Store& store() { return records_->store(); }

  // Two verified kyufukin records, one still in review, and a verified bus reservation.
  void AddMixedRecords() {
    std::map<std::string, std::string> second = testing::KyufukinValues();
    second["applicant_name"] = "塩尻 花子";
    second["applicant_kana"] = "シオジリ ハナコ";
    second["phone"] = "09087654321";
    second["account_number"] = "7654321";
    first_ = records_->Add("kyufukin-application", testing::KyufukinValues());
    records_->Add("kyufukin-application", testing::KyufukinValues(), 1, /*verified=*/false);
    records_->Add("demand-bus-reservation", testing::DemandBusValues());
    second_ = records_->Add("kyufukin-application", second);
  }

  Result<ScriptRunSummary> Run(const std::string& template_id, const fs::path& out,
                               std::optional<std::string> form = std::nullopt) {
    return GeneratePhoneScripts(store(), template_id, {.form_id = form, .on_record = {}}, out);
  }

  fs::path dir_;
  std::unique_ptr<VerifiedRecords> records_;
  std::int64_t first_ = 0;
  std::int64_t second_ = 0;
};

TEST_F(PhoneScriptRunTest, TextHoldsOneScriptPerVerifiedRecordOfTheForm) {
  AddMixedRecords();
  const fs::path out = dir_ / "calls.txt";
  Result<ScriptRunSummary> run = Run("kyufukin-call", out);
  ASSERT_TRUE(run.ok()) << run.status().message(Lang::kEn);
  EXPECT_EQ(run->scripts, 2);
  EXPECT_TRUE(run->written);
  const std::string text = Slurp(out);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\f'), 1);
  EXPECT_NE(text.find("記録 " + std::to_string(first_) + "　お相手: 山田 太郎（ヤマダ タロウ）"),
            std::string::npos);
  EXPECT_NE(text.find("記録 " + std::to_string(second_) + "　お相手: 塩尻 花子"),
            std::string::npos);
  EXPECT_EQ(text.find("鈴木"), std::string::npos) << "a bus reservation is not a benefit record";
}

TEST_F(PhoneScriptRunTest, PdfHasAPagePerScriptWithWhatIsSaidAndNoSensitiveValueInFull) {
  AddMixedRecords();
  const fs::path out = dir_ / "calls.pdf";
  Result<ScriptRunSummary> run = Run("kyufukin-call", out);
  ASSERT_TRUE(run.ok()) << run.status().message(Lang::kEn);

  Result<testing::PdfInfo> info = testing::ReadPdfInfo(out);
  ASSERT_TRUE(info.ok()) << info.status().message(Lang::kEn);
  EXPECT_EQ(info->pages, 2);
  Result<std::string> layout = testing::PdfText(out);
  ASSERT_TRUE(layout.ok()) << layout.status().message(Lang::kEn);
  const std::string text = Squeezed(*layout);
  EXPECT_NE(text.find(Squeezed("【読】お忙しいところ恐れ入ります。")), std::string::npos)
      << *layout;
  EXPECT_NE(text.find("令和8年12月18日（れいわはちねんじゅうにがつじゅうはちにち）"),
            std::string::npos)
      << *layout;
  EXPECT_NE(text.find("発信先:0263-54-1234"), std::string::npos) << *layout;
  EXPECT_NE(text.find("発信先:090-8765-4321"), std::string::npos) << *layout;
  EXPECT_NE(text.find("＊＊＊4567"), std::string::npos) << *layout;
  // Never in full: the account numbers, the bank, nor a resident's number read out.
  EXPECT_EQ(text.find("1234567"), std::string::npos) << *layout;
  EXPECT_EQ(text.find("7654321"), std::string::npos) << *layout;
  EXPECT_EQ(text.find("八十二銀行"), std::string::npos) << *layout;
  EXPECT_EQ(text.find("ゼロ・ニー・ロク・サン、ゴー・ヨン"), std::string::npos) << *layout;
  EXPECT_EQ(text.find("ゼロ・キュウ・ゼロ、ハチ・ナナ"), std::string::npos) << *layout;

  Result<std::vector<testing::PdfFont>> fonts = testing::ReadPdfFonts(out);
  ASSERT_TRUE(fonts.ok()) << fonts.status().message(Lang::kEn);
  std::set<std::string> faces;
  for (const testing::PdfFont& font : *fonts) {
    EXPECT_TRUE(font.embedded && font.subset) << font.name;
    faces.insert(font.name.substr(font.name.find('+') + 1));
  }
  EXPECT_EQ(faces, (std::set<std::string>{"IPAexGothic", "IPAexMincho"}));
}

TEST_F(PhoneScriptRunTest, TextHoldsTheSameContentAsThePdfInTheSameOrder) {
  AddMixedRecords();
  ASSERT_TRUE(Run("kyufukin-call", dir_ / "calls.txt").ok());
  ASSERT_TRUE(Run("kyufukin-call", dir_ / "calls.pdf").ok());
  Result<std::string> pdf = testing::PdfText(dir_ / "calls.pdf");
  ASSERT_TRUE(pdf.ok());
  const std::string printed = Squeezed(*pdf);
  std::istringstream lines(Slurp(dir_ / "calls.txt"));
  size_t at = 0;
  int compared = 0;
  for (std::string line; std::getline(lines, line);) {
    const std::string squeezed = Squeezed(line);
    if (squeezed.empty()) continue;
    const size_t found = printed.find(squeezed, at);
    ASSERT_NE(found, std::string::npos) << "not in the PDF after what came before: " << line;
    at = found + squeezed.size();
    ++compared;
  }
  EXPECT_GT(compared, 60);
  EXPECT_EQ(at, printed.size()) << "the PDF has more than the text: " << printed.substr(at);
}

TEST_F(PhoneScriptRunTest, BusScriptsAreMadeForBusReservations) {
  AddMixedRecords();
  const fs::path out = dir_ / "bus.txt";
  Result<ScriptRunSummary> run = Run("demand-bus-call", out, "demand-bus-reservation");
  ASSERT_TRUE(run.ok()) << run.status().message(Lang::kEn);
  EXPECT_EQ(run->scripts, 1);
  const std::string text = Slurp(out);
  EXPECT_NE(text.find("令和7年4月14日（れいわ ななねん しがつ じゅうよっか）"), std::string::npos);
  EXPECT_NE(text.find("車いすのままお乗りいただける車両"), std::string::npos);
}

TEST_F(PhoneScriptRunTest, TheRunIsAuditedWithItsCountAndNoPersonalData) {
  AddMixedRecords();
  ASSERT_TRUE(Run("kyufukin-call", dir_ / "calls.pdf").ok());
  Result<std::vector<models::AuditEvent>> audit = store().RecentAudit(1);
  ASSERT_TRUE(audit.ok() && audit->size() == 1u);
  EXPECT_EQ(audit->front().action, "scripts.generated");
  EXPECT_EQ(nlohmann::json::parse(audit->front().detail_json),
            (nlohmann::json{{"template", "kyufukin-call"},
                            {"form", "kyufukin-application"},
                            {"tenant", "default"},
                            {"format", "pdf"},
                            {"scripts", 2},
                            {"skipped", 0}}));
  EXPECT_EQ(audit->front().document_id, std::nullopt);
}

TEST_F(PhoneScriptRunTest, WithoutAVerifiedRecordNothingIsWrittenOrAudited) {
  records_->Add("kyufukin-application", testing::KyufukinValues(), 1, /*verified=*/false);
  const std::int64_t audited = store().RecentAudit(1)->front().id;
  Result<ScriptRunSummary> run = Run("kyufukin-call", dir_ / "calls.pdf");
  ASSERT_TRUE(run.ok()) << run.status().message(Lang::kEn);
  EXPECT_EQ(run->scripts, 0);
  EXPECT_FALSE(run->written);
  EXPECT_FALSE(fs::exists(dir_ / "calls.pdf"));
  EXPECT_EQ(store().RecentAudit(1)->front().id, audited);
}

TEST_F(PhoneScriptRunTest, ARecordWhoseValueCannotBeWrittenIsLeftOutAndNamed) {
  AddMixedRecords();
  // A verified record whose stored date its filter cannot write.
  std::map<std::string, std::string> broken = testing::KyufukinValues();
  broken["application_date"] = "2025/06/02";
  const std::int64_t id = records_->Add("kyufukin-application", broken);
  std::vector<std::size_t> progress;
  Result<ScriptRunSummary> run = GeneratePhoneScripts(
      store(), "kyufukin-call",
      {.form_id = std::nullopt,
       .on_record = [&](std::size_t done,
                        std::size_t total) { progress.push_back(done * 10 + total); }},
      dir_ / "calls.txt");
  ASSERT_TRUE(run.ok()) << run.status().message(Lang::kEn);
  EXPECT_EQ(run->scripts, 2);
  ASSERT_EQ(run->skipped.size(), 1u);
  EXPECT_EQ(run->skipped[0].document_id, id);
  EXPECT_EQ(run->skipped[0].reason.message(Lang::kEn).rfind(
                "document " + std::to_string(id) + ": field application_date: ", 0),
            0u)
      << run->skipped[0].reason.message(Lang::kEn);
  EXPECT_EQ(progress, (std::vector<std::size_t>{13, 23, 33})) << "each of 3 records, in turn";
  EXPECT_EQ(Slurp(dir_ / "calls.txt").find("記録 " + std::to_string(id) + "　"), std::string::npos);
}

TEST_F(PhoneScriptRunTest, AFailedRunLeavesAnEarlierFileAsItWas) {
  AddMixedRecords();
  const fs::path out = dir_ / "calls.txt";
  std::ofstream(out) << "yesterday's scripts";
  Result<ScriptRunSummary> run = Run("kyufukin-call", out, "demand-bus-reservation");
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(Slurp(out), "yesterday's scripts");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 2)
      << "no temporary file is left behind";
}

TEST_F(PhoneScriptRunTest, AnotherFormAnUnregisteredFormOrAnotherExtensionIsRefused) {
  AddMixedRecords();
  Result<ScriptRunSummary> other = Run("kyufukin-call", dir_ / "a.txt", "demand-bus-reservation");
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(other.status().message(Lang::kEn),
            "kyufukin-call.json: the template is for form kyufukin-application, not "
            "demand-bus-reservation");

  nlohmann::json unregistered = nlohmann::json::parse(
      Slurp(fs::path(ADBRIDGE_SOURCE_DIR) / "models/templates/kyufukin-call.json"));
  unregistered["form"] = "juminhyo-request";
  std::ofstream(dir_ / "juminhyo-call.json") << unregistered.dump();
  Result<ScriptRunSummary> missing =
      GeneratePhoneScripts(store(), (dir_ / "juminhyo-call.json").string(), {}, dir_ / "a.txt");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message(Lang::kEn).find("juminhyo-request"), std::string::npos);

  Result<ScriptRunSummary> docx = Run("kyufukin-call", dir_ / "a.docx");
  EXPECT_EQ(docx.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(docx.status().message(Lang::kEn),
            (dir_ / "a.docx").string() + ": the output is a .pdf or .txt file");
  EXPECT_FALSE(fs::exists(dir_ / "a.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "a.docx"));
}

TEST_F(PhoneScriptRunTest, RecordsOfAnOlderFormVersionAreCheckedAgainstThatVersion) {
  // Version 1 of the form had no application date, which the template says; version 2 has.
  nlohmann::json older = nlohmann::json::parse(
      Slurp(fs::path(ADBRIDGE_SOURCE_DIR) / "models/forms/kyufukin-application.json"));
  older["fields"].erase(older["fields"].begin());
  ASSERT_NE(older.dump().find("birth_date"), std::string::npos);
  ASSERT_EQ(older.dump().find("application_date"), std::string::npos);
  VerifiedRecords other(dir_ / "other");
  other.RegisterBundledForm("kyufukin-application", 1, older.dump());
  other.RegisterBundledForm("kyufukin-application", 2);
  std::map<std::string, std::string> values = testing::KyufukinValues();
  values.erase("application_date");
  other.Add("kyufukin-application", values, 1);
  Result<ScriptRunSummary> run =
      GeneratePhoneScripts(other.store(), "kyufukin-call", {}, dir_ / "x.txt");
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(run.status().message(Lang::kEn).find(
                "form kyufukin-application has no field application_date"),
            std::string::npos)
      << run.status().message(Lang::kEn);
  EXPECT_FALSE(fs::exists(dir_ / "x.txt"));
}

}  // namespace
}  // namespace adbridge::output
