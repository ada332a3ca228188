#include "review/watermark.h"

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace adbridge::review {
namespace {

std::string Printable(std::string_view mark) {
  std::string out(mark);
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

}  // namespace

Result<std::string> WatermarkSnippet(std::string_view png, std::string_view mark) {
  if (mark.empty()) {
    return Status::InvalidArgument("透かしの文字がありません", "the watermark is empty");
  }
  std::vector<unsigned char> bytes(png.begin(), png.end());
  cv::Mat image;
  if (!bytes.empty()) image = cv::imdecode(bytes, cv::IMREAD_COLOR);
  if (image.empty()) {
    return Status::DataLoss("切り出し画像が壊れています", "the snippet image is damaged");
  }
  const std::string text = Printable(mark);
  // The type scales with the snippet so the mark is readable at any size, but stays small
  // beside the writing (about a fifth of a 40-pixel-high line at the least).
  const double scale = std::clamp(image.rows / 140.0, 0.35, 1.2);
  const int thickness = 1;
  int baseline = 0;
  const cv::Size size =
      cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
  cv::Mat overlay = image.clone();
  const int step_x = size.width + size.height * 3;
  const int step_y = std::max(size.height * 3, 12);
  for (int row = 0, y = size.height + 2; y < image.rows + size.height; ++row, y += step_y) {
    const int offset = (row % 2) * (step_x / 2);  // brick pattern: no clear column to crop
    for (int x = 2 - offset; x < image.cols; x += step_x) {
      cv::putText(overlay, text, {x, y}, cv::FONT_HERSHEY_SIMPLEX, scale,
                  cv::Scalar(40, 60, 200), thickness, cv::LINE_AA);
    }
  }
  cv::Mat blended;
  cv::addWeighted(overlay, 0.35, image, 0.65, 0, blended);
  std::vector<unsigned char> encoded;
  if (!cv::imencode(".png", blended, encoded, {cv::IMWRITE_PNG_COMPRESSION, 3})) {
    return Status::Internal("透かし入りの画像を作れません", "cannot encode the watermarked image");
  }
  return std::string(encoded.begin(), encoded.end());
}

}  // namespace adbridge::review
