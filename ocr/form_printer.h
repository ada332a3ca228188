// FormPrinter: a registered form as adbridge prints it on paper (`adbridge forms render`) —
// each page's layout with a QR code naming the form, version and page — and that page drawn as
// the grey image scans of the print are registered against and read with.
//
//   Result<FormPrinter> printer = FormPrinter::Create();
//   Result<std::vector<models::PageLayout>> pages = printer->Layouts(form);  // to print
//   cv::Mat reference = printer->Draw((*pages)[0], 300);                    // to register by
//
// The layout is models::BuildPageLayout's; this class supplies what it cannot compute itself:
// text widths (IPAex Gothic through FreeType, at the font's own advance widths, as the PDF sets
// them) and the modules of QR codes and ArUco markers (OpenCV). Draw sets the text the same
// way, so the image agrees with the printed page to a few hundredths of a millimetre.
//
// Ownership: owns its font face.
// Thread-safety: none (FreeType faces are not thread-safe); one printer per thread.
#ifndef ADBRIDGE_OCR_FORM_PRINTER_H_
#define ADBRIDGE_OCR_FORM_PRINTER_H_

#include <memory>
#include <opencv2/core.hpp>
#include <string_view>
#include <vector>

#include "models/form_definition.h"
#include "models/form_layout.h"
#include "models/status.h"

namespace adbridge::ocr {

namespace internal {
class GlyphPainter;
}  // namespace internal

// The side of a QR module on adbridge's printed forms: 3 pixels at the locator's 100 dpi.
inline constexpr double kPrintedQrModuleMm = 0.75;

class FormPrinter final : public models::LayoutMetrics {
 public:
  // Returns NotFound naming the font file (and its Debian package) when IPAex Gothic is missing.
  static Result<FormPrinter> Create();

  // Every page of `form` as it is printed, with the QR code QrPayload(id, version, page).
  // Returns BuildPageLayout's errors (FailedPrecondition when a page has no free corner for
  // its QR code).
  Result<std::vector<models::PageLayout>> Layouts(const models::FormDefinition& form) const;

  // `page` drawn at `dpi` as an 8-bit grey image on white paper, round(size_mm * dpi / 25.4)
  // pixels each way; pixel (i, j) covers the page's [i, i+1) x [j, j+1) * 25.4 / dpi mm.
  cv::Mat Draw(const models::PageLayout& page, double dpi) const;

  FormPrinter(FormPrinter&&) noexcept;
  FormPrinter& operator=(FormPrinter&&) noexcept;
  ~FormPrinter() override;

  // models::LayoutMetrics.
  double TextWidthMm(std::string_view text, double size_mm) const override;
  Result<models::ModuleGrid> QrCode(std::string_view payload) const override;
  Result<models::ModuleGrid> ArucoMarker(std::string_view dictionary, int id) const override;

 private:
  explicit FormPrinter(std::unique_ptr<internal::GlyphPainter> painter);

  std::unique_ptr<internal::GlyphPainter> painter_;
};

}  // namespace adbridge::ocr

#endif  // ADBRIDGE_OCR_FORM_PRINTER_H_
