// RegisteredPage: a scanned page together with where the form's millimetre coordinates fall on
// it, so that any box of the form definition can be cut out of the scan, straightened, at the
// resolution the reader wants.
//
//   RegisteredPage page(scan, mm_to_scan);   // from PageLocator
//   cv::Mat crop = page.Crop(field.box, 300, 1.0);  // the box with 1 mm around it, at 300 dpi
//
// Only the pixels asked for are warped: cutting out a field costs its own area, not a page's.
//
// Thread-safety: immutable after construction; Crop may be called from several threads.
#ifndef ADBRIDGE_OCR_REGISTERED_PAGE_H_
#define ADBRIDGE_OCR_REGISTERED_PAGE_H_

#include <opencv2/core.hpp>

#include "models/form_definition.h"

namespace adbridge::ocr {

class RegisteredPage {
 public:
  // `scan` is 8-bit grey (CV_8UC1) and shared, not copied. `mm_to_scan` maps a point of the
  // form in millimetres (x right, y down from the top-left corner) to scan pixels.
  RegisteredPage(cv::Mat scan, const cv::Matx33d& mm_to_scan);

  // The rectangle `box` grown by `margin_mm` on every side, resampled to `dpi` and turned
  // upright: the result is round((w + 2m) * dpi / 25.4) by round((h + 2m) * dpi / 25.4)
  // pixels. Parts that fall outside the scan are white.
  cv::Mat Crop(const models::BoxMm& box, double dpi, double margin_mm = 0) const;

  // Where the form point (x_mm, y_mm) is on the scan, in pixels.
  cv::Point2d ToScan(double x_mm, double y_mm) const;

  const cv::Mat& scan() const { return scan_; }
  const cv::Matx33d& mm_to_scan() const { return mm_to_scan_; }

 private:
  cv::Mat scan_;
  cv::Matx33d mm_to_scan_;
};

// The transform of a page drawn at `dpi` without any fault (a blank reference image): a pure
// scale. Useful for reference images, which are the form itself.
cv::Matx33d ScaleMmToPixels(double dpi);

}  // namespace adbridge::ocr

#endif  // ADBRIDGE_OCR_REGISTERED_PAGE_H_
