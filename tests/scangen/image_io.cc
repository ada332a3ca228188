#include "tests/scangen/image_io.h"

#include <cstdio>
#include <string>

#include <leptonica/allheaders.h>

namespace adbridge::scangen {
namespace {

Status WriteFailed(const std::filesystem::path& file) {
  return Status::Internal("画像を書き込めません: " + file.string(),
                          "cannot write image: " + file.string());
}

}  // namespace

std::string_view ImageFormatExtension(ImageFormat format) {
  switch (format) {
    case ImageFormat::kPng: return "png";
    case ImageFormat::kJpeg: return "jpg";
    case ImageFormat::kTiff: return "tif";
  }
  return "png";
}

std::string_view ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kPng: return "png";
    case ImageFormat::kJpeg: return "jpeg";
    case ImageFormat::kTiff: return "tiff";
  }
  return "png";
}

void PixDeleter::operator()(Pix* pix) const { pixDestroy(&pix); }

PixPtr PixFromMat(const cv::Mat& grey, int dpi) {
  PixPtr pix(pixCreate(grey.cols, grey.rows, 8));
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < grey.rows; ++y) {
    const std::uint8_t* src = grey.ptr<std::uint8_t>(y);
    l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < grey.cols; ++x) SET_DATA_BYTE(line, x, src[x]);
  }
  pixSetResolution(pix.get(), dpi, dpi);
  return pix;
}

cv::Mat MatFromPix(Pix* pix) {
  PixPtr grey(pixConvertTo8(pix, 0));
  const int w = static_cast<int>(pixGetWidth(grey.get()));
  const int h = static_cast<int>(pixGetHeight(grey.get()));
  cv::Mat out(h, w, CV_8UC1);
  const l_uint32* data = pixGetData(grey.get());
  const int wpl = pixGetWpl(grey.get());
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    std::uint8_t* dst = out.ptr<std::uint8_t>(y);
    for (int x = 0; x < w; ++x) dst[x] = static_cast<std::uint8_t>(GET_DATA_BYTE(line, x));
  }
  return out;
}

Status WriteImage(const std::filesystem::path& file, ImageFormat format,
                  const std::vector<cv::Mat>& pages, int dpi, int jpeg_quality) {
  if (pages.empty() || (pages.size() > 1 && format != ImageFormat::kTiff)) {
    return Status::InvalidArgument(
        "複数ページは TIFF にしか書けません: " + file.string(),
        "only TIFF holds several pages (or none given): " + file.string());
  }
  const std::string name = file.string();
  for (std::size_t i = 0; i < pages.size(); ++i) {
    PixPtr pix = PixFromMat(pages[i], dpi);
    l_ok failed = 1;
    switch (format) {
      case ImageFormat::kPng: failed = pixWritePng(name.c_str(), pix.get(), 0); break;
      case ImageFormat::kJpeg:
        failed = pixWriteJpeg(name.c_str(), pix.get(), jpeg_quality, 0);
        break;
      case ImageFormat::kTiff:
        failed = pixWriteTiff(name.c_str(), pix.get(), IFF_TIFF_ZIP, i == 0 ? "w" : "a");
        break;
    }
    if (failed != 0) return WriteFailed(file);
  }
  return Status::Ok();
}

Result<std::vector<ScanPage>> ReadImage(const std::filesystem::path& file) {
  const std::string name = file.string();
  const Status not_found = Status::NotFound("画像を読めません: " + name, "cannot read image: " + name);
  l_int32 format = IFF_UNKNOWN;
  if (findFileFormat(name.c_str(), &format) != 0) return not_found;
  std::vector<ScanPage> pages;
  auto add = [&](Pix* raw) {
    PixPtr pix(raw);
    pages.push_back({MatFromPix(pix.get()), pixGetXRes(pix.get()), pixGetYRes(pix.get())});
  };
  if (format == IFF_TIFF || format == IFF_TIFF_ZIP || format == IFF_TIFF_LZW ||
      format == IFF_TIFF_G4 || format == IFF_TIFF_PACKBITS || format == IFF_TIFF_G3 ||
      format == IFF_TIFF_RLE || format == IFF_TIFF_JPEG) {
    FILE* fp = fopenReadStream(name.c_str());
    if (fp == nullptr) return not_found;
    l_int32 count = 0;
    const l_ok bad = tiffGetCount(fp, &count);
    std::fclose(fp);
    if (bad != 0 || count < 1) return not_found;
    for (l_int32 i = 0; i < count; ++i) {
      Pix* pix = pixReadTiff(name.c_str(), i);
      if (pix == nullptr) return not_found;
      add(pix);
    }
    return pages;
  }
  Pix* pix = pixRead(name.c_str());
  if (pix == nullptr) return not_found;
  add(pix);
  return pages;
}

}  // namespace adbridge::scangen
