#include "output/output_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace adbridge::output {
namespace {

namespace fs = std::filesystem;

Status DiskError(const std::string& what_ja, const std::string& what_en, const fs::path& path,
                 int error) {
  const std::string where = path.string() + ": " + std::strerror(error);
  return Status::Unavailable(what_ja + " (" + where + ")", what_en + " (" + where + ")");
}

int FsyncRetrying(int fd) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

}  // namespace

Result<OutputFile> OutputFile::Create(const fs::path& target) {
  std::error_code ec;
  if (fs::is_directory(target, ec)) {
    return Status::InvalidArgument("書き出し先はフォルダです: " + target.string(),
                                   "the output is a folder: " + target.string());
  }
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, ec)) {
    return Status::NotFound("書き出し先のフォルダがありません: " + folder.string(),
                            "the output's folder does not exist: " + folder.string());
  }
  // Hidden and beside the target, so the rename stays within one file system.
  std::string pattern = (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) {
    return DiskError("書き出し先に書けません", "cannot write the output", folder, errno);
  }
  OutputFile file(target, fs::path(name.data()), fd);
  if (!*file.stream_) {
    return DiskError("書き出し先に書けません", "cannot write the output", file.temporary_, EIO);
  }
  return file;
}

OutputFile::OutputFile(fs::path target, fs::path temporary, int fd)
    : target_(std::move(target)),
      temporary_(std::move(temporary)),
      fd_(fd),
      stream_(std::make_unique<std::ofstream>(temporary_, std::ios::binary | std::ios::trunc)) {}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : target_(std::move(other.target_)),
      temporary_(std::move(other.temporary_)),
      fd_(std::exchange(other.fd_, -1)),
      stream_(std::move(other.stream_)),
      synced_(other.synced_),
      committed_(std::exchange(other.committed_, true)),  // the moved-from one removes nothing
      keep_temporary_(other.keep_temporary_) {}

OutputFile::~OutputFile() {
  if (stream_) stream_->close();
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !keep_temporary_) {
    std::error_code ec;
    fs::remove(temporary_, ec);
  }
}

std::ostream& OutputFile::stream() { return *stream_; }

Status OutputFile::Sync() {
  if (synced_) return Status::Ok();
  stream_->flush();
  stream_->close();
  if (stream_->fail()) {
    // The stream does not say why; the disk being full is by far the likeliest.
    return Status::Unavailable("書き出しを最後まで書けませんでした: " + target_.string(),
                               "the output could not be written in full: " + target_.string());
  }
  if (const int error = FsyncRetrying(fd_); error != 0) {
    return DiskError("書き出しをディスクに確定できません", "cannot sync the output to disk",
                     target_, error);
  }
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) {
    return DiskError("書き出しをディスクに確定できません", "cannot sync the output to disk",
                     target_, errno);
  }
  synced_ = true;
  return Status::Ok();
}

Status OutputFile::Commit() {
  ADB_RETURN_IF_ERROR(Sync());
  if (::rename(temporary_.c_str(), target_.c_str()) != 0) {
    const int error = errno;
    keep_temporary_ = true;
    return DiskError("書き出しを " + target_.string() + " に置けません。書き出した内容は " +
                         temporary_.string() + " にあります",
                     "cannot put the output at " + target_.string() + "; what was written is in " +
                         temporary_.string(),
                     target_, error);
  }
  committed_ = true;
  const fs::path folder = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return DiskError("フォルダを確定できません", "cannot sync the folder", folder, errno);
  const int error = FsyncRetrying(dir);
  ::close(dir);
  if (error != 0)
    return DiskError("フォルダを確定できません", "cannot sync the folder", folder, error);
  return Status::Ok();
}

}  // namespace adbridge::output
