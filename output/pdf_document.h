// PdfDocument: the PDF that adbridge prints (letters, phone scripts, blank forms), drawn with
// libharu in millimetres from each page's top-left corner, as form definitions measure.
//
//   Result<PdfDocument> pdf = PdfDocument::Create();
//   PdfPage page = pdf->AddPage(210, 297);
//   page.Text(25, 40, "令和7年4月1日", Typeface::kMincho, 10.5);
//   for (const std::string& line : BreakLines(body, 160, page.Measure(Typeface::kMincho, 10.5)))
//     ...
//   Result<std::string> bytes = pdf->Save();
//
// Japanese text is set in IPAex Mincho (body) and IPAex Gothic (headings, instructions), each
// embedded as a subset CID font with UTF-8 text: Save() cuts each typeface down to the
// characters the document sets (HarfBuzz's subsetter), so a one-page letter is tens of
// kilobytes rather than the half megabyte of the whole fonts, and the text can be searched and
// copied. Drawing calls are recorded and drawn into the written document by Save().
//
// Errors: drawing calls do not fail one by one. libharu reports a failure through an error
// handler that records the first one (a C callback must not throw); Save() returns it, so a
// document with a failed drawing is never written out as if it were whole.
//
// Ownership: PdfDocument owns the libharu document (moveable, not copyable). A PdfPage is a
// handle into its document and is valid as long as the document lives.
// Thread-safety: none; one document per thread. Separate documents may be drawn on separate
// threads at once.
#ifndef ADBRIDGE_OUTPUT_PDF_DOCUMENT_H_
#define ADBRIDGE_OUTPUT_PDF_DOCUMENT_H_

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/form_definition.h"
#include "models/form_layout.h"
#include "models/status.h"

namespace adbridge::output {

enum class Typeface {
  kMincho,  // IPAex Mincho: body text a resident reads
  kGothic,  // IPAex Gothic: titles, headings, labels, instructions
};

inline constexpr double kPointsPerMm = 72.0 / 25.4;
inline constexpr double kA4WidthMm = 210;
inline constexpr double kA4HeightMm = 297;

// A square grid of dark and light modules (a QR code, an ArUco marker): the one a form
// layout carries, so a layout's codes are drawn as they are.
using ModuleGrid = models::ModuleGrid;

// The QR code of `payload` (byte mode, error correction level M). Returns InvalidArgument for
// an empty payload or one too long for a QR code.
Result<ModuleGrid> EncodeQrCode(std::string_view payload);

// Where the fonts are; the defaults are Debian's fonts-ipaexfont paths.
struct FontFiles {
  std::filesystem::path mincho = "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf";
  std::filesystem::path gothic = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";
};

// Width of a run of text in mm (for line breaking).
using MeasureText = std::function<double(std::string_view utf8)>;

class PdfDocument;
namespace internal {
struct PdfReplay;
}

class PdfPage {
 public:
  double width_mm() const { return width_mm_; }
  double height_mm() const { return height_mm_; }

  // One line of text with its left end at x and its baseline at `baseline_mm`.
  void Text(double x_mm, double baseline_mm, std::string_view utf8, Typeface face,
            double size_pt);
  // The same, with its right end at `right_mm` or centred on `centre_mm`.
  void TextRight(double right_mm, double baseline_mm, std::string_view utf8, Typeface face,
                 double size_pt);
  void TextCentred(double centre_mm, double baseline_mm, std::string_view utf8, Typeface face,
                   double size_pt);
  double TextWidthMm(std::string_view utf8, Typeface face, double size_pt);
  MeasureText Measure(Typeface face, double size_pt);

  // An outline `line_mm` thick, centred on the box's edges; `grey` 0 is black, 1 white.
  void Rect(const models::BoxMm& box, double line_mm, double grey = 0);
  // A filled box; `grey` 0 is black, 1 white.
  void FillRect(const models::BoxMm& box, double grey);
  void Line(double x1_mm, double y1_mm, double x2_mm, double y2_mm, double line_mm,
            double grey = 0);
  // Draws the dark modules of `grid`, each `module_mm` square, with the grid's top-left corner
  // at (x, y). Runs of dark modules in a row are one rectangle, so there are no hairline seams
  // between them when printed.
  void Modules(const ModuleGrid& grid, double x_mm, double y_mm, double module_mm);

 private:
  friend class PdfDocument;
  PdfPage(PdfDocument* document, std::size_t index, double width_mm, double height_mm)
      : document_(document), index_(index), width_mm_(width_mm), height_mm_(height_mm) {}
  // Keeps a drawing call for the page, to be drawn when the document is saved.
  void Record(std::function<void(const internal::PdfReplay&)> op);

  PdfDocument* document_;
  std::size_t index_;  // of the page in its document
  double width_mm_;
  double height_mm_;
};

class PdfDocument {
 public:
  // A new, empty document. Returns Internal when libharu cannot start one, NotFound when a
  // font file is missing (checked here, so a missing font is found before any drawing).
  static Result<PdfDocument> Create(const FontFiles& fonts = {});

  PdfDocument(PdfDocument&&) noexcept;
  PdfDocument& operator=(PdfDocument&&) noexcept;
  ~PdfDocument();

  // Appends a page of the given size (portrait A4 by default).
  PdfPage AddPage(double width_mm = kA4WidthMm, double height_mm = kA4HeightMm);
  int page_count() const { return page_count_; }

  // The document's title and author in its information dictionary.
  void SetInfo(std::string_view title, std::string_view author);

  // The finished PDF. Returns Internal naming libharu's error code when any drawing or font
  // loading failed, or when a font cannot be cut down; Unavailable when the temporary file a
  // cut-down font goes through cannot be written.
  Result<std::string> Save();

  struct State;  // defined in pdf_document.cc

 private:
  friend class PdfPage;
  explicit PdfDocument(std::unique_ptr<State> state);
  // The whole font in the measuring document (HPDF_Font), loaded on first use; nullptr after
  // a failure, which Save() reports.
  void* Font(Typeface face);

  std::unique_ptr<State> state_;
  int page_count_ = 0;
};

// Breaks `text` into lines no wider than `width_mm` by the rules of Japanese typesetting:
// - a line never starts with closing brackets, 、。，．・：；？！, small kana (っ ゃ ァ …), ー, 々
//   or ゝ ゞ ヽ ヾ; it never ends with an opening bracket (「 （ 『 【 …);
// - 、。，． may hang past the right edge rather than start the next line (ぶら下げ);
// - a run of Latin letters, digits and the marks inside numbers (30,000 / 4.5 / 12:30) is
//   not broken, and a space between Latin words is a break that is dropped at the line's end;
// - "\n" starts a new line; an empty line stays (a blank line between paragraphs).
// A run wider than the whole line is broken between characters as a last resort.
std::vector<std::string> BreakLines(std::string_view text, double width_mm,
                                    const MeasureText& measure);

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_PDF_DOCUMENT_H_
