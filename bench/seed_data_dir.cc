#include "bench/seed_data_dir.h"

#include <utility>
#include <vector>

namespace adbridge::bench {

Result<SeedDataDir> OpenSeedDataDir(const std::filesystem::path& data_dir, const std::string& db) {
  std::unique_ptr<models::Store> store;
  if (db.empty()) {
    ADB_ASSIGN_OR_RETURN(store, models::OpenSqliteStore(data_dir / "adbridge.db"));
  } else {
    ADB_ASSIGN_OR_RETURN(store, models::OpenPostgresStore(db));
  }
  ADB_ASSIGN_OR_RETURN(std::vector<models::Document> waiting,
                       store->ListDocuments(models::DocumentState::kReceived));
  if (!waiting.empty()) {
    return Status::FailedPrecondition(
        "データフォルダに未読の文書があります。空のフォルダに種データを作ってください",
        "the data folder holds received documents; seed an empty one");
  }
  if (db.empty()) return SeedDataDir{std::move(store), models::BlobStore(data_dir / "blobs")};
  ADB_ASSIGN_OR_RETURN(models::BlobStore blobs, models::BlobStore::InPostgres(db));
  return SeedDataDir{std::move(store), std::move(blobs)};
}

}  // namespace adbridge::bench
