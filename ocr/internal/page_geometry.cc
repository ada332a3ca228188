#include "ocr/internal/page_geometry.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

namespace adbridge::ocr::internal {
namespace {

constexpr double kMmPerInch = 25.4;
constexpr double kPi = 3.14159265358979323846;

double Degrees(double radians) { return radians * 180.0 / kPi; }

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

cv::Matx33d MmToPixels(double dpi) {
  const double k = dpi / kMmPerInch;
  return {k, 0, -0.5, 0, k, -0.5, 0, 0, 1};
}

cv::Matx33d PixelsToMm(double dpi) {
  const double k = kMmPerInch / dpi;
  return {k, 0, 0.5 * k, 0, k, 0.5 * k, 0, 0, 1};
}

cv::Matx33d Rescale(double from_dpi, double to_dpi) {
  return MmToPixels(to_dpi) * PixelsToMm(from_dpi);
}

cv::Point2d Apply(const cv::Matx33d& h, cv::Point2d p) {
  const cv::Vec3d q = h * cv::Vec3d(p.x, p.y, 1);
  return {q[0] / q[2], q[1] / q[2]};
}

TransformShape DescribeTransform(const cv::Matx33d& mm_to_scan, cv::Point2d at_mm) {
  // The Jacobian by finite differences: exact enough for a near-affine homography, and free
  // of the algebra of the projective terms.
  const double d = 1.0;
  const cv::Point2d o = Apply(mm_to_scan, at_mm);
  const cv::Point2d ex = (Apply(mm_to_scan, at_mm + cv::Point2d(d, 0)) - o) / d;
  const cv::Point2d ey = (Apply(mm_to_scan, at_mm + cv::Point2d(0, d)) - o) / d;
  TransformShape s;
  const double lx = std::hypot(ex.x, ex.y);
  const double ly = std::hypot(ey.x, ey.y);
  s.px_per_mm = (lx + ly) / 2;
  s.axis_ratio = lx > 0 ? ly / lx : 0;
  // Image y points down, so a counter-clockwise turn as viewed moves the x axis up (-y).
  const double angle = Degrees(std::atan2(-ex.y, ex.x));
  int turns = static_cast<int>(std::lround(angle / 90.0));
  s.skew_deg = angle - 90.0 * turns;
  s.quarter_turns = ((turns % 4) + 4) % 4;
  const double cross = ex.x * ey.y - ex.y * ey.x;
  s.mirrored = cross < 0;
  const double cos_between = (ex.x * ey.x + ex.y * ey.y) / std::max(lx * ly, 1e-12);
  s.shear_deg = std::abs(90.0 - Degrees(std::acos(std::clamp(cos_between, -1.0, 1.0))));
  return s;
}

std::optional<Text> CheckTransform(const cv::Matx33d& mm_to_scan, double width_mm, double height_mm,
                                   cv::Size scan_size, double dpi, double scale_tolerance,
                                   double max_shear_deg) {
  const TransformShape shape = DescribeTransform(mm_to_scan, {width_mm / 2, height_mm / 2});
  if (shape.mirrored) {
    return Text{"用紙が裏返し（鏡像）に読み取られています", "the page reads as a mirror image"};
  }
  const double expected = dpi / kMmPerInch;
  const double scale = shape.px_per_mm / expected;
  if (std::abs(scale - 1) > scale_tolerance) {
    return Text{"用紙の大きさが様式と合いません（倍率 " + Fixed(scale, 2) + "）",
                "the page is not the form's size (scale " + Fixed(scale, 2) + ")"};
  }
  if (shape.shear_deg > max_shear_deg || std::abs(shape.axis_ratio - 1) > 0.05) {
    return Text{"用紙がゆがんで読み取られています", "the page is distorted on the scan"};
  }
  // Perspective: in a flat scan the page's opposite edges have the same length.
  const std::array<cv::Point2d, 4> c = {Apply(mm_to_scan, {0, 0}), Apply(mm_to_scan, {width_mm, 0}),
                                        Apply(mm_to_scan, {width_mm, height_mm}),
                                        Apply(mm_to_scan, {0, height_mm})};
  const auto len = [](cv::Point2d a, cv::Point2d b) { return std::hypot(a.x - b.x, a.y - b.y); };
  const double top = len(c[0], c[1]), bottom = len(c[3], c[2]);
  const double left = len(c[0], c[3]), right = len(c[1], c[2]);
  if (std::abs(top / bottom - 1) > 0.03 || std::abs(left / right - 1) > 0.03) {
    return Text{"用紙が斜めにゆがんで読み取られています",
                "the page is skewed in perspective on the scan"};
  }
  // The page may overhang the scan a little (a shifted sheet), not by a fifth of itself.
  const double margin_x = 0.2 * scan_size.width, margin_y = 0.2 * scan_size.height;
  for (const cv::Point2d& p : c) {
    if (p.x < -margin_x || p.y < -margin_y || p.x > scan_size.width + margin_x ||
        p.y > scan_size.height + margin_y) {
      return Text{"用紙の一部が読み取り範囲の外にあります",
                  "part of the page lies outside the scanned area"};
    }
  }
  return std::nullopt;
}

}  // namespace adbridge::ocr::internal
