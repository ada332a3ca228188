// Private to ocr/: turns a coarse form-to-scan transform (from ORB at ~100 dpi or from marker
// corners) into one accurate to a few hundredths of a millimetre, and measures how well the
// form's print agrees with the scan under a transform.
//
// Refinement matches small patches of the blank reference (box corners, characters, spread
// over the page) against the full-resolution scan warped into the reference's frame around
// where the coarse transform puts them, locates each peak to a fraction of a pixel, and fits a
// homography to the corrected points. Only the patch windows are warped, so it costs a few
// milliseconds, not a page warp.
//
//   std::vector<RefinePatch> patches = ChoosePatches(reference_at_150dpi, 150);
//   std::optional<cv::Matx33d> fine = RefineTransform(scan, coarse, patches, 150, 2.0);
//
// Thread-safety: pure functions of their arguments.
#ifndef ADBRIDGE_OCR_INTERNAL_PAGE_REFINER_H_
#define ADBRIDGE_OCR_INTERNAL_PAGE_REFINER_H_

#include <opencv2/core.hpp>
#include <optional>
#include <vector>

namespace adbridge::ocr::internal {

struct RefinePatch {
  cv::Point2d centre_mm;  // where the template's centre pixel is on the form
  cv::Mat templ;          // square, odd size, at the refinement resolution
};

// Well-textured patches of `reference` (drawn at `dpi`) spread over the whole page, so that
// every region of the form constrains the fit.
std::vector<RefinePatch> ChoosePatches(const cv::Mat& reference, double dpi);

struct Refinement {
  cv::Matx33d mm_to_scan;
  int patches_used = 0;
};

// `coarse` maps form mm to `scan` pixels to within `search_mm`. Returns nullopt when too few
// patches are found on the scan to fit a transform (a page that is mostly missing, or not this
// form at all).
std::optional<Refinement> RefineTransform(const cv::Mat& scan, const cv::Matx33d& coarse,
                                          const std::vector<RefinePatch>& patches, double dpi,
                                          double search_mm);

// Points of the form (in mm) where the blank reference (drawn at `dpi`) has ink, at most
// `max_points` of them spread evenly.
std::vector<cv::Point2f> InkSamples(const cv::Mat& reference, double dpi, int max_points);

// The share of `ink_mm` that falls on ink of the scan under `mm_to_scan`. `scan_ink` is the
// scan at `work_dpi` with its dark spread by one pixel (a min filter), so a line is still hit
// when off by a fraction of a millimetre; `scan_dpi` is the scan's own resolution.
double InkAgreement(const cv::Mat& scan_ink, double work_dpi, double scan_dpi,
                    const std::vector<cv::Point2f>& ink_mm, const cv::Matx33d& mm_to_scan);

// Of the samples of `ink_mm` that do not fall on scan ink, the share that falls where the scan
// has no ink at all nearby (or off the scan): high when part of the page is missing (torn off,
// covered, cut off), low when the page is simply another document. `scan_ink_near` is the scan
// at `work_dpi` with its dark spread by several millimetres.
double MissingShare(const cv::Mat& scan_ink, const cv::Mat& scan_ink_near, double work_dpi,
                    double scan_dpi, const std::vector<cv::Point2f>& ink_mm,
                    const cv::Matx33d& mm_to_scan);

}  // namespace adbridge::ocr::internal

#endif  // ADBRIDGE_OCR_INTERNAL_PAGE_REFINER_H_
