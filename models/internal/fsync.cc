#include "models/internal/fsync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace adbridge::models::internal {

int FsyncRetrying(int fd) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

int FsyncPath(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int error = FsyncRetrying(fd);
  if (::close(fd) != 0 && error == 0) return errno;
  return error;
}

}  // namespace adbridge::models::internal
