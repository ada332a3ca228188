#include "models/blob_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>

#include "models/crash_point.h"
#include "models/internal/fsync.h"
#include "models/internal/postgres.h"
#include "models/internal/sha256_name.h"
#include "models/internal/sql.h"

namespace adbridge::models {
namespace {

namespace fs = std::filesystem;

using internal::FsyncRetrying;
using internal::IsSha256Name;

std::string ErrnoText(int error) { return std::strerror(error); }

Status DiskError(const std::string& what_ja, const std::string& what_en, const fs::path& path,
                 int error) {
  const std::string where = path.string() + ": " + ErrnoText(error);
  return Status::Unavailable(what_ja + " (" + where + ")", what_en + " (" + where + ")");
}

// An open file descriptor, closed when it goes out of scope (errors from that close are
// ignored; paths that need close's result call Close()).
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes now; returns 0 or the errno of the failure. A failed close after write can mean
  // the data did not reach the disk (NFS, quota), so the caller must see it.
  int Close() {
    const int fd = std::exchange(fd_, -1);
    if (fd < 0) return 0;
    return ::close(fd) == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// Writes all of `bytes`, retrying after EINTR and short writes. Returns 0 or an errno.
int WriteAll(int fd, std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;  // write(2) never legitimately writes nothing for a regular file
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

// Makes a directory entry (a rename, a new sub-folder) durable. Returns 0 or an errno.
int FsyncDirectory(const fs::path& dir) { return internal::FsyncPath(dir); }

// Creates `dir` (and `parent` when missing) and makes the new entries durable.
Status EnsureDirectory(const fs::path& parent, const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return Status::Ok();
  const bool parent_existed = fs::is_directory(parent, ec);
  fs::create_directories(dir, ec);
  if (ec) {
    return DiskError("ブロブのフォルダを作れません", "cannot create the blob folder", dir,
                     ec.value());
  }
  // The new fan-out folder is an entry in `parent`; without this a crash could lose the
  // folder together with the blob renamed into it.
  if (int error = FsyncDirectory(parent); error != 0) {
    return DiskError("ブロブのフォルダを確定できません", "cannot sync the blob folder", parent,
                     error);
  }
  if (!parent_existed && parent.has_parent_path()) {
    if (int error = FsyncDirectory(parent.parent_path()); error != 0) {
      return DiskError("ブロブのフォルダを確定できません", "cannot sync the blob folder",
                       parent.parent_path(), error);
    }
  }
  return Status::Ok();
}

// Reads the whole file at `path`. Returns NotFound when it does not exist.
Result<std::vector<std::uint8_t>> ReadAll(const fs::path& path, std::string_view sha256) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) {
      const std::string name(sha256);
      return Status::NotFound("ブロブがありません: " + name, "no such blob: " + name);
    }
    return DiskError("ブロブを開けません", "cannot open the blob", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return DiskError("ブロブを読めません", "cannot read the blob", path, errno);
  }
  std::vector<std::uint8_t> bytes;
  bytes.reserve(static_cast<std::size_t>(st.st_size));
  std::array<std::uint8_t, 64 * 1024> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return DiskError("ブロブを読めません", "cannot read the blob", path, errno);
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buffer.begin(), buffer.begin() + n);
  }
  return bytes;
}

Status MalformedName(std::string_view sha256) {
  const std::string name(sha256);
  return Status::InvalidArgument(
      "ブロブ名は小文字16進の SHA-256 (64文字) でなければなりません: " + name,
      "a blob name must be a lower-case hex SHA-256 (64 characters): " + name);
}

Status Corrupt(std::string_view sha256) {
  const std::string name(sha256);
  return Status::DataLoss("ブロブの内容が名前の SHA-256 と一致しません (破損): " + name,
                          "the blob's bytes no longer match its SHA-256 (corrupt): " + name);
}

// The blobs table says what a blob is once Store::RecordBlob has been told; until then a blob
// put into the database is only bytes.
constexpr char kPutBlobRow[] =
    "INSERT INTO blobs (sha256, size, media_type) VALUES (?1, ?2, 'application/octet-stream') "
    "ON CONFLICT (sha256) DO NOTHING";
constexpr char kPutBlobBytes[] =
    "INSERT INTO blob_contents (sha256, bytes) VALUES (?1, ?2) ON CONFLICT (sha256) DO NOTHING";
constexpr char kHasBlobBytes[] = "SELECT 1 FROM blob_contents WHERE sha256 = ?1";
constexpr char kGetBlobBytes[] = "SELECT bytes FROM blob_contents WHERE sha256 = ?1";

}  // namespace

// The database side: one connection of the blob store's own and the statements prepared on it.
class BlobStore::Database {
 public:
  explicit Database(std::unique_ptr<internal::Connection> connection)
      : connection_(std::move(connection)), statements_(connection_.get()) {}

  Status Put(const std::string& sha256, std::span<const std::uint8_t> bytes) {
    std::lock_guard lock(mu_);
    ADB_ASSIGN_OR_RETURN(bool present, HasLocked(sha256));
    if (present) return Status::Ok();  // same name, same bytes: nothing to send again
    // The row in blobs and the bytes commit together, so a blob is never half there; a second
    // writer of the same bytes meanwhile waits on the first's rows and then changes nothing.
    // Nothing else is read to decide, so the store's writers are not held up by an upload.
    ADB_ASSIGN_OR_RETURN(internal::Transaction tx,
                         internal::Transaction::BeginRowLocked(*connection_));
    {
      ADB_ASSIGN_OR_RETURN(internal::Statement row, statements_.Get(kPutBlobRow));
      row.BindText(1, sha256).BindInt(2, static_cast<std::int64_t>(bytes.size()));
      ADB_RETURN_IF_ERROR(row.Run());
    }
    {
      ADB_ASSIGN_OR_RETURN(internal::Statement contents, statements_.Get(kPutBlobBytes));
      contents.BindText(1, sha256).BindBytes(2, bytes);
      ADB_RETURN_IF_ERROR(contents.Run());
    }
    CrashPoint("blob.written");
    return tx.Commit();
  }

  Result<std::vector<std::uint8_t>> Get(std::string_view sha256) {
    std::lock_guard lock(mu_);
    ADB_ASSIGN_OR_RETURN(internal::Statement stmt, statements_.Get(kGetBlobBytes));
    stmt.BindText(1, sha256);
    ADB_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) {
      const std::string name(sha256);
      return Status::NotFound("ブロブがありません: " + name, "no such blob: " + name);
    }
    return stmt.Bytes(0);
  }

  Result<bool> Has(std::string_view sha256) {
    std::lock_guard lock(mu_);
    return HasLocked(sha256);
  }

 private:
  Result<bool> HasLocked(std::string_view sha256) {
    ADB_ASSIGN_OR_RETURN(internal::Statement stmt, statements_.Get(kHasBlobBytes));
    stmt.BindText(1, sha256);
    return stmt.Step();
  }

  std::mutex mu_;
  std::unique_ptr<internal::Connection> connection_;
  internal::StatementCache statements_;
};

std::string Sha256Hex(std::span<const std::uint8_t> bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // EVP_Digest fails only when OpenSSL itself is broken (no SHA-256 provider, out of
  // memory); no caller can recover from that, and a wrong name would corrupt the store.
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != 32) {
    std::abort();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

BlobStore::BlobStore(std::filesystem::path root) : root_(std::move(root)) {}

BlobStore BlobStore::InDatabase(std::unique_ptr<internal::Connection> connection) {
  BlobStore blobs{std::filesystem::path()};
  blobs.database_ = std::make_shared<Database>(std::move(connection));
  return blobs;
}

Result<BlobStore> BlobStore::InPostgres(const std::string& uri) {
  ADB_ASSIGN_OR_RETURN(std::unique_ptr<internal::Connection> connection,
                       internal::ConnectPostgres(uri));
  return InDatabase(std::move(connection));
}

std::filesystem::path BlobStore::PathFor(std::string_view sha256) const {
  if (database_ != nullptr) return {};
  const std::string name(sha256);
  return root_ / name.substr(0, 2) / name;
}

bool BlobStore::Contains(std::string_view sha256) const {
  if (!IsSha256Name(sha256)) return false;
  if (database_ != nullptr) {
    Result<bool> has = database_->Has(sha256);
    return has.ok() && *has;
  }
  std::error_code ec;
  return fs::is_regular_file(PathFor(sha256), ec);
}

Result<std::string> BlobStore::Put(std::span<const std::uint8_t> bytes) const {
  std::string sha256 = Sha256Hex(bytes);
  if (database_ != nullptr) {
    ADB_RETURN_IF_ERROR(database_->Put(sha256, bytes));
    return sha256;
  }
  const fs::path final_path = PathFor(sha256);
  const fs::path dir = final_path.parent_path();

  // Same name means same bytes, so an existing blob of the right size is this blob. A file of
  // another size was cut short by something outside adbridge; writing it again repairs it.
  struct stat st {};
  if (::stat(final_path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<std::uint64_t>(st.st_size) == bytes.size()) {
    return sha256;
  }

  ADB_RETURN_IF_ERROR(EnsureDirectory(root_, dir));

  // mkstemp gives a name no other writer (thread or process) can hold; mode 0600 because
  // blobs are residents' personal data.
  std::string temp_name = (dir / ".tmp-XXXXXX").string();
  Fd fd(::mkostemp(temp_name.data(), O_CLOEXEC));
  if (!fd.valid()) {
    return DiskError("ブロブを書けません", "cannot write the blob", dir, errno);
  }
  const fs::path temp_path(temp_name);
  auto fail = [&](int error) {
    fd.Close();
    ::unlink(temp_path.c_str());
    return DiskError("ブロブを書けません", "cannot write the blob", temp_path, error);
  };

  if (int error = WriteAll(fd.get(), bytes); error != 0) return fail(error);
  if (int error = FsyncRetrying(fd.get()); error != 0) return fail(error);
  if (int error = fd.Close(); error != 0) return fail(error);
  CrashPoint("blob.written");
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) return fail(errno);
  CrashPoint("blob.renamed");
  if (int error = FsyncDirectory(dir); error != 0) {
    // The blob is in place but its name may not survive a crash; the caller must not record
    // it, and a later Put of the same bytes finds it and returns at once.
    return DiskError("ブロブを確定できません", "cannot sync the blob folder", dir, error);
  }
  return sha256;
}

Result<std::vector<std::uint8_t>> BlobStore::Get(std::string_view sha256) const {
  if (!IsSha256Name(sha256)) return MalformedName(sha256);
  std::vector<std::uint8_t> bytes;
  if (database_ != nullptr) {
    ADB_ASSIGN_OR_RETURN(bytes, database_->Get(sha256));
  } else {
    ADB_ASSIGN_OR_RETURN(bytes, ReadAll(PathFor(sha256), sha256));
  }
  if (Sha256Hex(bytes) != sha256) return Corrupt(sha256);
  return bytes;
}

}  // namespace adbridge::models
