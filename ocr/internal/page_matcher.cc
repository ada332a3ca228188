#include "ocr/internal/page_matcher.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <opencv2/calib3d.hpp>
#include <opencv2/core/hal/hal.hpp>
#include <opencv2/features2d.hpp>

namespace adbridge::ocr::internal {
namespace {

constexpr double kCellMm = 5;
// How far from its nominal place a feature may be: a 3° skew moves the corners of an A4 page
// by 8 mm, a 2 % scale by 4 mm more, and the sheet may be a few millimetres off on the glass.
constexpr double kGateMm = 20;
// A similarity is fixed by two matches, so even at 15 % true matches 500 draws find a clean
// pair with 99.99 % certainty; the cap bounds the time spent on a wrong reference, where RANSAC
// would otherwise run to its default 2000.
constexpr int kRansacIterations = 500;
// Stage 1 of the gated match looks at every kSampleStep-th scan feature; stage 2 at every
// one, within kNearGateMm of where stage 1 puts it.
constexpr int kSampleStep = 4;
constexpr double kNearGateMm = 4;
// Fewer matches than this do not make a homography worth fitting.
constexpr int kMinMatches = 8;

// Bits set in `x`. Debian builds for the x86-64 baseline, without the POPCNT instruction, where
// __builtin_popcountll is a call into libgcc; the bit-parallel count is several times faster.
inline int PopCount(std::uint64_t x) {
#if defined(__POPCNT__)
  return __builtin_popcountll(x);
#else
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
#endif
}

// Hamming distance of two descriptors `bytes` long: the innermost loop of the locator, so
// inlined rather than a call per pair into cv::hal.
inline int Hamming(const uchar* a, const uchar* b, int bytes) {
  if (bytes % 8 != 0) return cv::hal::normHamming(a, b, bytes);
  int d = 0;
  for (int i = 0; i < bytes; i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    d += PopCount(x ^ y);
  }
  return d;
}

struct Matches {
  std::vector<cv::Point2f> form_mm, on_scan;
};

FeatureMatch Fit(const Matches& m, double ransac_px) {
  FeatureMatch out;
  if (static_cast<int>(m.form_mm.size()) < kMinMatches) return out;
  // A sheet on a flatbed is turned, scaled and shifted, nothing more: a similarity. Fitting
  // only that keeps a match confined to part of the page (the header two forms share) from
  // extrapolating into a distorted page; the refinement fits the full homography afterwards
  // from patches spread over the whole page.
  std::vector<unsigned char> inlier;
  const cv::Mat a = cv::estimateAffinePartial2D(m.form_mm, m.on_scan, inlier, cv::RANSAC, ransac_px,
                                                kRansacIterations, 0.995, 10);
  if (a.empty()) return out;
  out.mm_to_scan = cv::Matx33d(a.at<double>(0, 0), a.at<double>(0, 1), a.at<double>(0, 2),
                               a.at<double>(1, 0), a.at<double>(1, 1), a.at<double>(1, 2), 0, 0, 1);
  out.inliers = cv::countNonZero(inlier);
  return out;
}

// Where a point of the scan is on a `w` x `h` mm page lying with `turns` counter-clockwise
// quarter turns and filling the image from its top-left corner.
cv::Point2d NominalMm(cv::Point2f px, double px_per_mm, int turns, double w, double h) {
  const double x = px.x / px_per_mm, y = px.y / px_per_mm;
  switch (turns) {
    case 1:
      return {w - y, x};
    case 2:
      return {w - x, h - y};
    case 3:
      return {y, h - x};
    default:
      return {x, y};
  }
}

// Matches the scan features `step` apart in `scan_px` with the reference features within
// `gate_mm` of where `predict` (scan px -> form mm) puts them.
template <typename Predict>
Matches GatedMatches(const ReferenceFeatures& ref, const std::vector<cv::Point2f>& scan_px,
                     const cv::Mat& descriptors, int step, Predict predict, double gate_mm,
                     double ratio) {
  Matches m;
  const int bytes = descriptors.cols;
  const int reach = static_cast<int>(std::ceil(gate_mm / kCellMm));
  for (int q = 0; q < descriptors.rows; q += step) {
    const cv::Point2d at = predict(scan_px[static_cast<std::size_t>(q)]);
    const int cx = static_cast<int>(std::floor(at.x / kCellMm));
    const int cy = static_cast<int>(std::floor(at.y / kCellMm));
    const uchar* d = descriptors.ptr<uchar>(q);
    int best = INT_MAX, second = INT_MAX, best_index = -1;
    for (int y = std::max(0, cy - reach); y <= std::min(ref.rows - 1, cy + reach); ++y) {
      for (int x = std::max(0, cx - reach); x <= std::min(ref.cols - 1, cx + reach); ++x) {
        for (int t : ref.cells[static_cast<std::size_t>(y * ref.cols + x)]) {
          const int dist = Hamming(d, ref.descriptors.ptr<uchar>(t), bytes);
          if (dist < best) {
            second = best;
            best = dist;
            best_index = t;
          } else if (dist < second) {
            second = dist;
          }
        }
      }
    }
    if (best_index < 0 || second == INT_MAX || best >= ratio * second) continue;
    m.form_mm.push_back(ref.keys_mm[static_cast<std::size_t>(best_index)]);
    m.on_scan.push_back(scan_px[static_cast<std::size_t>(q)]);
  }
  return m;
}

Matches ExhaustiveMatches(const ReferenceFeatures& ref, const std::vector<cv::Point2f>& scan_px,
                          const cv::Mat& descriptors, double ratio) {
  Matches m;
  std::vector<std::vector<cv::DMatch>> knn;
  cv::BFMatcher(cv::NORM_HAMMING).knnMatch(descriptors, ref.descriptors, knn, 2);
  for (const auto& k : knn) {
    if (k.size() < 2 || k[0].distance >= ratio * k[1].distance) continue;
    m.form_mm.push_back(ref.keys_mm[static_cast<std::size_t>(k[0].trainIdx)]);
    m.on_scan.push_back(scan_px[static_cast<std::size_t>(k[0].queryIdx)]);
  }
  return m;
}

}  // namespace

ReferenceFeatures IndexFeatures(std::vector<cv::Point2f> keys_mm, cv::Mat descriptors,
                                double width_mm, double height_mm) {
  ReferenceFeatures r;
  r.keys_mm = std::move(keys_mm);
  r.descriptors = std::move(descriptors);
  r.width_mm = width_mm;
  r.height_mm = height_mm;
  r.cols = std::max(1, static_cast<int>(std::ceil(width_mm / kCellMm)));
  r.rows = std::max(1, static_cast<int>(std::ceil(height_mm / kCellMm)));
  r.cells.resize(static_cast<std::size_t>(r.cols * r.rows));
  for (std::size_t i = 0; i < r.keys_mm.size(); ++i) {
    const int x = std::clamp(static_cast<int>(r.keys_mm[i].x / kCellMm), 0, r.cols - 1);
    const int y = std::clamp(static_cast<int>(r.keys_mm[i].y / kCellMm), 0, r.rows - 1);
    r.cells[static_cast<std::size_t>(y * r.cols + x)].push_back(static_cast<int>(i));
  }
  return r;
}

FeatureMatch MatchGated(const ReferenceFeatures& ref, const std::vector<cv::Point2f>& scan_px,
                        const cv::Mat& descriptors, double px_per_mm, cv::Size scan_size,
                        double ratio, double ransac_px) {
  if (descriptors.empty() || ref.descriptors.empty()) return {};
  // A portrait page lies portrait in the scan when turned 0 or 2 quarters, landscape when 1
  // or 3; a square-ish one could be either.
  const double page_aspect = ref.height_mm / ref.width_mm;
  const double scan_aspect = static_cast<double>(scan_size.height) / scan_size.width;
  std::vector<int> turns;
  if (std::abs(page_aspect - 1) < 0.1 || std::abs(scan_aspect - 1) < 0.1) {
    turns = {0, 1, 2, 3};
  } else if ((page_aspect > 1) == (scan_aspect > 1)) {
    turns = {0, 2};
  } else {
    turns = {1, 3};
  }
  // Stage 1: a quarter of the scan's features, each against the reference features within
  // the wide gate of where each plausible turn puts it. A wrong turn (or a wrong form) pairs
  // features at random and few survive the ratio test and RANSAC.
  FeatureMatch rough;
  for (int t : turns) {
    const auto nominal = [&](cv::Point2f px) {
      return NominalMm(px, px_per_mm, t, ref.width_mm, ref.height_mm);
    };
    const FeatureMatch f = Fit(
        GatedMatches(ref, scan_px, descriptors, kSampleStep, nominal, kGateMm, ratio), ransac_px);
    if (f.inliers > rough.inliers) rough = f;
  }
  if (rough.inliers == 0) return rough;
  // Stage 2: every feature, against those within a few millimetres of where the rough fit
  // puts it. The score is the inliers of this fit, the same measure for every reference.
  const cv::Matx33d scan_to_mm = rough.mm_to_scan.inv();
  const auto predicted = [&](cv::Point2f px) {
    const cv::Vec3d p = scan_to_mm * cv::Vec3d(px.x, px.y, 1);
    return cv::Point2d(p[0] / p[2], p[1] / p[2]);
  };
  const FeatureMatch fine =
      Fit(GatedMatches(ref, scan_px, descriptors, 1, predicted, kNearGateMm, ratio), ransac_px);
  return fine.inliers >= rough.inliers ? fine : rough;
}

FeatureMatch MatchExhaustive(const ReferenceFeatures& ref, const std::vector<cv::Point2f>& scan_px,
                             const cv::Mat& descriptors, double ratio, double ransac_px) {
  if (descriptors.empty() || ref.descriptors.empty()) return {};
  return Fit(ExhaustiveMatches(ref, scan_px, descriptors, ratio), ransac_px);
}

}  // namespace adbridge::ocr::internal
