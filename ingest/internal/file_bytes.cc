#include "ingest/internal/file_bytes.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>

#include "models/utf8.h"

namespace adbridge::ingest::internal {

Status FileTooLarge(std::int64_t max_bytes) {
  const std::string mb = std::to_string(max_bytes >> 20);
  return Status::ResourceExhausted("ファイルが大きすぎます (上限 " + mb + " MiB)",
                                   "the file is too large (the limit is " + mb + " MiB)");
}

Status CheckSourceName(std::string_view name) {
  const std::optional<std::u32string> decoded = models::DecodeUtf8(name);
  if (!decoded) {
    return Status::InvalidArgument("ファイル名が UTF-8 ではありません (名前を付け直してください)",
                                   "the file name is not UTF-8 (rename the file)");
  }
  for (char32_t c : *decoded) {
    if (c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument(
          "ファイル名に制御文字 (改行など) があります",
          "the file name holds a control character (a line break or the like)");
    }
  }
  return Status::Ok();
}

Result<std::vector<std::uint8_t>> ReadFileBytes(const std::filesystem::path& file,
                                                std::int64_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    return Status::InvalidArgument("フォルダです。ファイルを指定してください",
                                   "is a folder, not a file");
  }
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) {
    return Status::NotFound("ファイルを読めません (" + ec.message() + ")",
                            "cannot read the file (" + ec.message() + ")");
  }
  // Refuse an oversize file before reading it into memory.
  if (size > static_cast<std::uintmax_t>(max_bytes)) return FileTooLarge(max_bytes);
  std::ifstream in(file, std::ios::binary);
  std::vector<std::uint8_t> bytes(size);
  if (!in || !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) {
    const std::string why = std::strerror(errno);
    return Status::NotFound("ファイルを読めません (" + why + ")",
                            "cannot read the file (" + why + ")");
  }
  return bytes;
}

}  // namespace adbridge::ingest::internal
