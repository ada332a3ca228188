#include "output/blank_form.h"

#include <algorithm>
#include <variant>

namespace adbridge::output {
namespace {

double Grey(int level) { return level / 255.0; }

// Draws one layout item on a PDF page.
struct ItemDrawer {
  PdfPage& page;

  void operator()(const models::LayoutLine& l) const {
    page.Line(l.x0, l.y0, l.x1, l.y1, l.width_mm, Grey(l.grey));
  }
  void operator()(const models::LayoutOutline& o) const {
    page.Rect(o.box, o.width_mm, Grey(o.grey));
  }
  void operator()(const models::LayoutFill& f) const { page.FillRect(f.box, Grey(f.grey)); }
  void operator()(const models::LayoutText& t) const {
    const models::TextPlacement p =
        models::PlaceText(t, page.TextWidthMm(t.text, Typeface::kGothic, t.size_mm * kPointsPerMm));
    page.Text(p.left_mm, t.baseline_mm, t.text, Typeface::kGothic, p.size_mm * kPointsPerMm);
  }
  void operator()(const models::LayoutCode& c) const {
    page.Modules(c.modules, c.box.x, c.box.y, c.box.width / c.modules.size);
  }
};

int GreyOf(const models::LayoutItem& item) {
  return std::visit(
      [](const auto& i) {
        if constexpr (requires { i.grey; }) {
          return i.grey;
        } else {
          return models::kLayoutInk;  // codes are black modules
        }
      },
      item);
}

// A layout is ink on paper, where the darker of two overlapping marks shows; PDF paint is
// opaque, the later covering the earlier. Painting the lighter items first (grey cells, then
// grey box rules, then black) gives the paper's result: the table rule a grey label cell
// overlaps keeps its full width.
std::vector<const models::LayoutItem*> LightestFirst(const models::PageLayout& layout) {
  std::vector<const models::LayoutItem*> items;
  for (const models::LayoutItem& item : layout.items) items.push_back(&item);
  std::stable_sort(items.begin(), items.end(),
                   [](const models::LayoutItem* a, const models::LayoutItem* b) {
                     return GreyOf(*a) > GreyOf(*b);
                   });
  return items;
}

}  // namespace

Result<std::string> BlankFormPdf(const models::FormDefinition& form,
                                 const std::vector<models::PageLayout>& pages,
                                 const FontFiles& fonts) {
  if (pages.empty()) {
    return Status::InvalidArgument("様式 " + form.id + " に印刷するページがありません",
                                   "form " + form.id + " has no pages to print");
  }
  ADB_ASSIGN_OR_RETURN(PdfDocument pdf, PdfDocument::Create(fonts));
  pdf.SetInfo(form.id + " v" + std::to_string(form.version), "");
  for (const models::PageLayout& layout : pages) {
    PdfPage page = pdf.AddPage(layout.width_mm, layout.height_mm);
    const ItemDrawer drawer{page};
    for (const models::LayoutItem* item : LightestFirst(layout)) std::visit(drawer, *item);
  }
  return pdf.Save();
}

}  // namespace adbridge::output
