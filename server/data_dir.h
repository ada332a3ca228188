// DataDir: one installation's data directory, opened: DATA/adbridge.db and DATA/blobs/.
//
//   Result<DataDir> data = OpenDataDir(invocation.data_dir);
//   data->store->ListForms();
//
// The folder and the database are created on first use; migrations run on open.
// Thread-safety: as Store and BlobStore.
#ifndef ADBRIDGE_SERVER_DATA_DIR_H_
#define ADBRIDGE_SERVER_DATA_DIR_H_

#include <filesystem>
#include <memory>

#include "models/blob_store.h"
#include "models/data_folder.h"
#include "models/status.h"
#include "models/store.h"

namespace adbridge::server {

struct DataDir {
  std::filesystem::path root;
  std::unique_ptr<models::Store> store;
  models::BlobStore blobs;
  // Held while the folder is open, so a restore cannot replace it under this process and a
  // later process's start-up recovery knows it is not alone.
  models::DataFolderLock lock;
};

// Takes the folder's lock; the first process to open it (no other adbridge has it open) runs
// the recovery of blobs a crash left behind (models::RecoverBlobs) before others come in.
// Returns Unavailable when the folder cannot be created, else as models::OpenSqliteStore.
Result<DataDir> OpenDataDir(const std::filesystem::path& root);

// OK when `out`, a file a command is asked to write (--out), lies outside the data folder
// `root`. Otherwise InvalidArgument: a file put there could replace the database or a blob
// (`--out adbridge-data/adbridge.db` would lose every record). Links are followed, so a path
// that reaches the folder another way is refused too.
Status CheckOutsideDataDir(const std::filesystem::path& root, const std::filesystem::path& out);

// --data, else ADBRIDGE_DATA, else ./adbridge-data.
std::filesystem::path DefaultDataDir();

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_DATA_DIR_H_
