#include "ingest/internal/decoders.h"

#include <png.h>
#include <tiffio.h>
#include <turbojpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>


namespace adbridge::ingest::internal {
namespace {

std::uint32_t BigEndian32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

// ---- TIFF through libtiff, reading from memory ----

struct MemoryFile {
  std::span<const std::uint8_t> bytes;
  toff_t position = 0;
  bool failed = false;  // libtiff reported an error (not a warning)
};

tmsize_t MemRead(thandle_t handle, void* buffer, tmsize_t size) {
  auto* file = static_cast<MemoryFile*>(handle);
  if (file->position >= file->bytes.size() || size <= 0) return 0;
  const auto n = std::min<toff_t>(static_cast<toff_t>(size), file->bytes.size() - file->position);
  std::memcpy(buffer, file->bytes.data() + file->position, n);
  file->position += n;
  return static_cast<tmsize_t>(n);
}
tmsize_t MemWrite(thandle_t, void*, tmsize_t) { return -1; }
toff_t MemSeek(thandle_t handle, toff_t offset, int whence) {
  auto* file = static_cast<MemoryFile*>(handle);
  toff_t base = whence == SEEK_CUR ? file->position : whence == SEEK_END ? file->bytes.size() : 0;
  file->position = base + offset;
  return file->position;
}
int MemClose(thandle_t) { return 0; }
toff_t MemSize(thandle_t handle) { return static_cast<MemoryFile*>(handle)->bytes.size(); }
int MemMap(thandle_t, void**, toff_t*) { return 0; }
void MemUnmap(thandle_t, void*, toff_t) {}

int RecordTiffError(TIFF*, void* user_data, const char*, const char*, va_list) {
  static_cast<MemoryFile*>(user_data)->failed = true;
  return 1;  // handled: nothing is printed
}
int IgnoreTiffWarning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

struct TiffCloser {
  void operator()(TIFF* tif) const { TIFFClose(tif); }
};
struct TiffOptionsFreer {
  void operator()(TIFFOpenOptions* opts) const { TIFFOpenOptionsFree(opts); }
};

// The resolution a page records, or 0. One no scanner writes (past kMaxRecordedDpi, or not a
// number) counts as not recorded: it is the file's word, and must not overflow an int.
int TiffDpi(TIFF* tif) {
  constexpr double kMaxRecordedDpi = 100'000;
  float xres = 0;
  std::uint16_t unit = RESUNIT_INCH;
  if (TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres) != 1) return 0;
  TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
  double dpi = 0;
  if (unit == RESUNIT_CENTIMETER) dpi = xres * 2.54;
  if (unit == RESUNIT_INCH) dpi = xres;
  if (!(dpi > 0 && dpi <= kMaxRecordedDpi)) return 0;
  return static_cast<int>(dpi + 0.5);
}

// Decodes the current page through libtiff's RGBA interface, which handles every photometric
// interpretation and bit depth a scanner writes (bilevel, grey, palette, RGB, YCbCr), and keeps
// it as grey.
bool DecodeTiffPageGrey(TIFF* tif, const MemoryFile& file, const PageGeometry& geometry,
                        std::vector<GreyPage>& pages) {
  const auto width = static_cast<std::size_t>(geometry.width_px);
  const auto height = static_cast<std::size_t>(geometry.height_px);
  std::vector<std::uint32_t> rgba(width * height);
  if (TIFFReadRGBAImageOriented(tif, geometry.width_px, geometry.height_px, rgba.data(),
                                ORIENTATION_TOPLEFT, 0) != 1 ||
      file.failed) {
    return false;
  }
  GreyPage page{geometry.width_px, geometry.height_px, geometry.dpi, {}};
  page.pixels.resize(width * height);
  for (std::size_t i = 0; i < rgba.size(); ++i) {
    const std::uint32_t p = rgba[i];
    // ITU-R BT.601 luma in integers, as libjpeg and libpng compute it.
    page.pixels[i] = static_cast<std::uint8_t>(
        (TIFFGetR(p) * 299 + TIFFGetG(p) * 587 + TIFFGetB(p) * 114 + 500) / 1000);
  }
  pages.push_back(std::move(page));
  return true;
}

// ---- PNG ----

// The resolution a pHYs chunk records (it must come before the image data), or 0.
int PngDpi(std::span<const std::uint8_t> bytes) {
  size_t i = 8;
  while (i + 12 <= bytes.size()) {
    const std::uint32_t length = BigEndian32(bytes.data() + i);
    const std::uint8_t* type = bytes.data() + i + 4;
    if (std::memcmp(type, "IDAT", 4) == 0 || length > bytes.size() - i - 12) break;
    if (std::memcmp(type, "pHYs", 4) == 0 && length == 9) {
      const std::uint32_t per_metre = BigEndian32(type + 4);
      if (type[12] == 1) return static_cast<int>(per_metre * 0.0254 + 0.5);
      return 0;
    }
    i += 12 + length;
  }
  return 0;
}

// ---- JPEG ----

// The resolution a JFIF APP0 segment records, or 0.
int JfifDpi(std::span<const std::uint8_t> bytes) {
  size_t i = 2;
  while (i + 4 <= bytes.size() && bytes[i] == 0xff) {
    const std::uint8_t marker = bytes[i + 1];
    const size_t length = (size_t{bytes[i + 2]} << 8) | bytes[i + 3];
    if (marker == 0xda || length < 2) break;  // start of scan: no more headers
    if (marker == 0xe0 && length >= 14 && i + 4 + 12 <= bytes.size() &&
        std::memcmp(bytes.data() + i + 4, "JFIF\0", 5) == 0) {
      const std::uint8_t* p = bytes.data() + i + 4;
      const int units = p[7];
      const int density = (p[8] << 8) | p[9];
      if (units == 1) return density;
      if (units == 2) return static_cast<int>(density * 2.54 + 0.5);
      return 0;
    }
    i += 2 + length;
  }
  return 0;
}

struct TjDestroyer {
  void operator()(void* handle) const { tjDestroy(handle); }
};

}  // namespace

Status Unreadable(std::string_view format) {
  std::string f(format);
  return Status::InvalidArgument(f + " の画像が壊れているか途中で切れています",
                                 "the " + f + " image is corrupt or truncated");
}

Status CheckPagePixels(std::int64_t width, std::int64_t height, const ImageLimits& limits,
                       int page) {
  const std::string size = std::to_string(width) + "×" + std::to_string(height);
  if (width <= 0 || height <= 0) {
    return Status::InvalidArgument("画像の大きさが不正です (" + size + ")",
                                   "the image has an impossible size (" + size + ")");
  }
  // In floating point: a header may claim 4294967295 × 4294967295, which no 64-bit integer
  // holds. Exact for every size near any limit (below 2^53).
  const double pixels = static_cast<double>(width) * static_cast<double>(height);
  if (pixels > static_cast<double>(limits.max_pixels)) {
    const std::string mp = std::to_string(static_cast<std::int64_t>(pixels / 1'000'000));
    const std::string limit = std::to_string(limits.max_pixels / 1'000'000);
    const std::string n = std::to_string(page);
    return Status::ResourceExhausted(
        n + " ページ目が大きすぎます (" + size + "、約 " + mp + " メガピクセル。上限 " + limit +
            " メガピクセル)",
        "page " + n + " is too large (" + size + ", about " + mp + " megapixels; the limit is " +
            limit + ")");
  }
  return Status::Ok();
}

Result<ProbedImage> ProbePng(std::span<const std::uint8_t> bytes, const ImageLimits& limits,
                             std::vector<GreyPage>* pages) {
  // The signature is 8 bytes and IHDR must come first: length 13, "IHDR", width, height.
  if (bytes.size() < 33 || BigEndian32(bytes.data() + 8) != 13 ||
      std::memcmp(bytes.data() + 12, "IHDR", 4) != 0) {
    return Unreadable("PNG");
  }
  ADB_RETURN_IF_ERROR(CheckPagePixels(BigEndian32(bytes.data() + 16),
                                      BigEndian32(bytes.data() + 20), limits, 1));
  // libpng's simplified API keeps its errors in the image's message instead of printing them.
  png_image png;
  std::memset(&png, 0, sizeof(png));
  png.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_memory(&png, bytes.data(), bytes.size()) == 0) {
    return Unreadable("PNG");
  }
  png.format = PNG_FORMAT_GRAY;
  std::vector<std::uint8_t> grey(PNG_IMAGE_SIZE(png));
  const bool read = png_image_finish_read(&png, nullptr, grey.data(), 0, nullptr) != 0;
  const int width = static_cast<int>(png.width), height = static_cast<int>(png.height);
  png_image_free(&png);
  if (!read) return Unreadable("PNG");
  const int dpi = PngDpi(bytes);
  if (pages) pages->push_back({width, height, dpi, std::move(grey)});
  return ProbedImage{ImageFormat::kPng, "image/png", {{width, height, dpi}}};
}

Result<ProbedImage> ProbeJpeg(std::span<const std::uint8_t> bytes, const ImageLimits& limits,
                             std::vector<GreyPage>* pages) {
  std::unique_ptr<void, TjDestroyer> tj(tjInitDecompress());
  if (!tj) return Status::Internal("JPEG を読む準備ができません", "cannot start the JPEG decoder");
  auto* data = const_cast<unsigned char*>(bytes.data());  // turbojpeg does not write to it
  const auto size = static_cast<unsigned long>(bytes.size());
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(tj.get(), data, size, &width, &height, &subsampling, &colorspace) != 0) {
    return Unreadable("JPEG");
  }
  ADB_RETURN_IF_ERROR(CheckPagePixels(width, height, limits, 1));
  // Stop on warnings: libjpeg pads a truncated file with grey and calls that a warning.
  std::vector<unsigned char> grey(static_cast<size_t>(width) * height);
  if (tjDecompress2(tj.get(), data, size, grey.data(), width, width, height, TJPF_GRAY,
                    TJFLAG_STOPONWARNING) != 0) {
    return Unreadable("JPEG");
  }
  const int dpi = JfifDpi(bytes);
  if (pages) pages->push_back({width, height, dpi, std::move(grey)});
  return ProbedImage{ImageFormat::kJpeg, "image/jpeg", {{width, height, dpi}}};
}

Result<ProbedImage> ProbeTiff(std::span<const std::uint8_t> bytes, const ImageLimits& limits,
                             std::vector<GreyPage>* pages) {
  MemoryFile file{bytes};
  std::unique_ptr<TIFFOpenOptions, TiffOptionsFreer> options(TIFFOpenOptionsAlloc());
  TIFFOpenOptionsSetErrorHandlerExtR(options.get(), RecordTiffError, &file);
  TIFFOpenOptionsSetWarningHandlerExtR(options.get(), IgnoreTiffWarning, &file);
  TIFFOpenOptionsSetMaxSingleMemAlloc(options.get(), limits.max_bytes);
  std::unique_ptr<TIFF, TiffCloser> tif(TIFFClientOpenExt("scan", "rm", &file, MemRead, MemWrite,
                                                          MemSeek, MemClose, MemSize, MemMap,
                                                          MemUnmap, options.get()));
  if (!tif) return Unreadable("TIFF");

  // Every page's header first: nothing is decoded until all pages are known to be in bounds.
  // A directory chain that points past the end of the file is a truncated file, not the end.
  ProbedImage image{ImageFormat::kTiff, "image/tiff", {}};
  do {
    const int page = static_cast<int>(image.pages.size()) + 1;
    if (page > limits.max_pages) {
      const std::string limit = std::to_string(limits.max_pages);
      return Status::ResourceExhausted("ページが多すぎます (上限 " + limit + " ページ)",
                                       "too many pages (the limit is " + limit + ")");
    }
    std::uint32_t width = 0, height = 0;
    if (TIFFGetField(tif.get(), TIFFTAG_IMAGEWIDTH, &width) != 1 ||
        TIFFGetField(tif.get(), TIFFTAG_IMAGELENGTH, &height) != 1) {
      return Unreadable("TIFF");
    }
    ADB_RETURN_IF_ERROR(CheckPagePixels(width, height, limits, page));
    // Reading decodes through libtiff's RGBA interface (DecodeTiffPageGrey); a page it cannot
    // handle (RGB with one sample per pixel, say) is refused here, at the front desk, rather
    // than accepted and found unreadable later.
    char unsupported[1024] = "";
    if (TIFFRGBAImageOK(tif.get(), unsupported) != 1) return Unreadable("TIFF");
    image.pages.push_back(
        {static_cast<int>(width), static_cast<int>(height), TiffDpi(tif.get())});
  } while (TIFFReadDirectory(tif.get()) == 1);
  if (file.failed) return Unreadable("TIFF");

  // The check decodes each page exactly as reading will (one page at a time, then dropped), so
  // a file accepted at the front desk is always one reading can decode: libtiff's strip reader
  // accepts pages its RGBA interface then refuses.
  std::vector<GreyPage> checked;
  for (size_t page = 0; page < image.pages.size(); ++page) {
    checked.clear();
    const bool decoded =
        TIFFSetDirectory(tif.get(), static_cast<tdir_t>(page)) == 1 &&
        DecodeTiffPageGrey(tif.get(), file, image.pages[page], pages ? *pages : checked);
    if (!decoded) {
      return Unreadable("TIFF").WithPrefix(std::to_string(page + 1) + "/" +
                                           std::to_string(image.pages.size()) + ": ");
    }
  }
  return image;
}

}  // namespace adbridge::ingest::internal
