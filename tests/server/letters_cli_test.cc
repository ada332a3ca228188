// adbridge letters driven as a department's clerk drives it: verified records in a data
// directory (seeded as the benchmark seeds them), the program run, the PDF read back with
// poppler-utils and the store read back for what was recorded.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/letters/seeding.h"
#include "models/store.h"
#include "tests/output/pdf_test_support.h"
#include "tests/server/cli_runner.h"

namespace adbridge {
namespace {

namespace fs = std::filesystem;
using test_support::Quote;
using test_support::RunAdbridge;
using test_support::RunResult;
using test_support::Slurp;
using ::testing::HasSubstr;
using ::testing::Not;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;

// The first line of stdout, the run's JSON summary (null when there is none).
nlohmann::json Summary(const RunResult& run) {
  const std::vector<nlohmann::json> lines = run.JsonLines();
  return lines.empty() ? nlohmann::json() : lines.front();
}

class LettersCliTest : public ::testing::Test {
 protected:
  LettersCliTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-letters-cli-" + std::to_string(rd()));
    fs::create_directories(dir_);
    data_ = dir_ / "data";
  }
  ~LettersCliTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // `count` verified benefit applications of `tenant`; returns their document ids.
  std::vector<std::int64_t> Seed(int count, std::uint64_t seed = 7,
                                 const std::string& tenant = "default") {
    bench::LetterSeedOptions options;
    options.data_dir = data_;
    options.form = kSource / "models/forms/kyufukin-application.json";
    options.records = count;
    options.seed = seed;
    options.tenant = tenant;
    Result<bench::LetterSeedSummary> seeded = bench::SeedVerifiedRecords(options);
    EXPECT_TRUE(seeded.ok()) << seeded.status().message(Lang::kEn);
    return seeded.ok() ? seeded->documents : std::vector<std::int64_t>();
  }

  RunResult Adbridge(const std::string& args, const std::string& env = "ADBRIDGE_LANG=en") {
    return RunAdbridge(dir_, args + " --data " + Quote(data_.string()), env);
  }

  RunResult Letters(const std::string& args, const std::string& out = "letters.pdf") {
    return Adbridge("letters " + args + " --out " + Quote(dir_ / out));
  }

  // Runs SQL on the data directory's database, as a person with the sqlite3 shell would.
  std::string Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open((data_ / "adbridge.db").c_str(), &db);
    sqlite3_busy_timeout(db, 5000);
    std::string rows;
    sqlite3_exec(
        db, sql.c_str(),
        [](void* out, int columns, char** values, char**) {
          auto* text = static_cast<std::string*>(out);
          for (int i = 0; i < columns; ++i) {
            *text += (i ? "|" : "") + std::string(values[i] ? values[i] : "");
          }
          *text += "\n";
          return 0;
        },
        &rows, nullptr);
    sqlite3_close(db);
    return rows;
  }

  std::unique_ptr<models::Store> Store() {
    Result<std::unique_ptr<models::Store>> store = models::OpenSqliteStore(data_ / "adbridge.db");
    EXPECT_TRUE(store.ok());
    return store.ok() ? std::move(store).value() : nullptr;
  }

  fs::path dir_;
  fs::path data_;
};

TEST_F(LettersCliTest, PrintsOneLetterPerVerifiedRecordInPostalCodeOrderAndNeverTwice) {
  const std::vector<std::int64_t> documents = Seed(12);
  RunResult run = Letters("--template kyufukin-decision");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json summary = Summary(run);
  EXPECT_EQ(summary["batch"], 1);
  EXPECT_EQ(summary["letters"], 12);
  EXPECT_EQ(summary["pages"], 12);
  EXPECT_EQ(summary["file"], (dir_ / "letters.pdf").string());

  const fs::path pdf = dir_ / "letters.pdf";
  Result<testing::PdfInfo> info = testing::ReadPdfInfo(pdf);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->pages, 12);
  Result<std::vector<testing::PdfFont>> fonts = testing::ReadPdfFonts(pdf);
  ASSERT_TRUE(fonts.ok());
  for (const testing::PdfFont& font : *fonts)
    EXPECT_TRUE(font.embedded && font.subset) << font.name;

  // The postal codes in the window, page by page, never go down.
  Result<std::string> text = testing::PdfText(pdf);
  ASSERT_TRUE(text.ok());
  std::vector<std::string> codes;
  std::istringstream pages(*text);
  for (std::string page; std::getline(pages, page, '\f');) {
    std::smatch match;
    if (std::regex_search(page, match, std::regex("〒([0-9]{3}-[0-9]{4})")))
      codes.push_back(match[1]);
  }
  ASSERT_EQ(codes.size(), 12u);
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));

  // Every record is marked as having had its letter, where the PDF has it.
  std::unique_ptr<models::Store> store = Store();
  Result<std::vector<models::LetterRecord>> letters = store->ListLetters(1);
  ASSERT_TRUE(letters.ok());
  std::set<std::int64_t> lettered;
  for (const models::LetterRecord& letter : *letters) lettered.insert(letter.document_id);
  EXPECT_EQ(lettered, std::set<std::int64_t>(documents.begin(), documents.end()));
  Result<cv::Mat> first_page = testing::RasterisePdfPage(pdf, 1, 200);
  ASSERT_TRUE(first_page.ok());
  EXPECT_THAT(testing::ReadQrCodes(*first_page),
              ::testing::ElementsAre("adbridge-record:default:" +
                                     std::to_string((*letters)[0].document_id)));
  Result<models::LetterBatch> batch = store->GetLetterBatch(1);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->template_id, "kyufukin-decision");
  EXPECT_THAT(batch->requested_by, ::testing::StartsWith("os:"));
  EXPECT_EQ(Slurp(pdf),
            Slurp(fs::path(data_ / "blobs" / batch->pdf_sha256.substr(0, 2) / batch->pdf_sha256)))
      << "the PDF written is the one kept";

  // The next run has nothing to print: no PDF, no batch.
  RunResult again = Letters("--template kyufukin-decision", "again.pdf");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("no verified record of form kyufukin-application is waiting"));
  EXPECT_TRUE(Summary(again)["batch"].is_null());
  EXPECT_FALSE(fs::exists(dir_ / "again.pdf"));
  EXPECT_EQ(Sql("SELECT count(*) FROM letter_batches"), "1\n");
}

TEST_F(LettersCliTest, TwoRunsAtOnceGiveEachRecordOneLetter) {
  const std::vector<std::int64_t> documents = Seed(40);
  const std::string binary = Quote(ADBRIDGE_BINARY);
  std::string command;
  for (int i : {1, 2}) {
    const std::string n = std::to_string(i);
    command += "(ADBRIDGE_LANG=en " + binary + " letters --template kyufukin-decision --data " +
               Quote(data_) + " --out " + Quote(dir_ / ("run" + n + ".pdf")) + " > " +
               Quote(dir_ / ("out" + n)) + " 2> " + Quote(dir_ / ("err" + n)) + "; echo $? > " +
               Quote(dir_ / ("code" + n)) + ") & ";
  }
  ASSERT_EQ(std::system((command + "wait").c_str()), 0);

  int printed = 0;
  for (int i : {1, 2}) {
    const std::string n = std::to_string(i);
    const std::string code = Slurp(dir_ / ("code" + n));
    const std::string err = Slurp(dir_ / ("err" + n));
    if (code == "0\n") {
      const nlohmann::json summary = nlohmann::json::parse(Slurp(dir_ / ("out" + n)));
      printed += summary["letters"].get<int>();
      if (!summary["batch"].is_null()) {
        Result<testing::PdfInfo> info = testing::ReadPdfInfo(dir_ / ("run" + n + ".pdf"));
        ASSERT_TRUE(info.ok());
        EXPECT_EQ(info->pages, summary["pages"].get<int>());
      }
    } else {
      // The run that lost the race recorded nothing and wrote nothing.
      EXPECT_EQ(code, "1\n");
      EXPECT_THAT(err, HasSubstr("already have a letter"));
      EXPECT_FALSE(fs::exists(dir_ / ("run" + n + ".pdf")));
    }
  }
  EXPECT_EQ(printed, 40);
  EXPECT_EQ(Sql("SELECT count(*), count(DISTINCT document_id) FROM letters"), "40|40\n");
  EXPECT_EQ(Sql("SELECT sum(letter_count) FROM letter_batches"), "40\n");
}

TEST_F(LettersCliTest, LargePrintIsRecordedAndTakesMorePages) {
  Seed(3);
  RunResult run = Letters("--template kyufukin-decision --large-print");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Summary(run)["letters"], 3);
  EXPECT_EQ(Summary(run)["pages"], 6);
  EXPECT_EQ(Summary(run)["large_print"], true);
  EXPECT_EQ(Sql("SELECT large_print, page_count FROM letter_batches"), "1|6\n");
  EXPECT_EQ(Sql("SELECT group_concat(page_count) FROM letters"), "2,2,2\n");
}

TEST_F(LettersCliTest, ARecordWithAnEmptyAddressIsNamedOnStderrAndWaitsForTheNextRun) {
  const std::vector<std::int64_t> documents = Seed(4);
  const std::string broken = std::to_string(documents[2]);
  Sql("UPDATE fields SET value = '' WHERE name = 'address' AND document_id = " + broken);
  RunResult run = Letters("--template kyufukin-decision");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Summary(run)["letters"], 3);
  EXPECT_EQ(Summary(run)["skipped"], 1);
  EXPECT_THAT(run.err, HasSubstr("document " + broken + ": field address"));
  EXPECT_THAT(run.err, HasSubstr("no letter"));
  EXPECT_EQ(Sql("SELECT count(*) FROM letters WHERE document_id = " + broken), "0\n");

  // Corrected, it gets its letter in the next batch, alone.
  Sql("UPDATE fields SET value = '長野県塩尻市広丘野村1234-5' WHERE name = 'address' AND "
      "document_id = " +
      broken);
  RunResult next = Letters("--template kyufukin-decision", "next.pdf");
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(Summary(next)["letters"], 1);
  EXPECT_EQ(Sql("SELECT batch_id FROM letters WHERE document_id = " + broken), "2\n");
}

TEST_F(LettersCliTest, WhenNoLetterCanBeMadeItFailsAndRecordsNothing) {
  Seed(2);
  Sql("UPDATE fields SET value = NULL, state = 'unreadable' WHERE name = 'applicant_name'");
  RunResult run = Letters("--template kyufukin-decision");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("not one letter could be made"));
  EXPECT_THAT(run.err, HasSubstr("applicant_name"));
  EXPECT_FALSE(fs::exists(dir_ / "letters.pdf"));
  EXPECT_EQ(Sql("SELECT count(*) FROM letter_batches"), "0\n");
}

TEST_F(LettersCliTest, AnOutFileThatCannotBeWrittenStopsTheRunBeforeAnythingIsRecorded) {
  Seed(3);
  RunResult run = Letters("--template kyufukin-decision", "no-such-folder/letters.pdf");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("no-such-folder"));
  EXPECT_EQ(Sql("SELECT count(*) FROM letter_batches"), "0\n");
  EXPECT_EQ(Sql("SELECT count(*) FROM letters"), "0\n") << "the records still wait";
  fs::create_directories(dir_ / "a-folder");
  EXPECT_EQ(Letters("--template kyufukin-decision", "a-folder").exit_code, 1);
  EXPECT_EQ(Sql("SELECT count(*) FROM letter_batches"), "0\n");
}

TEST_F(LettersCliTest, ARecordedBatchIsWrittenAgainWithReprint) {
  Seed(3);
  ASSERT_EQ(Letters("--template kyufukin-decision").exit_code, 0);
  RunResult reprint = Adbridge("letters --reprint 1 --out " + Quote(dir_ / "reprint.pdf"));
  ASSERT_EQ(reprint.exit_code, 0) << reprint.err;
  EXPECT_EQ(Summary(reprint)["batch"], 1);
  EXPECT_EQ(Summary(reprint)["letters"], 3);
  EXPECT_EQ(Summary(reprint)["reprint"], true);
  EXPECT_EQ(Slurp(dir_ / "reprint.pdf"), Slurp(dir_ / "letters.pdf"));
  EXPECT_EQ(Sql("SELECT count(*) FROM audit_log WHERE action = 'letters.reprinted'"), "1\n");
  EXPECT_EQ(Sql("SELECT count(*) FROM letter_batches"), "1\n") << "a reprint is not a batch";

  RunResult unknown = Adbridge("letters --reprint 9 --out " + Quote(dir_ / "x.pdf"));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no such letter batch: 9"));
  ASSERT_EQ(std::system(("echo long-enough-password | " + Quote(ADBRIDGE_BINARY) +
                         " users add okaya-clerk --role department --tenant okaya --data " +
                         Quote(data_) + " > /dev/null")
                            .c_str()),
            0);
  RunResult other_tenant =
      Adbridge("letters --reprint 1 --user okaya-clerk --out " + Quote(dir_ / "x.pdf"));
  EXPECT_EQ(other_tenant.exit_code, 1);
  EXPECT_THAT(other_tenant.err, HasSubstr("tenant okaya has no letter batch 1"));
  EXPECT_FALSE(fs::exists(dir_ / "x.pdf"));
}

TEST_F(LettersCliTest, TheUserWhoAsksIsRecordedAndMustBeAllowedTo) {
  Seed(2);
  for (const auto& [name, role] : {std::pair{"clerk", "department"}, {"rita", "reviewer"}}) {
    const std::string command = "echo long-enough-password | ADBRIDGE_LANG=en " +
                                Quote(ADBRIDGE_BINARY) + " users add " + name + " --role " + role +
                                " --data " + Quote(data_) + " > /dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }
  RunResult reviewer = Letters("--template kyufukin-decision --user rita");
  EXPECT_EQ(reviewer.exit_code, 1);
  EXPECT_THAT(reviewer.err, HasSubstr("may not print letters"));
  EXPECT_EQ(Letters("--template kyufukin-decision --user nobody").exit_code, 1);

  RunResult clerk = Letters("--template kyufukin-decision --user clerk");
  ASSERT_EQ(clerk.exit_code, 0) << clerk.err;
  EXPECT_EQ(Sql("SELECT requested_by, user_id IS NOT NULL FROM letter_batches"), "clerk|1\n");
  EXPECT_EQ(Sql("SELECT count(*) FROM audit_log WHERE action = 'letters.printed' AND user_id IS "
                "NOT NULL"),
            "1\n");
}

TEST_F(LettersCliTest, WrongUsageExitsTwoAndABadTemplateOneAndNeitherRecordsAnything) {
  Seed(2);
  EXPECT_EQ(Adbridge("letters --template kyufukin-decision").exit_code, 2) << "no --out";
  EXPECT_EQ(Letters("").exit_code, 2) << "no --template";
  EXPECT_EQ(Letters("--reprint 1 --template kyufukin-decision").exit_code, 2);
  EXPECT_EQ(Letters("--reprint one").exit_code, 2);
  RunResult mismatch = Letters("--template kyufukin-decision --form juminhyo-request");
  EXPECT_EQ(mismatch.exit_code, 2);
  EXPECT_THAT(mismatch.err, HasSubstr("is not the form of template kyufukin-decision"));

  RunResult unknown = Letters("--template kyufukin-desicion");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no such template: kyufukin-desicion"));

  nlohmann::json broken =
      nlohmann::json::parse(Slurp(kSource / "models/templates/kyufukin-decision.json"));
  broken["body"].push_back("{{payment_day|era}}にお振り込みします。");
  std::ofstream(dir_ / "broken.json") << broken.dump();
  RunResult bad = Letters("--template " + Quote(dir_ / "broken.json"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("broken.json: body[4]"));
  EXPECT_THAT(bad.err, HasSubstr("{{payment_day|era}}"));

  RunResult script = Letters("--template juminhyo-mailing");
  EXPECT_EQ(script.exit_code, 1) << "the residence-certificate form is not registered here";
  EXPECT_THAT(script.err, HasSubstr("juminhyo-request"));

  EXPECT_FALSE(fs::exists(dir_ / "letters.pdf"));
  EXPECT_EQ(Sql("SELECT count(*) FROM letter_batches"), "0\n");
}

TEST_F(LettersCliTest, MessagesAreJapaneseByDefault) {
  Seed(1);
  RunResult run = Adbridge("letters --template kyufukin-desicion --out " + Quote(dir_ / "x.pdf"),
                           "ADBRIDGE_LANG= LANG=C.UTF-8");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("雛形がありません"));
}

}  // namespace
}  // namespace adbridge
