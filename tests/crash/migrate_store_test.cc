// adbridge migrate-store as an administrator runs it: a working installation (scans read,
// reviews, an export, letters) moved into PostgreSQL and then used there with --db, holding
// everything it held; a target already used, a broken source, a target that cannot be reached
// and a malformed one refused, each leaving the target as it was.
#include <sqlite3.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "models/blob_store.h"
#include "models/internal/postgres.h"
#include "models/internal/sql.h"
#include "models/store.h"
#include "tests/crash/child_process.h"
#include "tests/models/postgres_test_db.h"
#include "tests/server/http_test_client.h"

namespace adbridge {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using models::test_support::ScratchPostgresDatabase;
using test_support::ChildExit;
using test_support::ChildProcess;
using test_support::RunToEnd;
using test_support::Slurp;
using ::testing::HasSubstr;
using ::testing::Not;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;
constexpr char kPassword[] = "migrate-test-password";

// What an administrator compares after a move: the same queries on both sides, each row's
// columns joined by '|' (NULL as <null>). Floating-point columns are left out: the two engines
// print them differently.
struct Compared {
  const char* name;
  const char* sql;
  int columns;
};
constexpr Compared kCompared[] = {
    {"documents",
     "SELECT id, tenant_id, source, source_name, original_sha256, state, form_id, attempts "
     "FROM documents ORDER BY id",
     8},
    {"pages", "SELECT id, document_id, page_index, image_sha256, source_sha256 FROM pages ORDER BY id",
     5},
    {"fields",
     "SELECT id, document_id, name, value, state, snippet_sha256 FROM fields ORDER BY id", 6},
    {"tasks", "SELECT id, document_id, field_id, state, lease_owner FROM review_tasks ORDER BY id",
     5},
    {"entries", "SELECT id, task_id, user_id, action, value FROM review_entries ORDER BY id", 5},
    {"exports", "SELECT id, form_id, document_count FROM exports ORDER BY id", 3},
    {"letters", "SELECT id, pdf_sha256, letter_count, page_count FROM letter_batches ORDER BY id",
     4},
    {"audit", "SELECT id, at, user_id, action, document_id, field_id FROM audit_log ORDER BY id",
     6},
    {"users", "SELECT id, name, role, password_hash FROM users ORDER BY id", 4},
    {"tenants", "SELECT id, code, name FROM tenants ORDER BY id", 3},
    {"blobs", "SELECT sha256, size FROM blobs ORDER BY sha256", 2},
};

using Contents = std::map<std::string, std::vector<std::string>>;

// The compared rows of the SQLite database at `path`, opened read-only.
Contents SqliteContents(const fs::path& path) {
  Contents contents;
  sqlite3* db = nullptr;
  const std::string uri = "file:" + path.string() + "?mode=ro";
  if (sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) !=
      SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return contents;
  }
  for (const Compared& c : kCompared) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, c.sql, -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << c.sql << ": " << sqlite3_errmsg(db);
      continue;
    }
    std::vector<std::string>& rows = contents[c.name];
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < c.columns; ++i) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        row += (i ? "|" : "") + std::string(text == nullptr ? "<null>" : text);
      }
      rows.push_back(row);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return contents;
}

// The same rows of the PostgreSQL database `uri`.
Contents PostgresContents(const std::string& uri) {
  Contents contents;
  Result<std::unique_ptr<models::internal::Connection>> conn =
      models::internal::ConnectPostgres(uri);
  if (!conn.ok()) {
    ADD_FAILURE() << conn.status().message(Lang::kEn);
    return contents;
  }
  for (const Compared& c : kCompared) {
    Result<models::internal::PreparedStatement*> stmt = (*conn)->Prepare(c.sql);
    if (!stmt.ok()) {
      ADD_FAILURE() << c.sql << ": " << stmt.status().message(Lang::kEn);
      continue;
    }
    models::internal::Statement rows_of(*stmt);
    std::vector<std::string>& rows = contents[c.name];
    for (;;) {
      Result<bool> row = rows_of.Step();
      if (!row.ok()) {
        ADD_FAILURE() << c.sql << ": " << row.status().message(Lang::kEn);
        break;
      }
      if (!*row) break;
      std::string text;
      for (int i = 0; i < c.columns; ++i) {
        text += (i ? "|" : "") + (rows_of.IsNull(i) ? std::string("<null>") : rows_of.Text(i));
      }
      rows.push_back(text);
    }
  }
  return contents;
}

// The blob files of a data folder: name -> size.
std::map<std::string, std::uintmax_t> BlobFiles(const fs::path& data) {
  std::map<std::string, std::uintmax_t> files;
  for (const auto& entry : fs::recursive_directory_iterator(data / "blobs")) {
    if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') {
      files[entry.path().filename().string()] = entry.file_size();
    }
  }
  return files;
}

class MigrateStoreTest : public ::testing::Test {
 protected:
  MigrateStoreTest() {
    dir_ = server::http_test::FreshDataFolder("adbridge-migrate-test-");
    fs::create_directories(dir_);
  }
  ~MigrateStoreTest() override { fs::remove_all(dir_); }

  ChildExit Adbridge(const fs::path& data, std::vector<std::string> args,
                     const std::optional<std::string>& input = std::nullopt) {
    args.insert(args.begin(), {"--data", data.string()});
    return RunToEnd(dir_, args, {}, input);
  }
  ChildExit OnPostgres(const std::string& uri, std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", uri});
    return RunToEnd(dir_, args);
  }
  void Ok(const fs::path& data, std::vector<std::string> args,
          const std::optional<std::string>& input = std::nullopt) {
    const ChildExit run = Adbridge(data, args, input);
    ASSERT_EQ(run.exit_code, 0) << args[0] << ": " << run.err;
  }

  // The bundled forms, three users, the sample phone calls and one sample scan, read.
  fs::path Installation() {
    const fs::path data = dir_ / "data";
    for (const char* form : {"juminhyo-request", "kyufukin-application"}) {
      Ok(data, {"forms", "add", (kSource / "models/forms" / (std::string(form) + ".json")).string()});
    }
    for (const auto& [user, role] : std::map<std::string, std::string>{
             {"reviewer", "reviewer"}, {"frontdesk", "frontdesk"}, {"department", "department"}}) {
      Ok(data, {"users", "add", user, "--role", role}, std::string(kPassword) + "\n");
    }
    Ok(data, {"ingest-phone", (kSource / "samples/phone/calls-2026-11-21.csv").string()});
    Ok(data, {"ingest", (kSource / "samples/scans/0001-juminhyo-request.jpg").string()});
    Ok(data, {"process", "--jobs", "1"});
    return data;
  }

  fs::path dir_;
};

TEST_F(MigrateStoreTest, AMovedInstallationWorksOnPostgresWithEverythingItHeld) {
  const fs::path data = Installation();
  const ChildExit next = Adbridge(data, {"review", "next", "--user", "reviewer"});
  ASSERT_EQ(next.exit_code, 0) << next.err;
  const Json task = next.JsonLines().at(0);
  ASSERT_FALSE(task["task"].is_null()) << next.out;
  Ok(data, {"review", "unreadable", std::to_string(task["task"].get<std::int64_t>()), "--user",
            "reviewer"});
  Ok(data, {"export", "--form", "juminhyo-request", "--status", "any", "--out",
            (dir_ / "export.csv").string()});
  Ok(data, {"letters", "--template", "juminhyo-mailing", "--out", (dir_ / "letters.pdf").string()});
  const ChildExit listed = Adbridge(data, {"documents", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const Contents before = SqliteContents(data / "adbridge.db");
  ASSERT_EQ(before.at("letters").size(), 1u);
  ASSERT_EQ(before.at("entries").size(), 1u);
  ASSERT_GE(before.at("documents").size(), 4u);
  // The scan was read: its fields and their snippets are among what moves.
  ASSERT_THAT(before.at("documents"),
              ::testing::Contains(::testing::AllOf(HasSubstr("0001-juminhyo-request.jpg|"),
                                                   HasSubstr("|in_review|juminhyo-request|1"))));
  const auto files = BlobFiles(data);
  std::uintmax_t file_bytes = 0;
  for (const auto& [name, size] : files) file_bytes += size;

  ScratchPostgresDatabase db;
  ASSERT_FALSE(db.uri().empty());
  const ChildExit moved = Adbridge(data, {"migrate-store", "--to", db.uri()});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  const Json line = moved.JsonLines().at(0);
  EXPECT_EQ(line["migrated"], data.string());
  EXPECT_EQ(line["rows"]["documents"], before.at("documents").size());
  EXPECT_EQ(line["rows"]["audit_log"], before.at("audit").size());
  EXPECT_EQ(line["blobs"], files.size());
  EXPECT_EQ(line["blob_bytes"], file_bytes);
  // Progress table by table, the blobs, the check, and the summary, on stderr.
  EXPECT_THAT(moved.err, HasSubstr("table documents: " +
                                   std::to_string(before.at("documents").size()) + " rows"));
  EXPECT_THAT(moved.err, HasSubstr("blobs " + std::to_string(files.size()) + "/" +
                                   std::to_string(files.size())));
  EXPECT_THAT(moved.err, HasSubstr("row counts checked"));
  EXPECT_THAT(moved.err, HasSubstr("from now on use --db"));

  // Every compared row, with its id; the audit log has one event more: the move itself.
  Contents after = PostgresContents(db.uri());
  ASSERT_FALSE(after["audit"].empty());
  const std::string last = after["audit"].back();
  after["audit"].pop_back();
  EXPECT_THAT(last, HasSubstr("|store.migrated|"));
  EXPECT_EQ(after, before);
  // Every blob's bytes, in the database.
  EXPECT_EQ(db.Query("SELECT count(*) FROM blob_contents"), std::to_string(files.size()));
  EXPECT_EQ(db.Query("SELECT sum(length(bytes)) FROM blob_contents"), std::to_string(file_bytes));
  EXPECT_EQ(db.Query("SELECT detail_json::json->'rows'->>'documents' FROM audit_log WHERE "
                     "action = 'store.migrated'"),
            std::to_string(before.at("documents").size()));

  // The installation works with --db: the same lists, export and letters' PDF; the reviewer
  // goes on; a new scan gets the next id.
  const ChildExit pg_listed = OnPostgres(db.uri(), {"documents", "list"});
  ASSERT_EQ(pg_listed.exit_code, 0) << pg_listed.err;
  EXPECT_EQ(pg_listed.out, listed.out);
  const ChildExit exported =
      OnPostgres(db.uri(), {"export", "--form", "juminhyo-request", "--status", "any"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(exported.out, Slurp(dir_ / "export.csv"));
  const ChildExit reprinted =
      OnPostgres(db.uri(), {"letters", "--reprint", "1", "--out", (dir_ / "again.pdf").string()});
  ASSERT_EQ(reprinted.exit_code, 0) << reprinted.err;
  EXPECT_EQ(Slurp(dir_ / "again.pdf"), Slurp(dir_ / "letters.pdf"));
  const ChildExit more = OnPostgres(db.uri(), {"review", "next", "--user", "reviewer"});
  ASSERT_EQ(more.exit_code, 0) << more.err;
  EXPECT_FALSE(more.JsonLines().at(0)["task"].is_null()) << more.out;
  const ChildExit ingested = OnPostgres(
      db.uri(), {"ingest", (kSource / "samples/scans/0004-juminhyo-request.tif").string()});
  ASSERT_EQ(ingested.exit_code, 0) << ingested.err;
  const std::string& last_document = before.at("documents").back();
  EXPECT_EQ(ingested.JsonLines().at(0)["document"],
            std::stoll(last_document.substr(0, last_document.find('|'))) + 1);
  // The scan's blob is in the database, not in any folder.
  EXPECT_EQ(db.Query("SELECT count(*) FROM blob_contents"), std::to_string(files.size() + 1));
  EXPECT_EQ(BlobFiles(data), files);
  // Reading it works there too: the form's reference image comes from the database.
  const ChildExit read = OnPostgres(db.uri(), {"process", "--jobs", "1"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  const std::vector<Json> lines = read.JsonLines();
  ASSERT_EQ(lines.size(), 2u) << read.out;
  EXPECT_EQ(lines[0]["document"], ingested.JsonLines().at(0)["document"]);
  EXPECT_THAT(lines[0]["state"].get<std::string>(), ::testing::AnyOf("in_review", "verified"));
  EXPECT_EQ(lines[1]["summary"]["failed"], 0);
  EXPECT_GT(lines[1]["summary"]["fields"].get<int>(), 0);
  const std::string blobs_now = db.Query("SELECT count(*) FROM blob_contents");
  EXPECT_GT(std::stoi(blobs_now), static_cast<int>(files.size()) + 1);  // its page and snippets

  // A second move into the same database is refused, naming what is there, and adds nothing.
  const ChildExit again = Adbridge(data, {"migrate-store", "--to", db.uri()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("not empty"));
  EXPECT_THAT(again.err, HasSubstr("documents " +
                                   std::to_string(before.at("documents").size() + 1) + " rows"));
  EXPECT_THAT(again.err, HasSubstr("users 3 rows"));
  EXPECT_EQ(db.Query("SELECT count(*) FROM blob_contents"), blobs_now);
  EXPECT_EQ(db.Query("SELECT count(*) FROM audit_log WHERE action = 'store.migrated'"), "1");
}

TEST_F(MigrateStoreTest, ABrokenSourceIsRefusedAndTheTargetKeepsNothing) {
  const fs::path data = Installation();
  const auto files = BlobFiles(data);
  ASSERT_GE(files.size(), 3u);
  const std::string missing = files.begin()->first;
  const std::string damaged = std::next(files.begin())->first;
  const models::BlobStore blobs(data / "blobs");

  // A blob file gone.
  const fs::path kept = dir_ / "kept";
  fs::rename(blobs.PathFor(missing), kept);
  {
    ScratchPostgresDatabase db;
    ASSERT_FALSE(db.uri().empty());
    const ChildExit refused = Adbridge(data, {"migrate-store", "--to", db.uri()});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_THAT(refused.err, HasSubstr(missing));
    EXPECT_EQ(db.Query("SELECT count(*) FROM documents"), "0");
    EXPECT_EQ(db.Query("SELECT count(*) FROM blobs"), "0");
    EXPECT_EQ(db.Query("SELECT count(*) FROM blob_contents"), "0");
    EXPECT_EQ(db.Query("SELECT count(*) FROM audit_log"), "0");
  }
  fs::rename(kept, blobs.PathFor(missing));

  // A blob file whose bytes changed, its size the same.
  {
    std::string bytes = Slurp(blobs.PathFor(damaged));
    bytes[bytes.size() / 2] ^= 0x5a;
    fs::permissions(blobs.PathFor(damaged), fs::perms::owner_write, fs::perm_options::add);
    std::ofstream(blobs.PathFor(damaged), std::ios::binary | std::ios::trunc) << bytes;
  }
  ScratchPostgresDatabase db;
  ASSERT_FALSE(db.uri().empty());
  const ChildExit refused = Adbridge(data, {"migrate-store", "--to", db.uri()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("corrupt"));
  EXPECT_THAT(refused.err, HasSubstr(damaged));
  // The schema alone, ready for another try.
  EXPECT_EQ(db.Query("SELECT count(*) FROM documents"), "0");
  EXPECT_EQ(db.Query("SELECT count(*) FROM tenants"), "0");
  EXPECT_EQ(db.Query("SELECT count(*) FROM blob_contents"), "0");
  EXPECT_EQ(db.Query("SELECT count(*) FROM audit_log"), "0");
}

TEST_F(MigrateStoreTest, ATargetAdbridgeAlreadyOpenedIsRefusedNamingWhatItHolds) {
  const fs::path data = Installation();
  ScratchPostgresDatabase db;
  ASSERT_FALSE(db.uri().empty());
  const ChildExit opened = OnPostgres(db.uri(), {"documents", "list"});
  ASSERT_EQ(opened.exit_code, 0) << opened.err;

  const ChildExit refused = Adbridge(data, {"migrate-store", "--to", db.uri()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("not empty (tenants 1 row, audit_log 1 row)"));
  EXPECT_THAT(refused.err, HasSubstr("createdb"));
  EXPECT_EQ(db.Query("SELECT count(*) FROM documents"), "0");
  EXPECT_EQ(db.Query("SELECT count(*) FROM blob_contents"), "0");
}

TEST_F(MigrateStoreTest, ASourceInUseOrOfAnotherSchemaIsRefusedBeforeTheTargetIsTouched) {
  const fs::path data = Installation();
  const Contents before = SqliteContents(data / "adbridge.db");
  // The target is never reached in these cases: a port nothing listens on would fail them
  // otherwise.
  const std::string nowhere = "postgresql://adbridge@127.0.0.1:1/adbridge";

  ChildProcess server = ChildProcess::Start(
      dir_, {"--data", data.string(), "serve", "--port", "0", "--bind", "127.0.0.1"});
  for (int i = 0; i < 200 && server.OutSoFar().find("port") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const ChildExit busy = Adbridge(data, {"migrate-store", "--to", nowhere});
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_THAT(busy.err, HasSubstr("another adbridge"));
  server.WaitOrKill(std::chrono::microseconds(0));

  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((data / "adbridge.db").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, "PRAGMA user_version = 5", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  const ChildExit older = Adbridge(data, {"migrate-store", "--to", nowhere});
  EXPECT_EQ(older.exit_code, 1);
  EXPECT_THAT(older.err, HasSubstr("older than this adbridge"));

  const ChildExit empty = Adbridge(dir_ / "nothing-here", {"migrate-store", "--to", nowhere});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_THAT(empty.err, HasSubstr("holds no adbridge database"));
  EXPECT_FALSE(fs::exists(dir_ / "nothing-here"));
  EXPECT_EQ(SqliteContents(data / "adbridge.db"), before);
}

TEST_F(MigrateStoreTest, AnUnreachableOrMalformedTargetIsExplainedWithoutItsPassword) {
  const fs::path data = Installation();
  const Contents before = SqliteContents(data / "adbridge.db");
  const auto files = BlobFiles(data);

  const ChildExit unreachable = Adbridge(
      data, {"migrate-store", "--to", "postgresql://adbridge:s3cret-pw@127.0.0.1:1/adbridge"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_THAT(unreachable.err, HasSubstr("127.0.0.1"));
  EXPECT_THAT(unreachable.err, Not(HasSubstr("s3cret-pw")));

  const ChildExit malformed = Adbridge(data, {"migrate-store", "--to", "mysql://adbridge@db/x"});
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_THAT(malformed.err, HasSubstr("postgresql://"));

  // The source is the data folder, never a --db.
  const ChildExit with_db =
      RunToEnd(dir_, {"--data", data.string(), "migrate-store", "--to",
                      "postgresql://adbridge@127.0.0.1:1/adbridge"},
               {"ADBRIDGE_DB=postgresql://adbridge@127.0.0.1:1/other"});
  EXPECT_EQ(with_db.exit_code, 1);
  EXPECT_THAT(with_db.err, HasSubstr("neither --db nor ADBRIDGE_DB"));

  const ChildExit no_target = Adbridge(data, {"migrate-store"});
  EXPECT_EQ(no_target.exit_code, 2);
  EXPECT_THAT(no_target.err, HasSubstr("--to is required"));

  // The source is only ever read.
  EXPECT_EQ(SqliteContents(data / "adbridge.db"), before);
  EXPECT_EQ(BlobFiles(data), files);
}

TEST_F(MigrateStoreTest, DbIsCheckedAndBackupPointsToPgDump) {
  const std::string uri = "postgresql://adbridge:s3cret-pw@127.0.0.1:1/adbridge";
  const ChildExit bad = RunToEnd(dir_, {"--db", "sqlite:///tmp/x.db", "documents", "list"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--db is a connection string starting postgresql://"));
  const ChildExit empty = RunToEnd(dir_, {"--db", "", "documents", "list"});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_THAT(empty.err, HasSubstr("--db is empty"));
  const ChildExit bad_env = RunToEnd(dir_, {"documents", "list"}, {"ADBRIDGE_DB=/srv/adbridge"});
  EXPECT_EQ(bad_env.exit_code, 2);
  EXPECT_THAT(bad_env.err, HasSubstr("ADBRIDGE_DB"));

  // A server that cannot be reached, named without the password; no data folder is made.
  const ChildExit unreachable = RunToEnd(dir_, {"--db", uri, "documents", "list"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_THAT(unreachable.err, HasSubstr("127.0.0.1"));
  EXPECT_THAT(unreachable.err, Not(HasSubstr("s3cret-pw")));
  const ChildExit from_env = RunToEnd(dir_, {"documents", "list"}, {"ADBRIDGE_DB=" + uri});
  EXPECT_EQ(from_env.exit_code, 1);
  EXPECT_THAT(from_env.err, Not(HasSubstr("s3cret-pw")));
  EXPECT_FALSE(fs::exists(dir_ / "adbridge-data"));

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--db", uri, "backup", "--out", (dir_ / "b.db").string()},
        std::vector<std::string>{"--db", uri, "restore", (dir_ / "b.db").string()}}) {
    const ChildExit refused = RunToEnd(dir_, args);
    EXPECT_EQ(refused.exit_code, 1) << args[2];
    EXPECT_THAT(refused.err, HasSubstr("pg_dump")) << args[2];
    EXPECT_THAT(refused.err, Not(HasSubstr("s3cret-pw"))) << args[2];
  }
  EXPECT_FALSE(fs::exists(dir_ / "b.db"));

  const ChildExit help = RunToEnd(dir_, {"--help"});
  EXPECT_THAT(help.out, HasSubstr("--db URI"));
  EXPECT_THAT(help.out, HasSubstr("migrate-store"));
}

}  // namespace
}  // namespace adbridge
