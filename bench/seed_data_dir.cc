#include "bench/seed_data_dir.h"

#include <utility>
#include <vector>

namespace adbridge::bench {

Result<SeedDataDir> OpenSeedDataDir(const std::filesystem::path& data_dir) {
  ADB_ASSIGN_OR_RETURN(std::unique_ptr<models::Store> store,
                       models::OpenSqliteStore(data_dir / "adbridge.db"));
  ADB_ASSIGN_OR_RETURN(std::vector<models::Document> waiting,
                       store->ListDocuments(models::DocumentState::kReceived));
  if (!waiting.empty()) {
    return Status::FailedPrecondition(
        "データフォルダに未読の文書があります。空のフォルダに種データを作ってください",
        "the data folder holds received documents; seed an empty one");
  }
  return SeedDataDir{std::move(store), models::BlobStore(data_dir / "blobs")};
}

}  // namespace adbridge::bench
