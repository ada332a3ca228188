#include "tests/scangen/canvas.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <opencv2/imgproc.hpp>

namespace adbridge::scangen {

Result<Fonts> Fonts::Load() {
  const struct {
    Font font;
    const char* path;
    const char* package;
  } kFaces[] = {
      {Font::kGothic, kGothicPath, "fonts-ipaexfont-gothic"},
      {Font::kMincho, kMinchoPath, "fonts-ipaexfont-mincho"},
      {Font::kKleeRegular, kKleeRegularPath, "fonts-klee"},
      {Font::kKleeSemiBold, kKleeSemiBoldPath, "fonts-klee"},
  };
  Fonts fonts;
  for (const auto& face : kFaces) {
    if (!std::filesystem::exists(face.path)) {
      return Status::NotFound(
          std::string("フォントがありません: ") + face.path + "（" + face.package + "）",
          std::string("font not found: ") + face.path + " (install " + face.package + ")");
    }
    auto ft = cv::freetype::createFreeType2();
    ft->loadFontData(face.path, 0);
    fonts.faces_[static_cast<int>(face.font)] = ft;
  }
  ADB_ASSIGN_OR_RETURN(ocr::FormPrinter printer, ocr::FormPrinter::Create());
  fonts.printer_ = std::make_shared<const ocr::FormPrinter>(std::move(printer));
  return fonts;
}

TextMask RenderText(cv::freetype::FreeType2& face, std::string_view text, int height_px) {
  TextMask out;
  height_px = std::max(height_px, 4);
  const std::string s(text);
  int base = 0;
  const cv::Size size = face.getTextSize(s, height_px, -1, &base);
  // FreeType draws only on 3-channel images; margins hold overhangs (descenders, a closing
  // full-width bracket drawn past its advance) that getTextSize does not count.
  const int pad = height_px / 2 + 2;
  cv::Mat bgr(height_px * 2, size.width + 2 * pad + height_px, CV_8UC3, cv::Scalar::all(255));
  out.baseline = {pad, height_px * 3 / 2 - height_px / 8};
  face.putText(bgr, s, out.baseline, height_px, cv::Scalar::all(0), -1, cv::LINE_AA, true);
  cv::Mat grey;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  out.coverage = 255 - grey;
  out.ink = cv::boundingRect(out.coverage);
  return out;
}

Canvas::Canvas(double width_mm, double height_mm, double dpi)
    : image_(static_cast<int>(std::lround(height_mm * dpi / 25.4)),
             static_cast<int>(std::lround(width_mm * dpi / 25.4)), CV_8UC1, cv::Scalar(255)),
      dpi_(dpi) {}

cv::Rect Canvas::R(const models::BoxMm& box) const {
  const int x0 = static_cast<int>(std::lround(Px(box.x)));
  const int y0 = static_cast<int>(std::lround(Px(box.y)));
  const int x1 = static_cast<int>(std::lround(Px(box.x + box.width)));
  const int y1 = static_cast<int>(std::lround(Px(box.y + box.height)));
  return {x0, y0, x1 - x0, y1 - y0};
}

void Canvas::Line(double x0, double y0, double x1, double y1, double width_mm, int grey) {
  const int thickness = std::max(1, static_cast<int>(std::lround(Px(width_mm))));
  // Axis-aligned rules are filled rectangles, so they stay crisp at every resolution.
  if (x0 == x1 || y0 == y1) {
    const double half = thickness / 2.0;
    int ax = static_cast<int>(std::lround(Px(std::min(x0, x1)) - (x0 == x1 ? half : 0)));
    int ay = static_cast<int>(std::lround(Px(std::min(y0, y1)) - (y0 == y1 ? half : 0)));
    int bx = x0 == x1 ? ax + thickness : static_cast<int>(std::lround(Px(std::max(x0, x1))));
    int by = y0 == y1 ? ay + thickness : static_cast<int>(std::lround(Px(std::max(y0, y1))));
    const cv::Rect r = cv::Rect(cv::Point(ax, ay), cv::Point(bx, by)) &
                       cv::Rect(0, 0, image_.cols, image_.rows);
    if (r.area() > 0) {
      cv::Mat roi = image_(r);
      cv::min(roi, cv::Scalar(grey), roi);
    }
    return;
  }
  cv::line(image_, P(x0, y0), P(x1, y1), cv::Scalar(grey), thickness, cv::LINE_AA);
}

void Canvas::Rect(const models::BoxMm& b, double width_mm, int grey) {
  Line(b.x, b.y, b.x + b.width, b.y, width_mm, grey);
  Line(b.x, b.y + b.height, b.x + b.width, b.y + b.height, width_mm, grey);
  Line(b.x, b.y, b.x, b.y + b.height, width_mm, grey);
  Line(b.x + b.width, b.y, b.x + b.width, b.y + b.height, width_mm, grey);
}

void Canvas::Fill(const models::BoxMm& box, int grey) {
  const cv::Rect r = R(box) & cv::Rect(0, 0, image_.cols, image_.rows);
  if (r.area() > 0) {
    cv::Mat roi = image_(r);
    cv::min(roi, cv::Scalar(grey), roi);
  }
}

double Canvas::Text(cv::freetype::FreeType2& face, std::string_view text, double x_mm,
                    double baseline_mm, double size_mm, int grey, Align align,
                    double max_width_mm) {
  if (text.empty()) return 0;
  int height = static_cast<int>(std::lround(Px(size_mm)));
  TextMask mask = RenderText(face, text, height);
  if (max_width_mm > 0 && mask.ink.width > Px(max_width_mm)) {
    height = static_cast<int>(height * Px(max_width_mm) / mask.ink.width);
    mask = RenderText(face, text, height);
  }
  const double width_px = mask.ink.width;
  double left = Px(x_mm);
  if (align == Align::kCenter) left -= width_px / 2;
  if (align == Align::kRight) left -= width_px;
  const cv::Point top_left(static_cast<int>(std::lround(left)) - mask.ink.x,
                           static_cast<int>(std::lround(Px(baseline_mm))) - mask.baseline.y);
  Ink(mask.coverage, top_left, grey);
  return width_px * 25.4 / dpi_;
}

double Canvas::TextInBox(cv::freetype::FreeType2& face, std::string_view text,
                         const models::BoxMm& box, double size_mm, int grey, double pad_mm,
                         Align align) {
  // IPAex kanji sit from 0.8 em above the baseline to just below it: centre that span.
  const double baseline = box.y + box.height / 2 + size_mm * 0.36;
  const double max_width = box.width - 2 * pad_mm;
  double x = box.x + pad_mm;
  if (align == Align::kCenter) x = box.x + box.width / 2;
  if (align == Align::kRight) x = box.x + box.width - pad_mm;
  return Text(face, text, x, baseline, size_mm, grey, align, max_width);
}

void Canvas::Ink(const cv::Mat& mask, cv::Point top_left, int grey) {
  const cv::Rect page(0, 0, image_.cols, image_.rows);
  const cv::Rect target = cv::Rect(top_left, mask.size()) & page;
  if (target.area() <= 0) return;
  const cv::Mat src = mask(cv::Rect(target.tl() - top_left, target.size()));
  cv::Mat dst = image_(target);
  // Ink absorbs light: paper * (1 - coverage * (1 - ink/255)).
  const double darkness = (255.0 - grey) / 255.0;
  for (int y = 0; y < target.height; ++y) {
    const std::uint8_t* m = src.ptr<std::uint8_t>(y);
    std::uint8_t* d = dst.ptr<std::uint8_t>(y);
    for (int x = 0; x < target.width; ++x) {
      if (m[x] == 0) continue;
      const double keep = 1.0 - (m[x] / 255.0) * darkness;
      d[x] = static_cast<std::uint8_t>(std::lround(d[x] * keep));
    }
  }
}

}  // namespace adbridge::scangen
