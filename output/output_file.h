// OutputFile: a file adbridge hands to people (an export, later letters and scripts), written
// whole or not at all. The bytes go to a temporary file beside the target; Commit() syncs it to
// disk and renames it into place, so the target is never a half-written file: it is the old
// file (or none) until the new one is complete. A file never committed is removed.
//
//   ADB_ASSIGN_OR_RETURN(OutputFile file, OutputFile::Create("exports/2026-11.csv"));
//   WriteTo(file.stream());
//   ADB_RETURN_IF_ERROR(file.Sync());   // whole and on disk under the temporary name
//   ADB_RETURN_IF_ERROR(file.Commit()); // now under its own name
//
// The file is created readable and writable by its owner only: what adbridge writes out holds
// residents' personal data.
//
// Thread-safety: one thread.
#ifndef ADBRIDGE_OUTPUT_OUTPUT_FILE_H_
#define ADBRIDGE_OUTPUT_OUTPUT_FILE_H_

#include <filesystem>
#include <fstream>
#include <memory>

#include "models/status.h"

namespace adbridge::output {

class OutputFile {
 public:
  // Creates the temporary file in the target's folder. Returns InvalidArgument when `target`
  // is a folder, NotFound when its folder does not exist, Unavailable when the folder cannot
  // be written.
  static Result<OutputFile> Create(const std::filesystem::path& target);

  OutputFile(OutputFile&&) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  // Removes the temporary file unless Commit() succeeded.
  ~OutputFile();

  // Where to write the contents (binary: the bytes are written as they are given).
  std::ostream& stream();

  // Flushes what was written and makes it durable under the temporary name. Returns
  // Unavailable when a write failed or the disk refuses (full, quota, I/O error).
  Status Sync();
  // Sync()s if that was not done, then renames the file into place and makes the rename
  // durable. Returns Unavailable when that fails; the temporary file is then kept, whole, and
  // temporary_path() says where.
  Status Commit();

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temporary_path() const { return temporary_; }

 private:
  OutputFile(std::filesystem::path target, std::filesystem::path temporary, int fd);

  std::filesystem::path target_;
  std::filesystem::path temporary_;
  int fd_ = -1;  // the temporary file, kept open to fsync it
  std::unique_ptr<std::ofstream> stream_;
  bool synced_ = false;
  bool committed_ = false;
  bool keep_temporary_ = false;  // a whole file that could not be renamed is not thrown away
};

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_OUTPUT_FILE_H_
