// The data directory a benchmark seeds: its store and blobs, opened (and created) for a seed
// that claims its own documents as an OCR worker would; or, with a PostgreSQL connection
// string, the database that holds both (as `adbridge --db`).
//
//   ADB_ASSIGN_OR_RETURN(SeedDataDir data, OpenSeedDataDir(options.data_dir));
//   ADB_ASSIGN_OR_RETURN(SeedDataDir data, OpenSeedDataDir({}, "postgresql://..."));
//   data.store->InsertDocument(...);
//
// Thread-safety: as Store and BlobStore.
#ifndef ADBRIDGE_BENCH_SEED_DATA_DIR_H_
#define ADBRIDGE_BENCH_SEED_DATA_DIR_H_

#include <filesystem>
#include <memory>
#include <string>

#include "models/blob_store.h"
#include "models/status.h"
#include "models/store.h"

namespace adbridge::bench {

struct SeedDataDir {
  std::unique_ptr<models::Store> store;
  models::BlobStore blobs;
};

// Opens DATA/adbridge.db and DATA/blobs/, or with `db` non-empty the PostgreSQL database it
// names (store and blobs; `data_dir` is not used). Returns FailedPrecondition when the store
// holds received documents: a seed's ClaimDocument would hand out one of those instead of the
// document it just made. Otherwise the store's or the blob store's errors.
Result<SeedDataDir> OpenSeedDataDir(const std::filesystem::path& data_dir,
                                    const std::string& db = {});

}  // namespace adbridge::bench

#endif  // ADBRIDGE_BENCH_SEED_DATA_DIR_H_
