#include "tests/models/store_test_support.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <system_error>
#include <vector>

namespace adbridge::models::test_support {

namespace fs = std::filesystem;

namespace {

// The scratch database of the running test, when its store is on PostgreSQL.
std::string current_postgres_uri;

// The SQLite result code for a PostgreSQL error, so one assertion serves both engines.
int SqliteCodeFor(const char* sqlstate) {
  const std::string code = sqlstate == nullptr ? "" : sqlstate;
  if (code == "23514") return SQLITE_CONSTRAINT_CHECK;
  if (code == "23505") return SQLITE_CONSTRAINT_UNIQUE;
  if (code == "23503") return SQLITE_CONSTRAINT_FOREIGNKEY;
  if (code == "23502") return SQLITE_CONSTRAINT_NOTNULL;
  if (code == "AD001") return SQLITE_CONSTRAINT_TRIGGER;  // adbridge_append_only()
  return SQLITE_ERROR;
}

}  // namespace

RawDb::RawDb(const fs::path& path) {
  if (TestStoreIsPostgres()) {
    pg_.reset(PQconnectdb(current_postgres_uri.c_str()));
    EXPECT_EQ(PQstatus(pg_.get()), CONNECTION_OK) << PQerrorMessage(pg_.get());
    return;
  }
  sqlite3* raw = nullptr;
  sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  db_.reset(raw);
  sqlite3_extended_result_codes(db_.get(), 1);
  sqlite3_busy_timeout(db_.get(), 5000);
  // As adbridge's own connection has it, and as PostgreSQL always does.
  sqlite3_exec(db_.get(), "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
}

int RawDb::Exec(const std::string& sql) {
  if (pg_ != nullptr) {
    PGresult* result = PQexec(pg_.get(), sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    const int code = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK
                         ? SQLITE_OK
                         : SqliteCodeFor(PQresultErrorField(result, PG_DIAG_SQLSTATE));
    PQclear(result);
    return code;
  }
  return sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
}

std::string RawDb::Text(const std::string& sql) {
  if (pg_ != nullptr) {
    const std::string rows = Rows(sql);
    const std::string first_row = rows.substr(0, rows.find('\n'));
    return first_row.substr(0, first_row.find('|'));
  }
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr);
  internal::SqliteStmt stmt(raw);
  if (stmt == nullptr || sqlite3_step(stmt.get()) != SQLITE_ROW) return "";
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
  return text == nullptr ? "" : text;
}

std::string RawDb::Rows(const std::string& sql) {
  if (pg_ != nullptr) {
    PGresult* result = PQexec(pg_.get(), sql.c_str());
    std::string rows;
    if (PQresultStatus(result) == PGRES_TUPLES_OK) {
      for (int r = 0; r < PQntuples(result); ++r) {
        if (r > 0) rows += '\n';
        for (int c = 0; c < PQnfields(result); ++c) {
          if (c > 0) rows += '|';
          rows += PQgetvalue(result, r, c);  // "" for NULL, as the sqlite3 shell prints it
        }
      }
    } else {
      ADD_FAILURE() << sql << ": " << PQresultErrorMessage(result);
    }
    PQclear(result);
    return rows;
  }
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr);
  internal::SqliteStmt stmt(raw);
  std::string rows;
  while (stmt != nullptr && sqlite3_step(stmt.get()) == SQLITE_ROW) {
    if (!rows.empty()) rows += '\n';
    for (int i = 0; i < sqlite3_column_count(stmt.get()); ++i) {
      if (i > 0) rows += '|';
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), i));
      if (text != nullptr) rows += text;
    }
  }
  return rows;
}

std::set<std::string> RawDb::Names(const std::string& type) {
  std::set<std::string> names;
  sqlite3_stmt* raw = nullptr;
  const std::string sql =
      "SELECT name FROM sqlite_schema WHERE type = '" + type + "' AND name NOT LIKE 'sqlite_%'";
  sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr);
  internal::SqliteStmt stmt(raw);
  while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
    names.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0)));
  }
  return names;
}

std::string IsoTimeAgo(int seconds) {
  const auto then = std::chrono::system_clock::now() - std::chrono::seconds(seconds);
  const std::time_t t = std::chrono::system_clock::to_time_t(then);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                          then.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

StoreTest::StoreTest() {
  std::random_device rd;
  dir_ = fs::temp_directory_path() / ("adbridge-store-test-" + std::to_string(rd()));
  fs::create_directories(dir_);
  db_path_ = dir_ / "adbridge.db";
  blobs_ = std::make_unique<BlobStore>(dir_ / "blobs");
  if (TestStoreIsPostgres()) {
    postgres_ = std::make_unique<ScratchPostgresDatabase>();
    current_postgres_uri = postgres_->uri();
  }
}

StoreTest::~StoreTest() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::unique_ptr<Store> StoreTest::Open() {
  Result<std::unique_ptr<Store>> store =
      postgres_ != nullptr ? OpenPostgresStore(postgres_->uri()) : OpenSqliteStore(db_path_);
  EXPECT_TRUE(store.ok()) << store.status().message(Lang::kEn);
  if (!store.ok()) return nullptr;
  return std::move(store).value();
}

std::string StoreTest::AddBlob(Store& store, const std::string& content,
                               const std::string& media_type) {
  const std::vector<std::uint8_t> bytes(content.begin(), content.end());
  Result<std::string> sha = blobs_->Put(bytes);
  EXPECT_TRUE(sha.ok());
  EXPECT_TRUE(store.RecordBlob(*sha, static_cast<std::int64_t>(bytes.size()), media_type).ok());
  return *sha;
}

FormRecord StoreTest::Form(Store& store, const std::string& id, int version,
                           const std::string& fields_json) {
  FormRecord form;
  form.id = id;
  form.version = version;
  form.title = "住民票の写し等交付請求書";
  form.department = "市民課";
  form.definition_json = R"({"id":")" + id + R"(","version":)" + std::to_string(version) +
                         R"(,"fields":)" + fields_json + "}";
  form.reference_sha256 = {AddBlob(store, id + " page 1 v" + std::to_string(version)),
                           AddBlob(store, id + " page 2 v" + std::to_string(version))};
  return form;
}

NewDocument StoreTest::Scan(const std::string& sha, const std::string& name) {
  NewDocument doc;
  doc.source = DocumentSource::kScan;
  doc.source_name = name;
  doc.original_sha256 = sha;
  doc.media_type = "image/tiff";
  doc.original_size = 1234;
  doc.pages = {{.width_px = 2480, .height_px = 3508, .dpi = 300},
               {.width_px = 2480, .height_px = 3508, .dpi = 300}};
  return doc;
}

}  // namespace adbridge::models::test_support
