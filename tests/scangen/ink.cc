#include "tests/scangen/ink.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "tests/scangen/blank_form.h"
#include "tests/scangen/utf8_chars.h"

namespace adbridge::scangen {
namespace {

using models::BoxMm;
using models::FieldDefinition;
using models::FieldType;

constexpr double kPi = 3.14159265358979323846;

// Shears (slant) and turns a glyph's coverage about its ink centre, as a hand does.
cv::Mat Distort(const TextMask& glyph, double slant, double angle_deg) {
  if (glyph.ink.area() == 0 || (slant == 0 && angle_deg == 0)) return glyph.coverage;
  const cv::Point2d c(glyph.ink.x + glyph.ink.width / 2.0, glyph.ink.y + glyph.ink.height / 2.0);
  cv::Mat rot = cv::getRotationMatrix2D(c, angle_deg, 1.0);
  // x' = x - slant * (y - cy): the top of the glyph leans right for slant > 0.
  cv::Mat shear = (cv::Mat_<double>(3, 3) << 1, -slant, slant * c.y, 0, 1, 0, 0, 0, 1);
  cv::Mat rot3 = cv::Mat::eye(3, 3, CV_64F);
  rot.copyTo(rot3(cv::Rect(0, 0, 3, 2)));
  const cv::Mat m = (rot3 * shear)(cv::Rect(0, 0, 3, 2));
  cv::Mat out;
  cv::warpAffine(glyph.coverage, out, m, glyph.coverage.size(), cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT, cv::Scalar(0));
  return out;
}

// Lays a glyph with its ink centred on `centre` (px).
void InkCentred(Canvas& c, const TextMask& glyph, const cv::Mat& coverage, cv::Point2d centre,
                int grey) {
  const cv::Point2d ink_centre(glyph.ink.x + glyph.ink.width / 2.0,
                               glyph.ink.y + glyph.ink.height / 2.0);
  const cv::Point tl(static_cast<int>(std::lround(centre.x - ink_centre.x)),
                     static_cast<int>(std::lround(centre.y - ink_centre.y)));
  c.Ink(coverage, tl, grey);
}

bool IsHalfWidth(const std::string& ch) { return ch.size() == 1; }

void PrintText(Canvas& c, const FieldDefinition& f, const std::string& text, const Pen& pen,
               const Fonts& fonts) {
  const BoxMm& b = *f.box;
  // PC forms print at 12–16 pt whatever the box's height.
  const double size = std::min(b.height * pen.size_ratio, 5.6);
  const Align align = f.type == FieldType::kInteger ? Align::kCenter : Align::kLeft;
  c.TextInBox(fonts.Get(pen.font), text, b, size, pen.ink_grey, 2.0, align);
}

void HandwriteText(Canvas& c, const FieldDefinition& f, const std::string& text, const Pen& pen,
                   const Fonts& fonts, Random& rng) {
  const BoxMm& b = *f.box;
  auto& face = fonts.Get(pen.font);
  const std::vector<std::string> chars = SplitUtf8Chars(text);
  const double base = c.Px(std::min(b.height * pen.size_ratio * rng.Uniform(0.95, 1.05), 7.5));
  struct Planned {
    double size;
    double gap;
    double wobble;
    double slant;
    double angle;
  };
  std::vector<Planned> plan;
  double natural = 0;
  for (const std::string& ch : chars) {
    Planned p;
    p.size = base * std::clamp(rng.Normal(1.0, 0.04), 0.92, 1.08);
    if (IsHalfWidth(ch) && ch != " ") p.size *= 0.92;
    p.gap = base * rng.Uniform(0.04, 0.16);
    p.wobble = rng.Normal(0, 0.045 * base);
    p.slant = pen.slant + rng.Normal(0, 0.03);
    p.angle = rng.Normal(0, 2.2);
    plan.push_back(p);
    const double width =
        ch == " " ? 0.45 * base : std::max(1.0, static_cast<double>(RenderText(face, ch, static_cast<int>(p.size)).ink.width));
    natural += width + p.gap;
  }
  const double pad = c.Px(rng.Uniform(1.5, 4.0));
  const double avail = c.Px(b.width) - pad - c.Px(1.5);
  const double scale = natural > avail ? avail / natural : 1.0;
  double x = c.Px(b.x) + pad;
  if (f.type == FieldType::kInteger) {
    x = c.Px(b.x + b.width / 2) - natural * scale / 2 + rng.Normal(0, c.Px(1.0));
  }
  const double slope = rng.Normal(0, 0.012);
  const double baseline0 = c.Px(b.y + b.height / 2) + 0.36 * base * scale + rng.Normal(0, 0.04 * base);
  for (std::size_t i = 0; i < chars.size(); ++i) {
    const Planned& p = plan[i];
    if (chars[i] == " ") {
      x += (0.45 * base + p.gap) * scale;
      continue;
    }
    const TextMask glyph = RenderText(face, chars[i], static_cast<int>(p.size * scale));
    if (glyph.ink.area() == 0) continue;
    const cv::Mat coverage = Distort(glyph, p.slant, p.angle);
    const double baseline = baseline0 + slope * (x - c.Px(b.x)) + p.wobble * scale;
    const cv::Point tl(static_cast<int>(std::lround(x - glyph.ink.x)),
                       static_cast<int>(std::lround(baseline - glyph.baseline.y)));
    c.Ink(coverage, tl, pen.ink_grey);
    x += glyph.ink.width + p.gap * scale;
  }
}

void WriteComb(Canvas& c, const FieldDefinition& f, const std::string& text, const Pen& pen,
               const Fonts& fonts, Random& rng) {
  const BoxMm& b = *f.box;
  const int cells = *f.comb;
  const double cell_w = b.width / cells;
  const std::vector<std::string> chars = SplitUtf8Chars(text);
  const bool hand = pen.style == Style::kHandwriting;
  for (int i = 0; i < cells && i < static_cast<int>(chars.size()); ++i) {
    const double size_mm = std::min(cell_w, b.height) * (hand ? pen.size_ratio * 1.05 : 0.62) *
                           (hand ? std::clamp(rng.Normal(1.0, 0.04), 0.92, 1.08) : 1.0);
    const TextMask glyph = RenderText(fonts.Get(pen.font), chars[static_cast<std::size_t>(i)],
                                      static_cast<int>(c.Px(size_mm)));
    if (glyph.ink.area() == 0) continue;
    cv::Point2d centre = c.P(b.x + cell_w * (i + 0.5), b.y + b.height / 2);
    cv::Mat coverage = glyph.coverage;
    if (hand) {
      centre.x += rng.Normal(0, c.Px(cell_w * 0.06));
      centre.y += rng.Normal(0, c.Px(b.height * 0.05));
      coverage = Distort(glyph, pen.slant + rng.Normal(0, 0.03), rng.Normal(0, 2.0));
    }
    InkCentred(c, glyph, coverage, centre, pen.ink_grey);
  }
}

// A quadratic curve from a through (bent towards) b's side to c, as a pen stroke.
std::vector<cv::Point> Curve(cv::Point2d a, cv::Point2d control, cv::Point2d b, int shift) {
  std::vector<cv::Point> points;
  const double s = 1 << shift;
  for (int i = 0; i <= 12; ++i) {
    const double t = i / 12.0;
    const cv::Point2d p = (1 - t) * (1 - t) * a + 2 * (1 - t) * t * control + t * t * b;
    points.emplace_back(static_cast<int>(std::lround(p.x * s)), static_cast<int>(std::lround(p.y * s)));
  }
  return points;
}

void DrawMark(Canvas& c, const BoxMm& box, const std::string& mark, const Pen& pen,
              const Fonts& fonts, Random& rng) {
  const cv::Rect r = c.R(box);
  const double w = r.width;
  const double h = r.height;
  const bool hand = pen.style == Style::kHandwriting;
  // Work in a patch around the box: hand-drawn marks overshoot it.
  const int margin = static_cast<int>(std::max(w, h) * 1.5);
  const cv::Point origin(r.x - margin, r.y - margin);
  cv::Mat patch(r.height + 2 * margin, r.width + 2 * margin, CV_8UC1, cv::Scalar(0));
  const cv::Point2d o(margin + (hand ? rng.Normal(0, 0.12 * w) : 0),
                      margin + (hand ? rng.Normal(0, 0.12 * h) : 0));
  const int thickness = std::max(1, static_cast<int>(std::lround(c.Px(pen.stroke_mm))));
  constexpr int kShift = 3;
  auto jitter = [&](double s) { return hand ? rng.Normal(0, s) : 0.0; };

  if (mark == "✓") {
    if (!hand) {
      const TextMask glyph = RenderText(fonts.Get(Font::kGothic), "✓", static_cast<int>(h * 1.3));
      InkCentred(c, glyph, glyph.coverage, {r.x + w / 2, r.y + h / 2}, pen.ink_grey);
      return;
    }
    const cv::Point2d p0 = o + cv::Point2d(0.12 * w + jitter(0.08 * w), 0.45 * h + jitter(0.08 * h));
    const cv::Point2d p1 = o + cv::Point2d(0.42 * w + jitter(0.06 * w), 0.9 * h + jitter(0.06 * h));
    const cv::Point2d p2 = o + cv::Point2d(1.15 * w + jitter(0.15 * w), -0.3 * h + jitter(0.15 * h));
    const std::vector<std::vector<cv::Point>> strokes = {
        Curve(p0, (p0 + p1) / 2 + cv::Point2d(-0.05 * w, 0.05 * h), p1, kShift),
        Curve(p1, (p1 + p2) / 2 + cv::Point2d(0.08 * w, 0.1 * h), p2, kShift)};
    cv::polylines(patch, strokes, false, cv::Scalar(255), thickness, cv::LINE_AA, kShift);
  } else if (mark == "○") {
    const cv::Point2d centre = o + cv::Point2d(w / 2, h / 2);
    const cv::Size axes(static_cast<int>(w * (hand ? rng.Uniform(0.38, 0.5) : 0.4) * (1 << kShift)),
                        static_cast<int>(h * (hand ? rng.Uniform(0.36, 0.48) : 0.4) * (1 << kShift)));
    const double start = hand ? rng.Uniform(0, 360) : 0;
    const double sweep = hand ? rng.Uniform(330, 390) : 360;
    cv::ellipse(patch,
                cv::Point(static_cast<int>(centre.x * (1 << kShift)),
                          static_cast<int>(centre.y * (1 << kShift))),
                axes, jitter(10), start, start + sweep, cv::Scalar(255),
                std::max(1, thickness * 3 / 4), cv::LINE_AA, kShift);
  } else {  // "■": a printed filled square, or a scribble by hand
    if (!hand) {
      const double inset = c.Px(0.7);
      cv::rectangle(patch, cv::Point2d(o.x + inset, o.y + inset),
                    cv::Point2d(o.x + w - inset, o.y + h - inset), cv::Scalar(255), cv::FILLED);
    } else {
      std::vector<cv::Point> zigzag;
      const int strokes = rng.Int(4, 7);
      for (int i = 0; i <= strokes; ++i) {
        const double t = static_cast<double>(i) / strokes;
        const double y = o.y + 0.1 * h + t * 0.8 * h + jitter(0.04 * h);
        const double x = (i % 2 == 0 ? 0.08 * w : 0.92 * w) + o.x + jitter(0.06 * w);
        zigzag.emplace_back(static_cast<int>(x * (1 << kShift)), static_cast<int>(y * (1 << kShift)));
      }
      cv::polylines(patch, std::vector<std::vector<cv::Point>>{zigzag}, false, cv::Scalar(255),
                    static_cast<int>(thickness * 1.4), cv::LINE_AA, kShift);
    }
  }
  c.Ink(patch, origin, pen.ink_grey);
}

bool Overlaps(const BoxMm& a, const BoxMm& b, double margin) {
  return a.x < b.x + b.width + margin && b.x < a.x + a.width + margin &&
         a.y < b.y + b.height + margin && b.y < a.y + a.height + margin;
}

// A faint pencil tick, an eraser smudge's leftover, a pen test: never on a field.
void StrayMarks(Canvas& c, const models::FormDefinition& form, int page, Random& rng) {
  if (!rng.Chance(0.3)) return;
  const models::PageDefinition& p = form.pages[static_cast<std::size_t>(page - 1)];
  const int count = rng.Int(1, 2);
  for (int n = 0, tries = 0; n < count && tries < 50; ++tries) {
    const BoxMm spot{rng.Uniform(12, p.width_mm - 20), rng.Uniform(40, p.height_mm - 20), 8, 8};
    bool clear = true;
    for (const FieldDefinition& f : form.fields) {
      if (f.page == page && Overlaps(spot, FieldExtent(f), 4)) clear = false;
    }
    if (!clear) continue;
    ++n;
    const int grey = rng.Int(140, 205);
    const int thickness = std::max(1, static_cast<int>(c.Px(rng.Uniform(0.15, 0.45))));
    cv::Mat patch(static_cast<int>(c.Px(10)), static_cast<int>(c.Px(10)), CV_8UC1, cv::Scalar(0));
    const cv::Point2d mid(patch.cols / 2.0, patch.rows / 2.0);
    if (rng.Chance(0.5)) {
      const double len = c.Px(rng.Uniform(2, 8)) / 2;
      const double a = rng.Uniform(0, kPi);
      cv::line(patch, mid - cv::Point2d(std::cos(a), std::sin(a)) * len,
               mid + cv::Point2d(std::cos(a), std::sin(a)) * len, cv::Scalar(255), thickness,
               cv::LINE_AA);
    } else {
      cv::circle(patch, mid, std::max(1, static_cast<int>(c.Px(rng.Uniform(0.3, 0.8)))),
                 cv::Scalar(255), cv::FILLED, cv::LINE_AA);
    }
    const cv::Rect at = c.R(spot);
    c.Ink(patch, at.tl(), grey);
  }
}

}  // namespace

Pen ChoosePen(Style style, Random& rng) {
  Pen pen;
  pen.style = style;
  if (style == Style::kPrinted) {
    pen.font = rng.Chance(0.7) ? Font::kGothic : Font::kMincho;
    pen.ink_grey = rng.Int(0, 18);
    pen.size_ratio = rng.Uniform(0.42, 0.52);
    pen.slant = 0;
    pen.stroke_mm = 0.35;
  } else {
    pen.font = rng.Chance(0.55) ? Font::kKleeRegular : Font::kKleeSemiBold;
    pen.ink_grey = rng.Int(28, 75);
    pen.size_ratio = rng.Uniform(0.58, 0.72);
    pen.slant = rng.Uniform(-0.03, 0.18);
    pen.stroke_mm = rng.Uniform(0.35, 0.6);
  }
  return pen;
}

void FillPage(Canvas& canvas, const models::FormDefinition& form, int page,
              const std::vector<FieldValue>& values, const Pen& pen, const Fonts& fonts,
              Random& rng) {
  for (const FieldDefinition& f : form.fields) {
    if (f.page != page) continue;
    const auto it = std::find_if(values.begin(), values.end(),
                                 [&](const FieldValue& v) { return v.name == f.name; });
    if (it == values.end()) continue;
    const FieldValue& v = *it;
    switch (f.type) {
      case FieldType::kCheckbox:
        if (v.normalized == "true") DrawMark(canvas, *f.box, v.mark, pen, fonts, rng);
        break;
      case FieldType::kChoice:
        if (v.marked_option >= 0 && v.marked_option < static_cast<int>(f.options.size())) {
          DrawMark(canvas, f.options[static_cast<std::size_t>(v.marked_option)].box, v.mark, pen,
                   fonts, rng);
        }
        break;
      default:
        if (v.written.empty() || !f.box.has_value()) break;
        if (f.comb.has_value() && *f.comb > 1) {
          WriteComb(canvas, f, v.written, pen, fonts, rng);
        } else if (pen.style == Style::kHandwriting) {
          HandwriteText(canvas, f, v.written, pen, fonts, rng);
        } else {
          PrintText(canvas, f, v.written, pen, fonts);
        }
    }
  }
  StrayMarks(canvas, form, page, rng);
}

}  // namespace adbridge::scangen
