#include "server/data_dir.h"

#include <cstdlib>
#include <utility>

#include "models/internal/postgres.h"

namespace adbridge::server {
namespace {

// As ocr::ProcessOptions::max_attempts: a document that stopped the program this often while
// being read is failed rather than read again.
constexpr int kMaxReadingAttempts = 3;

}  // namespace

std::string DefaultDb() {
  const char* env = std::getenv("ADBRIDGE_DB");
  if (env != nullptr) return env;
  return {};
}

std::filesystem::path DefaultDataDir() {
  const char* env = std::getenv("ADBRIDGE_DATA");
  if (env != nullptr && env[0] != '\0') return env;
  return "adbridge-data";
}

Status CheckOutsideDataDir(const std::filesystem::path& root, const std::filesystem::path& out) {
  if (root.empty()) return Status::Ok();  // PostgreSQL: no data folder to protect
  std::error_code ec;
  const std::filesystem::path folder = std::filesystem::weakly_canonical(root, ec);
  if (ec) return Status::Ok();  // no data folder yet: nothing in it to replace
  const std::filesystem::path target = std::filesystem::weakly_canonical(out, ec);
  if (ec) return Status::Ok();  // OutputFile::Create names what is wrong with the path
  auto t = target.begin();
  for (auto f = folder.begin(); f != folder.end(); ++f, ++t) {
    if (f->empty()) continue;  // a trailing separator
    if (t == target.end() || *t != *f) return Status::Ok();
  }
  return Status::InvalidArgument("書き出し先 " + out.string() + " はデータフォルダ " +
                                     root.string() +
                                     " の中です。データフォルダの外を指定してください",
                                 "the output " + out.string() + " is inside the data folder " +
                                     root.string() + "; write it outside the data folder");
}

namespace {

// The store and the blobs in PostgreSQL. No data-folder lock and no start-up recovery: both
// assume every process of the installation runs on this machine, and here other machines'
// workers may be alive and reading. A document a dead worker was reading is taken again when
// its lease runs out (Store::ClaimDocument), and a blob is one transaction, so a crash leaves
// no half-written blob to clear away.
Result<DataDir> OpenPostgres(const std::string& uri) {
  const std::string shown = models::internal::RedactPostgresUri(uri);
  Result<std::unique_ptr<models::Store>> store = models::OpenPostgresStore(uri);
  if (!store.ok()) return store.status().WithPrefix(shown + ": ");
  Result<models::BlobStore> blobs = models::BlobStore::InPostgres(uri);
  if (!blobs.ok()) return blobs.status().WithPrefix(shown + ": ");
  return DataDir{{}, std::move(store).value(), std::move(blobs).value(), std::nullopt};
}

}  // namespace

Result<DataDir> OpenDataDir(const std::filesystem::path& root, const std::string& db) {
  if (!db.empty()) return OpenPostgres(db);
  // Creates the folder when it is missing.
  ADB_ASSIGN_OR_RETURN(models::DataFolderLock lock, models::DataFolderLock::Open(root));
  ADB_ASSIGN_OR_RETURN(std::unique_ptr<models::Store> store,
                       models::OpenSqliteStore(root / "adbridge.db"));
  models::BlobStore blobs(root / "blobs");
  if (lock.exclusive()) {
    ADB_RETURN_IF_ERROR(models::RecoverBlobs(root / "adbridge.db", blobs).status());
    // No other adbridge has the folder open, so no worker is reading: what was left
    // processing was being read by a process that died, and is read again now rather than
    // when its lease runs out.
    ADB_RETURN_IF_ERROR(store->ReleaseAbandonedDocuments(kMaxReadingAttempts).status());
    ADB_RETURN_IF_ERROR(lock.Share());
  }
  return DataDir{root, std::move(store), std::move(blobs), std::move(lock)};
}

}  // namespace adbridge::server
