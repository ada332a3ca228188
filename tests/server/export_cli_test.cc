// `adbridge export` driven as a department and its scripts drive it: verified records of one
// form as CSV or JSON Lines, in each encoding, decoded back as the receiving system would; what
// --status any, --new, --user and --tenant change; and the exports that must fail, leaving no
// file and no record behind.
//
// Documents are read by the test itself through the store (as the OCR workers would record
// them), so every value is known; the form is registered and tasks are settled with the
// program's own commands.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "models/blob_store.h"
#include "models/store.h"
#include "tests/output/decode_cp932.h"
#include "tests/server/cli_runner.h"

namespace adbridge {
namespace {

namespace fs = std::filesystem;
using models::ExportRecord;
using test_support::DecodeCp932;
using test_support::Quote;
using test_support::RunResult;
using test_support::Slurp;
using ::testing::HasSubstr;
using ::testing::Not;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;
constexpr char kForm[] = "juminhyo-request";
constexpr char kHeader[] =
    "document,source_name,applicant_name,applicant_kana,birth_date,postal_code,phone,copies,"
    "purpose,needs_mynumber,my_number\r\n";

// A resident as the form holds them, field by field in the form's order.
using Values = std::vector<std::pair<std::string, std::string>>;
Values Resident(const std::string& name, const std::string& kana) {
  return {{"applicant_name", name},    {"applicant_kana", kana},    {"birth_date", "1950-04-01"},
          {"postal_code", "399-0701"}, {"phone", "0263520280"},     {"copies", "2"},
          {"purpose", "pension"},      {"needs_mynumber", "false"}, {"my_number", "123456789018"}};
}

std::string CsvRow(std::int64_t id, const std::string& source, const Values& values) {
  std::string row = std::to_string(id) + "," + source;
  for (const auto& [name, value] : values) row += "," + value;
  return row + "\r\n";
}

std::string OsAccount() {
  const passwd* entry = getpwuid(geteuid());
  return std::string("os:") + (entry != nullptr ? entry->pw_name : "");
}

class ExportCliTest : public ::testing::Test {
 protected:
  ExportCliTest() {
    std::random_device random;
    dir_ = fs::temp_directory_path() / ("adbridge-export-cli-" + std::to_string(random()));
    fs::create_directories(dir_);
    data_ = dir_ / "data";
    const RunResult added =
        Adbridge("forms add " + Quote(kSource / "tests/data/forms/juminhyo-request.json"));
    EXPECT_EQ(added.exit_code, 0) << added.err;
    Result<std::unique_ptr<models::Store>> store = models::OpenSqliteStore(data_ / "adbridge.db");
    EXPECT_TRUE(store.ok()) << store.status().message(Lang::kEn);
    if (store.ok()) store_ = std::move(*store);
    blobs_ = std::make_unique<models::BlobStore>(data_ / "blobs");
    EXPECT_TRUE(store_->EnsureTenant("shiojiri", "塩尻市").ok());
  }
  ~ExportCliTest() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  RunResult Adbridge(const std::string& args, const std::string& env = "ADBRIDGE_LANG=en") {
    return test_support::RunAdbridge(dir_, args + " --data " + Quote(data_), env);
  }

  // A scan of `tenant` read as the form with `values`: verified, or in review with its birth
  // date waiting for a reviewer.
  std::int64_t AddDocument(const Values& values, bool verified,
                           const std::string& tenant = std::string(models::kDefaultTenant)) {
    const std::string n = std::to_string(++scans_);
    const std::string original = "scan " + n;
    Result<std::string> sha =
        blobs_->Put(std::vector<std::uint8_t>(original.begin(), original.end()));
    EXPECT_TRUE(sha.ok());
    EXPECT_TRUE(
        store_->RecordBlob(*sha, static_cast<std::int64_t>(original.size()), "image/png").ok());
    models::NewDocument scan;
    scan.tenant_code = tenant;
    scan.source_name = "batch-0421/" + n + ".png";
    scan.original_sha256 = *sha;
    scan.media_type = "image/png";
    scan.original_size = static_cast<std::int64_t>(original.size());
    scan.pages = {{.width_px = 2480, .height_px = 3508, .dpi = 300}};
    Result<models::DocumentInsert> inserted = store_->InsertDocument(scan);
    EXPECT_TRUE(inserted.ok()) << inserted.status().message(Lang::kEn);
    Result<std::optional<models::Document>> claimed = store_->ClaimDocument("test-reader", 600);
    EXPECT_TRUE(claimed.ok() && claimed->has_value());

    models::DocumentReading reading;
    reading.document_id = inserted->document_id;
    reading.worker = "test-reader";
    reading.form_id = kForm;
    reading.form_version = 1;
    for (const auto& [name, value] : values) {
      models::DocumentReading::Field field;
      field.name = name;
      field.ocr_value = value;
      field.confidence = name == "birth_date" && !verified ? 0.42 : 0.98;
      field.auto_accept = verified || name != "birth_date";
      field.field_type = name == "birth_date" ? "date" : "";
      field.review_reason = "確信度が低い";
      reading.fields.push_back(field);
    }
    EXPECT_TRUE(store_->RecordReading(reading).ok());
    return inserted->document_id;
  }

  void AddUser(const std::string& name, models::Role role,
               const std::string& tenant = std::string(models::kDefaultTenant)) {
    models::NewUser user;
    user.name = name;
    user.role = role;
    user.tenant_code = tenant;
    user.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
    EXPECT_TRUE(store_->AddUser(user).ok()) << name;
  }

  std::vector<ExportRecord> Exports(const std::string& tenant = "default") {
    Result<std::vector<ExportRecord>> exports = store_->ListExports(tenant, std::nullopt);
    EXPECT_TRUE(exports.ok()) << exports.status().message(Lang::kEn);
    return exports.ok() ? *exports : std::vector<ExportRecord>();
  }

  // What is in the folder besides the data: an export that failed leaves nothing there.
  std::vector<std::string> OutFiles() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_ / "out")) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }
  fs::path Out(const std::string& name) {
    fs::create_directories(dir_ / "out");
    return dir_ / "out" / name;
  }

  fs::path dir_;
  fs::path data_;
  std::unique_ptr<models::Store> store_;
  std::unique_ptr<models::BlobStore> blobs_;
  int scans_ = 0;
};

TEST_F(ExportCliTest, VerifiedRecordsGoToStandardOutputAsCsvByDefault) {
  const Values hanako = Resident("山田 花子", "ヤマダ ハナコ");
  const Values taro = Resident("佐藤 太郎", "サトウ タロウ");
  const std::int64_t first = AddDocument(hanako, true);
  AddDocument(Resident("鈴木 一郎", "スズキ イチロウ"), false);           // still in review
  AddDocument(Resident("田中 次郎", "タナカ ジロウ"), true, "shiojiri");  // another municipality
  const std::int64_t second = AddDocument(taro, true);

  const RunResult run = Adbridge("export --form juminhyo-request");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.out, std::string(kHeader) + CsvRow(first, "batch-0421/1.png", hanako) +
                         CsvRow(second, "batch-0421/4.png", taro));

  const std::vector<ExportRecord> exports = Exports();
  ASSERT_EQ(exports.size(), 1u);
  EXPECT_EQ(exports[0].requested_by, OsAccount());
  EXPECT_EQ(exports[0].user_id, std::nullopt);
  EXPECT_EQ(exports[0].document_count, 2);
  EXPECT_EQ(exports[0].format, models::ExportFormat::kCsv);
  EXPECT_EQ(exports[0].encoding, models::ExportEncoding::kUtf8);
  EXPECT_EQ(exports[0].status, models::ExportStatus::kVerified);
  EXPECT_FALSE(exports[0].only_new);
}

TEST_F(ExportCliTest, EachEncodingDecodesBackToTheResidentsOwnCharacters) {
  // Kanji, kana, a wave dash and a minus sign as typed on a Mac, a comma, a double quote and a
  // line break: everything a name or an address may bring into a CSV.
  const std::string name = "山田〜花子 − 第2, \"旧姓\"\n田中";
  const std::string quoted = "\"山田〜花子 − 第2, \"\"旧姓\"\"\n田中\"";
  const std::int64_t id = AddDocument(Resident(name, "ヤマダ ハナコ"), true);

  for (const std::string encoding : {"utf-8", "utf-8-bom", "cp932"}) {
    SCOPED_TRACE(encoding);
    const fs::path out = Out("export-" + encoding + ".csv");
    const RunResult run =
        Adbridge("export --form juminhyo-request --encoding " + encoding + " --out " + Quote(out));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ASSERT_EQ(run.JsonLines().size(), 1u) << "the export is in the file; stdout says so";
    const nlohmann::json summary = run.JsonLines()[0];
    EXPECT_EQ(summary["documents"], 1);
    EXPECT_EQ(summary["encoding"], encoding);
    EXPECT_EQ(summary["out"], out.string());

    const std::string bytes = Slurp(out);
    const bool bom = bytes.rfind("\xEF\xBB\xBF", 0) == 0;
    EXPECT_EQ(bom, encoding == "utf-8-bom");
    std::string text = bom ? bytes.substr(3) : bytes;
    std::string expected_name = quoted;
    if (encoding == "cp932") {
      // Windows has 〜 and − as 0x8160 and 0x817C, and reads them back as ～ and －.
      EXPECT_NE(bytes.find("\x81\x60"), std::string::npos);
      EXPECT_NE(bytes.find("\x81\x7C"), std::string::npos);
      text = DecodeCp932(bytes);
      expected_name = "\"山田～花子 － 第2, \"\"旧姓\"\"\n田中\"";
    }
    EXPECT_EQ(text, std::string(kHeader) + std::to_string(id) + ",batch-0421/1.png," +
                        expected_name +
                        ",ヤマダ ハナコ,1950-04-01,399-0701,0263520280,2,pension,false,"
                        "123456789018\r\n");
  }
  EXPECT_EQ(Exports().size(), 3u);
}

TEST_F(ExportCliTest, ACharacterCp932CannotHoldFailsTheExportNamingItAndLeavesNothing) {
  AddDocument(Resident("山田 花子", "ヤマダ ハナコ"), true);
  const std::int64_t yoshida = AddDocument(Resident("𠮷田 一郎", "ヨシダ イチロウ"), true);
  const fs::path out = Out("export.csv");
  const RunResult run =
      Adbridge("export --form juminhyo-request --encoding cp932 --out " + Quote(out));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err,
              HasSubstr("document " + std::to_string(yoshida) +
                        ", field applicant_name: 𠮷 (U+20BB7) cannot be written in CP932"));
  EXPECT_THAT(run.err, HasSubstr("--replace-unmappable"));
  EXPECT_EQ(run.ErrLines(), 2) << "one line for the character, one for the export";
  EXPECT_EQ(run.out, "");
  EXPECT_TRUE(OutFiles().empty()) << "no file, not even a temporary one";
  EXPECT_TRUE(Exports().empty()) << "and no record";

  const RunResult stdout_run = Adbridge("export --form juminhyo-request --encoding cp932");
  EXPECT_EQ(stdout_run.exit_code, 1);
  EXPECT_EQ(stdout_run.out, "") << "nothing on standard output either";

  const RunResult replaced = Adbridge(
      "export --form juminhyo-request --encoding cp932 "
      "--replace-unmappable --out " +
      Quote(out));
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_THAT(replaced.err, HasSubstr("𠮷 (U+20BB7) is not in CP932; written as 〓"));
  EXPECT_THAT(DecodeCp932(Slurp(out)), HasSubstr(",〓田 一郎,"));
  ASSERT_EQ(Exports().size(), 1u);
  EXPECT_EQ(Exports()[0].document_count, 2);
}

TEST_F(ExportCliTest, StatusAnyAddsDocumentsInReviewWithTheirMachineReadings) {
  const std::int64_t verified = AddDocument(Resident("山田 花子", "ヤマダ ハナコ"), true);
  const std::int64_t reviewing = AddDocument(Resident("鈴木 一郎", "スズキ イチロウ"), false);

  const RunResult only_verified = Adbridge("export --form juminhyo-request --format jsonl");
  ASSERT_EQ(only_verified.exit_code, 0) << only_verified.err;
  ASSERT_EQ(only_verified.JsonLines().size(), 1u);
  EXPECT_EQ(only_verified.JsonLines()[0]["document"], verified);

  const RunResult any = Adbridge("export --form juminhyo-request --format jsonl --status any");
  ASSERT_EQ(any.exit_code, 0) << any.err;
  const std::vector<nlohmann::json> lines = any.JsonLines();
  ASSERT_EQ(lines.size(), 2u);
  const nlohmann::json& line = lines[1];
  std::vector<std::string> keys;
  for (const auto& [key, value] : line.items()) keys.push_back(key);
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre("document", "form", "form_version", "source",
                                                    "source_name", "state", "fields"));
  EXPECT_EQ(line["document"], reviewing);
  EXPECT_EQ(line["form"], kForm);
  EXPECT_EQ(line["form_version"], 1);
  EXPECT_EQ(line["source"], "scan");
  EXPECT_EQ(line["source_name"], "batch-0421/2.png");
  EXPECT_EQ(line["state"], "in_review");
  EXPECT_EQ(line["fields"].size(), 9u);
  EXPECT_EQ(line["fields"]["birth_date"], nlohmann::json({{"value", "1950-04-01"},
                                                          {"ocr_value", "1950-04-01"},
                                                          {"confidence", 0.42},
                                                          {"state", "needs_review"}}));
  EXPECT_EQ(line["fields"]["applicant_name"]["state"], "auto_accepted");
  EXPECT_THAT(any.out, HasSubstr(R"({"document":)" + std::to_string(reviewing) +
                                 R"(,"form":"juminhyo-request","form_version":1,"source":"scan",)"))
      << "the spec's key order";
  EXPECT_EQ(Exports()[0].status, models::ExportStatus::kAny);
}

TEST_F(ExportCliTest, NewGivesOnlyDocumentsVerifiedSinceTheLastExport) {
  const std::int64_t a = AddDocument(Resident("山田 花子", "ヤマダ ハナコ"), true);
  const std::int64_t b = AddDocument(Resident("佐藤 太郎", "サトウ タロウ"), true);
  const std::int64_t waiting = AddDocument(Resident("鈴木 一郎", "スズキ イチロウ"), false);
  AddUser("kazuko", models::Role::kDepartment);
  AddUser("hanako", models::Role::kReviewer);
  auto new_ids = [&] {
    const RunResult run =
        Adbridge("export --form juminhyo-request --format jsonl --new --user kazuko");
    EXPECT_EQ(run.exit_code, 0) << run.err;
    std::vector<std::int64_t> ids;
    for (const nlohmann::json& line : run.JsonLines()) ids.push_back(line["document"]);
    return ids;
  };

  EXPECT_THAT(new_ids(), ::testing::ElementsAre(a, b)) << "the first --new returns them all";
  EXPECT_TRUE(new_ids().empty()) << "nothing was verified since";

  // A reviewer settles the waiting birth date; the document is verified.
  const RunResult next = Adbridge("review next --user hanako");
  ASSERT_EQ(next.exit_code, 0) << next.err;
  const std::string task = std::to_string(next.JsonLines()[0]["task"].get<int>());
  ASSERT_EQ(Adbridge("review submit " + task + " --user hanako --value 1950-04-01").exit_code, 0);
  EXPECT_THAT(new_ids(), ::testing::ElementsAre(waiting));

  // An export without --new still has everything.
  const RunResult all = Adbridge("export --form juminhyo-request --format jsonl");
  EXPECT_EQ(all.JsonLines().size(), 3u);
  const std::vector<ExportRecord> exports = Exports();
  ASSERT_EQ(exports.size(), 4u);
  EXPECT_EQ(exports[1].requested_by, "kazuko");
  EXPECT_TRUE(exports[1].only_new);
  EXPECT_EQ(exports[1].document_count, 1);
  EXPECT_EQ(exports[2].document_count, 0);
}

TEST_F(ExportCliTest, WhoAsksMustBeAllowedAndExportsOnlyTheirMunicipality) {
  AddDocument(Resident("山田 花子", "ヤマダ ハナコ"), true);
  const std::int64_t shiojiri =
      AddDocument(Resident("田中 次郎", "タナカ ジロウ"), true, "shiojiri");
  AddUser("shiojiri-dept", models::Role::kDepartment, "shiojiri");
  AddUser("hanako", models::Role::kReviewer);

  const RunResult theirs =
      Adbridge("export --form juminhyo-request --format jsonl --user shiojiri-dept");
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  ASSERT_EQ(theirs.JsonLines().size(), 1u) << "their own municipality, without --tenant";
  EXPECT_EQ(theirs.JsonLines()[0]["document"], shiojiri);
  ASSERT_EQ(Exports("shiojiri").size(), 1u);
  EXPECT_EQ(Exports("shiojiri")[0].requested_by, "shiojiri-dept");

  const RunResult by_tenant = Adbridge("export --form juminhyo-request --tenant shiojiri");
  ASSERT_EQ(by_tenant.exit_code, 0) << by_tenant.err;
  EXPECT_THAT(by_tenant.out, HasSubstr("田中 次郎"));
  EXPECT_THAT(by_tenant.out, Not(HasSubstr("山田 花子")));

  const RunResult other =
      Adbridge("export --form juminhyo-request --user shiojiri-dept --tenant default");
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.err, HasSubstr("may not work on the records of default"));
  const RunResult reviewer = Adbridge("export --form juminhyo-request --user hanako");
  EXPECT_EQ(reviewer.exit_code, 1);
  EXPECT_THAT(reviewer.err, HasSubstr("hanako (reviewer) may not export"));
  EXPECT_EQ(other.out + reviewer.out, "");
  EXPECT_TRUE(Exports().empty());
}

TEST_F(ExportCliTest, WrongUsageExitsTwoAndUnknownNamesExitOneAndNothingIsRecorded) {
  AddDocument(Resident("山田 花子", "ヤマダ ハナコ"), true);
  const std::map<std::string, std::string> usage = {
      {"export", "--form is required"},
      {"export --form juminhyo-request --format xml", "--format is csv or jsonl: xml"},
      {"export --form juminhyo-request --encoding latin1", "utf-8, utf-8-bom, cp932: latin1"},
      {"export --form juminhyo-request --status done", "--status is verified or any: done"},
      {"export --form juminhyo-request --format jsonl --encoding cp932", "always UTF-8"},
      {"export --form juminhyo-request --format jsonl --encoding utf-8-bom", "BOM"},
      {"export --form juminhyo-request --colour red", "unknown option: --colour"},
  };
  for (const auto& [args, says] : usage) {
    const RunResult run = Adbridge(args);
    EXPECT_EQ(run.exit_code, 2) << args;
    EXPECT_EQ(run.ErrLines(), 1) << args << "\n" << run.err;
    EXPECT_THAT(run.err, HasSubstr(says)) << args;
    EXPECT_EQ(run.out, "") << args;
  }
  const std::map<std::string, std::string> failures = {
      {"export --form no-such-form", "no such form is registered: no-such-form"},
      {"export --form juminhyo-request --user nobody", "no such user: nobody"},
      {"export --form juminhyo-request --tenant nowhere", "no such tenant: nowhere"},
      {"export --form juminhyo-request --out " + Quote((dir_ / "missing" / "x.csv").string()),
       "folder does not exist"},
  };
  for (const auto& [args, says] : failures) {
    const RunResult run = Adbridge(args);
    EXPECT_EQ(run.exit_code, 1) << args;
    EXPECT_EQ(run.ErrLines(), 1) << args << "\n" << run.err;
    EXPECT_THAT(run.err, HasSubstr(says)) << args;
    EXPECT_EQ(run.out, "") << args;
  }
  EXPECT_TRUE(Exports().empty());
  const RunResult japanese = Adbridge("export --form no-such-form", "ADBRIDGE_LANG= LANG=C.UTF-8");
  EXPECT_THAT(japanese.err, HasSubstr("様式が登録されていません"));
}

TEST_F(ExportCliTest, AnExistingFileIsReplacedOnlyByAWholeExport) {
  AddDocument(Resident("山田 花子", "ヤマダ ハナコ"), true);
  const fs::path out = Out("monthly.csv");
  std::ofstream(out) << "last month's export";
  AddDocument(Resident("𠮷田 一郎", "ヨシダ イチロウ"), true);
  EXPECT_EQ(
      Adbridge("export --form juminhyo-request --encoding cp932 --out " + Quote(out)).exit_code, 1);
  EXPECT_EQ(Slurp(out), "last month's export") << "a failed export leaves the old file as it was";
  ASSERT_EQ(Adbridge("export --form juminhyo-request --out " + Quote(out)).exit_code, 0);
  EXPECT_THAT(Slurp(out), HasSubstr("𠮷田 一郎"));
  EXPECT_EQ(OutFiles().size(), 1u);
}

TEST_F(ExportCliTest, HelpNamesEveryOption) {
  const RunResult help = Adbridge("export --help");
  ASSERT_EQ(help.exit_code, 0);
  for (const char* option : {"--form ID", "--format csv|jsonl", "--encoding utf-8|utf-8-bom|cp932",
                             "--status verified|any", "--out FILE", "--new", "--user NAME",
                             "--tenant CODE", "--replace-unmappable"}) {
    EXPECT_THAT(help.out, HasSubstr(option));
  }
}

}  // namespace
}  // namespace adbridge
