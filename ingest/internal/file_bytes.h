// Reading an upload or a form's files into memory inside ingest/, with one set of messages for
// the ways that fails.
#ifndef ADBRIDGE_INGEST_INTERNAL_FILE_BYTES_H_
#define ADBRIDGE_INGEST_INTERNAL_FILE_BYTES_H_

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string_view>
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

// OK when `name`, the name a document is stored under, is UTF-8 without control characters:
// it is shown on every page and written into every export, so a name in another encoding (a
// CP932 name from a Windows share) or with a line break is refused, naming why, before anything
// is stored. Otherwise InvalidArgument.
Status CheckSourceName(std::string_view name);

}  // namespace adbridge::ingest::internal

#endif  // ADBRIDGE_INGEST_INTERNAL_FILE_BYTES_H_
