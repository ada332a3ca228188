#include "models/form_layout.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

namespace adbridge::models {
namespace {

// Grey of writing boxes (a little lighter than the table, as on printed forms) and of label
// cells.
constexpr int kBoxInk = 35;
constexpr int kLabelFill = 236;
// Rule widths: the table, the writing boxes, checkbox squares, the group rule of a postal code.
constexpr double kRule = 0.3;
constexpr double kThin = 0.2;
constexpr double kSquareRule = 0.25;
constexpr double kGroupRule = 0.45;
// Text sizes (em height).
constexpr double kTitleSize = 6.5;
constexpr double kDepartmentSize = 3.5;
constexpr double kPageNumberSize = 3.0;
constexpr double kLabelSize = 3.5;
constexpr double kKanaLabelSize = 3.0;
constexpr double kOptionLabelSize = 3.3;
constexpr double kPostalMarkSize = 4.2;
// Where the header sits, and the table's margins.
constexpr double kTitleBaselineMm = 24;
constexpr double kTitleMaxWidthMm = 108;
constexpr double kDepartmentBaselineMm = 31;
constexpr double kPageNumberFromBottomMm = 6;
constexpr double kTableMarginMm = 15;
// A row of squares keeps its label column this wide when its first square starts further right.
constexpr double kLabelColumnMm = 31;
// IPAex glyphs reach 0.88 em above the baseline and 0.12 em below; kanji sit from about 0.8 em
// above it to just below, so a label is centred in its cell with its baseline 0.36 em below
// the middle.
constexpr double kAscent = 0.88;
constexpr double kDescent = 0.12;
constexpr double kCentreToBaseline = 0.36;
// The smallest QR module the page locator reads at its working resolution.
constexpr double kMinQrModuleMm = 0.6;
// Candidate QR positions are tried this far apart.
constexpr double kQrStepMm = 0.5;

bool IsSquare(const FieldDefinition& f) {
  return f.type == FieldType::kCheckbox || f.type == FieldType::kChoice;
}

// Fields whose boxes share a band of the page form one table row.
struct Row {
  double top = 0;
  double bottom = 0;
  std::vector<const FieldDefinition*> fields;  // left to right
};

std::vector<Row> TableRows(const FormDefinition& form, int page) {
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

// Appends the items of one page, measuring text with the metrics.
class PageBuilder {
 public:
  PageBuilder(const LayoutMetrics& metrics, const LayoutOptions& options, double width_mm)
      : metrics_(metrics),
        options_(options),
        table_left_(kTableMarginMm),
        table_right_(width_mm - kTableMarginMm) {}

  std::vector<LayoutItem>& items() { return items_; }

  void Line(double x0, double y0, double x1, double y1, double width, int grey) {
    items_.emplace_back(LayoutLine{x0, y0, x1, y1, width, grey});
  }
  void Outline(const BoxMm& box, double width, int grey) {
    items_.emplace_back(LayoutOutline{box, width, grey});
  }
  void Fill(const BoxMm& box, int grey) { items_.emplace_back(LayoutFill{box, grey}); }
  // Returns the width the text takes once fitted.
  double Text(std::string text, double x, double baseline, double size, TextAlign align,
              double max_width = 0) {
    const double width = metrics_.TextWidthMm(text, size);
    const LayoutText& item = std::get<LayoutText>(items_.emplace_back(
        LayoutText{std::move(text), x, baseline, size, align, max_width, kLayoutInk}));
    return PlaceText(item, width).width_mm;
  }
  // Text centred vertically in `box`, placed within it `pad` from its sides.
  void TextInBox(std::string text, const BoxMm& box, double size, double pad, TextAlign align) {
    const double baseline = box.y + box.height / 2 + size * kCentreToBaseline;
    double x = box.x + pad;
    if (align == TextAlign::kCenter) x = box.x + box.width / 2;
    if (align == TextAlign::kRight) x = box.x + box.width - pad;
    Text(std::move(text), x, baseline, size, align, box.width - 2 * pad);
  }

  // One table row: its frame, each field's label cell and box, squares with their labels.
  void AddRow(const Row& row);

 private:
  // A square with its label to the right; returns where the label ends.
  double Square(const BoxMm& box, const std::string& label, double limit) {
    Outline(box, kSquareRule, kLayoutInk);
    const double x = box.x + box.width + 1.5;
    const double baseline = box.y + box.height / 2 + kOptionLabelSize * kCentreToBaseline;
    return x +
           Text(label, x, baseline, kOptionLabelSize, TextAlign::kLeft, std::max(5.0, limit - x));
  }

  void WritingBox(const FieldDefinition& f) {
    const BoxMm& b = *f.box;
    Outline(b, kThin, kBoxInk);
    if (f.comb.has_value() && *f.comb > 1) {
      const double cell = b.width / *f.comb;
      for (int i = 1; i < *f.comb; ++i) {
        // Postal codes read 〒□□□-□□□□: the rule after the third cell is heavier.
        const bool group = f.type == FieldType::kPostalCode && i == 3;
        Line(b.x + cell * i, b.y, b.x + cell * i, b.y + b.height, group ? kGroupRule : kThin,
             kBoxInk);
      }
    }
    if (f.type == FieldType::kPostalCode) {
      TextInBox("〒", {b.x - 6.5, b.y, 6.0, b.height}, kPostalMarkSize, 0.3, TextAlign::kCenter);
    }
  }

  const LayoutMetrics& metrics_;
  const LayoutOptions& options_;
  bool previous_row_checkbox_ = false;  // the row above starts with a checkbox
  double table_left_;
  double table_right_;
  std::vector<LayoutItem> items_;
};

void PageBuilder::AddRow(const Row& row) {
  Outline({table_left_, row.top, table_right_ - table_left_, row.bottom - row.top}, kRule,
          kLayoutInk);
  double previous_right = table_left_;
  const bool checkbox_row = row.fields.front()->type == FieldType::kCheckbox;
  const bool heading = checkbox_row && !previous_row_checkbox_;
  previous_row_checkbox_ = checkbox_row;
  for (std::size_t i = 0; i < row.fields.size(); ++i) {
    const FieldDefinition& f = *row.fields[i];
    const BoxMm extent = FieldExtent(f);
    const double next_left =
        i + 1 < row.fields.size() ? FieldExtent(*row.fields[i + 1]).x - 2 : table_right_ - 1;
    if (IsSquare(f)) {
      if (i == 0) {
        // The row's label column: a choice names itself there; a checkbox's label sits beside
        // its square.
        const double right = std::min(extent.x - 2, table_left_ + kLabelColumnMm);
        const BoxMm cell{table_left_, row.top, right - table_left_, row.bottom - row.top};
        Fill(cell, kLabelFill);
        Line(cell.x + cell.width, row.top, cell.x + cell.width, row.bottom, kThin, kLayoutInk);
        if (f.type == FieldType::kChoice) {
          TextInBox(f.label, {cell.x, extent.y, cell.width, extent.height}, kLabelSize, 1.5,
                    TextAlign::kCenter);
        } else if (heading && !options_.checkbox_row_heading.empty()) {
          TextInBox(options_.checkbox_row_heading, {cell.x, extent.y, cell.width, extent.height},
                    kLabelSize, 1.5, TextAlign::kCenter);
        }
      }
      if (f.type == FieldType::kCheckbox) {
        previous_right = Square(*f.box, f.label, next_left);
      } else {
        for (std::size_t k = 0; k < f.options.size(); ++k) {
          const double limit =
              k + 1 < f.options.size() && f.options[k + 1].box.x > f.options[k].box.x
                  ? f.options[k + 1].box.x - 1.5
                  : next_left;
          previous_right =
              std::max(previous_right, Square(f.options[k].box, f.options[k].label, limit));
        }
      }
      continue;
    }
    const BoxMm& b = *f.box;
    const double cell_left = i == 0 ? table_left_ : previous_right + 2;
    const double cell_right = b.x - (f.type == FieldType::kPostalCode ? 8.0 : 2.0);
    const BoxMm cell{cell_left, row.top, cell_right - cell_left, row.bottom - row.top};
    Fill(cell, kLabelFill);
    if (i > 0) Line(cell_left, row.top, cell_left, row.bottom, kThin, kLayoutInk);
    Line(cell_right, row.top, cell_right, row.bottom, kThin, kLayoutInk);
    const double size = f.type == FieldType::kKana ? kKanaLabelSize : kLabelSize;
    TextInBox(f.label, {cell.x, b.y, cell.width, b.height}, size, 1.5, TextAlign::kCenter);
    WritingBox(f);
    previous_right = b.x + b.width;
  }
}

// The area an item covers on the page.
BoxMm Bounds(const LayoutItem& item, const LayoutMetrics& metrics) {
  struct Visitor {
    const LayoutMetrics& metrics;
    BoxMm operator()(const LayoutLine& l) const {
      const double h = l.width_mm / 2;
      const double x0 = std::min(l.x0, l.x1) - h, y0 = std::min(l.y0, l.y1) - h;
      return {x0, y0, std::max(l.x0, l.x1) + h - x0, std::max(l.y0, l.y1) + h - y0};
    }
    BoxMm operator()(const LayoutOutline& o) const {
      const double h = o.width_mm / 2;
      return {o.box.x - h, o.box.y - h, o.box.width + 2 * h, o.box.height + 2 * h};
    }
    BoxMm operator()(const LayoutFill& f) const { return f.box; }
    BoxMm operator()(const LayoutText& t) const {
      const TextPlacement p = PlaceText(t, metrics.TextWidthMm(t.text, t.size_mm));
      return {p.left_mm, t.baseline_mm - kAscent * p.size_mm, p.width_mm,
              (kAscent + kDescent) * p.size_mm};
    }
    BoxMm operator()(const LayoutCode& c) const { return c.box; }
  };
  return std::visit(Visitor{metrics}, item);
}

bool Overlap(const BoxMm& a, const BoxMm& b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

// The top-left of a QR code `side` wide whose quiet zone `quiet` stays clear of `taken`,
// within kQrCornerMm of a corner of the page: the top-right corner first (where forms carry
// their reference numbers), then top-left, bottom-right, bottom-left; in each, the place
// nearest the corner.
std::optional<BoxMm> PlaceQr(double width, double height, double side, double quiet,
                             const std::vector<BoxMm>& taken) {
  const double near = std::max(kPrintMarginMm, quiet);  // from the paper's edge to the modules
  const double far = kQrCornerMm - quiet - side;
  if (far < near) return std::nullopt;
  std::vector<std::pair<double, double>> offsets;  // from the corner, nearest first
  for (double a = near; a <= far + 1e-9; a += kQrStepMm) {
    for (double b = near; b <= far + 1e-9; b += kQrStepMm) offsets.emplace_back(a, b);
  }
  std::stable_sort(offsets.begin(), offsets.end(), [](const auto& p, const auto& q) {
    return std::max(p.first, p.second) + (p.first + p.second) / 1000 <
           std::max(q.first, q.second) + (q.first + q.second) / 1000;
  });
  const bool kRight[4] = {true, false, true, false};
  const bool kBottom[4] = {false, false, true, true};
  for (int corner = 0; corner < 4; ++corner) {
    for (const auto& [dx, dy] : offsets) {
      const double x = kRight[corner] ? width - dx - side : dx;
      const double y = kBottom[corner] ? height - dy - side : dy;
      const BoxMm zone{x - quiet, y - quiet, side + 2 * quiet, side + 2 * quiet};
      const bool clear = std::none_of(taken.begin(), taken.end(),
                                      [&](const BoxMm& t) { return Overlap(zone, t); });
      if (clear) return BoxMm{x, y, side, side};
    }
  }
  return std::nullopt;
}

}  // namespace

BoxMm FieldExtent(const FieldDefinition& field) {
  if (field.box.has_value()) return *field.box;
  if (field.options.empty()) return {};
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (const ChoiceOption& o : field.options) {
    x0 = std::min(x0, o.box.x);
    y0 = std::min(y0, o.box.y);
    x1 = std::max(x1, o.box.x + o.box.width);
    y1 = std::max(y1, o.box.y + o.box.height);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

TextPlacement PlaceText(const LayoutText& text, double width_mm) {
  TextPlacement p{text.x_mm, text.size_mm, width_mm};
  if (text.max_width_mm > 0 && width_mm > text.max_width_mm) {
    p.size_mm *= text.max_width_mm / width_mm;
    p.width_mm = text.max_width_mm;
  }
  if (text.align == TextAlign::kCenter) p.left_mm -= p.width_mm / 2;
  if (text.align == TextAlign::kRight) p.left_mm -= p.width_mm;
  return p;
}

const LayoutCode* FindQrCode(const PageLayout& layout) {
  for (const LayoutItem& item : layout.items) {
    const auto* code = std::get_if<LayoutCode>(&item);
    if (code != nullptr && code->kind == LayoutCode::Kind::kQrCode) return code;
  }
  return nullptr;
}

Result<PageLayout> BuildPageLayout(const FormDefinition& form, int page_index,
                                   const LayoutMetrics& metrics, const LayoutOptions& options) {
  if (page_index < 0 || page_index >= static_cast<int>(form.pages.size())) {
    return Status::InvalidArgument(
        "様式 " + form.id + " に " + std::to_string(page_index + 1) + " ページ目はありません",
        "form " + form.id + " has no page " + std::to_string(page_index + 1));
  }
  if (!options.qr_payload.empty() && !(options.qr_module_mm >= kMinQrModuleMm)) {
    return Status::InvalidArgument("QR コードのセルは 0.6 mm 以上にしてください",
                                   "QR modules must be at least 0.6 mm");
  }
  const PageDefinition& page = form.pages[static_cast<std::size_t>(page_index)];
  const int page_no = page_index + 1;
  PageLayout layout;
  layout.page = page_no;
  layout.width_mm = page.width_mm;
  layout.height_mm = page.height_mm;

  PageBuilder b(metrics, options, page.width_mm);
  const double centre = page.width_mm / 2;
  b.Text(form.title, centre, kTitleBaselineMm, kTitleSize, TextAlign::kCenter, kTitleMaxWidthMm);
  if (!form.department.empty()) {
    const std::string line =
        options.issuer.empty() ? form.department : options.issuer + " " + form.department;
    b.Text(line, kTableMarginMm, kDepartmentBaselineMm, kDepartmentSize, TextAlign::kLeft);
  }
  if (form.pages.size() > 1) {
    b.Text(std::to_string(page_no) + " / " + std::to_string(form.pages.size()) + " 枚目", centre,
           page.height_mm - kPageNumberFromBottomMm, kPageNumberSize, TextAlign::kCenter);
  }
  for (const Row& row : TableRows(form, page_no)) b.AddRow(row);
  if (page.markers.has_value()) {
    for (const MarkerItem& marker : page.markers->items) {
      ADB_ASSIGN_OR_RETURN(ModuleGrid modules,
                           metrics.ArucoMarker(page.markers->dictionary, marker.id));
      LayoutCode code;
      code.kind = LayoutCode::Kind::kArucoMarker;
      code.box = marker.box;
      code.modules = std::move(modules);
      code.dictionary = page.markers->dictionary;
      code.id = marker.id;
      b.items().emplace_back(std::in_place_type<LayoutCode>, std::move(code));
    }
  }
  if (!options.qr_payload.empty()) {
    ADB_ASSIGN_OR_RETURN(ModuleGrid modules, metrics.QrCode(options.qr_payload));
    std::vector<BoxMm> taken;
    for (const LayoutItem& item : b.items()) taken.push_back(Bounds(item, metrics));
    for (const FieldDefinition& f : form.fields) {
      if (f.page == page_no) taken.push_back(FieldExtent(f));
    }
    const double side = modules.size * options.qr_module_mm;
    const std::optional<BoxMm> at =
        PlaceQr(page.width_mm, page.height_mm, side, kQrQuietModules * options.qr_module_mm, taken);
    if (!at.has_value()) {
      return Status::FailedPrecondition(
          "様式 " + form.id + " の " + std::to_string(page_no) +
              " ページ目には、隅から 50 mm 以内に QR コードを置ける余白がありません",
          "form " + form.id + " page " + std::to_string(page_no) +
              " has no room for its QR code within 50 mm of a corner");
    }
    LayoutCode code;
    code.kind = LayoutCode::Kind::kQrCode;
    code.box = *at;
    code.modules = std::move(modules);
    code.payload = options.qr_payload;
    b.items().emplace_back(std::in_place_type<LayoutCode>, std::move(code));
  }
  layout.items = std::move(b.items());
  return layout;
}

}  // namespace adbridge::models
