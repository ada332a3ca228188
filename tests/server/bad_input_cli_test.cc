// The corpus of bad files (tests/data/bad/, README there), handed to the adbridge program as the
// front desk and the IT staff hand files to it: broken, foreign and enormous scans to
// `adbridge ingest`, broken phone-intake CSV files to `adbridge ingest-phone`, broken form
// definitions to `adbridge forms add`, outputs aimed into the data folder, file names that are
// not UTF-8, and SQL metacharacters in what people type. Each is refused in one line that says
// what is wrong (in Japanese and in English), nothing in the data folder changes (documents,
// blobs, tasks, audit rows, users, forms), and the next good file is taken as usual.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/server/bad_corpus.h"
#include "tests/server/cli_runner.h"
#include "tests/server/data_holdings.h"

namespace adbridge {
namespace {

namespace fs = std::filesystem;
using test_support::HasNonAscii;
using test_support::Holdings;
using test_support::Quote;
using test_support::RunResult;
using test_support::Slurp;
using test_support::Tried;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;
const fs::path& kBad = test_support::kBadCorpus;

class BadInputCliTest : public ::testing::Test {
 protected:
  BadInputCliTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-bad-input-cli-" + std::to_string(rd()));
    fs::create_directories(dir_);
    data_ = dir_ / "data";
    const RunResult added =
        Run(" forms add " + Quote(kSource / "tests/data/forms/juminhyo-request.json"));
    EXPECT_EQ(added.exit_code, 0) << added.err;
  }
  ~BadInputCliTest() override { fs::remove_all(dir_); }

  // `adbridge ARGS --data DATA`, its messages in English (or in `lang`).
  RunResult Run(const std::string& args, const std::string& lang = "en",
                const std::optional<std::string>& input = std::nullopt) {
    return test_support::RunAdbridge(dir_, "--data " + Quote(data_) + args, "ADBRIDGE_LANG=" + lang,
                                     input);
  }

  fs::path Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return dir_ / name;
  }

  Holdings Count() { return test_support::CountHoldings(data_); }

  // A good scan, not in the corpus, that must be taken after a refusal.
  void ExpectAGoodScanIsTaken(const std::string& why) {
    const fs::path good =
        Write("good-" + std::to_string(good_scans_++) + ".png", Slurp(kBad / "scan.jpg.png"));
    const RunResult run = Run(" ingest " + Quote(good));
    EXPECT_EQ(run.exit_code, 0) << why << ": " << run.err;
    ASSERT_EQ(run.JsonLines().size(), 1u) << why;
  }

  fs::path dir_;
  fs::path data_;
  int good_scans_ = 0;
};

// One refusal line on stderr: "adbridge: FILE: reason", in the language asked for.
void ExpectOneLineNaming(const RunResult& run, const std::string& file, const std::string& why) {
  EXPECT_EQ(run.exit_code, 1) << why << ": " << run.err;
  EXPECT_EQ(run.ErrLines(), 1) << why << ": " << run.err;
  EXPECT_THAT(run.err, StartsWith("adbridge: " + file + ": ")) << why;
  EXPECT_TRUE(run.out.empty()) << why << ": " << run.out;
}

// ---- scans ----

TEST_F(BadInputCliTest, EveryBrokenForeignOrEnormousScanIsRefusedSayingWhyAndStoresNothing) {
  std::set<std::string> corpus;
  for (const auto& entry : fs::directory_iterator(kBad)) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".png" || ext == ".jpg" || ext == ".tif") corpus.insert(entry.path().filename());
  }
  corpus.erase("scan.png.tif");  // whole images under another format's name: see below
  corpus.erase("scan.jpg.png");
  std::set<std::string> listed;
  for (const auto& [name, reason] : test_support::RefusedScanReasons()) listed.insert(name);
  EXPECT_EQ(corpus, listed) << "every scan of the corpus has its reason here";

  // The whole corpus in one batch, as a scanner's folder is handed in, once in each language:
  // one line per file, naming it and why.
  const Holdings before = Count();
  std::string args = " ingest";
  for (const auto& [name, reason] : test_support::RefusedScanReasons()) {
    args += " " + Quote((kBad / name).string());
  }
  const RunResult en = Run(args);
  const RunResult ja = Run(args, "ja");
  Tried(static_cast<int>(test_support::RefusedScanReasons().size()));
  EXPECT_EQ(en.exit_code, 1);
  EXPECT_TRUE(en.out.empty()) << en.out;
  EXPECT_EQ(en.ErrLines(), static_cast<int>(test_support::RefusedScanReasons().size())) << en.err;
  for (const auto& [name, reason] : test_support::RefusedScanReasons()) {
    const std::string prefix = "adbridge: " + (kBad / name).string() + ": ";
    const std::size_t at = en.err.find(prefix);
    ASSERT_NE(at, std::string::npos) << name << " is named: " << en.err;
    const std::string line = en.err.substr(at, en.err.find('\n', at) - at);
    EXPECT_THAT(line, HasSubstr(reason)) << name;
    const std::size_t ja_at = ja.err.find(prefix);
    ASSERT_NE(ja_at, std::string::npos) << name << " is named: " << ja.err;
    const std::string ja_line = ja.err.substr(ja_at, ja.err.find('\n', ja_at) - ja_at);
    EXPECT_TRUE(HasNonAscii(ja_line.substr(prefix.size()))) << name << ": " << ja_line;
  }
  EXPECT_EQ(Count(), before);
  ExpectAGoodScanIsTaken("after the corpus");
}

TEST_F(BadInputCliTest, ABatchWithBadFilesStoresTheGoodOnesAndNamesEachBadOne) {
  const Holdings before = Count();
  std::string args = " ingest";
  for (const char* name : {"truncated.png", "bomb-100000x100000.tif", "document.pdf.png"}) {
    args += " " + Quote((kBad / name).string());
  }
  const fs::path good = Write("good.png", Slurp(kBad / "scan.jpg.png"));
  args += " " + Quote(good);
  const RunResult run = Run(args);
  Tried(3);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.ErrLines(), 3) << run.err;
  ASSERT_EQ(run.JsonLines().size(), 1u) << run.out;
  EXPECT_EQ(run.JsonLines()[0]["source"], good.string());
  const Holdings after = Count();
  EXPECT_EQ(after.Rows("documents"), before.Rows("documents") + 1);
  EXPECT_EQ(after.Rows("blobs"), before.Rows("blobs") + 1);
}

TEST_F(BadInputCliTest, AWholeImageUnderAnotherFormatsNameIsReadAsTheFormatItIs) {
  // The format is told from the bytes: a PNG named .tif is a PNG, a JPEG named .png a JPEG.
  for (const auto& [name, media_type] : std::map<std::string, std::string>{
           {"scan.png.tif", "image/png"}, {"scan.jpg.png", "image/jpeg"}}) {
    const RunResult run = Run(" ingest " + Quote((kBad / name).string()));
    Tried();
    ASSERT_EQ(run.exit_code, 0) << name << ": " << run.err;
    ASSERT_EQ(run.JsonLines().size(), 1u);
    EXPECT_EQ(run.JsonLines()[0]["pages"], 1) << name;
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((data_ / "adbridge.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
              SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT media_type FROM documents WHERE id = ?", -1,
                                 &statement, nullptr),
              SQLITE_OK);
    sqlite3_bind_int64(statement, 1, run.JsonLines()[0]["document"].get<long long>());
    ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
    EXPECT_EQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), media_type) << name;
    sqlite3_finalize(statement);
    sqlite3_close(db);
  }
}

TEST_F(BadInputCliTest, ATiffOfTooManyPagesOrAFileOverTheByteLimitIsRefusedBeforeItIsDecoded) {
  // 1000 directories (pages) of 1 × 1 pixel, all pointing at one byte: small on disk, refused
  // by its page count.
  std::string tiff = {'I', 'I', 42, 0};
  auto le16 = [&](unsigned v) { tiff += char(v & 0xff), tiff += char(v >> 8); };
  auto le32 = [&](unsigned v) {
    for (int i = 0; i < 4; ++i) tiff += char((v >> (8 * i)) & 0xff);
  };
  le32(8);
  const int pages = 1000, entries = 8, ifd = 2 + entries * 12 + 4;
  const unsigned pixel = 8 + pages * ifd;
  for (int p = 0; p < pages; ++p) {
    le16(entries);
    for (auto [tag, type, value] :
         std::vector<std::tuple<unsigned, unsigned, unsigned>>{{256, 4, 1},
                                                               {257, 4, 1},
                                                               {258, 3, 8},
                                                               {259, 3, 1},
                                                               {262, 3, 1},
                                                               {273, 4, pixel},
                                                               {278, 4, 1},
                                                               {279, 4, 1}}) {
      le16(tag), le16(type), le32(1);
      if (type == 3)
        le16(value), le16(0);
      else
        le32(value);
    }
    le32(p + 1 < pages ? 8 + (p + 1) * ifd : 0);
  }
  tiff += char(200);
  const fs::path many = Write("many-pages.tif", tiff);
  const Holdings before = Count();
  const RunResult run = Run(" ingest " + Quote(many));
  Tried();
  ExpectOneLineNaming(run, many.string(), "1000 pages");
  EXPECT_THAT(run.err, HasSubstr("too many pages (the limit is 100)"));

  // A file larger than --max-megapixels lets a page be is refused by its header alone.
  const RunResult small_limit =
      Run(" ingest --max-megapixels 1 " + Quote((kBad / "scan.png.tif").string()));
  Tried();
  EXPECT_EQ(small_limit.exit_code, 0) << "320 × 120 is well under a megapixel: " << small_limit.err;

  // Over the byte limit (256 MiB): a sparse file, so the test writes almost nothing.
  const fs::path huge = dir_ / "huge.tif";
  { std::ofstream(huge, std::ios::binary) << "II*"; }
  fs::resize_file(huge, (256ull << 20) + 1);
  const RunResult too_big = Run(" ingest " + Quote(huge));
  Tried();
  ExpectOneLineNaming(too_big, huge.string(), "257 MiB");
  EXPECT_THAT(too_big.err, HasSubstr("the file is too large (the limit is 256 MiB)"));
  EXPECT_EQ(Count().Rows("documents"), before.Rows("documents") + 1);
  ExpectAGoodScanIsTaken("after the page and byte limits");
}

TEST_F(BadInputCliTest, AScanWhoseFileNameIsNotUtf8OrHoldsALineBreakIsRefusedNamingWhy) {
  const std::string png = Slurp(kBad / "scan.jpg.png");
  const Holdings before = Count();
  // A name saved in CP932 (申請.png) and one with a line break in it.
  const fs::path cp932 = Write("\x90\x5c\x90\xbf.png", png);
  const fs::path line_break = Write("a\nb.png", png);
  for (const auto& [file, reason] :
       std::map<fs::path, std::string>{{cp932, "the file name is not UTF-8"},
                                       {line_break, "the file name holds a control character"}}) {
    const RunResult run = Run(" ingest " + Quote(file));
    Tried();
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_THAT(run.err, HasSubstr(reason));
    const RunResult ja = Run(" ingest " + Quote(file), "ja");
    EXPECT_THAT(ja.err, HasSubstr("ファイル名"));
  }
  EXPECT_EQ(Count(), before);
  ExpectAGoodScanIsTaken("after the names");
}

TEST_F(BadInputCliTest, APathWithDotDotIsOnlyANameAndNothingIsWrittenOutsideTheBlobs) {
  fs::create_directories(dir_ / "batch" / "sub");
  Write("batch/0001.png", Slurp(kBad / "scan.jpg.png"));
  const std::string given = (dir_ / "batch" / "sub" / ".." / ".." / "batch" / "0001.png").string();
  const std::set<fs::path> outside_before = [&] {
    std::set<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      if (e.path().string().find(data_.string()) != 0) files.insert(e.path());
    }
    return files;
  }();
  const RunResult run = Run(" ingest " + Quote(given));
  Tried();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(run.JsonLines().size(), 1u);
  EXPECT_EQ(run.JsonLines()[0]["source"], given);
  std::set<fs::path> outside_after;
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    if (e.path().string().find(data_.string()) != 0) outside_after.insert(e.path());
  }
  outside_after.erase(dir_ / "stdout");
  outside_after.erase(dir_ / "stderr");
  std::set<fs::path> expected = outside_before;
  expected.erase(dir_ / "stdout");
  expected.erase(dir_ / "stderr");
  EXPECT_EQ(outside_after, expected) << "only the data folder changed";
  for (const auto& e : fs::recursive_directory_iterator(data_ / "blobs")) {
    if (!e.is_regular_file()) continue;
    const std::string name = e.path().filename().string();
    EXPECT_EQ(name.size(), 64u) << "a blob is named by its SHA-256 alone: " << e.path();
    EXPECT_EQ(name.find_first_not_of("0123456789abcdef"), std::string::npos) << e.path();
  }
}

// ---- phone-intake CSV ----

TEST_F(BadInputCliTest, EveryBrokenPhoneIntakeFileIsRefusedWholeSayingWhy) {
  const std::map<std::string, std::string> reasons = {
      {"phone-empty.csv", "no header row"},
      {"phone-bom-only.csv", "no header row"},
      {"phone-invalid-bytes.csv", "neither UTF-8 nor CP932"},
      {"phone-no-form-column.csv", "form"},
      {"phone-unknown-form.csv", "no-such-form"},
      {"phone-unknown-column.csv", "favourite_colour"},
      {"phone-repeated-column.csv", "form"},
      {"phone-unterminated-quote.csv", "quote"},
      {"phone-nul-byte.csv", "a NUL byte at byte"},
      {"phone-utf16.csv", "not as UTF-16 or an Excel workbook"},
      {"phone-xlsx.csv", "not as UTF-16 or an Excel workbook"},
  };
  const Holdings before = Count();
  for (const auto& [name, reason] : reasons) {
    const std::string file = (kBad / name).string();
    const RunResult run = Run(" ingest-phone " + Quote(file));
    Tried();
    EXPECT_EQ(run.exit_code, 1) << name << ": " << run.err;
    EXPECT_THAT(run.err, StartsWith("adbridge: " + file + ": ")) << name;
    EXPECT_THAT(run.err, HasSubstr(reason)) << name;
    EXPECT_TRUE(run.out.empty()) << name << ": " << run.out;
    const RunResult ja = Run(" ingest-phone " + Quote(file), "ja");
    EXPECT_TRUE(HasNonAscii(ja.err.substr(("adbridge: " + file + ": ").size())))
        << name << ": " << ja.err;
    EXPECT_EQ(Count(), before) << name;
  }
}

TEST_F(BadInputCliTest, APhoneIntakeFileOverItsLimitIsRefusedBeforeItIsRead) {
  const std::string header = Slurp(kBad / "phone-sql-metacharacters.csv").substr(0, 200);
  const fs::path huge = Write("huge.csv", header);
  fs::resize_file(huge, (16ull << 20) + 1);
  const Holdings before = Count();
  const RunResult run = Run(" ingest-phone " + Quote(huge));
  Tried();
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("the file is too large (the limit is 16 MiB)"));
  EXPECT_EQ(Count(), before);
}

TEST_F(BadInputCliTest, SqlMetacharactersTypedByAnOperatorAreStoredAndExportedExactly) {
  const Holdings before = Count();
  const RunResult run = Run(" ingest-phone " + Quote((kBad / "phone-sql-metacharacters.csv")));
  Tried(4);  // name, kana, operator and note cells
  ASSERT_EQ(run.JsonLines().size(), 1u) << run.out << run.err;
  const Holdings after = Count();
  EXPECT_EQ(after.Rows("documents"), before.Rows("documents") + 1);
  EXPECT_EQ(after.Rows("users"), before.Rows("users"));
  EXPECT_EQ(after.Rows("forms"), before.Rows("forms"));

  const RunResult exported = Run(" export --form juminhyo-request --status any --format jsonl");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  ASSERT_EQ(exported.JsonLines().size(), 1u) << exported.out;
  const nlohmann::json fields = exported.JsonLines()[0]["fields"];
  EXPECT_EQ(fields["applicant_name"]["value"], "Robert'); DROP TABLE documents;--");
  // The kana field refuses Latin letters: the operator's text waits for review as typed.
  EXPECT_EQ(fields["applicant_kana"]["ocr_value"], "' OR '1'='1");
  EXPECT_EQ(fields["applicant_kana"]["state"], "needs_review");

  // The reviewer sees the operator's note exactly as typed.
  const RunResult added =
      Run(" users add rev --role reviewer", "en", std::string("kami-hikouki-42\n"));
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const RunResult next = Run(" review next --user rev");
  ASSERT_EQ(next.exit_code, 0) << next.err;
  ASSERT_EQ(next.JsonLines().size(), 1u) << next.out;
  EXPECT_THAT(next.JsonLines()[0]["note"].get<std::string>(),
              ::testing::EndsWith("operator's note: note'; UPDATE tasks SET state='verified';--"));
  EXPECT_EQ(next.JsonLines()[0]["prefill"], "' OR '1'='1");

  // A value or a note in bytes that are not UTF-8 is refused, saying so, and changes nothing.
  const std::string task = std::to_string(next.JsonLines()[0]["task"].get<long long>());
  const Holdings held = Count();
  for (const auto& [args, english] : std::vector<std::pair<std::string, std::string>>{
           {" review submit " + task + " --user rev --value " + Quote("\xff\xfe"),
            "The text is not valid UTF-8"},
           {" review escalate " + task + " --user rev --note " +
                Quote("\x80"
                      "abc"),
            "the note is not valid UTF-8 text"},
           {" review unreadable " + task + " --user rev --note " + Quote("\xe3\x81"),
            "the note is not valid UTF-8 text"}}) {
    const RunResult run = Run(args);
    Tried();
    EXPECT_EQ(run.exit_code, 1) << args << ": " << run.err;
    EXPECT_THAT(run.err, HasSubstr(english)) << args;
    EXPECT_EQ(Count(), held) << args;
  }
}

// ---- form definitions ----

TEST_F(BadInputCliTest, EveryBrokenFormDefinitionIsRefusedNamingWhereAndRegistersNothing) {
  const std::map<std::string, std::string> reasons = {
      {"form-deep.json", "JSON nests deeper than the limit"},
      {"form-not-json.json", "line 3"},
      {"form-invalid-utf8.json", "UTF-8"},
      {"form-duplicate-key.json", "\"id\""},
      {"form-reference-traversal.json", "../../../../etc/passwd"},
      {"form-reference-absolute.json", "/etc/passwd"},
      {"form-sql-id.json", "id"},
      {"form-huge-number.json", "1e400"},
  };
  const Holdings before = Count();
  for (const auto& [name, reason] : reasons) {
    const std::string file = (kBad / name).string();
    const RunResult run = Run(" forms add " + Quote(file));
    Tried();
    EXPECT_EQ(run.exit_code, 1) << name << ": " << run.err;
    EXPECT_EQ(run.ErrLines(), 1) << name << ": " << run.err;
    EXPECT_THAT(run.err, HasSubstr(name)) << "the message names the file";
    EXPECT_THAT(run.err, HasSubstr(reason)) << name;
    const RunResult ja = Run(" forms add " + Quote(file), "ja");
    EXPECT_TRUE(HasNonAscii(ja.err)) << name << ": " << ja.err;
    EXPECT_EQ(Count(), before) << name;
  }
  // Huge: a 2 MiB definition (a title of two million letters) is refused by its size.
  const fs::path huge = Write("huge-form.json", "{\"id\": \"huge\", \"version\": 1, \"title\": \"" +
                                                    std::string(2 << 20, 'a') + "\"}");
  const RunResult run = Run(" forms add " + Quote(huge));
  Tried();
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("the file is too large (the limit is 1 MiB)"));
  EXPECT_EQ(Count(), before);
  const RunResult listed = Run(" forms list");
  ASSERT_EQ(listed.JsonLines().size(), 1u) << "only the form of the fixture: " << listed.out;
}

// ---- outputs ----

TEST_F(BadInputCliTest, AnOutputAimedIntoTheDataFolderOrAtAFolderIsRefusedAndNothingIsLost) {
  Run(" ingest-phone " + Quote(kSource / "samples/phone/calls-2026-11-21.csv"));
  const Holdings before = Count();
  const std::string db_bytes_before = Slurp(data_ / "adbridge.db");
  fs::create_directories(dir_ / "elsewhere");
  const std::vector<std::string> targets = {
      (data_ / "adbridge.db").string(),
      (data_ / "blobs" / "x.csv").string(),
      (dir_ / "elsewhere" / ".." / "data" / "adbridge.db").string(),
      (data_ / "adbridge.db-wal").string(),
  };
  for (const std::string& target : targets) {
    for (const std::string command :
         {" export --form juminhyo-request --status any --out ",
          " letters --template juminhyo-mailing --out ", " scripts --template kyufukin-call --out ",
          " forms render juminhyo-request --out "}) {
      std::string out = target;
      if (command.find("scripts") != std::string::npos) out += ".txt";
      const RunResult run = Run(command + Quote(out));
      Tried();
      EXPECT_NE(run.exit_code, 0) << command << out;
      EXPECT_THAT(run.err, HasSubstr("data folder")) << command << out;
      if (target == targets.front()) {
        const RunResult ja = Run(command + Quote(out), "ja");
        EXPECT_THAT(ja.err, HasSubstr("データフォルダ")) << command << out;
      }
    }
  }
  EXPECT_EQ(Count(), before);
  EXPECT_TRUE(fs::is_regular_file(data_ / "adbridge.db"));
  for (const auto& e : fs::directory_iterator(data_)) {
    const std::string name = e.path().filename().string();
    // The database and its WAL files, the blobs, and the lock every process holds.
    EXPECT_TRUE(name.rfind("adbridge.db", 0) == 0 || name == "blobs" || name == "adbridge.lock")
        << "left behind: " << name;
  }
  // A folder, and a folder that does not exist, as --out.
  for (const fs::path& out : {dir_ / "elsewhere", dir_ / "no-such-folder" / "x.csv"}) {
    const RunResult run = Run(" export --form juminhyo-request --status any --out " + Quote(out));
    Tried();
    EXPECT_EQ(run.exit_code, 1) << out;
    EXPECT_THAT(run.err, HasSubstr("folder")) << out;
  }
  EXPECT_EQ(Count(), before);
  // The same export, put outside the data folder, is written and recorded.
  const RunResult good = Run(" export --form juminhyo-request --status any --out " +
                             Quote(dir_ / "elsewhere" / "out.csv"));
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_TRUE(fs::is_regular_file(dir_ / "elsewhere" / "out.csv"));
}

// ---- what people type ----

TEST_F(BadInputCliTest, SqlMetacharactersInUserNamesAreRefusedAndInDisplayNamesKeptExactly) {
  const Holdings before = Count();
  for (const std::string& name :
       {std::string("x'; DROP TABLE users;--"), std::string("a' OR '1'='1"),
        std::string("\"; DELETE FROM sessions; --")}) {
    const RunResult run = Run(" users add " + Quote(name) + " --role reviewer", "en",
                              std::string("kami-hikouki-42\n"));
    Tried();
    EXPECT_EQ(run.exit_code, 1) << name;
    EXPECT_THAT(run.err, HasSubstr("a login name is up to 64 of a-z")) << name;
  }
  EXPECT_EQ(Count(), before);
  const std::string display = "Robert'); DROP TABLE users;-- 「%_\\」";
  const RunResult added = Run(" users add bobby --role reviewer --display-name " + Quote(display),
                              "en", std::string("kami-hikouki-42\n"));
  Tried();
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const RunResult listed = Run(" users list");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  bool found = false;
  for (const nlohmann::json& user : listed.JsonLines()) {
    if (user["name"] == "bobby") found = user["display_name"] == display;
  }
  EXPECT_TRUE(found) << listed.out;
  // Form ids and templates with metacharacters name nothing.
  for (const std::string& args :
       {std::string(" export --form \"x' OR '1'='1\""),
        std::string(" ingest --form \"x' OR '1'='1\" ") + Quote(kBad / "scan.jpg.png"),
        std::string(" letters --template \"x'; DROP TABLE letters;--\" --out ") +
            Quote(dir_ / "l.pdf")}) {
    const RunResult run = Run(args);
    Tried();
    EXPECT_NE(run.exit_code, 0) << args;
    EXPECT_THAT(run.err, HasSubstr("x'")) << "the message names what was asked for: " << args;
  }
  const Holdings after = Count();
  EXPECT_EQ(after.Rows("users"), before.Rows("users") + 1);
  EXPECT_EQ(after.Rows("documents"), before.Rows("documents"));
  EXPECT_EQ(after.Rows("exports"), before.Rows("exports"));
}

}  // namespace
}  // namespace adbridge
