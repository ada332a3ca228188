// BlobStore with its blobs in the store's database (an installation on PostgreSQL, whose
// machines share no disk): the same promises as the folder — bytes back as they went in,
// verified against their name, durable and idempotent — and a blob the store can record.
#include <sqlite3.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "models/blob_store.h"
#include "models/internal/postgres.h"
#include "models/internal/sqlite.h"
#include "models/store.h"
#include "tests/models/postgres_test_db.h"

namespace adbridge::models {
namespace internal {
// The engine's name in the tests' names.
void PrintTo(Dialect dialect, std::ostream* out) { *out << DialectName(dialect); }
}  // namespace internal
namespace {

using test_support::ScratchPostgresDatabase;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::uint8_t> Bytes(std::string_view text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

// The same tests on both engines: the blob store's SQL is the same on SQLite (the store's file,
// over a connection of the blob store's own) and on PostgreSQL.
class BlobStoreDatabaseTest : public ::testing::TestWithParam<internal::Dialect> {
 protected:
  BlobStoreDatabaseTest() {
    if (GetParam() == internal::Dialect::kPostgres) {
      postgres_.emplace();
      if (postgres_->uri().empty()) return;
      Result<std::unique_ptr<Store>> store = OpenPostgresStore(postgres_->uri());
      if (!store.ok()) {
        ADD_FAILURE() << "OpenPostgresStore: " << store.status().message(Lang::kEn);
        return;
      }
      store_ = std::move(store).value();
      return;
    }
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("adbridge-blob-database-test-" + std::to_string(rd()));
    Result<std::unique_ptr<Store>> store = OpenSqliteStore(dir_ / "adbridge.db");
    if (!store.ok()) {
      ADD_FAILURE() << "OpenSqliteStore: " << store.status().message(Lang::kEn);
      return;
    }
    store_ = std::move(store).value();
  }
  ~BlobStoreDatabaseTest() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // A blob store over a connection of its own, as each process has.
  BlobStore Open() {
    if (postgres_) {
      Result<BlobStore> blobs = BlobStore::InPostgres(postgres_->uri());
      EXPECT_TRUE(blobs.ok()) << blobs.status().message(Lang::kEn);
      return blobs.ok() ? std::move(blobs).value() : BlobStore("");
    }
    Result<internal::SqliteDb> db = internal::OpenDatabase(dir_ / "adbridge.db");
    EXPECT_TRUE(db.ok()) << db.status().message(Lang::kEn);
    if (!db.ok()) return BlobStore("");
    return BlobStore::InDatabase(internal::MakeSqliteConnection(std::move(db).value()));
  }

  // The first column of the first row of `sql`, "" when there is none, from a connection of
  // the test's own.
  std::string Query(const std::string& sql) {
    if (postgres_) return postgres_->Query(sql);
    sqlite3* db = nullptr;
    std::string value;
    if (sqlite3_open((dir_ / "adbridge.db").c_str(), &db) == SQLITE_OK) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
      } else if (const int rc = sqlite3_step(stmt); rc == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        if (text != nullptr) value = text;
      } else if (rc != SQLITE_DONE) {
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
      }
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return value;
  }

  // The engine's way to turn text into bytes in SQL.
  std::string BytesOf(const std::string& text) const {
    return postgres_ ? "convert_to('" + text + "', 'UTF8')" : "CAST('" + text + "' AS BLOB)";
  }

  std::optional<ScratchPostgresDatabase> postgres_;
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Engines, BlobStoreDatabaseTest,
                         ::testing::Values(internal::Dialect::kSqlite,
                                           internal::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<internal::Dialect>& info) {
                           return std::string(internal::DialectName(info.param));
                         });

TEST_P(BlobStoreDatabaseTest, PutThenGetReturnsTheSameBytesAndNoFileIsWritten) {
  ASSERT_NE(store_, nullptr);
  BlobStore blobs = Open();
  EXPECT_TRUE(blobs.in_database());
  using namespace std::string_view_literals;
  const std::vector<std::uint8_t> bytes = Bytes("住民票の写し等交付請求書\x00\xff\x01"sv);
  Result<std::string> sha = blobs.Put(bytes);
  ASSERT_TRUE(sha.ok()) << sha.status().message(Lang::kEn);
  EXPECT_EQ(*sha, Sha256Hex(bytes));
  EXPECT_TRUE(blobs.Contains(*sha));
  Result<std::vector<std::uint8_t>> back = blobs.Get(*sha);
  ASSERT_TRUE(back.ok()) << back.status().message(Lang::kEn);
  EXPECT_EQ(*back, bytes);
  EXPECT_TRUE(blobs.PathFor(*sha).empty());
  EXPECT_TRUE(blobs.root().empty());

  Result<std::string> empty = blobs.Put({});
  ASSERT_TRUE(empty.ok()) << empty.status().message(Lang::kEn);
  Result<std::vector<std::uint8_t>> nothing = blobs.Get(*empty);
  ASSERT_TRUE(nothing.ok()) << nothing.status().message(Lang::kEn);
  EXPECT_TRUE(nothing->empty());
}

TEST_P(BlobStoreDatabaseTest, AnotherProcessesConnectionSeesTheBlobAtOnce) {
  ASSERT_NE(store_, nullptr);
  BlobStore writer = Open();
  BlobStore reader = Open();
  const std::vector<std::uint8_t> bytes = Bytes("scan from the front desk");
  Result<std::string> sha = writer.Put(bytes);
  ASSERT_TRUE(sha.ok()) << sha.status().message(Lang::kEn);
  Result<std::vector<std::uint8_t>> back = reader.Get(*sha);
  ASSERT_TRUE(back.ok()) << back.status().message(Lang::kEn);
  EXPECT_EQ(*back, bytes);
}

TEST_P(BlobStoreDatabaseTest, PutRecordsTheBlobSoTheStoreCanNameIt) {
  ASSERT_NE(store_, nullptr);
  BlobStore blobs = Open();
  const std::vector<std::uint8_t> bytes = Bytes("%PDF-1.4 letters");
  Result<std::string> sha = blobs.Put(bytes);
  ASSERT_TRUE(sha.ok()) << sha.status().message(Lang::kEn);
  EXPECT_EQ(Query("SELECT size FROM blobs WHERE sha256 = '" + *sha + "'"),
            std::to_string(bytes.size()));
  // The store records it as every caller does after Put; then rows may name it.
  Status recorded =
      store_->RecordBlob(*sha, static_cast<std::int64_t>(bytes.size()), "application/pdf");
  ASSERT_TRUE(recorded.ok()) << recorded.message(Lang::kEn);
  // Recording gives the bytes their type; a second record keeps the first type.
  EXPECT_EQ(Query("SELECT media_type FROM blobs WHERE sha256 = '" + *sha + "'"),
            "application/pdf");
  ASSERT_TRUE(
      store_->RecordBlob(*sha, static_cast<std::int64_t>(bytes.size()), "image/png").ok());
  EXPECT_EQ(Query("SELECT media_type FROM blobs WHERE sha256 = '" + *sha + "'"),
            "application/pdf");
  // A size that is not the blob's is still refused.
  EXPECT_EQ(store_->RecordBlob(*sha, 3, "application/pdf").code(), StatusCode::kInvalidArgument);
}

TEST_P(BlobStoreDatabaseTest, PuttingTheSameBytesTwiceKeepsOneBlob) {
  ASSERT_NE(store_, nullptr);
  BlobStore first = Open();
  BlobStore second = Open();
  const std::vector<std::uint8_t> bytes = Bytes("the same page twice");
  Result<std::string> a = first.Put(bytes);
  Result<std::string> b = second.Put(bytes);
  Result<std::string> c = first.Put(bytes);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, *c);
  EXPECT_EQ(Query("SELECT count(*) FROM blob_contents"), "1");
  EXPECT_EQ(Query("SELECT count(*) FROM blobs"), "1");
}

TEST_P(BlobStoreDatabaseTest, ThreadsPuttingAtOnceAllSucceedAndEachBlobIsWhole) {
  ASSERT_NE(store_, nullptr);
  BlobStore blobs = Open();  // one store shared by the threads, as a server's workers share it
  std::vector<std::thread> threads;
  std::vector<Status> results(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        // Half the threads put the same bytes as another.
        const std::vector<std::uint8_t> bytes = Bytes("page " + std::to_string((t % 4) * 10 + i));
        Result<std::string> sha = blobs.Put(bytes);
        if (!sha.ok()) {
          results[t] = sha.status();
          return;
        }
        Result<std::vector<std::uint8_t>> back = blobs.Get(*sha);
        if (!back.ok() || *back != bytes) {
          results[t] = Status::Internal("読み戻せません", "read back differs");
          return;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Status& status : results) EXPECT_TRUE(status.ok()) << status.message(Lang::kEn);
  EXPECT_EQ(Query("SELECT count(*) FROM blob_contents"), "40");
}

TEST_P(BlobStoreDatabaseTest, MissingMalformedAndCorruptBlobsAreTold) {
  ASSERT_NE(store_, nullptr);
  BlobStore blobs = Open();
  const std::string absent = Sha256Hex(Bytes("never stored"));
  EXPECT_EQ(blobs.Get(absent).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(blobs.Contains(absent));
  EXPECT_EQ(blobs.Get("ABC").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(blobs.Contains("../../etc/passwd"));

  Result<std::string> sha = blobs.Put(Bytes("original bytes"));
  ASSERT_TRUE(sha.ok());
  Query("UPDATE blob_contents SET bytes = " + BytesOf("changed bytes") + " WHERE sha256 = '" +
        *sha + "'");
  Result<std::vector<std::uint8_t>> back = blobs.Get(*sha);
  EXPECT_EQ(back.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(back.status().message(Lang::kEn), HasSubstr(*sha));
}

TEST(BlobStoreInPostgresTest, AServerThatCannotBeReachedIsUnavailableWithoutThePassword) {
  Result<BlobStore> blobs =
      BlobStore::InPostgres("postgresql://adbridge:s3cret-pw@127.0.0.1:1/adbridge");
  ASSERT_FALSE(blobs.ok());
  EXPECT_EQ(blobs.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(blobs.status().message(Lang::kEn), Not(HasSubstr("s3cret-pw")));
}

}  // namespace
}  // namespace adbridge::models
