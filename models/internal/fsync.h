// Making files and directory entries durable: fsync that retries after EINTR, on a file or on
// a folder (after a rename or a new entry in it). Shared by the blob store, the data folder's
// recovery and backup/restore, which all publish files by renaming them into place.
#ifndef ADBRIDGE_MODELS_INTERNAL_FSYNC_H_
#define ADBRIDGE_MODELS_INTERNAL_FSYNC_H_

#include <filesystem>

namespace adbridge::models::internal {

// fsync(2) on an open descriptor, retried after EINTR. Returns 0 or an errno.
int FsyncRetrying(int fd);

// Opens `path` (a file or a folder) and fsyncs it. Returns 0 or an errno.
int FsyncPath(const std::filesystem::path& path);

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_FSYNC_H_
