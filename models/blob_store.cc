#include "models/blob_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include "models/crash_point.h"
#include "models/internal/fsync.h"
#include "models/internal/sha256_name.h"

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

}  // namespace

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

std::filesystem::path BlobStore::PathFor(std::string_view sha256) const {
  const std::string name(sha256);
  return root_ / name.substr(0, 2) / name;
}

bool BlobStore::Contains(std::string_view sha256) const {
  if (!IsSha256Name(sha256)) return false;
  std::error_code ec;
  return fs::is_regular_file(PathFor(sha256), ec);
}

Result<std::string> BlobStore::Put(std::span<const std::uint8_t> bytes) const {
  std::string sha256 = Sha256Hex(bytes);
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
  if (!IsSha256Name(sha256)) {
    const std::string name(sha256);
    return Status::InvalidArgument(
        "ブロブ名は小文字16進の SHA-256 (64文字) でなければなりません: " + name,
        "a blob name must be a lower-case hex SHA-256 (64 characters): " + name);
  }
  ADB_ASSIGN_OR_RETURN(std::vector<std::uint8_t> bytes, ReadAll(PathFor(sha256), sha256));
  if (Sha256Hex(bytes) != sha256) {
    const std::string name(sha256);
    return Status::DataLoss("ブロブの内容が名前の SHA-256 と一致しません (破損): " + name,
                            "the blob's bytes no longer match its SHA-256 (corrupt): " + name);
  }
  return bytes;
}

}  // namespace adbridge::models
