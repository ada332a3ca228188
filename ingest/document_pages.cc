#include "ingest/document_pages.h"

#include <png.h>
#include <tiffio.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace adbridge::ingest {
namespace {

Status MalformedPage(int width, int height, std::size_t pixels) {
  const std::string size = std::to_string(width) + "×" + std::to_string(height);
  return Status::InvalidArgument(
      "ページの画素数が大きさ (" + size + ") と合いません: " + std::to_string(pixels),
      "a page's pixels do not match its size (" + size + "): " + std::to_string(pixels));
}

Status CheckPage(const GreyPage& page) {
  if (page.width <= 0 || page.height <= 0 ||
      page.pixels.size() != static_cast<std::size_t>(page.width) * page.height) {
    return MalformedPage(page.width, page.height, page.pixels.size());
  }
  return Status::Ok();
}

// ---- TIFF written into memory through libtiff ----

struct MemoryOutput {
  std::vector<std::uint8_t> bytes;
  toff_t position = 0;
  bool failed = false;  // libtiff reported an error
};

tmsize_t OutRead(thandle_t handle, void* buffer, tmsize_t size) {
  auto* out = static_cast<MemoryOutput*>(handle);
  if (size <= 0 || out->position >= out->bytes.size()) return 0;
  const auto n = std::min<toff_t>(static_cast<toff_t>(size), out->bytes.size() - out->position);
  std::memcpy(buffer, out->bytes.data() + out->position, n);
  out->position += n;
  return static_cast<tmsize_t>(n);
}
tmsize_t OutWrite(thandle_t handle, void* buffer, tmsize_t size) {
  auto* out = static_cast<MemoryOutput*>(handle);
  if (size <= 0) return 0;
  const toff_t end = out->position + static_cast<toff_t>(size);
  if (end > out->bytes.size()) out->bytes.resize(end);
  std::memcpy(out->bytes.data() + out->position, buffer, static_cast<std::size_t>(size));
  out->position = end;
  return size;
}
toff_t OutSeek(thandle_t handle, toff_t offset, int whence) {
  auto* out = static_cast<MemoryOutput*>(handle);
  const toff_t base = whence == SEEK_CUR   ? out->position
                      : whence == SEEK_END ? out->bytes.size()
                                           : 0;
  out->position = base + offset;
  return out->position;
}
int OutClose(thandle_t) { return 0; }
toff_t OutSize(thandle_t handle) { return static_cast<MemoryOutput*>(handle)->bytes.size(); }
int OutMap(thandle_t, void**, toff_t*) { return 0; }
void OutUnmap(thandle_t, void*, toff_t) {}

int RecordTiffError(TIFF*, void* user_data, const char*, const char*, va_list) {
  static_cast<MemoryOutput*>(user_data)->failed = true;
  return 1;  // handled: nothing is printed
}
int IgnoreTiffWarning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

struct TiffOptionsFreer {
  void operator()(TIFFOpenOptions* options) const { TIFFOpenOptionsFree(options); }
};
struct TiffCloser {
  void operator()(TIFF* tif) const { TIFFClose(tif); }
};

Status TiffFailed() { return Status::Internal("TIFF を書けません", "cannot write the TIFF"); }

bool WriteTiffPage(TIFF* tif, const GreyPage& page, int index, int count) {
  const auto width = static_cast<std::uint32_t>(page.width);
  const auto height = static_cast<std::uint32_t>(page.height);
  bool ok = TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE) == 1 &&
            TIFFSetField(tif, TIFFTAG_PAGENUMBER, static_cast<std::uint16_t>(index),
                         static_cast<std::uint16_t>(count)) == 1 &&
            TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, width) == 1 &&
            TIFFSetField(tif, TIFFTAG_IMAGELENGTH, height) == 1 &&
            TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8) == 1 &&
            TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1) == 1 &&
            TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK) == 1 &&
            TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) == 1 &&
            TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT) == 1 &&
            TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE) == 1 &&
            TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL) == 1 &&
            TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(tif, 0)) == 1;
  if (ok && page.dpi > 0) {
    ok = TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH) == 1 &&
         TIFFSetField(tif, TIFFTAG_XRESOLUTION, static_cast<float>(page.dpi)) == 1 &&
         TIFFSetField(tif, TIFFTAG_YRESOLUTION, static_cast<float>(page.dpi)) == 1;
  }
  // libtiff takes a non-const row; it does not change it (the predictor works on a copy).
  std::vector<std::uint8_t> row(width);
  for (std::uint32_t y = 0; ok && y < height; ++y) {
    std::memcpy(row.data(), page.pixels.data() + static_cast<std::size_t>(y) * width, width);
    ok = TIFFWriteScanline(tif, row.data(), y, 0) == 1;
  }
  return ok && TIFFWriteDirectory(tif) == 1;
}

// The area-averaged pixel of `page` covering [x0, x1) × [y0, y1).
std::uint8_t AreaMean(const GreyPage& page, int x0, int x1, int y0, int y1) {
  std::uint64_t sum = 0;
  for (int y = y0; y < y1; ++y) {
    const std::uint8_t* row = page.pixels.data() + static_cast<std::size_t>(y) * page.width;
    for (int x = x0; x < x1; ++x) sum += row[x];
  }
  const std::uint64_t count = static_cast<std::uint64_t>(x1 - x0) * (y1 - y0);
  return static_cast<std::uint8_t>((sum + count / 2) / count);
}

std::string PageRange(int first, int last) {  // 1-based
  return first == last ? std::to_string(first) + "枚目"
                       : std::to_string(first) + "–" + std::to_string(last) + "枚目";
}

}  // namespace

Result<GreyPage> RotateGreyPage(const GreyPage& page, int degrees) {
  ADB_RETURN_IF_ERROR(CheckPage(page));
  const int w = page.width, h = page.height;
  auto at = [&](int x, int y) { return page.pixels[static_cast<std::size_t>(y) * w + x]; };
  switch (degrees) {
    case 0:
      return page;
    case 180: {
      GreyPage turned{w, h, page.dpi,
                      std::vector<std::uint8_t>(page.pixels.rbegin(), page.pixels.rend())};
      return turned;
    }
    case 90:
    case 270: {
      // Clockwise, the source's bottom-left corner becomes the top-left; anticlockwise (270)
      // its top-right does.
      GreyPage turned{h, w, page.dpi, std::vector<std::uint8_t>(page.pixels.size())};
      for (int y = 0; y < w; ++y) {
        std::uint8_t* row = turned.pixels.data() + static_cast<std::size_t>(y) * h;
        for (int x = 0; x < h; ++x) {
          row[x] = degrees == 90 ? at(y, h - 1 - x) : at(w - 1 - y, x);
        }
      }
      return turned;
    }
    default:
      return Status::InvalidArgument(
          "ページの回転は 0・90・180・270 度のどれかです: " + std::to_string(degrees),
          "a page turns by 0, 90, 180 or 270 degrees: " + std::to_string(degrees));
  }
}

Result<std::vector<GreyPage>> LoadDocumentPages(const models::BlobStore& blobs,
                                                const std::vector<models::PageRecord>& pages,
                                                const ImageLimits& limits) {
  std::map<std::string, std::vector<GreyPage>> sources;  // each file decoded once
  std::vector<GreyPage> images;
  images.reserve(pages.size());
  for (const models::PageRecord& page : pages) {
    const std::string number = std::to_string(page.page_index + 1);
    if (page.source_sha256.empty()) {
      return Status::DataLoss(number + " ページ目の画像の元ファイルが記録されていません",
                              "page " + number + " does not record the file its image is in");
    }
    auto source = sources.find(page.source_sha256);
    if (source == sources.end()) {
      ADB_ASSIGN_OR_RETURN(std::vector<std::uint8_t> bytes, blobs.Get(page.source_sha256));
      ADB_ASSIGN_OR_RETURN(std::vector<GreyPage> decoded, DecodeGreyPages(bytes, limits));
      source = sources.emplace(page.source_sha256, std::move(decoded)).first;
    }
    if (page.source_index < 0 ||
        static_cast<std::size_t>(page.source_index) >= source->second.size()) {
      return Status::DataLoss(
          number + " ページ目の元ファイルにページ " + std::to_string(page.source_index + 1) +
              " がありません",
          "the file of page " + number + " has no page " + std::to_string(page.source_index + 1));
    }
    ADB_ASSIGN_OR_RETURN(GreyPage image,
                         RotateGreyPage(source->second[page.source_index], page.rotation));
    images.push_back(std::move(image));
  }
  return images;
}

Result<std::vector<std::uint8_t>> EncodePagesAsTiff(const std::vector<GreyPage>& pages) {
  if (pages.empty()) {
    return Status::InvalidArgument("ページのない TIFF は作れません",
                                   "a TIFF needs at least one page");
  }
  for (const GreyPage& page : pages) ADB_RETURN_IF_ERROR(CheckPage(page));
  MemoryOutput out;
  {
    std::unique_ptr<TIFFOpenOptions, TiffOptionsFreer> options(TIFFOpenOptionsAlloc());
    TIFFOpenOptionsSetErrorHandlerExtR(options.get(), RecordTiffError, &out);
    TIFFOpenOptionsSetWarningHandlerExtR(options.get(), IgnoreTiffWarning, &out);
    std::unique_ptr<TIFF, TiffCloser> tif(TIFFClientOpenExt("pages", "w", &out, OutRead, OutWrite,
                                                            OutSeek, OutClose, OutSize, OutMap,
                                                            OutUnmap, options.get()));
    if (!tif) return TiffFailed();
    const int count = static_cast<int>(pages.size());
    for (int i = 0; i < count; ++i) {
      if (!WriteTiffPage(tif.get(), pages[static_cast<std::size_t>(i)], i, count) || out.failed) {
        return TiffFailed();
      }
    }
  }  // closing flushes the last directory
  if (out.failed || out.bytes.empty()) return TiffFailed();
  return std::move(out.bytes);
}

Result<std::vector<std::uint8_t>> EncodePagePreviewPng(const GreyPage& page, int max_width) {
  if (max_width < 1) {
    return Status::InvalidArgument("縮小の幅は 1 画素以上です", "max_width must be at least 1");
  }
  ADB_RETURN_IF_ERROR(CheckPage(page));
  const int width = std::min(page.width, max_width);
  const int height = std::max(
      1, static_cast<int>((static_cast<std::int64_t>(page.height) * width + page.width / 2) /
                          page.width));
  std::vector<std::uint8_t> small(static_cast<std::size_t>(width) * height);
  for (int y = 0; y < height; ++y) {
    const int y0 = static_cast<int>(static_cast<std::int64_t>(y) * page.height / height);
    const int y1 =
        std::max(y0 + 1, static_cast<int>(static_cast<std::int64_t>(y + 1) * page.height / height));
    for (int x = 0; x < width; ++x) {
      const int x0 = static_cast<int>(static_cast<std::int64_t>(x) * page.width / width);
      const int x1 =
          std::max(x0 + 1, static_cast<int>(static_cast<std::int64_t>(x + 1) * page.width / width));
      small[static_cast<std::size_t>(y) * width + x] = AreaMean(page, x0, x1, y0, y1);
    }
  }
  png_image png;
  std::memset(&png, 0, sizeof(png));
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(width);
  png.height = static_cast<png_uint_32>(height);
  png.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  const auto failed = [&png]() {
    const std::string reason = png.message;
    png_image_free(&png);
    return Status::Internal("縮小画像を PNG にできません: " + reason,
                            "cannot encode the preview as PNG: " + reason);
  };
  if (png_image_write_to_memory(&png, nullptr, &size, 0, small.data(), 0, nullptr) == 0) {
    return failed();
  }
  std::vector<std::uint8_t> bytes(size);
  if (png_image_write_to_memory(&png, bytes.data(), &size, 0, small.data(), 0, nullptr) == 0) {
    return failed();
  }
  bytes.resize(size);
  return bytes;
}

Result<std::int64_t> SplitScannedDocument(models::Store& store, const models::BlobStore& blobs,
                                          std::int64_t document_id, const std::string& tenant_code,
                                          int first_page, std::int64_t user_id,
                                          const ImageLimits& limits) {
  ADB_ASSIGN_OR_RETURN(models::Document document, store.GetDocument(document_id));
  if (document.tenant_code != tenant_code) {
    // As the store answers: another municipality's document is not there.
    const std::string name = std::to_string(document_id);
    return Status::NotFound("文書がありません: " + name, "no such document: " + name);
  }
  ADB_ASSIGN_OR_RETURN(std::vector<models::PageRecord> pages, store.ListPages(document_id));
  const int count = static_cast<int>(pages.size());
  if (first_page <= 0 || first_page >= count) {
    // The store gives the reason (and checks everything else) without a piece to store.
    models::NewDocument nothing;
    nothing.tenant_code = tenant_code;
    nothing.original_sha256 = document.original_sha256;
    return store.SplitDocument(document_id, tenant_code, first_page, nothing, user_id);
  }
  const std::vector<models::PageRecord> moved(pages.begin() + first_page, pages.end());
  ADB_ASSIGN_OR_RETURN(std::vector<GreyPage> images, LoadDocumentPages(blobs, moved, limits));
  ADB_ASSIGN_OR_RETURN(std::vector<std::uint8_t> tiff, EncodePagesAsTiff(images));

  // Durable first: the piece is on disk and recorded before a document points to it.
  ADB_ASSIGN_OR_RETURN(std::string sha256, blobs.Put(tiff));
  ADB_RETURN_IF_ERROR(
      store.RecordBlob(sha256, static_cast<std::int64_t>(tiff.size()), "image/tiff"));
  models::NewDocument piece;
  piece.tenant_code = tenant_code;
  piece.source = models::DocumentSource::kScan;
  piece.source_name = document.source_name + " (" + PageRange(first_page + 1, count) + ")";
  piece.original_sha256 = sha256;
  piece.media_type = "image/tiff";
  piece.original_size = static_cast<std::int64_t>(tiff.size());
  for (const GreyPage& image : images) {
    piece.pages.push_back({image.width, image.height, image.dpi});
  }
  return store.SplitDocument(document_id, tenant_code, first_page, piece, user_id);
}

}  // namespace adbridge::ingest
