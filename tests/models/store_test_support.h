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

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "models/blob_store.h"
#include "models/internal/sqlite.h"
#include "models/store.h"

namespace adbridge::models::test_support {

// ISO 8601 UTC with milliseconds (POSIX extended regex, which has no \d).
inline constexpr char kIsoMillis[] =
    R"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z)";

// A second, independent connection to the store's file, as another process or a person with
// the sqlite3 shell would have.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& path);

  // The SQLite result code of running `sql`.
  int Exec(const std::string& sql);
  // The first column of the first row, as text ("" when there is no row).
  std::string Text(const std::string& sql);
  std::int64_t Int(const std::string& sql) { return std::stoll("0" + Text(sql)); }
  // Every row's columns joined by '|', rows joined by '\n' (as the sqlite3 shell prints them).
  std::string Rows(const std::string& sql);
  // The names of the schema's objects of one type ("table", "index", "trigger").
  std::set<std::string> Names(const std::string& type);

 private:
  internal::SqliteDb db_;
};

// A fresh data directory per test, removed afterwards.
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
};

}  // namespace adbridge::models::test_support

#endif  // ADBRIDGE_TESTS_MODELS_STORE_TEST_SUPPORT_H_
