// Writing and reading scan files through Leptonica, which records the resolution (OpenCV's
// writers do not): PNG, JPEG at a quality, and multi-page TIFF.
//
//   ADB_RETURN_IF_ERROR(WriteImage(dir / "0001.png", ImageFormat::kPng, {page}, 200, 0));
//   Result<std::vector<ScanPage>> pages = ReadImage(dir / "0001.png");  // (*pages)[0].xres == 200
//
// Thread-safety: the functions share no state.
#ifndef ADBRIDGE_TESTS_SCANGEN_IMAGE_IO_H_
#define ADBRIDGE_TESTS_SCANGEN_IMAGE_IO_H_

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "models/status.h"

struct Pix;

namespace adbridge::scangen {

enum class ImageFormat { kPng, kJpeg, kTiff };
std::string_view ImageFormatExtension(ImageFormat format);  // "png", "jpg", "tif"
std::string_view ImageFormatName(ImageFormat format);       // "png", "jpeg", "tiff"

struct PixDeleter {
  void operator()(Pix* pix) const;
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

// An 8 bpp grey PIX of a CV_8UC1 image, with `dpi` as its resolution.
PixPtr PixFromMat(const cv::Mat& grey, int dpi);
// A CV_8UC1 copy of any PIX (converted to 8 bpp grey).
cv::Mat MatFromPix(Pix* pix);

// Writes `pages` (CV_8UC1) at `dpi`. PNG and JPEG hold one page; TIFF (deflate-compressed)
// holds any number. `jpeg_quality` is used for kJpeg only. Returns InvalidArgument for several
// pages in a one-page format, Internal when Leptonica cannot write the file.
Status WriteImage(const std::filesystem::path& file, ImageFormat format,
                  const std::vector<cv::Mat>& pages, int dpi, int jpeg_quality);

struct ScanPage {
  cv::Mat grey;  // CV_8UC1
  int xres = 0;
  int yres = 0;
};

// Reads every page of a PNG, JPEG or (multi-page) TIFF. Returns NotFound when it cannot be
// read.
Result<std::vector<ScanPage>> ReadImage(const std::filesystem::path& file);

}  // namespace adbridge::scangen

#endif  // ADBRIDGE_TESTS_SCANGEN_IMAGE_IO_H_
