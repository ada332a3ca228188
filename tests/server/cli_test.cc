// The adbridge program driven as people and scripts drive it: arguments in, JSON lines on
// stdout, one line per error on stderr, exit codes 0 / 1 / 2 (spec/cli.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "tests/ingest/test_images.h"
#include "tests/server/cli_runner.h"

namespace adbridge {
namespace {

namespace fs = std::filesystem;
using ingest::testing::Bytes;

using test_support::Quote;
using test_support::RunResult;
using test_support::Slurp;

void WriteFile(const fs::path& file, const Bytes& bytes) {
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void WriteFile(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

// A small valid form: one A4 page, a text and a date field, and its reference image.
constexpr char kFormJson[] = R"({
  "id": "test-request", "version": 1, "title": "テスト請求書", "department": "市民課",
  "pages": [{"size_mm": [210, 297], "reference": "test-request.p1.png"}],
  "fields": [
    {"name": "applicant_name", "label": "氏名", "page": 1, "box_mm": [40, 50, 100, 12],
     "type": "text", "required": true},
    {"name": "birth_date", "label": "生年月日", "page": 1, "box_mm": [40, 70, 80, 12],
     "type": "date"}
  ]
})";

class CliTest : public ::testing::Test {
 protected:
  CliTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-cli-" + std::to_string(rd()));
    fs::create_directories(dir_);
    data_ = dir_ / "data";
  }
  ~CliTest() override { fs::remove_all(dir_); }

  RunResult Adbridge(const std::string& args, const std::string& env = "ADBRIDGE_LANG=en") {
    return test_support::RunAdbridge(dir_, args, env);
  }
  // As Adbridge, with `input` on standard input.
  RunResult AdbridgeWithInput(const std::string& args, const std::string& input) {
    return test_support::RunAdbridge(dir_, args, "ADBRIDGE_LANG=en", input);
  }
  std::string Data() const { return "--data " + Quote(data_); }

  fs::path WriteForm() {
    WriteFile(dir_ / "test-request.json", std::string(kFormJson));
    WriteFile(dir_ / "test-request.p1.png", ingest::testing::MakePng(620, 877, 75));
    return dir_ / "test-request.json";
  }
  fs::path Scan(const std::string& name, const Bytes& bytes) {
    WriteFile(dir_ / name, bytes);
    return dir_ / name;
  }
  size_t BlobFiles() const {
    size_t n = 0;
    if (!fs::exists(data_ / "blobs")) return 0;
    for (const auto& e : fs::recursive_directory_iterator(data_ / "blobs")) {
      n += e.is_regular_file();
    }
    return n;
  }

  fs::path dir_;
  fs::path data_;
};

TEST_F(CliTest, NoArgumentsShowsTheCommandsAndExitsWithUsage) {
  RunResult run = Adbridge("");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.out.find("forms add"), std::string::npos);
  EXPECT_NE(run.out.find("ingest"), std::string::npos);
}

TEST_F(CliTest, HelpIsJapaneseByDefault) {
  RunResult run = Adbridge("ingest --help", "ADBRIDGE_LANG= LANG=C.UTF-8");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("使い方: adbridge ingest"), std::string::npos);
  EXPECT_NE(run.out.find("--form ID"), std::string::npos);
}

TEST_F(CliTest, UnknownCommandOrOptionIsAUsageErrorOnOneLine) {
  RunResult unknown = Adbridge("frobnicate");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.ErrLines(), 1);
  EXPECT_NE(unknown.err.find("unknown command: frobnicate"), std::string::npos);

  RunResult option = Adbridge("forms list --colour " + Data());
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_NE(option.err.find("unknown option: --colour"), std::string::npos);

  RunResult missing = Adbridge("ingest " + Data());
  EXPECT_EQ(missing.exit_code, 2);
}

TEST_F(CliTest, FormsAddRegistersAndListShowsIt) {
  const fs::path form = WriteForm();
  RunResult add = Adbridge("forms add " + Quote(form) + " " + Data());
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto added = add.JsonLines();
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0]["form"], "test-request");
  EXPECT_EQ(added[0]["version"], 1);
  EXPECT_EQ(added[0]["new"], true);

  RunResult again = Adbridge("forms add " + Quote(form) + " " + Data());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.JsonLines()[0]["new"], false);

  RunResult list = Adbridge("forms list " + Data());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto forms = list.JsonLines();
  ASSERT_EQ(forms.size(), 1u);
  EXPECT_EQ(forms[0]["title"], "テスト請求書");
  EXPECT_EQ(forms[0]["fields"], 2);
}

TEST_F(CliTest, BrokenFormDefinitionIsRefusedNamingTheField) {
  WriteForm();
  std::string broken = kFormJson;
  broken.replace(broken.find("\"date\""), 6, "\"dates\"");
  WriteFile(dir_ / "broken.json", broken);
  RunResult add = Adbridge("forms add " + Quote(dir_ / "broken.json") + " " + Data());
  EXPECT_EQ(add.exit_code, 1);
  EXPECT_EQ(add.ErrLines(), 1);
  EXPECT_NE(add.err.find("broken.json"), std::string::npos);
  EXPECT_NE(add.err.find("birth_date"), std::string::npos);
  EXPECT_EQ(Adbridge("forms list " + Data()).out, "");
}

TEST_F(CliTest, ChangedDefinitionUnderTheSameVersionIsRefused) {
  const fs::path form = WriteForm();
  ASSERT_EQ(Adbridge("forms add " + Quote(form) + " " + Data()).exit_code, 0);
  std::string changed = kFormJson;
  changed.replace(changed.find("テスト請求書"), std::string("テスト請求書").size(), "別の題");
  WriteFile(form, changed);
  RunResult add = Adbridge("forms add " + Quote(form) + " " + Data());
  EXPECT_EQ(add.exit_code, 1);
  EXPECT_NE(add.err.find("test-request"), std::string::npos);
}

TEST_F(CliTest, FormsRenderWritesTheBlankFormAsAPdfAndSaysWhatItWrote) {
  ASSERT_EQ(Adbridge("forms add " + Quote(WriteForm()) + " " + Data()).exit_code, 0);
  const fs::path pdf = dir_ / "print" / "test-request.pdf";
  fs::create_directories(pdf.parent_path());
  RunResult run = Adbridge("forms render test-request --out " + Quote(pdf) + " " + Data());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  const auto lines = run.JsonLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["form"], "test-request");
  EXPECT_EQ(lines[0]["version"], 1);
  EXPECT_EQ(lines[0]["pages"], 1);
  EXPECT_EQ(lines[0]["file"], pdf.string());
  const std::string bytes = Slurp(pdf);
  EXPECT_EQ(bytes.rfind("%PDF-", 0), 0u);
  EXPECT_NE(bytes.find("%%EOF"), std::string::npos) << "the whole file";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(pdf.parent_path())) {
    files += entry.is_regular_file();
  }
  EXPECT_EQ(files, 1) << "no temporary file is left beside it";

  RunResult help = Adbridge("forms render --help", "ADBRIDGE_LANG= LANG=C.UTF-8");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--out FILE.pdf"), std::string::npos);
  EXPECT_NE(help.out.find("QR コード"), std::string::npos);
}

TEST_F(CliTest, FormsRenderRefusesAnUnknownFormOrVersionAndWrongUsageWritingNothing) {
  ASSERT_EQ(Adbridge("forms add " + Quote(WriteForm()) + " " + Data()).exit_code, 0);
  const fs::path pdf = dir_ / "out.pdf";
  RunResult unknown = Adbridge("forms render inkan-touroku --out " + Quote(pdf) + " " + Data());
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.ErrLines(), 1);
  EXPECT_NE(unknown.err.find("inkan-touroku"), std::string::npos);
  RunResult japanese =
      Adbridge("forms render inkan-touroku --out " + Quote(pdf) + " " + Data(), "ADBRIDGE_LANG=ja");
  EXPECT_NE(japanese.err.find("様式が登録されていません: inkan-touroku"), std::string::npos);

  RunResult version =
      Adbridge("forms render test-request --version 2 --out " + Quote(pdf) + " " + Data());
  EXPECT_EQ(version.exit_code, 1);
  EXPECT_NE(version.err.find("test-request v2"), std::string::npos);

  RunResult no_out = Adbridge("forms render test-request " + Data());
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_NE(no_out.err.find("--out"), std::string::npos);
  EXPECT_EQ(Adbridge("forms render test-request --version first --out " + Quote(pdf) + " " + Data())
                .exit_code,
            2);
  EXPECT_EQ(Adbridge("forms render --out " + Quote(pdf) + " " + Data()).exit_code, 2);

  RunResult nowhere = Adbridge("forms render test-request --out " +
                               Quote(dir_ / "no-such-folder" / "out.pdf") + " " + Data());
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_NE(nowhere.err.find("no-such-folder"), std::string::npos);
  EXPECT_FALSE(fs::exists(pdf)) << "nothing is written when the form cannot be rendered";
}

TEST_F(CliTest, IngestPrintsOneLinePerDocumentAndTheSameFileTwiceIsADuplicate) {
  const fs::path a = Scan("a.png", ingest::testing::MakePng(620, 877));
  const fs::path b = Scan("b.jpg", ingest::testing::MakeJpeg(620, 877));
  RunResult first = Adbridge("ingest " + Quote(a) + " " + Quote(b) + " " + Data());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto lines = first.JsonLines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["source"], a.string());
  EXPECT_EQ(lines[0]["duplicate"], false);
  EXPECT_NE(lines[0]["document"], lines[1]["document"]);

  fs::copy_file(a, dir_ / "a-again.png");
  RunResult second = Adbridge("ingest " + Quote(dir_ / "a-again.png") + " " + Data());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.JsonLines()[0]["duplicate"], true);
  EXPECT_EQ(second.JsonLines()[0]["document"], lines[0]["document"]);
  EXPECT_EQ(BlobFiles(), 2u);
  EXPECT_EQ(Adbridge("documents list " + Data()).JsonLines().size(), 2u);
}

TEST_F(CliTest, MultiPageTiffIsOneDocumentWithItsPages) {
  const fs::path tiff = Scan("batch.tif", ingest::testing::MakeTiff({{600, 848}, {600, 848}}));
  RunResult run = Adbridge("ingest " + Quote(tiff) + " " + Data());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.JsonLines()[0]["pages"], 2);
  auto docs = Adbridge("documents list " + Data()).JsonLines();
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["state"], "received");
  EXPECT_EQ(docs[0]["pages"], 2);
}

TEST_F(CliTest, BadFilesAreReportedOneLineEachStoreNothingAndTheBatchGoesOn) {
  Bytes png = ingest::testing::MakePng(620, 877);
  Bytes truncated(png.begin(), png.begin() + png.size() / 2);
  const std::string text = "%PDF-1.4\n";
  std::vector<fs::path> bad = {
      Scan("empty.png", Bytes{}),
      Scan("truncated.png", truncated),
      Scan("letter.pdf", Bytes(text.begin(), text.end())),
      Scan("notes.jpg", Bytes{'h', 'e', 'l', 'l', 'o'}),
      dir_ / "missing.tif",
      dir_,  // a folder
  };
  const fs::path good1 = Scan("good1.png", png);
  const fs::path good2 = Scan("good2.tif", ingest::testing::MakeTiff({{600, 848}}));
  std::string args = "ingest " + Quote(good1);
  for (const fs::path& p : bad) args += " " + Quote(p);
  args += " " + Quote(good2) + " " + Data();

  RunResult run = Adbridge(args);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.ErrLines(), static_cast<int>(bad.size())) << run.err;
  for (const fs::path& p : bad) {
    EXPECT_NE(run.err.find(p.string() + ": "), std::string::npos) << p << " not named in\n"
                                                                  << run.err;
  }
  EXPECT_NE(run.err.find("empty"), std::string::npos);
  EXPECT_NE(run.err.find("PDF is not supported"), std::string::npos);
  EXPECT_EQ(run.JsonLines().size(), 2u);
  EXPECT_EQ(BlobFiles(), 2u);
  EXPECT_EQ(Adbridge("documents list " + Data()).JsonLines().size(), 2u);
}

TEST_F(CliTest, PixelLimitIsConfigurableFromTheCommandLine) {
  const fs::path big = Scan("big.png", ingest::testing::MakePng(1500, 1000));
  RunResult run = Adbridge("ingest --max-megapixels 1 " + Quote(big) + " " + Data());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("too large"), std::string::npos);
  EXPECT_EQ(BlobFiles(), 0u);
  EXPECT_EQ(Adbridge("ingest --max-megapixels lots " + Quote(big) + " " + Data()).exit_code, 2);
}

TEST_F(CliTest, IngestWithAnUnknownFormFailsBeforeStoringAnything) {
  const fs::path a = Scan("a.png", ingest::testing::MakePng(620, 877));
  RunResult run = Adbridge("ingest --form no-such-form " + Quote(a) + " " + Data());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("no-such-form"), std::string::npos);
  EXPECT_EQ(BlobFiles(), 0u);
}

TEST_F(CliTest, IngestWithAKnownFormRecordsIt) {
  ASSERT_EQ(Adbridge("forms add " + Quote(WriteForm()) + " " + Data()).exit_code, 0);
  const fs::path a = Scan("a.png", ingest::testing::MakePng(620, 877));
  ASSERT_EQ(Adbridge("ingest --form test-request " + Quote(a) + " " + Data()).exit_code, 0);
  auto docs = Adbridge("documents list " + Data()).JsonLines();
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["form"], "test-request");
  EXPECT_EQ(docs[0]["form_version"], 1);
}

TEST_F(CliTest, DataFolderComesFromTheEnvironmentWhenNotGiven) {
  const fs::path a = Scan("a.png", ingest::testing::MakePng(620, 877));
  RunResult run = Adbridge("ingest " + Quote(a), "ADBRIDGE_LANG=en ADBRIDGE_DATA=" + Quote(data_));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(fs::exists(data_ / "adbridge.db"));
}

TEST_F(CliTest, ErrorsAreJapaneseByDefault) {
  const fs::path empty = Scan("empty.png", Bytes{});
  RunResult run = Adbridge("ingest " + Quote(empty) + " " + Data(), "ADBRIDGE_LANG= LANG=C.UTF-8");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("空のファイルです"), std::string::npos);
}

// ---- process ---------------------------------------------------------------------------------

const fs::path kSource = ADBRIDGE_SOURCE_DIR;

TEST_F(CliTest, ProcessReadsEverySampleScanAsItsFormAndSummarises) {
  for (const char* id : {"juminhyo-request", "kyufukin-application", "demand-bus-reservation"}) {
    ASSERT_EQ(Adbridge(Data() + " forms add " +
                       Quote(kSource / "models/forms" / (std::string(id) + ".json")))
                  .exit_code,
              0);
  }
  std::map<std::string, std::string> form_of;  // sample file -> its form, from the truth file
  std::string files;
  std::ifstream truth(kSource / "samples/scans/truth.jsonl");
  for (std::string line; std::getline(truth, line);) {
    const nlohmann::json t = nlohmann::json::parse(line);
    const fs::path file = kSource / "samples/scans" / t["file"].get<std::string>();
    form_of[file.string()] = t["form"];
    files += " " + Quote(file);
  }
  ASSERT_EQ(form_of.size(), 6u);
  ASSERT_EQ(Adbridge(Data() + " ingest" + files).exit_code, 0);

  const RunResult run = Adbridge(Data() + " process --jobs 2", "ADBRIDGE_LANG=en OMP_THREAD_LIMIT=1");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "") << "quiet when not on a terminal";
  const std::vector<nlohmann::json> lines = run.JsonLines();
  ASSERT_EQ(lines.size(), 7u) << run.out;
  for (std::size_t i = 0; i < 6; ++i) {
    const nlohmann::json& line = lines[i];
    const std::string source = line["source"];
    EXPECT_EQ(line["form"], form_of[source]) << source;
    EXPECT_TRUE(line["state"] == "in_review" || line["state"] == "verified") << line.dump();
    EXPECT_GT(line["fields"].get<int>(), 10) << line.dump();
    EXPECT_EQ(line["auto_accepted"].get<int>() + line["review_tasks"].get<int>(),
              line["fields"].get<int>())
        << "every field is either accepted or has a task: " << line.dump();
  }
  const nlohmann::json& summary = lines[6]["summary"];
  EXPECT_EQ(summary["documents"], 6);
  EXPECT_EQ(summary["pages"], 8);
  EXPECT_EQ(summary["failed"], 0);
  EXPECT_EQ(summary["jobs"], 2);
  EXPECT_GT(summary["tesseract_seconds"].get<double>(), 0);
  EXPECT_GT(summary["peak_rss_mb"].get<double>(), 0);

  EXPECT_TRUE(Adbridge(Data() + " documents list --state received").JsonLines().empty());
  const RunResult again = Adbridge(Data() + " process");
  ASSERT_EQ(again.exit_code, 0);
  ASSERT_EQ(again.JsonLines().size(), 1u) << "nothing is read twice";
  EXPECT_EQ(again.JsonLines()[0]["summary"]["documents"], 0);
}

TEST_F(CliTest, ProcessWithoutAnyFormRegisteredSaysWhatToDo) {
  const fs::path scan = Scan("a.png", ingest::testing::MakePng(620, 877));
  ASSERT_EQ(Adbridge(Data() + " ingest " + Quote(scan)).exit_code, 0);
  const RunResult run = Adbridge(Data() + " process");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.ErrLines(), 1);
  EXPECT_NE(run.err.find("forms add"), std::string::npos) << run.err;
  EXPECT_EQ(Adbridge(Data() + " documents list --state received").JsonLines().size(), 1u);
}

TEST_F(CliTest, ProcessRefusesANonsenseJobCount) {
  for (const char* jobs : {"0", "-1", "two", "1000"}) {
    const RunResult run = Adbridge(Data() + " process --jobs " + jobs);
    EXPECT_EQ(run.exit_code, 2) << jobs;
    EXPECT_NE(run.err.find("--jobs"), std::string::npos) << run.err;
  }
}

TEST_F(CliTest, UsersAddReadsThePasswordFromStdinAndNeverPrintsIt) {
  const RunResult added = AdbridgeWithInput(
      Data() + " users add hanako --role reviewer --tenant shiojiri --display-name 'Hanako'",
      "correct-horse-7\n");
  ASSERT_EQ(added.exit_code, 0) << added.err;
  ASSERT_EQ(added.JsonLines().size(), 1u);
  EXPECT_EQ(added.JsonLines()[0]["name"], "hanako");
  EXPECT_EQ(added.JsonLines()[0]["role"], "reviewer");
  EXPECT_EQ(added.JsonLines()[0]["tenant"], "shiojiri");
  const RunResult listed = Adbridge(Data() + " users list");
  ASSERT_EQ(listed.exit_code, 0);
  ASSERT_EQ(listed.JsonLines().size(), 1u);
  EXPECT_EQ(listed.out.find("correct-horse-7"), std::string::npos);
  EXPECT_EQ(listed.out.find("argon2"), std::string::npos) << "not even the hash";
}

TEST_F(CliTest, UsersAddRefusesAShortPasswordAnUnknownRoleABadNameAndATakenName) {
  const RunResult short_password =
      AdbridgeWithInput(Data() + " users add hanako --role reviewer", "abc\n");
  EXPECT_EQ(short_password.exit_code, 1);
  EXPECT_EQ(short_password.ErrLines(), 1) << short_password.err;
  EXPECT_NE(short_password.err.find("8"), std::string::npos) << short_password.err;

  EXPECT_EQ(AdbridgeWithInput(Data() + " users add hanako --role boss", "password-1\n").exit_code,
            2);
  EXPECT_EQ(AdbridgeWithInput(Data() + " users add 'Hanako Sato' --role reviewer", "password-1\n")
                .exit_code,
            1);
  ASSERT_EQ(AdbridgeWithInput(Data() + " users add hanako --role reviewer", "password-1\n")
                .exit_code,
            0);
  const RunResult taken =
      AdbridgeWithInput(Data() + " users add hanako --role supervisor", "password-2\n");
  EXPECT_EQ(taken.exit_code, 1);
  EXPECT_EQ(Adbridge(Data() + " users list").JsonLines().size(), 1u) << "nothing was added";
}

TEST_F(CliTest, ReviewFromTheCommandLineSettlesTheSampleScansTasks) {
  for (const char* id : {"juminhyo-request", "kyufukin-application", "demand-bus-reservation"}) {
    ASSERT_EQ(Adbridge(Data() + " forms add " +
                       Quote(kSource / "models/forms" / (std::string(id) + ".json")))
                  .exit_code,
              0);
  }
  std::string files;
  for (const auto& entry : fs::directory_iterator(kSource / "samples/scans")) {
    if (entry.path().extension() != ".jsonl") files += " " + Quote(entry.path());
  }
  ASSERT_EQ(Adbridge(Data() + " ingest" + files).exit_code, 0);
  ASSERT_EQ(Adbridge(Data() + " process --jobs 2", "ADBRIDGE_LANG=en OMP_THREAD_LIMIT=1")
                .exit_code,
            0);
  ASSERT_EQ(AdbridgeWithInput(Data() + " users add hanako --role reviewer", "password-1\n")
                .exit_code,
            0);
  ASSERT_EQ(AdbridgeWithInput(Data() + " users add taro --role reviewer", "password-2\n")
                .exit_code,
            0);

  // A value that is not a date is refused with the reason, and the task stays hanako's.
  const RunResult date = Adbridge(Data() + " review next --user hanako --field-type date");
  ASSERT_EQ(date.exit_code, 0) << date.err;
  ASSERT_FALSE(date.JsonLines()[0]["task"].is_null()) << "the samples have a date to review";
  const std::string date_task = std::to_string(date.JsonLines()[0]["task"].get<int>());
  EXPECT_EQ(date.JsonLines()[0]["type"], "date");
  const RunResult refused =
      Adbridge(Data() + " review submit " + date_task + " --user hanako --value 'not a date'");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.JsonLines()[0]["result"], "refused");
  EXPECT_EQ(refused.ErrLines(), 1);
  // Skipped: not handed back to hanako at once, but to taro.
  ASSERT_EQ(Adbridge(Data() + " review skip " + date_task + " --user hanako").exit_code, 0);
  const RunResult for_taro = Adbridge(Data() + " review next --user taro --field-type date");
  EXPECT_EQ(std::to_string(for_taro.JsonLines()[0]["task"].get<int>()), date_task);
  ASSERT_EQ(Adbridge(Data() + " review unreadable " + date_task + " --user taro").exit_code, 0);

  // hanako works through the rest: the machine's reading where it passes the field's rules,
  // else unreadable; blind double entries are skipped (they need a second person).
  int settled = 0;
  for (int guard = 0; guard < 200; ++guard) {
    const RunResult next = Adbridge(Data() + " review next --user hanako");
    ASSERT_EQ(next.exit_code, 0) << next.err;
    const nlohmann::json task = next.JsonLines()[0];
    if (task["task"].is_null()) break;
    const std::string id = std::to_string(task["task"].get<int>());
    if (task["blind"].get<bool>()) {
      ASSERT_EQ(Adbridge(Data() + " review skip " + id + " --user hanako").exit_code, 0);
      continue;
    }
    const RunResult submit = Adbridge(Data() + " review submit " + id + " --user hanako --value " +
                                      Quote(task["prefill"].get<std::string>()));
    if (submit.exit_code != 0) {
      ASSERT_EQ(submit.JsonLines()[0]["result"], "refused") << submit.out;
      ASSERT_EQ(Adbridge(Data() + " review unreadable " + id + " --user hanako").exit_code, 0);
    }
    ++settled;
  }
  EXPECT_GT(settled, 5);
  EXPECT_TRUE(Adbridge(Data() + " review next --user hanako").JsonLines()[0]["task"].is_null());
  EXPECT_FALSE(Adbridge(Data() + " documents list --state verified").JsonLines().empty())
      << "a sample document without double-entry fields is now verified";
}

TEST_F(CliTest, ServeWatchRefusesAMissingFolderAndAnUnknownMunicipalityBeforeServing) {
  RunResult missing = Adbridge("serve --port 0 --watch " + Quote(dir_ / "no-such-folder") + " " +
                               Data());
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("--watch must be an existing folder"), std::string::npos)
      << missing.err;
  RunResult alone = Adbridge("serve --port 0 --tenant default " + Data());
  EXPECT_EQ(alone.exit_code, 2) << alone.err;
  EXPECT_NE(alone.err.find("--tenant goes with --watch"), std::string::npos) << alone.err;
  fs::create_directories(dir_ / "inbox");
  RunResult unknown = Adbridge("serve --port 0 --watch " + Quote(dir_ / "inbox") +
                               " --tenant nowhere " + Data());
  EXPECT_EQ(unknown.exit_code, 1) << unknown.err;
  EXPECT_EQ(unknown.ErrLines(), 1) << unknown.err;
  EXPECT_TRUE(unknown.out.empty()) << "it never started serving: " << unknown.out;
}

}  // namespace
}  // namespace adbridge
