// The export writer as a department's system reads its files: CSV and JSON Lines, decoded
// back from each encoding; quoting, formula guards, unreadable fields, characters CP932 cannot
// hold; and the output file that is either whole or absent.
#include "output/export.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "output/output_file.h"
#include "tests/output/decode_cp932.h"

namespace adbridge::output {
namespace {

namespace fs = std::filesystem;
using models::DocumentState;
using models::DocumentWithFields;
using models::ExportEncoding;
using models::ExportFormat;
using models::FieldRecord;
using models::FieldState;
using test_support::DecodeCp932;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Hex(const std::string& bytes) {
  static const char digits[] = "0123456789ABCDEF";
  std::string hex;
  for (unsigned char c : bytes) {
    if (!hex.empty()) hex += ' ';
    hex += digits[c >> 4];
    hex += digits[c & 15];
  }
  return hex;
}

models::FormDefinition Form(int version, const std::vector<std::string>& fields) {
  models::FormDefinition form;
  form.id = "juminhyo-request";
  form.version = version;
  for (const std::string& name : fields) {
    models::FieldDefinition field;
    field.name = name;
    form.fields.push_back(field);
  }
  return form;
}

FieldRecord Field(const std::string& name, std::optional<std::string> value,
                  FieldState state = FieldState::kVerified) {
  FieldRecord field;
  field.name = name;
  field.value = value;
  field.ocr_value = value;
  field.confidence = 0.5;
  field.state = state;
  return field;
}

DocumentWithFields Document(std::int64_t id, std::vector<FieldRecord> fields,
                            const std::string& source_name = "batch-0421/0007.tif") {
  DocumentWithFields d;
  d.document.id = id;
  d.document.form_id = "juminhyo-request";
  d.document.form_version = 1;
  d.document.state = DocumentState::kVerified;
  d.document.source_name = source_name;
  d.fields = std::move(fields);
  return d;
}

class ExportTest : public ::testing::Test {
 protected:
  // Writes `documents` of a form with the fields name and address; fails the test when the
  // writer refuses.
  std::string Written(const std::vector<DocumentWithFields>& documents, ExportOptions options) {
    Result<ExportWriter> writer = ExportWriter::Create({Form(1, {"name", "address"})}, options);
    EXPECT_TRUE(writer.ok()) << writer.status().message(Lang::kEn);
    if (!writer.ok()) return "";
    std::ostringstream out;
    Result<std::vector<Unmappable>> written = writer->Write(documents, out);
    EXPECT_TRUE(written.ok()) << written.status().message(Lang::kEn);
    return out.str();
  }

  // A resident whose values need everything CSV has: kanji, kana, a wave dash and a minus
  // sign, a comma, a double quote and a line break.
  std::vector<DocumentWithFields> Residents() {
    return {Document(17, {Field("name", "山田 ハナコ〜"),
                          Field("address", "塩尻市大門1−2, \"第二\"\n別棟")}),
            Document(18, {Field("name", "佐藤 太郎"), Field("address", "松本市")})};
  }
};

constexpr char kResidentsCsv[] =
    "document,source_name,name,address\r\n"
    "17,batch-0421/0007.tif,山田 ハナコ〜,\"塩尻市大門1−2, \"\"第二\"\"\n別棟\"\r\n"
    "18,batch-0421/0007.tif,佐藤 太郎,松本市\r\n";

TEST_F(ExportTest, CsvInUtf8HasTheHeaderQuotedValuesAndCrlfLineEnds) {
  EXPECT_EQ(Written(Residents(), {}), kResidentsCsv);
}

TEST_F(ExportTest, Utf8WithBomStartsWithTheBomAndPlainUtf8DoesNot) {
  const std::string with_bom = Written(Residents(), {.encoding = ExportEncoding::kUtf8Bom});
  ASSERT_GE(with_bom.size(), 3u);
  EXPECT_EQ(with_bom.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(with_bom.substr(3), kResidentsCsv);
  EXPECT_EQ(Written(Residents(), {}).substr(0, 8), "document");
}

TEST_F(ExportTest, Cp932WritesWaveDashAndMinusAsWindowsExpectsAndDecodesBack) {
  const std::string bytes = Written(Residents(), {.encoding = ExportEncoding::kCp932});
  // 〜 (U+301C) and − (U+2212) are the bytes Windows has for ～ and －: 81 60 and 81 7C.
  EXPECT_THAT(Hex(bytes), HasSubstr("83 6E 83 69 83 52 81 60 2C"));  // ハナコ〜,
  EXPECT_THAT(Hex(bytes), HasSubstr("31 81 7C 32"));                 // 1−2
  EXPECT_EQ(bytes.find("\xEF\xBB\xBF"), std::string::npos);
  // Windows reads them back as ～ (U+FF5E) and － (U+FF0D); everything else is as written.
  std::string expected = kResidentsCsv;
  expected.replace(expected.find("〜"), std::string("〜").size(), "～");
  expected.replace(expected.find("−"), std::string("−").size(), "－");
  EXPECT_EQ(DecodeCp932(bytes), expected);
}

TEST_F(ExportTest, Cp932KeepsMicrosoftsOwnCharactersAndFoldsTheirJisTwins) {
  const std::vector<DocumentWithFields> documents = {
      Document(1, {Field("name", "髙橋 ①"), Field("address", "¢£¬‖—～－")})};
  const std::string bytes = Written(documents, {.encoding = ExportEncoding::kCp932});
  EXPECT_THAT(Hex(bytes), HasSubstr("FB FC 8B B4 20 87 40"));  // 髙 (IBM extension) 橋 ①
  EXPECT_THAT(Hex(bytes), HasSubstr("81 91 81 92 81 CA 81 61 81 5C 81 60 81 7C"));
  EXPECT_THAT(DecodeCp932(bytes), HasSubstr("￠￡￢∥―～－"));
}

TEST_F(ExportTest, CharactersCp932CannotHoldAreNamedAndNothingIsWritten) {
  const std::vector<DocumentWithFields> documents = {
      Document(7, {Field("name", "𠮷田 一郎"), Field("address", "森鷗外記念館 😀 𠮷")}),
      Document(8, {Field("name", "𠮷野")})};
  Result<ExportWriter> writer =
      ExportWriter::Create({Form(1, {"name", "address"})}, {.encoding = ExportEncoding::kCp932});
  ASSERT_TRUE(writer.ok());
  // 鷗 is not turned into 鴎 behind anyone's back: a name is not changed silently.
  EXPECT_THAT(writer->FindUnmappable(documents),
              ElementsAre(Unmappable{7, "name", 0x20BB7}, Unmappable{7, "address", 0x9DD7},
                          Unmappable{7, "address", 0x1F600}, Unmappable{7, "address", 0x20BB7},
                          Unmappable{8, "name", 0x20BB7}));
  const Text message = DescribeUnmappable({7, "name", 0x20BB7}, false);
  EXPECT_EQ(message.en, "document 7, field name: 𠮷 (U+20BB7) cannot be written in CP932");
  EXPECT_THAT(message.ja, HasSubstr("U+20BB7"));
  EXPECT_THAT(message.ja, HasSubstr("文書 7"));

  std::ostringstream out;
  Result<std::vector<Unmappable>> written = writer->Write(documents, out);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(written.status().message(Lang::kEn), HasSubstr("U+20BB7"));
  EXPECT_EQ(out.str(), "") << "not even the header";
}

TEST_F(ExportTest, ReplacingUnmappableCharactersWritesGetaAndListsEachReplacement) {
  const std::vector<DocumentWithFields> documents = {
      Document(7, {Field("name", "𠮷田 𠮷男"), Field("address", "松本市")})};
  Result<ExportWriter> writer =
      ExportWriter::Create({Form(1, {"name", "address"})},
                           {.encoding = ExportEncoding::kCp932, .replace_unmappable = true});
  ASSERT_TRUE(writer.ok());
  std::ostringstream out;
  Result<std::vector<Unmappable>> replaced = writer->Write(documents, out);
  ASSERT_TRUE(replaced.ok()) << replaced.status().message(Lang::kEn);
  EXPECT_THAT(*replaced, ElementsAre(Unmappable{7, "name", 0x20BB7}));
  EXPECT_THAT(Hex(out.str()), HasSubstr("81 AC 93 63 20 81 AC 92 6A"));  // 〓田 〓男
  EXPECT_THAT(DecodeCp932(out.str()), HasSubstr("7,batch-0421/0007.tif,〓田 〓男,松本市\r\n"));
  EXPECT_EQ(DescribeUnmappable((*replaced)[0], true).en,
            "document 7, field name: 𠮷 (U+20BB7) is not in CP932; written as 〓 (U+3013)");
}

TEST_F(ExportTest, ValuesExcelWouldRunAsFormulasAreWrittenAsTextInCsvOnly) {
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvCell("+81 263"), "'+81 263");
  EXPECT_EQ(CsvCell("-1+2"), "'-1+2");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("\tcmd"), "'\tcmd");
  EXPECT_EQ(CsvCell("\r=1"), "\"'\r=1\"");
  // Plain numbers are numbers, not formulas; inner signs and dates are harmless.
  EXPECT_EQ(CsvCell("-5"), "-5");
  EXPECT_EQ(CsvCell("+3"), "+3");
  EXPECT_EQ(CsvCell("-0.25"), "-0.25");
  EXPECT_EQ(CsvCell("1950-04-01"), "1950-04-01");
  EXPECT_EQ(CsvCell("a=b"), "a=b");
  EXPECT_EQ(CsvCell(""), "");

  const std::vector<DocumentWithFields> documents = {
      Document(3, {Field("name", "=1+1"), Field("address", "-")})};
  EXPECT_THAT(Written(documents, {}), HasSubstr("3,batch-0421/0007.tif,'=1+1,'-\r\n"));
  const nlohmann::json line =
      nlohmann::json::parse(Written(documents, {.format = ExportFormat::kJsonLines}));
  EXPECT_EQ(line["fields"]["name"]["value"], "=1+1") << "JSON Lines is data, not a sheet";
}

TEST_F(ExportTest, UnreadableFieldIsEmptyInCsvAndCarriesItsStateInJsonLines) {
  const std::vector<DocumentWithFields> documents = {Document(
      5, {Field("name", std::nullopt, FieldState::kUnreadable), Field("address", "岡谷市")})};
  EXPECT_THAT(Written(documents, {}), HasSubstr("\r\n5,batch-0421/0007.tif,,岡谷市\r\n"));
  const nlohmann::json line =
      nlohmann::json::parse(Written(documents, {.format = ExportFormat::kJsonLines}));
  EXPECT_EQ(line["fields"]["name"]["state"], "unreadable");
  EXPECT_TRUE(line["fields"]["name"]["value"].is_null());
}

TEST_F(ExportTest, JsonLinesObjectHasExactlyTheSpecsShape) {
  DocumentWithFields scan = Document(17, {});
  FieldRecord birth = Field("birth_date", "1950-04-01", FieldState::kAutoAccepted);
  birth.confidence = 0.97;
  FieldRecord name = Field("applicant_name", "山田 花子", FieldState::kVerified);
  name.ocr_value = "山田 花了";
  scan.fields = {birth, name};
  DocumentWithFields phone = Document(18, {Field("birth_date", "1961-02-03")}, "call-0001");
  phone.document.source = models::DocumentSource::kPhone;
  phone.document.state = DocumentState::kInReview;
  phone.fields[0].ocr_value = std::nullopt;
  phone.fields[0].confidence = std::nullopt;
  phone.fields[0].state = FieldState::kNeedsReview;

  Result<ExportWriter> writer = ExportWriter::Create({Form(1, {"applicant_name", "birth_date"})},
                                                     {.format = ExportFormat::kJsonLines});
  ASSERT_TRUE(writer.ok());
  std::ostringstream out;
  ASSERT_TRUE(writer->Write({scan, phone}, out).ok());
  EXPECT_EQ(out.str(),
            R"({"document":17,"form":"juminhyo-request","form_version":1,"source":"scan",)"
            R"("source_name":"batch-0421/0007.tif","state":"verified","fields":{)"
            R"("applicant_name":{"value":"山田 花子","ocr_value":"山田 花了","confidence":0.5,)"
            R"("state":"verified"},)"
            R"("birth_date":{"value":"1950-04-01","ocr_value":"1950-04-01","confidence":0.97,)"
            R"("state":"auto_accepted"}}})"
            "\n"
            R"({"document":18,"form":"juminhyo-request","form_version":1,"source":"phone",)"
            R"("source_name":"call-0001","state":"in_review","fields":{)"
            R"("birth_date":{"value":"1961-02-03","ocr_value":null,"confidence":null,)"
            R"("state":"needs_review"}}})"
            "\n")
      << "fields in the form's order, one object per line";
}

TEST_F(ExportTest, ColumnsAreTheNewestVersionsFieldsThenThoseOnlyOlderVersionsHad) {
  Result<ExportWriter> writer = ExportWriter::Create(
      {Form(1, {"name", "fax", "address"}), Form(2, {"name", "address", "email"})}, {});
  ASSERT_TRUE(writer.ok());
  EXPECT_THAT(writer->field_columns(), ElementsAre("name", "address", "email", "fax"));
  DocumentWithFields old =
      Document(1, {Field("name", "一"), Field("fax", "0263"), Field("address", "二")});
  std::ostringstream out;
  ASSERT_TRUE(writer->Write({old}, out).ok());
  EXPECT_EQ(out.str(),
            "document,source_name,name,address,email,fax\r\n"
            "1,batch-0421/0007.tif,一,二,,0263\r\n");
}

TEST_F(ExportTest, TextThatIsNotUtf8IsWrittenWithReplacementCharacters) {
  const std::vector<DocumentWithFields> documents = {
      Document(9, {Field("name", "ok")}, "\x82\xA0scan.tif")};  // a CP932 file name
  EXPECT_THAT(Written(documents, {}), HasSubstr("9,\xEF\xBF\xBD\xEF\xBF\xBDscan.tif,ok,"));
  const nlohmann::json line =
      nlohmann::json::parse(Written(documents, {.format = ExportFormat::kJsonLines}));
  EXPECT_EQ(line["source_name"], "\xEF\xBF\xBD\xEF\xBF\xBDscan.tif");
  Result<ExportWriter> cp932 =
      ExportWriter::Create({Form(1, {"name"})}, {.encoding = ExportEncoding::kCp932});
  ASSERT_TRUE(cp932.ok());
  EXPECT_THAT(cp932->FindUnmappable(documents), ElementsAre(Unmappable{9, "source_name", 0xFFFD}));
}

TEST_F(ExportTest, JsonLinesIsRefusedInCp932OrWithABomSayingWhy) {
  const Status cp932 =
      CheckExportOptions({.format = ExportFormat::kJsonLines, .encoding = ExportEncoding::kCp932});
  EXPECT_EQ(cp932.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(cp932.message(Lang::kEn), HasSubstr("always UTF-8"));
  const Status bom = CheckExportOptions(
      {.format = ExportFormat::kJsonLines, .encoding = ExportEncoding::kUtf8Bom});
  EXPECT_THAT(bom.message(Lang::kEn), HasSubstr("RFC 8259"));
  EXPECT_TRUE(CheckExportOptions({.encoding = ExportEncoding::kCp932}).ok());
  EXPECT_EQ(ExportWriter::Create({Form(1, {"name"})}, {.format = ExportFormat::kJsonLines,
                                                       .encoding = ExportEncoding::kCp932})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ExportWriter::Create({}, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ExportTest, EachDocumentWrittenIsReportedForProgress) {
  Result<ExportWriter> writer = ExportWriter::Create({Form(1, {"name", "address"})}, {});
  ASSERT_TRUE(writer.ok());
  std::ostringstream out;
  int steps = 0;
  ASSERT_TRUE(writer->Write(Residents(), out, [&] { ++steps; }).ok());
  EXPECT_EQ(steps, 2);
}

// ---- the output file --------------------------------------------------------------------------

class OutputFileTest : public ::testing::Test {
 protected:
  OutputFileTest() {
    std::random_device random;
    dir_ = fs::temp_directory_path() / ("adbridge-output-test-" + std::to_string(random()));
    fs::create_directories(dir_);
  }
  ~OutputFileTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  std::string Read(const fs::path& path) const {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path dir_;
};

TEST_F(OutputFileTest, TheTargetIsTheOldFileUntilTheNewOneIsCommitted) {
  const fs::path target = dir_ / "export.csv";
  std::ofstream(target) << "last month";
  Result<OutputFile> file = OutputFile::Create(target);
  ASSERT_TRUE(file.ok()) << file.status().message(Lang::kEn);
  file->stream() << "this month";
  ASSERT_TRUE(file->Sync().ok());
  EXPECT_EQ(Read(target), "last month");
  EXPECT_EQ(Entries().size(), 2u) << "the new file waits under a temporary name";
  ASSERT_TRUE(file->Commit().ok());
  EXPECT_EQ(Read(target), "this month");
  EXPECT_THAT(Entries(), ElementsAre("export.csv"));
  struct stat info {};
  ASSERT_EQ(::stat(target.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u) << "personal data: readable by its owner only";
}

TEST_F(OutputFileTest, AFileNeverCommittedLeavesNothingBehind) {
  {
    Result<OutputFile> file = OutputFile::Create(dir_ / "export.csv");
    ASSERT_TRUE(file.ok());
    file->stream() << "half of it";
  }
  EXPECT_TRUE(Entries().empty());
}

TEST_F(OutputFileTest, AFolderOrAMissingFolderIsRefused) {
  EXPECT_EQ(OutputFile::Create(dir_).status().code(), StatusCode::kInvalidArgument);
  const Status missing = OutputFile::Create(dir_ / "no-such-folder" / "export.csv").status();
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.message(Lang::kEn), HasSubstr("no-such-folder"));
  EXPECT_TRUE(Entries().empty());
}

}  // namespace
}  // namespace adbridge::output
