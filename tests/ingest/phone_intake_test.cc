#include "ingest/phone_intake.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ingest/form_registry.h"
#include "tests/ingest/encode_cp932.h"

namespace adbridge::ingest {
namespace {

namespace fs = std::filesystem;
using models::DocumentState;
using models::FieldState;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;

constexpr char kHeader[] =
    "form,applicant_name,applicant_kana,birth_date,postal_code,phone,copies,purpose,"
    "needs_mynumber,my_number,received_at,operator,note,uncertain\r\n";
// A call taken down in full: every value valid, written as people type them.
constexpr char kCompleteRow[] =
    "juminhyo-request,塩尻 花子,しおじり はなこ,昭和25年4月1日,〒399-0701,0263-52-0280,２,"
    "pension,はい,123456789018,2026-11-21T09:30:00+09:00,suzuki,,\r\n";

std::span<const std::uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

class PhoneIntakeTest : public ::testing::Test {
 protected:
  PhoneIntakeTest()
      : dir_(fs::temp_directory_path() / ("adbridge-phone-" + std::to_string(std::random_device()()))),
        blobs_(dir_ / "blobs") {
    fs::create_directories(dir_);
    auto store = models::OpenSqliteStore(dir_ / "adbridge.db");
    if (!store.ok()) throw std::runtime_error(store.status().message(Lang::kEn));
    store_ = std::move(store).value();
    for (const fs::path& form : {kSource / "tests/data/forms/juminhyo-request.json",
                                 kSource / "models/forms/demand-bus-reservation.json"}) {
      Result<RegisteredForm> registered = RegisterFormFile(*store_, blobs_, form);
      if (!registered.ok()) throw std::runtime_error(registered.status().message(Lang::kEn));
    }
  }
  ~PhoneIntakeTest() override { fs::remove_all(dir_); }

  Result<PhoneIntakeReport> Ingest(const std::string& bytes) {
    PhoneIntake intake(*store_, blobs_, {.today = "2026-11-21"});
    return intake.IngestBytes(Bytes(bytes), "calls.csv");
  }
  std::map<std::string, models::FieldRecord> Fields(std::int64_t document) {
    std::map<std::string, models::FieldRecord> fields;
    const std::vector<models::FieldRecord> records = store_->ListFields(document).value();
    for (const models::FieldRecord& f : records) fields[f.name] = f;
    return fields;
  }
  std::size_t Documents() { return store_->ListDocuments({})->size(); }

  fs::path dir_;
  models::BlobStore blobs_;
  std::unique_ptr<models::Store> store_;
};

TEST(ParseCsvTest, ReadsQuotesDoubledQuotesLineEndsAndLineBreaksInsideCells) {
  const CsvParse parse = ParseCsv(
      "a,b,c\r\n"
      "\"x,y\",\"say \"\"hi\"\"\",plain\n"
      "\"two\r\nlines\",,\"\"\r\n"
      "last,row,here");
  ASSERT_FALSE(parse.unterminated_line);
  EXPECT_TRUE(parse.stray_quote_lines.empty());
  ASSERT_EQ(parse.records.size(), 4u);
  EXPECT_THAT(parse.records[1].cells, ElementsAre("x,y", "say \"hi\"", "plain"));
  EXPECT_THAT(parse.records[2].cells, ElementsAre("two\r\nlines", "", ""));
  // Line numbers are where each record starts, counting the line break inside the quotes.
  EXPECT_EQ(parse.records[1].line, 2);
  EXPECT_EQ(parse.records[2].line, 3);
  EXPECT_EQ(parse.records[3].line, 5);
  EXPECT_THAT(parse.records[3].cells, ElementsAre("last", "row", "here"));
}

TEST(ParseCsvTest, ReportsAnUnclosedQuoteAndAStrayQuoteByLine) {
  const CsvParse parse = ParseCsv("a,b\nok,1\nbad\"x,2\n\"never closed,3\nmore,4\n");
  ASSERT_EQ(parse.unterminated_line, 4);
  EXPECT_THAT(parse.stray_quote_lines, ElementsAre(3));
  EXPECT_EQ(parse.records.size(), 3u);
}

TEST(DecodePhoneCsvTest, Utf8WithOrWithoutBomAndCp932GiveTheSameText) {
  const std::string text = std::string(kHeader) + kCompleteRow;
  EXPECT_EQ(*DecodePhoneCsv(Bytes(text)), text);
  EXPECT_EQ(*DecodePhoneCsv(Bytes("\xEF\xBB\xBF" + text)), text);
  const std::string cp932 = test_support::EncodeCp932(text);
  ASSERT_NE(cp932, text);
  EXPECT_EQ(*DecodePhoneCsv(Bytes(cp932)), text);
}

TEST(DecodePhoneCsvTest, BytesThatAreNeitherAreRefusedNamingTheOffset) {
  // 0x81 starts a two-byte CP932 character, which 0x20 cannot end.
  Result<std::string> text = DecodePhoneCsv(Bytes(std::string("form\r\nab\x81 c")));
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(text.status().message(Lang::kEn), HasSubstr("byte offset 8"));
}

TEST(IsPhoneReceivedAtTest, TakesDateAndTimeWithOptionalSecondsAndOffset) {
  EXPECT_TRUE(IsPhoneReceivedAt("2026-11-21 09:30"));
  EXPECT_TRUE(IsPhoneReceivedAt("2026-11-21T09:30:15Z"));
  EXPECT_TRUE(IsPhoneReceivedAt("2024-02-29T23:59:59+09:00"));
  EXPECT_FALSE(IsPhoneReceivedAt("2026-11-21"));
  EXPECT_FALSE(IsPhoneReceivedAt("2025-02-29 10:00"));
  EXPECT_FALSE(IsPhoneReceivedAt("2026-11-21 24:00"));
  EXPECT_FALSE(IsPhoneReceivedAt("yesterday morning"));
  EXPECT_FALSE(IsPhoneReceivedAt("2026-11-21 09:30+9"));
}

TEST_F(PhoneIntakeTest, ACompleteCallBecomesAVerifiedDocumentWithNormalisedValues) {
  Result<PhoneIntakeReport> report = Ingest(std::string(kHeader) + kCompleteRow);
  ASSERT_TRUE(report.ok()) << report.status().message(Lang::kEn);
  EXPECT_TRUE(report->errors.empty());
  ASSERT_EQ(report->records.size(), 1u);
  EXPECT_EQ(report->records[0].line, 2);
  EXPECT_EQ(report->records[0].state, DocumentState::kVerified);

  const models::Document doc = *store_->GetDocument(report->records[0].document_id);
  EXPECT_EQ(doc.source, models::DocumentSource::kPhone);
  EXPECT_EQ(doc.source_name, "calls.csv:2");
  EXPECT_EQ(doc.media_type, "text/csv");
  EXPECT_EQ(doc.form_id, "juminhyo-request");
  auto fields = Fields(doc.id);
  EXPECT_EQ(fields.size(), 9u);
  EXPECT_EQ(fields["birth_date"].value, "1950-04-01");
  EXPECT_EQ(fields["birth_date"].ocr_value, "昭和25年4月1日");
  EXPECT_EQ(fields["applicant_kana"].value, "シオジリ ハナコ");
  EXPECT_EQ(fields["postal_code"].value, "399-0701");
  EXPECT_EQ(fields["phone"].value, "0263520280");
  EXPECT_EQ(fields["copies"].value, "2");
  EXPECT_EQ(fields["needs_mynumber"].value, "true");
  for (const auto& [name, field] : fields) {
    EXPECT_EQ(field.state, FieldState::kAutoAccepted) << name;
    EXPECT_FALSE(field.confidence) << name;
    EXPECT_FALSE(field.snippet_sha256) << name;
  }
  EXPECT_TRUE(store_->ListReviewTasks(doc.id)->empty());
}

TEST_F(PhoneIntakeTest, UncertainFieldsAndInvalidValuesGoToReviewWithTheOperatorsNote) {
  Result<PhoneIntakeReport> report = Ingest(
      std::string(kHeader) +
      "juminhyo-request,塩尻 太郎,シオジリ タロウ,1960-01-02,399-0701,0263520280,25,pension,,,,"
      "suzuki,番地を聞き取れず,postal_code\u3000phone\r\n");
  ASSERT_TRUE(report.ok()) << report.status().message(Lang::kEn);
  ASSERT_EQ(report->records.size(), 1u);
  EXPECT_EQ(report->records[0].state, DocumentState::kInReview);
  const std::int64_t id = report->records[0].document_id;

  std::map<std::string, std::string> reasons;
  const std::vector<models::ReviewTask> tasks = store_->ListReviewTasks(id).value();
  for (const models::ReviewTask& task : tasks) {
    reasons[task.field_name] = task.reason;
  }
  // Exactly the two the operator was unsure of, and copies (25 is above the form's 20).
  EXPECT_EQ(reasons.size(), 3u);
  EXPECT_EQ(reasons["postal_code"], "番地を聞き取れず");
  EXPECT_EQ(reasons["phone"], "番地を聞き取れず");
  EXPECT_THAT(reasons["copies"], HasSubstr("番地を聞き取れず"));
  auto fields = Fields(id);
  EXPECT_EQ(fields["copies"].state, FieldState::kNeedsReview);
  EXPECT_EQ(fields["copies"].ocr_value, "25");
  EXPECT_FALSE(fields["copies"].validation_error.empty());
  EXPECT_EQ(fields["phone"].state, FieldState::kNeedsReview);
  EXPECT_EQ(fields["applicant_name"].state, FieldState::kAutoAccepted);
}

TEST_F(PhoneIntakeTest, SpacesTypedAroundCellsAreIgnoredEvenFullWidthOnes) {
  // The form, the time and the uncertain field with spaces around them (full-width U+3000 as a
  // Japanese keyboard types them, and ASCII ones), and the header too.
  Result<PhoneIntakeReport> report = Ingest(
      "form , applicant_name,applicant_kana,birth_date,postal_code,phone,copies,purpose,"
      "needs_mynumber,my_number,received_at,operator,note,uncertain\r\n"
      "\u3000juminhyo-request ,塩尻 花子\u3000,しおじり はなこ,昭和25年4月1日,〒399-0701,"
      "0263-52-0280,２,pension,はい,123456789018, 2026-11-21T09:30:00+09:00\u3000,suzuki,,"
      " phone\u3000\r\n");
  ASSERT_TRUE(report.ok()) << report.status().message(Lang::kEn);
  EXPECT_TRUE(report->errors.empty()) << report->errors[0].reason.en;
  ASSERT_EQ(report->records.size(), 1u);
  const std::int64_t id = report->records[0].document_id;
  EXPECT_EQ(store_->GetDocument(id)->form_id, "juminhyo-request");
  auto fields = Fields(id);
  EXPECT_EQ(fields["applicant_name"].value, "塩尻 花子");
  EXPECT_EQ(fields["applicant_name"].ocr_value, "塩尻 花子");
  EXPECT_EQ(fields["phone"].state, FieldState::kNeedsReview);
  EXPECT_EQ(fields["postal_code"].state, FieldState::kAutoAccepted);
}

TEST_F(PhoneIntakeTest, EachMalformedRowIsReportedByLineWhileTheOthersAreStored) {
  const std::string good = "juminhyo-request,塩尻 花子,,1950-04-01,,,,,,,,,,\r\n";
  Result<PhoneIntakeReport> report = Ingest(
      std::string(kHeader) +
      good +                                                                   // 2
      "juminhyo-request,too,few\r\n" +                                         // 3
      "no-such-form,塩尻 花子,,1950-04-01,,,,,,,,,,\r\n" +                     // 4
      "juminhyo-request,塩尻 次郎,,1950-04-02,,,,,,,,,,ride_date\r\n" +        // 5
      "juminhyo-request,塩尻 三郎,,1950-04-03,,,,,,,昨日の朝,,,\r\n" +         // 6
      "juminhyo-request,塩尻 \"四郎\",,1950-04-04,,,,,,,,,,\r\n" +             // 7
      "juminhyo-request,\"塩尻\r\n五郎\",,1950-04-05,,,,,,,,,,\r\n" +          // 8-9
      "juminhyo-request,\"塩尻 六郎,,1950-04-06,,,,,,,,,,\r\n");                // 10
  ASSERT_TRUE(report.ok()) << report.status().message(Lang::kEn);
  std::vector<int> stored;
  for (const PhoneRecord& r : report->records) stored.push_back(r.line);
  EXPECT_THAT(stored, ElementsAre(2, 8));
  std::map<int, std::string> errors;
  for (const PhoneRowError& e : report->errors) errors[e.line] = e.reason.en;
  ASSERT_EQ(errors.size(), 6u);
  EXPECT_THAT(errors[3], HasSubstr("3 cells where the header has 14"));
  EXPECT_THAT(errors[4], HasSubstr("no such form: no-such-form"));
  EXPECT_THAT(errors[5], HasSubstr("uncertain names ride_date"));
  EXPECT_THAT(errors[6], HasSubstr("received_at is not a time"));
  EXPECT_THAT(errors[7], HasSubstr("\""));
  EXPECT_THAT(errors[10], HasSubstr("quote is never closed"));
  EXPECT_EQ(Documents(), 2u);
}

TEST_F(PhoneIntakeTest, RowsMayNameDifferentFormsButFillOnlyTheirOwnFields) {
  // `name` is a field of the bus form only, applicant_name of the certificate request only.
  Result<PhoneIntakeReport> report = Ingest(
      "form,applicant_name,birth_date,name\r\n"
      "demand-bus-reservation,,,塩尻 花子\r\n"
      "juminhyo-request,塩尻 花子,1950-04-01,塩尻 花子\r\n"
      "demand-bus-reservation,塩尻 花子,,塩尻 花子\r\n"
      "juminhyo-request,塩尻 花子,1950-04-01,\r\n");
  ASSERT_TRUE(report.ok()) << report.status().message(Lang::kEn);
  ASSERT_EQ(report->records.size(), 2u);
  EXPECT_EQ(report->records[0].line, 2);
  EXPECT_EQ(store_->GetDocument(report->records[0].document_id)->form_id,
            "demand-bus-reservation");
  EXPECT_EQ(Fields(report->records[0].document_id)["name"].value, "塩尻 花子");
  EXPECT_EQ(report->records[1].line, 5);
  ASSERT_EQ(report->errors.size(), 2u);
  EXPECT_EQ(report->errors[0].line, 3);
  EXPECT_THAT(report->errors[0].reason.en,
              HasSubstr("the column name is not a field of the form juminhyo-request"));
  EXPECT_EQ(report->errors[1].line, 4);
  EXPECT_THAT(report->errors[1].reason.en, HasSubstr("applicant_name"));
}

TEST_F(PhoneIntakeTest, AnUnknownColumnOrFormRefusesTheFileAndStoresNothing) {
  Result<PhoneIntakeReport> column =
      Ingest("form,applicant_name,favourite_colour\r\njuminhyo-request,塩尻 花子,blue\r\n");
  ASSERT_FALSE(column.ok());
  EXPECT_EQ(column.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(column.status().message(Lang::kEn), HasSubstr("favourite_colour"));
  EXPECT_THAT(column.status().message(Lang::kEn), HasSubstr("juminhyo-request"));
  EXPECT_THAT(column.status().message(Lang::kJa), HasSubstr("favourite_colour"));

  Result<PhoneIntakeReport> form = Ingest("form,applicant_name\r\ndog-licence,ポチ\r\n");
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(form.status().message(Lang::kEn), HasSubstr("dog-licence"));

  Result<PhoneIntakeReport> no_form = Ingest("applicant_name\r\n塩尻 花子\r\n");
  ASSERT_FALSE(no_form.ok());
  EXPECT_THAT(no_form.status().message(Lang::kEn), HasSubstr("no form column"));
  EXPECT_EQ(Documents(), 0u);
}

TEST_F(PhoneIntakeTest, AFileWhoseEveryRowIsMalformedReportsTheRowsNotTheColumns) {
  // No row names a form that could judge applicant_name, yet the column is not to blame.
  Result<PhoneIntakeReport> report =
      Ingest("form,applicant_name\r\njuminhyo-request\r\njuminhyo-request,a,b\r\n");
  ASSERT_TRUE(report.ok()) << report.status().message(Lang::kEn);
  EXPECT_TRUE(report->records.empty());
  ASSERT_EQ(report->errors.size(), 2u);
  EXPECT_EQ(report->errors[0].line, 2);
  EXPECT_THAT(report->errors[0].reason.ja, HasSubstr("見出しは 2 個"));
  EXPECT_EQ(report->errors[1].line, 3);
  EXPECT_EQ(Documents(), 0u);
}

TEST_F(PhoneIntakeTest, TheSameFileAgainInAnyEncodingAddsNothing) {
  const std::string text = std::string(kHeader) + kCompleteRow +
                           "juminhyo-request,塩尻 太郎,,1960-01-02,,,,,,,,,,phone\r\n";
  Result<PhoneIntakeReport> first = Ingest(text);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->records.size(), 2u);
  for (const std::string& again :
       {text, "\xEF\xBB\xBF" + text, test_support::EncodeCp932(text)}) {
    Result<PhoneIntakeReport> second = Ingest(again);
    ASSERT_TRUE(second.ok());
    ASSERT_EQ(second->records.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_TRUE(second->records[i].duplicate);
      EXPECT_EQ(second->records[i].document_id, first->records[i].document_id);
      EXPECT_EQ(second->records[i].state, first->records[i].state);
    }
  }
  EXPECT_EQ(Documents(), 2u);
  EXPECT_EQ(store_->ListReviewTasks(first->records[1].document_id)->size(), 1u);
}

}  // namespace
}  // namespace adbridge::ingest
