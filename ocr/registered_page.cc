#include "ocr/registered_page.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

namespace adbridge::ocr {

RegisteredPage::RegisteredPage(cv::Mat scan, const cv::Matx33d& mm_to_scan)
    : scan_(std::move(scan)), mm_to_scan_(mm_to_scan) {}

cv::Mat RegisteredPage::Crop(const models::BoxMm& box, double dpi, double margin_mm) const {
  const double px_per_mm = dpi / 25.4;
  const double x0 = box.x - margin_mm;
  const double y0 = box.y - margin_mm;
  const int width = std::max(1, static_cast<int>(std::lround((box.width + 2 * margin_mm) * px_per_mm)));
  const int height = std::max(1, static_cast<int>(std::lround((box.height + 2 * margin_mm) * px_per_mm)));
  // crop pixel -> form mm -> scan pixel. warpPerspective with WARP_INVERSE_MAP takes the map
  // from destination to source, which is exactly this product.
  const cv::Matx33d crop_to_mm(1 / px_per_mm, 0, x0,  //
                               0, 1 / px_per_mm, y0,  //
                               0, 0, 1);
  const cv::Matx33d crop_to_scan = mm_to_scan_ * crop_to_mm;
  cv::Mat out;
  cv::warpPerspective(scan_, out, cv::Mat(crop_to_scan), cv::Size(width, height),
                      cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT,
                      cv::Scalar(255));
  return out;
}

cv::Point2d RegisteredPage::ToScan(double x_mm, double y_mm) const {
  const cv::Vec3d p = mm_to_scan_ * cv::Vec3d(x_mm, y_mm, 1);
  return {p[0] / p[2], p[1] / p[2]};
}

cv::Matx33d ScaleMmToPixels(double dpi) {
  const double s = dpi / 25.4;
  return cv::Matx33d(s, 0, 0, 0, s, 0, 0, 0, 1);
}

}  // namespace adbridge::ocr
