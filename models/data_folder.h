// The data folder as a whole: which adbridge processes use it, and the recovery of what a crash
// can leave in blobs/.
//
//   Result<DataFolderLock> lock = DataFolderLock::Open(data_dir);   // shared
//   if (lock->exclusive()) { RecoverBlobs(data_dir / "adbridge.db", blobs); lock->Share(); }
//
// Every process that opens a data folder holds DATA/adbridge.lock with flock(2): shared while
// it works, exclusive for the steps that must be alone (recovery at start, a restore). The
// kernel drops the lock when the process ends, SIGKILL included, so a crash never leaves the
// folder locked.
//
// Thread-safety: a DataFolderLock is owned by one thread at a time; RecoverBlobs must only run
// under an exclusive lock.
#ifndef ADBRIDGE_MODELS_DATA_FOLDER_H_
#define ADBRIDGE_MODELS_DATA_FOLDER_H_

#include <filesystem>
#include <optional>

#include "models/blob_store.h"
#include "models/status.h"

namespace adbridge::models {

// The lock file's name in the data folder.
inline constexpr char kLockFileName[] = "adbridge.lock";

class DataFolderLock {
 public:
  // Takes the lock exclusive when no other process has the folder open, shared otherwise
  // (waiting while another holds it exclusive: a restore or a start-up recovery). Creates
  // the folder and the lock file when missing. Returns Unavailable when they cannot be made.
  static Result<DataFolderLock> Open(const std::filesystem::path& root);
  // The exclusive lock, or FailedPrecondition when another process has the folder open (a
  // server or a worker), naming the folder.
  static Result<DataFolderLock> OpenExclusive(const std::filesystem::path& root);

  DataFolderLock(DataFolderLock&& other) noexcept;
  DataFolderLock& operator=(DataFolderLock&& other) noexcept;
  DataFolderLock(const DataFolderLock&) = delete;
  DataFolderLock& operator=(const DataFolderLock&) = delete;
  ~DataFolderLock();

  bool exclusive() const { return exclusive_; }
  // Lets other processes in (exclusive -> shared).
  Status Share();

 private:
  DataFolderLock(int fd, bool exclusive) : fd_(fd), exclusive_(exclusive) {}

  int fd_ = -1;
  bool exclusive_ = false;
};

// What RecoverBlobs removed.
struct BlobRecovery {
  int temporary_files = 0;  // a Put cut short before its rename
  int unrecorded_blobs = 0;  // a Put whose process died before the blob row was committed
};

// Removes what a crash can leave in `blobs`: temporary files of a Put that never finished and
// blob files that no row of the `blobs` table at `database` names (the process died between
// BlobStore::Put and Store::RecordBlob, so nothing can point to them). Recorded blobs are never
// touched. Only to be called under an exclusive DataFolderLock, after the store opened (so the
// table exists). Returns Unavailable when a file cannot be removed or the database read.
Result<BlobRecovery> RecoverBlobs(const std::filesystem::path& database, const BlobStore& blobs);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_DATA_FOLDER_H_
