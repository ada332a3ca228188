// DataDir: one installation's store and blobs, opened: DATA/adbridge.db and DATA/blobs/, or a
// PostgreSQL database holding both.
//
//   Result<DataDir> data = OpenDataDir(invocation.data_dir, invocation.db);
//   data->store->ListForms();
//
// The folder and the database are created on first use; migrations run on open.
// Thread-safety: as Store and BlobStore.
#ifndef ADBRIDGE_SERVER_DATA_DIR_H_
#define ADBRIDGE_SERVER_DATA_DIR_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "models/blob_store.h"
#include "models/data_folder.h"
#include "models/status.h"
#include "models/store.h"

namespace adbridge::server {

struct DataDir {
  // The data folder; empty when the store is in PostgreSQL (there is no folder then).
  std::filesystem::path root;
  std::unique_ptr<models::Store> store;
  models::BlobStore blobs;
  // Held while the folder is open, so a restore cannot replace it under this process and a
  // later process's start-up recovery knows it is not alone. None with PostgreSQL.
  std::optional<models::DataFolderLock> lock;
};

// With `db` empty: the data folder `root`. Takes the folder's lock; the first process to open
// it (no other adbridge has it open) runs the recovery of blobs a crash left behind
// (models::RecoverBlobs) before others come in. Returns Unavailable when the folder cannot be
// created, else as models::OpenSqliteStore.
// With `db` a PostgreSQL connection string: the store and the blobs in that database, and no
// folder at all. Returns as models::OpenPostgresStore, every message naming the database
// without its password.
Result<DataDir> OpenDataDir(const std::filesystem::path& root, const std::string& db = {});

// OK when `out`, a file a command is asked to write (--out), lies outside the data folder
// `root`. Otherwise InvalidArgument: a file put there could replace the database or a blob
// (`--out adbridge-data/adbridge.db` would lose every record). Links are followed, so a path
// that reaches the folder another way is refused too. OK for an empty `root` (the store is in
// PostgreSQL: no file of the installation is on this machine).
Status CheckOutsideDataDir(const std::filesystem::path& root, const std::filesystem::path& out);

// --data, else ADBRIDGE_DATA, else ./adbridge-data.
std::filesystem::path DefaultDataDir();

// ADBRIDGE_DB, else empty (SQLite in the data folder).
std::string DefaultDb();

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_DATA_DIR_H_
