#include "ocr/internal/page_refiner.h"

#include <algorithm>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

#include "ocr/internal/page_geometry.h"

namespace adbridge::ocr::internal {
namespace {

constexpr double kMmPerInch = 25.4;
// Half the side of a patch. 3.5 mm holds a box corner with its lines or most of a label
// character: enough texture to pin both axes, small enough to stay local.
constexpr double kPatchHalfMm = 3.5;
// The page is cut into this grid and each cell gives at most kPerCell patches, so the fit is
// constrained everywhere and not just where the text is densest.
constexpr int kGridX = 4;
constexpr int kGridY = 6;
constexpr int kPerCell = 3;
// A patch counts only if its best match correlates at least this well.
constexpr double kMinCorrelation = 0.55;
// Fewer corrected points than this do not pin a homography over a whole page.
constexpr int kMinPatches = 10;
// Ink in the reference, and ink in the scan (looser: blur and JPEG lighten thin lines).
constexpr int kReferenceInk = 128;
constexpr int kScanInk = 200;

// The offset of a parabola's vertex through (-1, a), (0, b), (1, c).
double SubPixel(float a, float b, float c) {
  const double denom = a - 2.0 * b + c;
  if (std::abs(denom) < 1e-9) return 0;
  return std::clamp(0.5 * (a - c) / denom, -0.5, 0.5);
}

}  // namespace

std::vector<RefinePatch> ChoosePatches(const cv::Mat& reference, double dpi) {
  const double k = dpi / kMmPerInch;
  const int half = static_cast<int>(std::lround(kPatchHalfMm * k));
  std::vector<cv::Point2f> corners;
  // minDistance of two patch widths keeps patches from sharing most of their pixels.
  cv::goodFeaturesToTrack(reference, corners, 400, 0.02, 4 * half, cv::noArray(), 5);
  std::vector<int> taken(kGridX * kGridY, 0);
  std::vector<RefinePatch> patches;
  const cv::Rect inside(half, half, reference.cols - 2 * half, reference.rows - 2 * half);
  for (const cv::Point2f& c : corners) {  // strongest first
    const cv::Point p(static_cast<int>(std::lround(c.x)), static_cast<int>(std::lround(c.y)));
    if (!inside.contains(p)) continue;
    const int gx = std::min(kGridX - 1, p.x * kGridX / reference.cols);
    const int gy = std::min(kGridY - 1, p.y * kGridY / reference.rows);
    int& count = taken[static_cast<std::size_t>(gy * kGridX + gx)];
    if (count >= kPerCell) continue;
    const cv::Mat templ = reference(cv::Rect(p.x - half, p.y - half, 2 * half + 1, 2 * half + 1));
    cv::Scalar mean, sd;
    cv::meanStdDev(templ, mean, sd);
    if (sd[0] < 20) continue;  // too little contrast to locate
    ++count;
    const cv::Point2d mm = Apply(PixelsToMm(dpi), cv::Point2d(p));
    patches.push_back({mm, templ.clone()});
  }
  return patches;
}

std::optional<Refinement> RefineTransform(const cv::Mat& scan, const cv::Matx33d& coarse,
                                          const std::vector<RefinePatch>& patches, double dpi,
                                          double search_mm) {
  const double k = dpi / kMmPerInch;
  const int search = std::max(2, static_cast<int>(std::lround(search_mm * k)));
  const cv::Matx33d px_to_mm = PixelsToMm(dpi);
  const cv::Matx33d mm_to_px = MmToPixels(dpi);
  std::vector<cv::Point2f> form_mm, on_scan;
  cv::Mat window, response;
  for (const RefinePatch& patch : patches) {
    const int half = patch.templ.cols / 2;
    const int side = 2 * (half + search) + 1;
    // Window pixel (0, 0) is the reference pixel `origin` at the refinement resolution.
    const cv::Point2d centre_px = Apply(mm_to_px, patch.centre_mm);
    const cv::Point2d origin = centre_px - cv::Point2d(half + search, half + search);
    const cv::Matx33d window_to_ref(1, 0, origin.x, 0, 1, origin.y, 0, 0, 1);
    const cv::Matx33d window_to_scan = coarse * px_to_mm * window_to_ref;
    cv::warpPerspective(scan, window, cv::Mat(window_to_scan), cv::Size(side, side),
                        cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT,
                        cv::Scalar(255));
    cv::matchTemplate(window, patch.templ, response, cv::TM_CCOEFF_NORMED);
    double best = 0;
    cv::Point at;
    cv::minMaxLoc(response, nullptr, &best, nullptr, &at);
    if (!(best >= kMinCorrelation)) continue;  // also rejects NaN from a flat window
    // A peak on the edge of the search may be the slope of one outside it.
    if (at.x == 0 || at.y == 0 || at.x == response.cols - 1 || at.y == response.rows - 1) continue;
    const double dx = SubPixel(response.at<float>(at.y, at.x - 1), response.at<float>(at),
                               response.at<float>(at.y, at.x + 1));
    const double dy = SubPixel(response.at<float>(at.y - 1, at.x), response.at<float>(at),
                               response.at<float>(at.y + 1, at.x));
    // The template's centre sits at window pixel (at + half + offset): that window point is
    // where the scan shows the reference point patch.centre_mm.
    const cv::Point2d window_point(at.x + half + dx, at.y + half + dy);
    form_mm.emplace_back(patch.centre_mm);
    on_scan.emplace_back(Apply(window_to_scan, window_point));
  }
  if (static_cast<int>(form_mm.size()) < kMinPatches) return std::nullopt;
  // A patch that locked onto a look-alike (the next comb cell, a repeated label) is an
  // outlier; 0.4 mm of reprojection error separates those from honest sub-pixel noise.
  const double scan_px_per_mm = DescribeTransform(coarse, form_mm.front()).px_per_mm;
  std::vector<unsigned char> inlier;
  cv::Mat h =
      cv::findHomography(form_mm, on_scan, cv::RANSAC, 0.4 * scan_px_per_mm, inlier, 2000, 0.999);
  if (h.empty()) return std::nullopt;
  const int used = cv::countNonZero(inlier);
  if (used < kMinPatches) return std::nullopt;
  Refinement r;
  r.mm_to_scan = cv::Matx33d(h);
  r.patches_used = used;
  return r;
}

std::vector<cv::Point2f> InkSamples(const cv::Mat& reference, double dpi, int max_points) {
  std::vector<cv::Point> ink;
  cv::findNonZero(reference < kReferenceInk, ink);
  const std::size_t step =
      std::max<std::size_t>(1, ink.size() / static_cast<std::size_t>(max_points));
  const cv::Matx33d px_to_mm = PixelsToMm(dpi);
  std::vector<cv::Point2f> samples;
  for (std::size_t i = 0; i < ink.size(); i += step) {
    samples.emplace_back(Apply(px_to_mm, cv::Point2d(ink[i])));
  }
  return samples;
}

double InkAgreement(const cv::Mat& scan_ink, double work_dpi, double scan_dpi,
                    const std::vector<cv::Point2f>& ink_mm, const cv::Matx33d& mm_to_scan) {
  if (ink_mm.empty()) return 0;
  const cv::Matx33d mm_to_work = Rescale(scan_dpi, work_dpi) * mm_to_scan;
  int hits = 0;
  for (const cv::Point2f& p : ink_mm) {
    const cv::Point2d q = Apply(mm_to_work, cv::Point2d(p));
    const int x = static_cast<int>(std::lround(q.x));
    const int y = static_cast<int>(std::lround(q.y));
    if (x < 0 || y < 0 || x >= scan_ink.cols || y >= scan_ink.rows) continue;
    if (scan_ink.at<unsigned char>(y, x) < kScanInk) ++hits;
  }
  return static_cast<double>(hits) / static_cast<double>(ink_mm.size());
}

double MissingShare(const cv::Mat& scan_ink, const cv::Mat& scan_ink_near, double work_dpi,
                    double scan_dpi, const std::vector<cv::Point2f>& ink_mm,
                    const cv::Matx33d& mm_to_scan) {
  const cv::Matx33d mm_to_work = Rescale(scan_dpi, work_dpi) * mm_to_scan;
  int misses = 0, missing = 0;
  for (const cv::Point2f& p : ink_mm) {
    const cv::Point2d q = Apply(mm_to_work, cv::Point2d(p));
    const int x = static_cast<int>(std::lround(q.x));
    const int y = static_cast<int>(std::lround(q.y));
    if (x < 0 || y < 0 || x >= scan_ink.cols || y >= scan_ink.rows) {
      ++misses;
      ++missing;
      continue;
    }
    if (scan_ink.at<unsigned char>(y, x) < kScanInk) continue;
    ++misses;
    if (scan_ink_near.at<unsigned char>(y, x) >= kScanInk) ++missing;
  }
  return misses == 0 ? 0 : static_cast<double>(missing) / misses;
}

}  // namespace adbridge::ocr::internal
