#include "models/data_folder.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "models/internal/fsync.h"
#include "models/internal/sha256_name.h"
#include "models/internal/sqlite.h"

namespace adbridge::models {
namespace {

namespace fs = std::filesystem;

Status LockError(const fs::path& path, int error) {
  const std::string where = path.string() + ": " + std::strerror(error);
  return Status::Unavailable("データフォルダの鍵ファイルを使えません (" + where + ")",
                             "cannot use the data folder's lock file (" + where + ")");
}

int FlockRetrying(int fd, int operation) {
  while (::flock(fd, operation) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

Result<int> OpenLockFile(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) {
    return Status::Unavailable(
        "データフォルダを作れません: " + root.string() + " (" + ec.message() + ")",
        "cannot create the data folder " + root.string() + " (" + ec.message() + ")");
  }
  const fs::path path = root / kLockFileName;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return LockError(path, errno);
  return fd;
}

// The names of every recorded blob, read in one snapshot.
Result<std::unordered_set<std::string>> RecordedBlobs(const fs::path& database) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(database.c_str(), &raw,
                                 SQLITE_OPEN_READONLY | SQLITE_OPEN_EXRESCODE, nullptr);
  internal::SqliteDb db(raw);
  const Text what{"記録済みのブロブを読めません", "cannot read the recorded blobs"};
  if (rc != SQLITE_OK) return internal::SqliteStatus(db.get(), rc, what);
  sqlite3_busy_timeout(db.get(), internal::kBusyTimeoutMs);
  sqlite3_stmt* raw_stmt = nullptr;
  int prc = sqlite3_prepare_v2(db.get(), "SELECT sha256 FROM blobs", -1, &raw_stmt, nullptr);
  internal::SqliteStmt stmt(raw_stmt);
  if (prc != SQLITE_OK) return internal::SqliteStatus(db.get(), prc, what);
  std::unordered_set<std::string> names;
  while ((prc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    names.emplace(reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0)));
  }
  if (prc != SQLITE_DONE) return internal::SqliteStatus(db.get(), prc, what);
  return names;
}

}  // namespace

Result<DataFolderLock> DataFolderLock::Open(const fs::path& root) {
  ADB_ASSIGN_OR_RETURN(int fd, OpenLockFile(root));
  DataFolderLock lock(fd, false);
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
    lock.exclusive_ = true;
    return lock;
  }
  if (errno != EWOULDBLOCK && errno != EINTR) return LockError(root / kLockFileName, errno);
  if (int error = FlockRetrying(fd, LOCK_SH); error != 0) {
    return LockError(root / kLockFileName, error);
  }
  return lock;
}

Result<DataFolderLock> DataFolderLock::OpenExclusive(const fs::path& root) {
  ADB_ASSIGN_OR_RETURN(int fd, OpenLockFile(root));
  DataFolderLock lock(fd, false);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status::FailedPrecondition(
          "ほかの adbridge (サーバーなど) がこのデータフォルダを使っています: " +
              root.string() + "。止めてからやり直してください。",
          "another adbridge (a server, a worker) is using this data folder: " + root.string() +
              "; stop it and try again.");
    }
    return LockError(root / kLockFileName, errno);
  }
  lock.exclusive_ = true;
  return lock;
}

DataFolderLock::DataFolderLock(DataFolderLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), exclusive_(other.exclusive_) {}

DataFolderLock& DataFolderLock::operator=(DataFolderLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    exclusive_ = other.exclusive_;
  }
  return *this;
}

DataFolderLock::~DataFolderLock() {
  // Closing the descriptor releases the lock.
  if (fd_ >= 0) ::close(fd_);
}

Status DataFolderLock::Share() {
  if (!exclusive_) return Status::Ok();
  if (int error = FlockRetrying(fd_, LOCK_SH); error != 0) {
    return LockError(kLockFileName, error);
  }
  exclusive_ = false;
  return Status::Ok();
}

Result<BlobRecovery> RecoverBlobs(const fs::path& database, const BlobStore& blobs) {
  BlobRecovery recovery;
  std::error_code ec;
  if (!fs::is_directory(blobs.root(), ec)) return recovery;
  ADB_ASSIGN_OR_RETURN(std::unordered_set<std::string> recorded, RecordedBlobs(database));

  std::vector<fs::path> doomed;
  // blobs/ holds one folder per first two hex digits, each holding blobs and, after a crash,
  // the temporary files of Puts that never reached their rename.
  for (const fs::directory_entry& fan : fs::directory_iterator(blobs.root(), ec)) {
    if (!fan.is_directory(ec)) continue;
    for (const fs::directory_entry& entry : fs::directory_iterator(fan.path(), ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(".tmp-", 0) == 0) {
        doomed.push_back(entry.path());
        ++recovery.temporary_files;
      } else if (internal::IsSha256Name(name) && recorded.count(name) == 0) {
        doomed.push_back(entry.path());
        ++recovery.unrecorded_blobs;
      }
    }
  }
  if (ec) {
    return Status::Unavailable(
        "ブロブのフォルダを読めません: " + blobs.root().string() + " (" + ec.message() + ")",
        "cannot read the blob folder " + blobs.root().string() + " (" + ec.message() + ")");
  }
  std::unordered_set<std::string> folders;
  for (const fs::path& path : doomed) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      const std::string where = path.string() + ": " + std::strerror(errno);
      return Status::Unavailable("残ったブロブを消せません (" + where + ")",
                                 "cannot remove a left-over blob (" + where + ")");
    }
    folders.insert(path.parent_path().string());
  }
  // A removal that does not survive a crash is simply done again at the next start.
  for (const std::string& folder : folders) internal::FsyncPath(folder);
  return recovery;
}

}  // namespace adbridge::models
