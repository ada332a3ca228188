#include "ocr/internal/field_image.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <opencv2/imgproc.hpp>

namespace adbridge::ocr::internal {
namespace {

// Lighter than paper noise but catching the anti-aliased edge of printed rules, so the
// dilated reference covers the whole printed line.
constexpr int kReferenceInkThreshold = 200;
// Pieces of ink smaller than this are dust, toner specks or noise.
constexpr double kSpeckMm2 = 0.1;
// Pieces smaller than this are kept only next to real writing: a full stop, a dakuten.
constexpr double kSmallMm2 = 0.35;
// A printed rule at least this long is a form line; writing's longest straight strokes
// (ー, 一) are shorter, and only lines near the reference's printing are taken anyway.
constexpr double kLineMm = 8.0;
// A checkbox's printed outline is 0.25 mm; blur and a darker scan widen it.
constexpr double kMaxRuleMm = 0.6;
// The interior starts this far inside the rule, clear of its blurred edge.
constexpr double kClearOfRuleMm = 0.25;

cv::Mat InkMask(const cv::Mat& grey, int threshold) {
  cv::Mat mask;
  cv::threshold(grey, mask, threshold - 1, 255, cv::THRESH_BINARY_INV);
  return mask;
}

cv::Mat Disk(int radius) {
  return cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * radius + 1, 2 * radius + 1));
}

// The reference's printing grown by the registration tolerance; all-white (everything may be
// printing) when there is no reference, so line removal still works without one.
cv::Mat NearPrinting(const cv::Mat& reference, cv::Size size, double px_per_mm,
                     double tolerance_mm) {
  if (reference.empty() || reference.size() != size) {
    return cv::Mat(size, CV_8UC1, cv::Scalar(255));
  }
  cv::Mat near = InkMask(reference, kReferenceInkThreshold);
  const int radius = static_cast<int>(std::ceil(tolerance_mm * px_per_mm)) + 1;
  cv::dilate(near, near, Disk(radius));
  return near;
}

// Straight rules at least `length_px` long, horizontal or vertical.
cv::Mat LongLines(const cv::Mat& ink, int horizontal_px, int vertical_px) {
  cv::Mat h, v;
  cv::morphologyEx(ink, h, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(std::max(3, horizontal_px), 1)));
  cv::morphologyEx(ink, v, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, std::max(3, vertical_px))));
  return h | v;
}

}  // namespace

FieldInk SeparateWriting(const cv::Mat& scan, const cv::Mat& reference, double px_per_mm,
                         double tolerance_mm, const cv::Rect& field) {
  FieldInk out;
  const cv::Mat ink = InkMask(scan, kInkThreshold);
  const cv::Mat near = NearPrinting(reference, scan.size(), px_per_mm, tolerance_mm);

  // The box's own height bounds its vertical rules; the line must span most of it.
  const int horizontal_px = static_cast<int>(std::lround(kLineMm * px_per_mm));
  const int vertical_px = static_cast<int>(
      std::lround(std::min(kLineMm * px_per_mm, 0.55 * std::max(field.height, 1))));
  cv::Mat lines = LongLines(ink, horizontal_px, vertical_px) & near;
  // The rule's anti-aliased edge goes with it; writing crossing it loses only that width.
  cv::dilate(lines, lines, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
  const cv::Mat writing = ink & ~lines;
  out.printed_pixels_removed = cv::countNonZero(ink & lines);

  cv::Mat stats, centroids;
  const int count = cv::connectedComponentsWithStats(writing, out.labels, stats, centroids, 8,
                                                     CV_32S);
  // How much of each piece lies near the reference's printing: a piece wholly there is a
  // remnant of a rule or printed guide text, not writing.
  std::vector<int> near_pixels(static_cast<std::size_t>(count), 0);
  for (int y = 0; y < scan.rows; ++y) {
    const int* label = out.labels.ptr<int>(y);
    const std::uint8_t* n = near.ptr<std::uint8_t>(y);
    for (int x = 0; x < scan.cols; ++x) {
      if (label[x] > 0 && n[x] != 0) ++near_pixels[static_cast<std::size_t>(label[x])];
    }
  }
  const double mm2 = px_per_mm * px_per_mm;
  const bool have_reference = !reference.empty() && reference.size() == scan.size();
  std::vector<InkComponent> big, small;
  for (int i = 1; i < count; ++i) {
    InkComponent c;
    c.label = i;
    c.area = stats.at<int>(i, cv::CC_STAT_AREA);
    c.box = cv::Rect(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                     stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    c.centroid = {centroids.at<double>(i, 0), centroids.at<double>(i, 1)};
    if (c.area < kSpeckMm2 * mm2) {
      ++out.specks;
      continue;
    }
    if (have_reference && near_pixels[static_cast<std::size_t>(i)] >= c.area * 0.97) {
      out.printed_pixels_removed += c.area;
      continue;
    }
    if ((c.box & field).area() == 0) continue;
    (c.area < kSmallMm2 * mm2 ? small : big).push_back(c);
  }
  // Small pieces stay when they sit beside real writing (a full stop, a dakuten, the dot of
  // an i); alone they are dust.
  const cv::Rect bounds = InkBounds(big);
  const int reach = static_cast<int>(std::lround(2.0 * px_per_mm));
  const cv::Rect neighbourhood(bounds.x - reach, bounds.y, bounds.width + 2 * reach,
                               bounds.height);
  out.kept = big;
  for (const InkComponent& c : small) {
    if (bounds.area() > 0 && (c.box & neighbourhood).area() > 0) {
      out.kept.push_back(c);
    } else {
      ++out.specks;
    }
  }
  std::sort(out.kept.begin(), out.kept.end(),
            [](const InkComponent& a, const InkComponent& b) { return a.box.x < b.box.x; });

  // The grey image of the kept writing only, with its anti-aliased rim.
  cv::Mat keep(scan.size(), CV_8UC1, cv::Scalar(0));
  std::vector<std::uint8_t> is_kept(static_cast<std::size_t>(count), 0);
  for (const InkComponent& c : out.kept) is_kept[static_cast<std::size_t>(c.label)] = 1;
  for (int y = 0; y < scan.rows; ++y) {
    const int* label = out.labels.ptr<int>(y);
    std::uint8_t* k = keep.ptr<std::uint8_t>(y);
    for (int x = 0; x < scan.cols; ++x) {
      if (is_kept[static_cast<std::size_t>(label[x])] != 0) k[x] = 255;
    }
  }
  cv::dilate(keep, keep, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
  keep &= ~lines;
  out.grey = cv::Mat(scan.size(), CV_8UC1, cv::Scalar(255));
  scan.copyTo(out.grey, keep);

  for (const InkComponent& c : out.kept) {
    if (c.box.x <= 0 || c.box.y <= 0 || c.box.br().x >= scan.cols || c.box.br().y >= scan.rows) {
      out.touches_edge = true;
    }
  }
  return out;
}

cv::Rect InkBounds(const std::vector<InkComponent>& components) {
  cv::Rect bounds;
  for (const InkComponent& c : components) bounds = bounds.area() == 0 ? c.box : (bounds | c.box);
  return bounds;
}

cv::Mat TightCrop(const FieldInk& ink, const std::vector<InkComponent>& components, int border) {
  const cv::Rect bounds = InkBounds(components);
  if (bounds.area() == 0) return {};
  cv::Mat out(bounds.height + 2 * border, bounds.width + 2 * border, CV_8UC1, cv::Scalar(255));
  // Only these components' pixels (and their rim): a neighbouring cell's digit that reaches
  // into the bounds stays out.
  std::vector<int> labels;
  for (const InkComponent& c : components) labels.push_back(c.label);
  const cv::Rect grown = (bounds + cv::Size(2, 2) - cv::Point(1, 1)) &
                         cv::Rect(0, 0, ink.grey.cols, ink.grey.rows);
  cv::Mat own(grown.size(), CV_8UC1, cv::Scalar(0));
  for (int y = 0; y < grown.height; ++y) {
    const int* label = ink.labels.ptr<int>(grown.y + y) + grown.x;
    std::uint8_t* o = own.ptr<std::uint8_t>(y);
    for (int x = 0; x < grown.width; ++x) {
      if (label[x] > 0 && std::find(labels.begin(), labels.end(), label[x]) != labels.end()) {
        o[x] = 255;
      }
    }
  }
  cv::dilate(own, own, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
  // `grown` in the output's coordinates, clipped to it (with no border the rim falls outside).
  const cv::Rect placed(grown.x - bounds.x + border, grown.y - bounds.y + border, grown.width,
                        grown.height);
  const cv::Rect fits = placed & cv::Rect(0, 0, out.cols, out.rows);
  const cv::Rect from(fits.x - placed.x, fits.y - placed.y, fits.width, fits.height);
  ink.grey(grown)(from).copyTo(out(fits), own(from));
  return out;
}

namespace {

// The printed rule nearest `expected` along one side of a square: scanning from outside in,
// the first run of rows (or columns) that are mostly ink. Returns the first position past the
// rule's inner edge, or -1 when no rule is there (a scan too faint, a mark covering it).
int InnerEdgeOfRule(const cv::Mat& ink, int expected, int tolerance, int max_thickness,
                    bool horizontal, int from, int to, int step) {
  const int length = to - from;
  const auto coverage = [&](int pos) {
    const cv::Mat line = horizontal ? ink(cv::Rect(from, pos, length, 1))
                                    : ink(cv::Rect(pos, from, 1, length));
    return cv::countNonZero(line) >= 0.75 * length;
  };
  const int limit = horizontal ? ink.rows : ink.cols;
  const int outer = expected - step * tolerance;
  for (int i = 0; i <= 2 * tolerance; ++i) {
    const int pos = outer + step * i;
    if (pos < 0 || pos >= limit || !coverage(pos)) continue;
    int inner = pos;
    for (int t = 1; t < max_thickness; ++t) {
      const int next = pos + step * t;
      if (next < 0 || next >= limit || !coverage(next)) break;
      inner = next;
    }
    return inner + step;
  }
  return -1;
}

}  // namespace

MarkMeasure MeasureMark(const cv::Mat& crop, const cv::Rect& expected_box, double px_per_mm,
                        double tolerance_mm) {
  MarkMeasure m;
  const cv::Mat ink = InkMask(crop, kInkThreshold);
  const int tolerance = static_cast<int>(std::ceil(tolerance_mm * px_per_mm)) + 1;
  const int thickness = static_cast<int>(std::ceil(kMaxRuleMm * px_per_mm)) + 1;
  const int gap = static_cast<int>(std::lround(kClearOfRuleMm * px_per_mm));
  // Where the rule is not found, assume it where the registration put it, as thick as the
  // thickest we accept.
  const cv::Rect& e = expected_box;
  const cv::Rect inside = (e & cv::Rect(0, 0, crop.cols, crop.rows));
  if (inside.width < 4 || inside.height < 4) return m;
  int top = InnerEdgeOfRule(ink, e.y, tolerance, thickness, true, inside.x, inside.br().x, 1);
  int bottom =
      InnerEdgeOfRule(ink, e.br().y - 1, tolerance, thickness, true, inside.x, inside.br().x, -1);
  int left = InnerEdgeOfRule(ink, e.x, tolerance, thickness, false, inside.y, inside.br().y, 1);
  int right =
      InnerEdgeOfRule(ink, e.br().x - 1, tolerance, thickness, false, inside.y, inside.br().y, -1);
  m.rules_found = (top >= 0) + (bottom >= 0) + (left >= 0) + (right >= 0);
  if (top < 0) top = e.y + tolerance + thickness / 2;
  if (bottom < 0) bottom = e.br().y - 1 - tolerance - thickness / 2;
  if (left < 0) left = e.x + tolerance + thickness / 2;
  if (right < 0) right = e.br().x - 1 - tolerance - thickness / 2;
  const cv::Rect interior =
      cv::Rect(cv::Point(left + gap, top + gap), cv::Point(right - gap + 1, bottom - gap + 1)) &
      cv::Rect(0, 0, crop.cols, crop.rows);
  if (interior.width <= 2 || interior.height <= 2) return m;
  m.interior = interior;

  cv::Mat labels, stats, centroids;
  const int count =
      cv::connectedComponentsWithStats(ink(interior), labels, stats, centroids, 8, CV_32S);
  const double speck = kSpeckMm2 * px_per_mm * px_per_mm;
  cv::Rect bounds;
  int pixels = 0;
  for (int i = 1; i < count; ++i) {
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    if (area < speck) continue;
    const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                       stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    bounds = bounds.area() == 0 ? box : (bounds | box);
    pixels += area;
  }
  m.fill = static_cast<double>(pixels) / interior.area();
  m.extent = static_cast<double>(std::max(bounds.width, bounds.height)) /
             std::min(interior.width, interior.height);
  m.score = std::min(m.fill / kMarkFill, m.extent / kMarkExtent);
  return m;
}

}  // namespace adbridge::ocr::internal
