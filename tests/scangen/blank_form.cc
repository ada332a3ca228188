#include "tests/scangen/blank_form.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <opencv2/aruco.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/scangen/form_decor.h"

namespace adbridge::scangen {
namespace {

using models::BoxMm;
using models::FieldDefinition;
using models::FieldType;

constexpr int kInk = 0;
constexpr int kBoxInk = 35;
constexpr int kLabelFill = 236;
constexpr double kRule = 0.3;
constexpr double kThin = 0.2;
constexpr double kLabelSize = 3.5;
constexpr double kOptionLabelSize = 3.3;
// Where the label column ends when a row's first box starts further right.
constexpr double kLabelColumnRightMm = 46;

bool IsSquare(const FieldDefinition& f) {
  return f.type == FieldType::kCheckbox || f.type == FieldType::kChoice;
}

// Fields whose boxes share a band of the page form one table row.
struct Row {
  double top = 0;
  double bottom = 0;
  std::vector<const FieldDefinition*> fields;
};

std::vector<Row> TableRows(const models::FormDefinition& form, int page) {
  std::vector<Row> rows;
  for (const FieldDefinition& f : form.fields) {
    if (f.page != page) continue;
    const BoxMm e = FieldExtent(f);
    const double pad = IsSquare(f) ? 3.0 : 1.5;
    rows.push_back({e.y - pad, e.y + e.height + pad, {&f}});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.top < b.top; });
  std::vector<Row> merged;
  for (Row& row : rows) {
    if (!merged.empty() && row.top < merged.back().bottom - 0.01) {
      merged.back().bottom = std::max(merged.back().bottom, row.bottom);
      merged.back().fields.push_back(row.fields.front());
    } else {
      merged.push_back(std::move(row));
    }
  }
  for (Row& row : merged) {
    std::sort(row.fields.begin(), row.fields.end(),
              [](const FieldDefinition* a, const FieldDefinition* b) {
                return FieldExtent(*a).x < FieldExtent(*b).x;
              });
  }
  return merged;
}

// A square with its label to the right; returns where the label ends.
double DrawSquare(Canvas& c, const Fonts& fonts, const BoxMm& box, const std::string& label,
                  double limit_mm) {
  c.Rect(box, 0.25, kInk);
  const double x = box.x + box.width + 1.5;
  const double baseline = box.y + box.height / 2 + kOptionLabelSize * 0.36;
  const double width = c.Text(fonts.Get(Font::kGothic), label, x, baseline, kOptionLabelSize,
                              kInk, Align::kLeft, std::max(5.0, limit_mm - x));
  return x + width;
}

void DrawWritingBox(Canvas& c, const Fonts& fonts, const FieldDefinition& f) {
  const BoxMm& b = *f.box;
  c.Rect(b, kThin, kBoxInk);
  if (f.comb.has_value() && *f.comb > 1) {
    const double cell = b.width / *f.comb;
    for (int i = 1; i < *f.comb; ++i) {
      // Postal codes read 〒□□□-□□□□: the rule after the third cell is heavier.
      const bool group = f.type == FieldType::kPostalCode && i == 3;
      c.Line(b.x + cell * i, b.y, b.x + cell * i, b.y + b.height, group ? 0.45 : kThin,
             kBoxInk);
    }
  }
  if (f.type == FieldType::kPostalCode) {
    c.TextInBox(fonts.Get(Font::kGothic), "〒", {b.x - 6.5, b.y, 6.0, b.height}, 4.2, kInk,
                0.3, Align::kCenter);
  }
}

void DrawRow(Canvas& c, const Fonts& fonts, const Row& row) {
  c.Rect({kTableLeftMm, row.top, kTableRightMm - kTableLeftMm, row.bottom - row.top}, kRule,
         kInk);
  double previous_right = kTableLeftMm;
  for (std::size_t i = 0; i < row.fields.size(); ++i) {
    const FieldDefinition& f = *row.fields[i];
    const BoxMm extent = FieldExtent(f);
    const double next_left =
        i + 1 < row.fields.size() ? FieldExtent(*row.fields[i + 1]).x - 2 : kTableRightMm - 1;
    if (IsSquare(f)) {
      if (i == 0) {
        // The row's label column: a choice names itself there; a checkbox's label sits
        // beside its square, and the column is left for form_decor's row heading.
        const double right = std::min(extent.x - 2, kLabelColumnRightMm);
        const BoxMm cell{kTableLeftMm, row.top, right - kTableLeftMm, row.bottom - row.top};
        c.Fill(cell, kLabelFill);
        c.Line(cell.x + cell.width, row.top, cell.x + cell.width, row.bottom, kThin, kInk);
        if (f.type == FieldType::kChoice) {
          c.TextInBox(fonts.Get(Font::kGothic), f.label, {cell.x, extent.y, cell.width, extent.height},
                      kLabelSize, kInk, 1.5, Align::kCenter);
        }
      }
      if (f.type == FieldType::kCheckbox) {
        previous_right = DrawSquare(c, fonts, *f.box, f.label, next_left);
      } else {
        for (std::size_t k = 0; k < f.options.size(); ++k) {
          const double limit =
              k + 1 < f.options.size() && f.options[k + 1].box.x > f.options[k].box.x
                  ? f.options[k + 1].box.x - 1.5
                  : next_left;
          previous_right = std::max(
              previous_right, DrawSquare(c, fonts, f.options[k].box, f.options[k].label, limit));
        }
      }
      continue;
    }
    const BoxMm& b = *f.box;
    const double cell_left = i == 0 ? kTableLeftMm : previous_right + 2;
    const double cell_right = b.x - (f.type == FieldType::kPostalCode ? 8.0 : 2.0);
    const BoxMm cell{cell_left, row.top, cell_right - cell_left, row.bottom - row.top};
    c.Fill(cell, kLabelFill);
    if (i > 0) c.Line(cell_left, row.top, cell_left, row.bottom, kThin, kInk);
    c.Line(cell_right, row.top, cell_right, row.bottom, kThin, kInk);
    const double size = f.type == FieldType::kKana ? 3.0 : kLabelSize;
    c.TextInBox(fonts.Get(Font::kGothic), f.label, {cell.x, b.y, cell.width, b.height}, size, kInk,
                1.5, Align::kCenter);
    DrawWritingBox(c, fonts, f);
    previous_right = b.x + b.width;
  }
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

Result<cv::Ptr<cv::aruco::Dictionary>> ArucoDictionary(const std::string& name) {
  static const std::map<std::string, int> kDictionaries = {
      {"DICT_4X4_50", cv::aruco::DICT_4X4_50},   {"DICT_4X4_100", cv::aruco::DICT_4X4_100},
      {"DICT_5X5_50", cv::aruco::DICT_5X5_50},   {"DICT_6X6_50", cv::aruco::DICT_6X6_50},
      {"DICT_ARUCO_ORIGINAL", cv::aruco::DICT_ARUCO_ORIGINAL},
  };
  const auto it = kDictionaries.find(name);
  if (it == kDictionaries.end()) {
    return Status::InvalidArgument("未対応の ArUco 辞書です: " + name,
                                   "unsupported ArUco dictionary: " + name);
  }
  return cv::aruco::getPredefinedDictionary(it->second);
}

}  // namespace

BoxMm FieldExtent(const FieldDefinition& field) {
  if (field.box.has_value()) return *field.box;
  if (field.options.empty()) return {};
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (const models::ChoiceOption& o : field.options) {
    x0 = std::min(x0, o.box.x);
    y0 = std::min(y0, o.box.y);
    x1 = std::max(x1, o.box.x + o.box.width);
    y1 = std::max(y1, o.box.y + o.box.height);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

Result<cv::Mat> DrawBlankPage(const models::FormDefinition& form, int page_index, double dpi,
                              const Fonts& fonts) {
  if (page_index < 0 || page_index >= static_cast<int>(form.pages.size())) {
    return Status::InvalidArgument(
        "フォーム " + form.id + " にページ " + std::to_string(page_index + 1) + " はありません",
        "form " + form.id + " has no page " + std::to_string(page_index + 1));
  }
  const models::PageDefinition& page = form.pages[static_cast<std::size_t>(page_index)];
  const int page_no = page_index + 1;
  Canvas c(page.width_mm, page.height_mm, dpi);
  auto& gothic = fonts.Get(Font::kGothic);

  const double centre = page.width_mm / 2;
  c.Text(gothic, form.title, centre, 24, 6.5, kInk, Align::kCenter, 108);
  if (!form.department.empty()) {
    c.Text(gothic, "塩尻市 " + form.department, kTableLeftMm, 31, 3.5, kInk);
  }
  if (form.pages.size() > 1) {
    c.Text(gothic,
           std::to_string(page_no) + " / " + std::to_string(form.pages.size()) + " 枚目",
           centre, page.height_mm - 6, 3.0, kInk, Align::kCenter);
  }
  for (const Row& row : TableRows(form, page_no)) DrawRow(c, fonts, row);
  for (const DecorItem& item : DecorFor(form.id, page_no)) DrawDecor(c, fonts, item);

  if (page.markers.has_value()) {
    Result<cv::Ptr<cv::aruco::Dictionary>> dictionary = ArucoDictionary(page.markers->dictionary);
    if (!dictionary.ok()) return dictionary.status();
    for (const models::MarkerItem& item : page.markers->items) {
      const cv::Rect r = c.R(item.box);
      cv::Mat marker;
      cv::aruco::drawMarker(*dictionary, item.id, std::min(r.width, r.height), marker, 1);
      const cv::Rect target =
          cv::Rect(r.tl(), marker.size()) & cv::Rect(0, 0, c.image().cols, c.image().rows);
      marker(cv::Rect(0, 0, target.width, target.height)).copyTo(c.image()(target));
    }
  }
  return c.image();
}

}  // namespace adbridge::scangen
