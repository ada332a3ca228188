// FormLayout: a blank form page as drawing instructions in millimetres — rules, outlines, grey
// cells, text runs, ArUco markers and a QR code — computed once from the form definition, so
// that everything that draws a blank form draws the same page: the PDF `adbridge forms render`
// prints, the image that scans of that print are registered against, and the reference images
// of the bundled forms.
//
//   Result<PageLayout> page = BuildPageLayout(form, /*page_index=*/0, metrics, options);
//   for (const LayoutItem& item : page->items) std::visit(drawer, item);
//
// What the definition says is drawn: the title, the department, and a table with one row per
// band of fields — each field's label in a grey label cell, its writing box at box_mm (comb
// cells, 〒 before a postal code), checkbox and choice squares with their labels — the page's
// ArUco markers, and, when asked, a QR code within 50 mm of a corner, clear of everything else.
// Printed matter the definition does not describe (instructions, notes) is not drawn.
//
// Items are in drawing order, and they are ink on paper: where two overlap, the darker shows (a
// label over its grey cell, a table rule under it stays black). All text is IPAex Gothic. A
// text run is given by its anchor and alignment, not by glyph positions, so each drawer sets it
// with its own font engine; the metrics needed to lay out the page (text widths, the modules of
// codes) come from the caller's LayoutMetrics, as models links no font or image library.
//
// Thread-safety: BuildPageLayout is a pure function of its arguments (and of the metrics'
// answers); PageLayout is a plain value.
#ifndef ADBRIDGE_MODELS_FORM_LAYOUT_H_
#define ADBRIDGE_MODELS_FORM_LAYOUT_H_

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "models/form_definition.h"
#include "models/status.h"

namespace adbridge::models {

// Grey levels, 0 black .. 255 white paper.
inline constexpr int kLayoutInk = 0;

// The face every layout's text is set in: IPAex Gothic (Debian's fonts-ipaexfont-gothic).
inline constexpr const char* kLayoutFontFile =
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";

// A straight rule centred on the segment (x0, y0)-(x1, y1).
struct LayoutLine {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double width_mm = 0;
  int grey = kLayoutInk;
};

// The four rules of `box`, each centred on an edge.
struct LayoutOutline {
  BoxMm box;
  double width_mm = 0;
  int grey = kLayoutInk;
};

// `box` filled with a flat grey (a label cell).
struct LayoutFill {
  BoxMm box;
  int grey = kLayoutInk;
};

enum class TextAlign { kLeft, kCenter, kRight };

// One line of text. (x_mm, baseline_mm) is where it starts, its middle, or where it ends,
// as `align` says, on its baseline.
struct LayoutText {
  std::string text;  // UTF-8
  double x_mm = 0;
  double baseline_mm = 0;
  double size_mm = 0;  // em height
  TextAlign align = TextAlign::kLeft;
  double max_width_mm = 0;  // > 0: text wider than this is set smaller to fit it
  int grey = kLayoutInk;
};

// Where a drawer sets a text run whose font makes it `width_mm` wide at text.size_mm: wider
// than max_width_mm, it is set smaller to that width; its left end follows from the alignment.
struct TextPlacement {
  double left_mm = 0;
  double size_mm = 0;
  double width_mm = 0;
};
TextPlacement PlaceText(const LayoutText& text, double width_mm);

// A square grid of dark and light modules (a QR code, an ArUco marker), row by row from the
// top-left, without a quiet zone.
struct ModuleGrid {
  int size = 0;            // modules per side
  std::vector<bool> dark;  // size * size
  bool At(int row, int column) const { return dark[static_cast<std::size_t>(row * size + column)]; }
};

// An ArUco marker or a QR code: `modules` filling `box`, each module a dark or light square.
struct LayoutCode {
  enum class Kind { kArucoMarker, kQrCode };
  Kind kind = Kind::kQrCode;
  BoxMm box;  // the modules; a QR code's quiet zone lies around it, clear of other print
  ModuleGrid modules;
  std::string dictionary;  // kArucoMarker: the definition's dictionary and marker id
  int id = 0;
  std::string payload;  // kQrCode: what it holds
};

using LayoutItem = std::variant<LayoutLine, LayoutOutline, LayoutFill, LayoutText, LayoutCode>;

struct PageLayout {
  int page = 1;  // 1-based page of the form
  double width_mm = 0;
  double height_mm = 0;
  std::vector<LayoutItem> items;  // in drawing order
};

// What only a font engine and a code encoder know.
class LayoutMetrics {
 public:
  virtual ~LayoutMetrics() = default;
  // The advance width, in mm, of `text` (UTF-8) set in IPAex Gothic `size_mm` high.
  virtual double TextWidthMm(std::string_view text, double size_mm) const = 0;
  // The modules of a QR code holding `payload`, without its quiet zone. Returns
  // InvalidArgument when the payload cannot be encoded.
  virtual Result<ModuleGrid> QrCode(std::string_view payload) const = 0;
  // The modules of marker `id` of the ArUco dictionary named `dictionary` ("DICT_4X4_50"),
  // with its one-module black border. Returns InvalidArgument for an unknown dictionary or an
  // id the dictionary does not have.
  virtual Result<ModuleGrid> ArucoMarker(std::string_view dictionary, int id) const = 0;
};

// Where adbridge's QR code may be: with its quiet zone inside the 50 mm square at a corner of
// the page (where the page locator looks for it), and its modules no nearer the paper's edge
// than printers reach.
inline constexpr double kQrCornerMm = 50;
inline constexpr int kQrQuietModules = 4;
inline constexpr double kPrintMarginMm = 5;

struct LayoutOptions {
  // Who issues the form, printed before the department ("塩尻市" gives "塩尻市 市民課").
  std::string issuer;
  // Printed in the label column of a row that starts with a checkbox, the first of a run of
  // such rows: a checkbox's own label sits beside its square, so the definition names no
  // heading for the row ("該当するものに✓"). Empty leaves the column blank.
  std::string checkbox_row_heading;
  // When not empty, the page carries a QR code holding it.
  std::string qr_payload;
  // The side of one QR module. The page locator reads modules of 0.6 mm and more.
  double qr_module_mm = 0.75;
};

// The layout of page `page_index` (0-based) of `form`. Returns InvalidArgument for a page the
// form does not have or a QR module under 0.6 mm, the metrics' errors for a code they cannot
// encode, and FailedPrecondition when a QR code is asked for and no corner has room for it
// (with its quiet zone) clear of the page's print.
Result<PageLayout> BuildPageLayout(const FormDefinition& form, int page_index,
                                   const LayoutMetrics& metrics, const LayoutOptions& options = {});

// The area a field's writing (or its options' squares) covers: its box, or for a choice the
// union of its options' boxes.
BoxMm FieldExtent(const FieldDefinition& field);

// The QR code of `layout`, or nullptr when it has none.
const LayoutCode* FindQrCode(const PageLayout& layout);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_FORM_LAYOUT_H_
