// What the store's tests share: a temporary data directory with a store in it, a second raw
// connection to its file, and the blobs, forms and scans documents are made of.
//
//   class ReviewStoreTest : public test_support::StoreTest { ... };
//   std::unique_ptr<Store> store = Open();
//   RawDb raw(db_path_);
//   raw.Exec("UPDATE review_tasks SET ...");
//
// Thread-safety: a RawDb is one connection for one thread; the fixture is the test's.
#ifndef ADBRIDGE_TESTS_MODELS_STORE_TEST_SUPPORT_H_
#define ADBRIDGE_TESTS_MODELS_STORE_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "models/blob_store.h"
#include "models/internal/sqlite.h"
#include "models/store.h"
#include "tests/models/postgres_test_db.h"

namespace adbridge::models::test_support {

// ISO 8601 UTC with milliseconds (POSIX extended regex, which has no \d).
inline constexpr char kIsoMillis[] =
    R"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z)";

// A second, independent connection to the store's database, as another process or a person
// with the sqlite3 shell (or psql) would have. When the test's store is on PostgreSQL
// (TestStoreIsPostgres), `path` is the fixture's db_path_ and the connection goes to the test's
// scratch database instead.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& path);

  // The SQLite result code of running `sql`; on PostgreSQL the code SQLite gives for the same
  // failure (a CHECK, a UNIQUE, a foreign key, NOT NULL, the append-only trigger).
  int Exec(const std::string& sql);
  // The first column of the first row, as text ("" when there is no row).
  std::string Text(const std::string& sql);
  std::int64_t Int(const std::string& sql) { return std::stoll("0" + Text(sql)); }
  // Every row's columns joined by '|', rows joined by '\n' (as the sqlite3 shell prints them).
  std::string Rows(const std::string& sql);
  // The names of the schema's objects of one type ("table", "index", "trigger").
  std::set<std::string> Names(const std::string& type);

 private:
  struct PgConnCloser {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
  };
  internal::SqliteDb db_;
  std::unique_ptr<PGconn, PgConnCloser> pg_;
};

// A fresh data directory per test, removed afterwards, and the store on SQLite in it or, when
// the run asks for PostgreSQL (ADBRIDGE_TEST_STORE=postgresql), on a scratch database of the
// test server; blobs are files in the directory either way.
class StoreTest : public ::testing::Test {
 protected:
  StoreTest();
  ~StoreTest() override;

  // Opens the store at db_path_; null (and a failed expectation) when it cannot.
  std::unique_ptr<Store> Open();

  // Puts `content` in the blob store and records it, as ingest does.
  std::string AddBlob(Store& store, const std::string& content,
                      const std::string& media_type = "image/png");

  // A two-page form whose definition has the given `fields` JSON array.
  FormRecord Form(Store& store, const std::string& id = "juminhyo-request", int version = 1,
                  const std::string& fields_json = "[]");

  NewDocument Scan(const std::string& sha, const std::string& name = "batch-0421/0007.tif");

  std::filesystem::path dir_;
  std::filesystem::path db_path_;
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<ScratchPostgresDatabase> postgres_;  // when the store is on PostgreSQL
};

// Tests of the SQLite file itself (its folder, WAL, busy timeout, schema pragmas, migrations
// of files older adbridge versions left): they run on SQLite only, and the PostgreSQL run of
// the store's tests leaves out every suite named Sqlite* (adbridge_postgres_variant).
class SqliteFileTest : public StoreTest {};

// The UTC time `seconds` before now as the store writes times ("2026-11-21T09:30:00.123Z").
std::string IsoTimeAgo(int seconds);

}  // namespace adbridge::models::test_support

#endif  // ADBRIDGE_TESTS_MODELS_STORE_TEST_SUPPORT_H_
