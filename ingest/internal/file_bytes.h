// Reading an upload or a form's files into memory inside ingest/, with one set of messages for
// the ways that fails.
#ifndef ADBRIDGE_INGEST_INTERNAL_FILE_BYTES_H_
#define ADBRIDGE_INGEST_INTERNAL_FILE_BYTES_H_

#include <cstdint>
#include <filesystem>
#include <limits>
#include <vector>

#include "models/status.h"

namespace adbridge::ingest::internal {

// ResourceExhausted: a file over `max_bytes`.
Status FileTooLarge(std::int64_t max_bytes);

// The bytes of `file`. Returns InvalidArgument for a folder, NotFound when the file cannot be
// read, and FileTooLarge (before reading anything) when it is over `max_bytes`.
Result<std::vector<std::uint8_t>> ReadFileBytes(
    const std::filesystem::path& file,
    std::int64_t max_bytes = std::numeric_limits<std::int64_t>::max());

}  // namespace adbridge::ingest::internal

#endif  // ADBRIDGE_INGEST_INTERNAL_FILE_BYTES_H_
