// Private to ocr/: matches the ORB features of a scan against those of one reference page and
// fits the form-to-scan homography with RANSAC.
//
// Brute-force matching of a few thousand binary descriptors against each reference costs
// ~100 ms a page; a scanned page, though, lies where the glass puts it: filling the image,
// turned by some quarter turns, off by a few millimetres and degrees. So each scan feature is
// first compared only with the reference features within kGateMm of where each plausible
// quarter turn puts it (~3 % of them), and only if that finds nothing is the exhaustive match
// tried, for pages placed some other way (an A4 sheet scanned on an A3 bed).
//
//   ReferenceFeatures ref = IndexFeatures(keys_mm, descriptors, 210, 297);
//   FeatureMatch m = MatchGated(ref, scan_points, scan_descriptors, scan_px_per_mm,
//                               scan.size(), 0.8, 6.0);
//
// Thread-safety: ReferenceFeatures is immutable once built; the functions are pure.
#ifndef ADBRIDGE_OCR_INTERNAL_PAGE_MATCHER_H_
#define ADBRIDGE_OCR_INTERNAL_PAGE_MATCHER_H_

#include <opencv2/core.hpp>
#include <vector>

namespace adbridge::ocr::internal {

struct ReferenceFeatures {
  std::vector<cv::Point2f> keys_mm;  // ORB keypoints of the reference, in form mm
  cv::Mat descriptors;               // one row per keypoint, CV_8U
  double width_mm = 0, height_mm = 0;
  // Keypoint indexes by kCellMm square cell, row-major, for the gated search.
  int cols = 0, rows = 0;
  std::vector<std::vector<int>> cells;
};

ReferenceFeatures IndexFeatures(std::vector<cv::Point2f> keys_mm, cv::Mat descriptors,
                                double width_mm, double height_mm);

struct FeatureMatch {
  cv::Matx33d mm_to_scan = cv::Matx33d::eye();
  int inliers = 0;  // RANSAC inliers; 0 when no homography was found
};

// `scan_px` are the scan's keypoints in scan pixels, `descriptors` theirs; `px_per_mm` the
// scan's scale. Matches pass Lowe's ratio test at `ratio`; RANSAC allows `ransac_px` of
// reprojection error. Compares each scan feature only with the reference features near where
// a page filling the scan, turned by quarter turns that fit its shape, puts it.
FeatureMatch MatchGated(const ReferenceFeatures& ref, const std::vector<cv::Point2f>& scan_px,
                        const cv::Mat& descriptors, double px_per_mm, cv::Size scan_size,
                        double ratio, double ransac_px);

// As MatchGated, comparing every scan feature with every reference feature: for pages that do
// not fill the scan. Costs tens of milliseconds per reference.
FeatureMatch MatchExhaustive(const ReferenceFeatures& ref, const std::vector<cv::Point2f>& scan_px,
                             const cv::Mat& descriptors, double ratio, double ransac_px);

}  // namespace adbridge::ocr::internal

#endif  // ADBRIDGE_OCR_INTERNAL_PAGE_MATCHER_H_
