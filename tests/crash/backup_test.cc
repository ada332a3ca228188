// adbridge backup and adbridge restore as an administrator runs them: a round trip that keeps
// documents, reviews, exports and letters; backups taken while a server takes phone-intake
// uploads and review submissions, each a consistent snapshot; damaged backups refused without
// changing anything; a folder that already holds an installation kept unless --force.
#include <sqlite3.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "models/backup.h"
#include "models/store.h"
#include "tests/crash/child_process.h"
#include "tests/crash/installation_test.h"
#include "tests/server/http_test_client.h"

namespace adbridge {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using server::http_test::Login;
using server::http_test::LogIn;
using server::http_test::Reply;
using server::http_test::Send;
using test_support::ChildExit;
using test_support::ChildProcess;
using test_support::RunToEnd;
using test_support::Slurp;
using ::testing::HasSubstr;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;
constexpr const char* kPassword = test_support::kInstallationPassword;

// Rows of `sql` on the database at `path`, opened read-only, each row's columns joined by '|'.
std::vector<std::string> Query(const fs::path& path, const std::string& sql) {
  std::vector<std::string> rows;
  sqlite3* db = nullptr;
  const std::string uri = "file:" + path.string() + "?mode=ro";
  if (sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) !=
      SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return rows;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        row += (i ? "|" : "") + std::string(text == nullptr ? "<null>" : text);
      }
      rows.push_back(row);
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

// Every blob name a row of the database names, in any column that refers to blobs.
constexpr char kNamedBlobs[] =
    "SELECT original_sha256 FROM documents UNION SELECT source_sha256 FROM pages WHERE "
    "source_sha256 IS NOT NULL UNION SELECT image_sha256 FROM pages WHERE image_sha256 IS NOT "
    "NULL UNION SELECT snippet_sha256 FROM fields WHERE snippet_sha256 IS NOT NULL UNION "
    "SELECT reference_sha256 FROM form_pages UNION SELECT pdf_sha256 FROM letter_batches";

// The files in a folder and below, by path relative to it, with their bytes' size.
std::map<std::string, std::uintmax_t> Files(const fs::path& dir) {
  std::map<std::string, std::uintmax_t> files;
  std::error_code ec;
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) {
      files[fs::relative(entry.path(), dir).string()] = entry.file_size();
    }
  }
  return files;
}

class BackupTest : public test_support::InstallationTest {
 protected:
  BackupTest() : InstallationTest("adbridge-backup-test-") {}

  // Everything an administrator would compare after a restore.
  std::map<std::string, std::vector<std::string>> Contents(const fs::path& data) {
    const fs::path db = data / "adbridge.db";
    std::map<std::string, std::vector<std::string>> contents;
    contents["documents"] = Query(db, "SELECT id, source_name, state, original_sha256 FROM "
                                      "documents ORDER BY id");
    contents["fields"] = Query(db, "SELECT document_id, name, value, state FROM fields ORDER BY id");
    contents["tasks"] = Query(db, "SELECT id, state, lease_owner FROM review_tasks ORDER BY id");
    contents["entries"] = Query(db, "SELECT task_id, user_id, action, value FROM review_entries "
                                    "ORDER BY id");
    contents["exports"] = Query(db, "SELECT id, form_id, document_count FROM exports ORDER BY id");
    contents["letters"] = Query(db, "SELECT id, pdf_sha256, letter_count FROM letter_batches "
                                    "ORDER BY id");
    contents["audit"] = Query(db, "SELECT id, action, document_id FROM audit_log ORDER BY id");
    contents["users"] = Query(db, "SELECT name, role, password_hash FROM users ORDER BY id");
    for (const auto& [file, size] : Files(data / "blobs")) {
      contents["blobs"].push_back(file + " " + std::to_string(size));
    }
    return contents;
  }

};

TEST_F(BackupTest, RestoreBringsBackDocumentsReviewsExportsAndLetters) {
  const fs::path data = Installation("original");
  // A review: the first task settled by the reviewer.
  const ChildExit next = Adbridge(data, {"review", "next", "--user", "reviewer"});
  ASSERT_EQ(next.exit_code, 0) << next.err;
  const Json task = next.JsonLines().at(0);
  ASSERT_FALSE(task["task"].is_null()) << next.out;
  Ok(data, {"review", "unreadable", std::to_string(task["task"].get<std::int64_t>()), "--user",
            "reviewer"});
  // An export and a batch of letters (its PDF is a blob).
  Ok(data, {"export", "--form", "juminhyo-request", "--status", "any", "--out",
            (dir_ / "export.csv").string()});
  Ok(data, {"letters", "--template", "juminhyo-mailing", "--out", (dir_ / "letters.pdf").string()});
  const auto before = Contents(data);
  ASSERT_EQ(before.at("letters").size(), 1u);
  ASSERT_EQ(before.at("exports").size(), 1u);
  ASSERT_EQ(before.at("entries").size(), 1u);

  const fs::path backup = dir_ / "adbridge-backup.db";
  const ChildExit made = Adbridge(data, {"backup", "--out", backup.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const Json made_line = made.JsonLines().at(0);
  EXPECT_EQ(made_line["backup"], backup.string());
  EXPECT_EQ(made_line["documents"], 3);
  EXPECT_EQ(made_line["blobs"].get<std::size_t>(), before.at("blobs").size());

  const fs::path restored = dir_ / "restored";
  const ChildExit back = Adbridge(restored, {"restore", backup.string()});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  const Json line = back.JsonLines().at(0);
  EXPECT_EQ(line["restored"], backup.string());
  EXPECT_EQ(line["documents"], 3);
  EXPECT_EQ(line["schema"], models::kSchemaVersion);
  EXPECT_EQ(line["created_at"], made_line["created_at"]);
  EXPECT_EQ(Contents(restored), before);

  // The restored installation works: the same export again, the letters' PDF printed again,
  // and the reviewer goes on with the queue.
  const ChildExit exported = Adbridge(restored, {"export", "--form", "juminhyo-request",
                                                 "--status", "any"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(exported.out, Slurp(dir_ / "export.csv"));
  Ok(restored, {"letters", "--reprint", "1", "--out", (dir_ / "again.pdf").string()});
  EXPECT_EQ(Slurp(dir_ / "again.pdf"), Slurp(dir_ / "letters.pdf"));
  const ChildExit more = Adbridge(restored, {"review", "next", "--user", "reviewer"});
  ASSERT_EQ(more.exit_code, 0) << more.err;
  EXPECT_FALSE(more.JsonLines().at(0)["task"].is_null());
}

TEST_F(BackupTest, AFolderThatHoldsAnInstallationIsReplacedOnlyWithForce) {
  const fs::path data = Installation("original");
  const fs::path backup = dir_ / "b.db";
  Ok(data, {"backup", "--out", backup.string()});
  const fs::path other = dir_ / "other";
  Ok(other, {"forms", "add", (kSource / "models/forms/kyufukin-application.json").string()});
  const auto before = Contents(other);

  const ChildExit refused = Adbridge(other, {"restore", backup.string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("already holds an adbridge installation"));
  EXPECT_THAT(refused.err, HasSubstr("--force"));
  EXPECT_EQ(Contents(other), before);

  // A running server keeps its folder even with --force.
  ChildProcess server = ChildProcess::Start(
      dir_, {"--data", other.string(), "serve", "--port", "0", "--bind", "127.0.0.1"});
  for (int i = 0; i < 200 && server.OutSoFar().find("port") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const ChildExit busy = Adbridge(other, {"restore", "--force", backup.string()});
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_THAT(busy.err, HasSubstr("another adbridge"));
  server.WaitOrKill(std::chrono::microseconds(0));
  EXPECT_EQ(Contents(other), before);

  const ChildExit forced = Adbridge(other, {"restore", "--force", backup.string()});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  // The blobs only the replaced installation named are gone with it.
  EXPECT_EQ(Contents(other), Contents(data));
}

TEST_F(BackupTest, ADamagedBackupIsRefusedAndNothingChanges) {
  const fs::path data = Installation("original");
  const fs::path good = dir_ / "good.db";
  Ok(data, {"backup", "--out", good.string()});
  const std::string bytes = Slurp(good);
  ASSERT_GT(bytes.size(), 100'000u);

  std::map<std::string, std::string> damaged;
  damaged["truncated"] = bytes.substr(0, bytes.size() / 2);
  damaged["cut by one page"] = bytes.substr(0, bytes.size() - 4096);
  std::string scribbled = bytes;
  std::fill(scribbled.begin() + bytes.size() / 3, scribbled.begin() + bytes.size() / 3 + 65536,
            '\xff');
  damaged["overwritten in the middle"] = scribbled;
  damaged["empty"] = "";
  damaged["not a database"] = "form,applicant_name\njuminhyo-request,塩尻 花子\n";
  for (const auto& [what, content] : damaged) {
    std::ofstream(dir_ / (what + ".db"), std::ios::binary) << content;
  }
  // Whole as a database, but a blob's bytes changed, or from a newer adbridge.
  auto edited = [&](const std::string& name, const std::string& sql) {
    fs::copy_file(good, dir_ / (name + ".db"));
    sqlite3* db = nullptr;
    sqlite3_open((dir_ / (name + ".db")).c_str(), &db);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
    damaged[name] = "";
  };
  edited("blob changed", "UPDATE adbridge_backup_blobs SET bytes = zeroblob(length(bytes)) "
                         "WHERE rowid = (SELECT min(rowid) FROM adbridge_backup_blobs)");
  edited("blob missing", "DELETE FROM adbridge_backup_blobs WHERE rowid = "
                         "(SELECT min(rowid) FROM adbridge_backup_blobs)");
  edited("newer schema", "PRAGMA user_version = 99");
  edited("plain database", "DROP TABLE adbridge_backup");

  const auto before = Contents(data);
  for (const auto& [what, unused] : damaged) {
    SCOPED_TRACE(what);
    const fs::path file = dir_ / (what + ".db");
    const fs::path fresh = dir_ / ("fresh-" + std::to_string(std::hash<std::string>()(what)));
    const ChildExit refused = Adbridge(fresh, {"restore", file.string()});
    EXPECT_EQ(refused.exit_code, 1) << refused.out;
    EXPECT_EQ(refused.out, "");
    if (what == "newer schema") {
      EXPECT_THAT(refused.err, HasSubstr("newer adbridge"));
    } else {
      EXPECT_THAT(refused.err, HasSubstr("damaged or not a backup"));
    }
    // Nothing written: no database, no blob.
    EXPECT_FALSE(fs::exists(fresh / "adbridge.db"));
    EXPECT_TRUE(Files(fresh / "blobs").empty());
    // Nor over an installation, even with --force.
    const ChildExit forced = Adbridge(data, {"restore", "--force", file.string()});
    EXPECT_EQ(forced.exit_code, 1);
    EXPECT_EQ(Contents(data), before);
  }
  // The good one still restores.
  const ChildExit back = Adbridge(dir_ / "fresh-good", {"restore", good.string()});
  EXPECT_EQ(back.exit_code, 0) << back.err;
}

TEST_F(BackupTest, MissingArgumentsAndFilesAreExplainedAndLeaveNothing) {
  const fs::path data = Installation("original");
  const ChildExit no_out = Adbridge(data, {"backup"});
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_THAT(no_out.err, HasSubstr("--out is required"));
  const ChildExit no_folder =
      Adbridge(data, {"backup", "--out", (dir_ / "no-such-folder" / "b.db").string()});
  EXPECT_EQ(no_folder.exit_code, 1);
  EXPECT_THAT(no_folder.err, HasSubstr("cannot write the backup"));
  EXPECT_FALSE(fs::exists(dir_ / "no-such-folder"));
  const ChildExit no_file = Adbridge(dir_ / "fresh", {"restore", (dir_ / "gone.db").string()});
  EXPECT_EQ(no_file.exit_code, 1);
  EXPECT_THAT(no_file.err, HasSubstr("no such backup file"));
  EXPECT_FALSE(fs::exists(dir_ / "fresh"));
  const ChildExit no_argument = Adbridge(dir_ / "fresh", {"restore"});
  EXPECT_EQ(no_argument.exit_code, 2);
}

TEST_F(BackupTest, BackupsTakenWhileAServerTakesUploadsAndReviewsAreConsistentSnapshots) {
  const fs::path data = Installation("live");
  ChildProcess server = ChildProcess::Start(
      dir_, {"--data", data.string(), "serve", "--port", "0", "--bind", "127.0.0.1", "--jobs",
             "1"});
  int port = 0;
  for (int i = 0; i < 400 && port == 0; ++i) {
    const std::string first = server.OutSoFar();
    const Json line = Json::parse(first.substr(0, first.find('\n')), nullptr, false);
    if (!line.is_discarded() && line.contains("port")) port = line["port"].get<int>();
    if (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(port, 0) << "the server did not start";
  models::User frontdesk_user;
  frontdesk_user.name = "frontdesk";
  models::User reviewer_user;
  reviewer_user.name = "reviewer";
  const Login frontdesk = LogIn(port, frontdesk_user, kPassword);
  const Login reviewer = LogIn(port, reviewer_user, kPassword);
  ASSERT_FALSE(frontdesk.cookie.empty());
  ASSERT_FALSE(reviewer.cookie.empty());

  std::atomic<bool> stop{false};
  std::atomic<int> uploads{0};
  std::atomic<int> reviews{0};
  // The front desk uploads the day's calls, one small file after another; each row a resident
  // of its own, so each upload adds documents and review tasks.
  std::thread uploader([&] {
    for (int i = 0; !stop; ++i) {
      const std::string csv =
          "form,applicant_name,birth_date,copies,purpose,uncertain\n"
          "juminhyo-request,塩尻 " + std::to_string(i) + "郎,1950-04-01,1,pension,copies\n";
      const Reply reply = Send(port, {.method = "POST",
                                      .path = "/api/intake/phone?name=calls-" +
                                              std::to_string(i) + ".csv",
                                      .body = csv,
                                      .as = &frontdesk,
                                      .content_type = "text/csv"});
      if (reply.status == 200) ++uploads;
    }
  });
  // The reviewer settles whatever the queue hands out.
  std::thread review([&] {
    while (!stop) {
      const Reply next =
          Send(port, {.method = "POST", .path = "/api/review/next", .body = "{}", .as = &reviewer});
      const Json task = next.json().value("task", Json());
      if (!task.is_object()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      const Reply done = Send(port, {.method = "POST",
                                     .path = "/api/review/tasks/" +
                                             std::to_string(task["id"].get<std::int64_t>()) +
                                             "/unreadable",
                                     .body = "{}",
                                     .as = &reviewer});
      if (done.status == 200) ++reviews;
    }
  });

  std::vector<fs::path> backups;
  for (int i = 0; i < 4; ++i) {
    // Each backup waits for more writes, so every one is taken in the middle of them.
    const int uploads_before = uploads;
    while (uploads < uploads_before + 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    backups.push_back(dir_ / ("live-" + std::to_string(i) + ".db"));
    const ChildExit made = Adbridge(data, {"backup", "--out", backups.back().string()});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  stop = true;
  uploader.join();
  review.join();
  server.WaitOrKill(std::chrono::microseconds(0));
  EXPECT_GT(reviews.load(), 0);

  std::int64_t previous = 0;
  for (const fs::path& backup : backups) {
    SCOPED_TRACE(backup.filename().string());
    Result<models::BackupSummary> checked = models::CheckBackup(backup);
    ASSERT_TRUE(checked.ok()) << checked.status().message(Lang::kEn);
    EXPECT_GE(checked->documents, previous);  // each snapshot later than the one before
    previous = checked->documents;
    EXPECT_EQ(Query(backup, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
    // Every blob a row names is in the file.
    EXPECT_EQ(Query(backup, std::string("SELECT n.original_sha256 FROM (") + kNamedBlobs +
                                ") n WHERE n.original_sha256 NOT IN (SELECT sha256 FROM "
                                "adbridge_backup_blobs)"),
              std::vector<std::string>{});
    // A document in review has its open task; a verified one has none open.
    EXPECT_EQ(Query(backup, "SELECT d.id FROM documents d WHERE d.state = 'in_review' AND NOT "
                            "EXISTS (SELECT 1 FROM review_tasks t WHERE t.document_id = d.id "
                            "AND t.state IN ('open', 'leased', 'escalated'))"),
              std::vector<std::string>{});
  }
  const fs::path restored = dir_ / "restored";
  const ChildExit back = Adbridge(restored, {"restore", backups.back().string()});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  const ChildExit listed = Adbridge(restored, {"documents", "list"});
  EXPECT_EQ(static_cast<std::int64_t>(listed.JsonLines().size()), previous);
}

}  // namespace
}  // namespace adbridge
