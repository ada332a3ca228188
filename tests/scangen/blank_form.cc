#include "tests/scangen/blank_form.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <variant>

#include "tests/scangen/form_decor.h"

namespace adbridge::scangen {
namespace {

using models::BoxMm;

constexpr int kInk = 0;
constexpr int kLabelFill = 236;
constexpr double kRule = 0.3;
constexpr double kThin = 0.2;

Align ToAlign(models::TextAlign align) {
  switch (align) {
    case models::TextAlign::kLeft:
      return Align::kLeft;
    case models::TextAlign::kCenter:
      return Align::kCenter;
    case models::TextAlign::kRight:
      return Align::kRight;
  }
  return Align::kLeft;
}

void DrawDecor(Canvas& c, const Fonts& fonts, const DecorItem& item) {
  auto& gothic = fonts.Get(Font::kGothic);
  switch (item.kind) {
    case DecorItem::Kind::kText:
      c.Text(gothic, item.text, item.box.x, item.box.y, item.size_mm, kInk,
             item.centred ? Align::kCenter : Align::kLeft,
             item.centred ? 0 : kTableRightMm - item.box.x);
      break;
    case DecorItem::Kind::kHeading:
      // IPAex has no bold face: two passes a hair apart read as a bold heading.
      c.Text(gothic, item.text, item.box.x, item.box.y, item.size_mm, kInk);
      c.Text(gothic, item.text, item.box.x + 0.12, item.box.y, item.size_mm, kInk);
      c.Line(item.box.x, item.box.y + 1.4, item.box.x + item.box.width, item.box.y + 1.4, kRule,
             kInk);
      break;
    case DecorItem::Kind::kRect:
      c.Rect(item.box, kRule, kInk);
      break;
    case DecorItem::Kind::kStamp: {
      c.Rect(item.box, kRule, kInk);
      const BoxMm header{item.box.x, item.box.y, item.box.width, 6};
      c.TextInBox(gothic, item.text, header, item.size_mm, kInk, 0.5, Align::kCenter);
      c.Line(item.box.x, item.box.y + 6, item.box.x + item.box.width, item.box.y + 6, kThin,
             kInk);
      break;
    }
    case DecorItem::Kind::kPanel: {
      const BoxMm column{item.box.x, item.box.y, 20, item.box.height};
      c.Fill(column, kLabelFill);
      c.Rect(item.box, kRule, kInk);
      c.Line(column.x + column.width, column.y, column.x + column.width,
             column.y + column.height, kThin, kInk);
      c.TextInBox(gothic, item.text, column, item.size_mm, kInk, 1, Align::kCenter);
      break;
    }
  }
}

// `layout` drawn the way the generator draws: text through OpenCV's FreeType, placed by its ink.
void DrawLayout(Canvas& c, const models::PageLayout& layout, const Fonts& fonts) {
  struct Visitor {
    Canvas& c;
    const Fonts& fonts;
    void operator()(const models::LayoutLine& l) const {
      c.Line(l.x0, l.y0, l.x1, l.y1, l.width_mm, l.grey);
    }
    void operator()(const models::LayoutOutline& o) const { c.Rect(o.box, o.width_mm, o.grey); }
    void operator()(const models::LayoutFill& f) const { c.Fill(f.box, f.grey); }
    void operator()(const models::LayoutText& t) const {
      c.Text(fonts.Get(Font::kGothic), t.text, t.x_mm, t.baseline_mm, t.size_mm, t.grey,
             ToAlign(t.align), t.max_width_mm);
    }
    void operator()(const models::LayoutCode& code) const {
      // One pixel per module, enlarged as cv::aruco::drawMarker enlarges its markers.
      cv::Mat tiny(code.modules.size, code.modules.size, CV_8UC1);
      for (int y = 0; y < tiny.rows; ++y) {
        for (int x = 0; x < tiny.cols; ++x) tiny.at<uchar>(y, x) = code.modules.At(y, x) ? 0 : 255;
      }
      const cv::Rect r = c.R(code.box);
      const int side = std::min(r.width, r.height);
      if (side <= 0) return;
      cv::Mat modules;
      cv::resize(tiny, modules, {side, side}, 0, 0, cv::INTER_NEAREST);
      const cv::Rect target =
          cv::Rect(r.tl(), modules.size()) & cv::Rect(0, 0, c.image().cols, c.image().rows);
      modules(cv::Rect(0, 0, target.width, target.height)).copyTo(c.image()(target));
    }
  };
  const Visitor visitor{c, fonts};
  for (const models::LayoutItem& item : layout.items) std::visit(visitor, item);
}

}  // namespace

Result<cv::Mat> DrawBlankPage(const models::FormDefinition& form, int page_index, double dpi,
                              const Fonts& fonts) {
  models::LayoutOptions options;
  options.issuer = "塩尻市";
  ADB_ASSIGN_OR_RETURN(models::PageLayout layout,
                       models::BuildPageLayout(form, page_index, fonts.metrics(), options));
  Canvas c(layout.width_mm, layout.height_mm, dpi);
  DrawLayout(c, layout, fonts);
  for (const DecorItem& item : DecorFor(form.id, layout.page)) DrawDecor(c, fonts, item);
  return c.image();
}

}  // namespace adbridge::scangen
