#include "ingest/image_probe.h"

#include <cstring>
#include <string>

#include "ingest/internal/decoders.h"
#include "ingest/internal/file_bytes.h"

namespace adbridge::ingest {
namespace {

bool StartsWith(std::span<const std::uint8_t> bytes, std::string_view magic, size_t at = 0) {
  return bytes.size() >= at + magic.size() &&
         std::memcmp(bytes.data() + at, magic.data(), magic.size()) == 0;
}

// Names a format adbridge does not read, so the front desk knows what they handed in.
std::string UnsupportedKind(std::span<const std::uint8_t> bytes) {
  if (StartsWith(bytes, "%PDF")) return "PDF";
  if (StartsWith(bytes, "GIF8")) return "GIF";
  if (StartsWith(bytes, "BM")) return "BMP";
  if (StartsWith(bytes, "RIFF") && StartsWith(bytes, "WEBP", 8)) return "WebP";
  if (StartsWith(bytes, "ftyp", 4)) return "HEIF/MP4";
  if (StartsWith(bytes, "II+") || StartsWith(bytes, std::string_view("MM\0+", 4))) {
    return "BigTIFF";
  }
  if (StartsWith(bytes, std::string_view("\0\0\0\x0cjP  ", 8))) return "JPEG 2000";
  if (StartsWith(bytes, "PK")) return "ZIP";
  return "";
}

}  // namespace

namespace {

Result<ProbedImage> Probe(std::span<const std::uint8_t> bytes, const ImageLimits& limits,
                          std::vector<GreyPage>* pages) {
  if (bytes.empty()) {
    return Status::InvalidArgument("空のファイルです (0 バイト)", "the file is empty (0 bytes)");
  }
  if (static_cast<std::int64_t>(bytes.size()) > limits.max_bytes) {
    return internal::FileTooLarge(limits.max_bytes);
  }
  if (StartsWith(bytes, "\x89PNG\r\n\x1a\n")) return internal::ProbePng(bytes, limits, pages);
  if (StartsWith(bytes, "\xff\xd8\xff")) return internal::ProbeJpeg(bytes, limits, pages);
  if (StartsWith(bytes, std::string_view("II*\0", 4)) ||
      StartsWith(bytes, std::string_view("MM\0*", 4))) {
    return internal::ProbeTiff(bytes, limits, pages);
  }
  const std::string kind = UnsupportedKind(bytes);
  if (!kind.empty()) {
    return Status::InvalidArgument(
        kind + " は読み込めません。PNG、JPEG、TIFF でスキャンしてください",
        kind + " is not supported; scan to PNG, JPEG or TIFF");
  }
  return Status::InvalidArgument(
      "画像ファイルではありません (PNG、JPEG、TIFF のいずれでもありません)",
      "not an image adbridge reads (not PNG, JPEG or TIFF)");
}

}  // namespace

Result<ProbedImage> ProbeImage(std::span<const std::uint8_t> bytes, const ImageLimits& limits) {
  return Probe(bytes, limits, nullptr);
}

Result<std::vector<GreyPage>> DecodeGreyPages(std::span<const std::uint8_t> bytes,
                                              const ImageLimits& limits) {
  std::vector<GreyPage> pages;
  ADB_RETURN_IF_ERROR(Probe(bytes, limits, &pages).status());
  return pages;
}

}  // namespace adbridge::ingest
