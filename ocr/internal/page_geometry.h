// Private to ocr/: the pixel conventions the page locator works in, and what a form-to-scan
// homography says about how the page lay (turn, skew, scale) and whether it is plausible.
//
//   const cv::Matx33d to_px = MmToPixels(300);   // form mm -> pixel of a 300 dpi image
//   TransformShape shape = DescribeTransform(mm_to_scan, {105, 148.5});
//   std::optional<Text> why = CheckTransform(mm_to_scan, 210, 297, scan.size(), 300, 0.1, 2);
//
// Thread-safety: pure functions.
#ifndef ADBRIDGE_OCR_INTERNAL_PAGE_GEOMETRY_H_
#define ADBRIDGE_OCR_INTERNAL_PAGE_GEOMETRY_H_

#include <opencv2/core.hpp>
#include <optional>

#include "models/status.h"

namespace adbridge::ocr::internal {

// Pixel i of an image drawn at `dpi` covers form millimetres [i, i+1) * 25.4 / dpi, so its
// centre, which OpenCV calls coordinate i, is at (i + 0.5) * 25.4 / dpi. Keeping to that one
// convention for the reference, the working copies and the scan keeps half-pixel offsets out
// of the transform (at 100 dpi half a pixel is already 0.13 mm).
cv::Matx33d MmToPixels(double dpi);
cv::Matx33d PixelsToMm(double dpi);
// Pixels of an image at `from_dpi` to pixels of the same page resampled to `to_dpi`.
cv::Matx33d Rescale(double from_dpi, double to_dpi);

cv::Point2d Apply(const cv::Matx33d& h, cv::Point2d p);

struct TransformShape {
  int quarter_turns = 0;  // 0..3, counter-clockwise
  double skew_deg = 0;    // counter-clockwise, beyond the quarter turns, in (-45, 45]
  double px_per_mm = 0;   // mean scale of the two axes
  double axis_ratio = 1;  // length of the y axis over the x axis
  double shear_deg = 0;   // how far the axes are from square
  bool mirrored = false;
};

// The local shape of `mm_to_scan` at the form point `at_mm`.
TransformShape DescribeTransform(const cv::Matx33d& mm_to_scan, cv::Point2d at_mm);

// Why `mm_to_scan` cannot be the page of `width_mm` x `height_mm` scanned into an image of
// `scan_size` at `dpi`, or nullopt when it can: scale within `scale_tolerance` of the
// resolution, square axes (within `max_shear_deg`, equal lengths within 5 %), not mirrored,
// no strong perspective, and the page's corners near the scan.
std::optional<Text> CheckTransform(const cv::Matx33d& mm_to_scan, double width_mm, double height_mm,
                                   cv::Size scan_size, double dpi, double scale_tolerance,
                                   double max_shear_deg);

}  // namespace adbridge::ocr::internal

#endif  // ADBRIDGE_OCR_INTERNAL_PAGE_GEOMETRY_H_
