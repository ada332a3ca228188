// ProbeImage: decides whether the bytes of an uploaded scan are a whole image adbridge can read,
// before anything is stored.
//
//   Result<ProbedImage> image = ProbeImage(bytes, ImageLimits{});
//   if (!image.ok()) { /* refuse the file with image.status().message() */ }
//
// The format is told from the bytes, never from the file name. The headers are read first and
// an image whose pages are larger than the pixel limit is refused before it is decoded in full
// (a decompression bomb costs nothing); then every page is decoded once, so a truncated or
// corrupt file is refused at the front desk, not discovered later by OCR.
//
// Thread-safety: ProbeImage may be called from several threads at once.
#ifndef ADBRIDGE_INGEST_IMAGE_PROBE_H_
#define ADBRIDGE_INGEST_IMAGE_PROBE_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/status.h"

namespace adbridge::ingest {

enum class ImageFormat { kPng, kJpeg, kTiff };

struct ImageLimits {
  // Largest page, in pixels (width × height). A4 at 600 dpi is about 35 megapixels.
  std::int64_t max_pixels = 60'000'000;
  // Largest file, in bytes.
  std::int64_t max_bytes = 256ll << 20;
  // Most pages in one multi-page TIFF.
  int max_pages = 100;
};

struct PageGeometry {
  int width_px = 0;
  int height_px = 0;
  int dpi = 0;  // 0 when the file does not record its resolution
};

struct ProbedImage {
  ImageFormat format = ImageFormat::kPng;
  std::string media_type;  // "image/png", "image/jpeg", "image/tiff"
  std::vector<PageGeometry> pages;
};

// Returns the image's format and pages, or:
//  - InvalidArgument for an empty file, a format adbridge does not read (PDF, GIF, BMP, WebP,
//    anything else; the message names what it looks like), or a truncated or corrupt image;
//  - ResourceExhausted for a file, a page or a page count over `limits`.
Result<ProbedImage> ProbeImage(std::span<const std::uint8_t> bytes, const ImageLimits& limits);

// One page decoded to 8-bit grey, rows `width` bytes apart, top row first.
struct GreyPage {
  int width = 0;
  int height = 0;
  int dpi = 0;  // 0 when the file does not record it
  std::vector<std::uint8_t> pixels;
};

// Decodes every page of a scan to grey for reading, with the same checks and errors as
// ProbeImage (so bytes ProbeImage accepted decode here, and nothing else does).
Result<std::vector<GreyPage>> DecodeGreyPages(std::span<const std::uint8_t> bytes,
                                              const ImageLimits& limits);

}  // namespace adbridge::ingest

#endif  // ADBRIDGE_INGEST_IMAGE_PROBE_H_
