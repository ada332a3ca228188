// Blank forms for paper: a form's page layouts drawn as one PDF for the print room, one PDF page
// per form page at its true size (no scaling), with the layouts' labels, boxes, ArUco markers
// and QR codes where the layouts put them.
//
//   Result<std::vector<models::PageLayout>> pages = printer.Layouts(form);  // ocr::FormPrinter
//   Result<std::string> pdf = BlankFormPdf(form, *pages);
//
// Text is set in IPAex Gothic, embedded as a subset, at the font's own advance widths, so it
// lands where the layout's drawers expect it.
//
// Thread-safety: a pure function of its arguments.
#ifndef ADBRIDGE_OUTPUT_BLANK_FORM_H_
#define ADBRIDGE_OUTPUT_BLANK_FORM_H_

#include <string>
#include <vector>

#include "models/form_definition.h"
#include "models/form_layout.h"
#include "models/status.h"
#include "output/pdf_document.h"

namespace adbridge::output {

// The PDF of `pages` (the layouts of `form`'s pages, in order). Returns InvalidArgument when
// there are no pages, and PdfDocument's errors (NotFound for a missing font, Internal when
// libharu fails).
Result<std::string> BlankFormPdf(const models::FormDefinition& form,
                                 const std::vector<models::PageLayout>& pages,
                                 const FontFiles& fonts = {});

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_BLANK_FORM_H_
