// Phone scripts printed: one PDF, each script starting on a new A4 page (and running on to more
// pages when long), for callers who work from paper.
//
//   Result<std::string> pdf = PhoneScriptsPdf(scripts);
//
// Each script is headed with its record number and the resident's name and number to dial.
// Lines to read aloud are set in Mincho and marked 【読】; everything the caller must not read
// out (instructions, expected answers, the resident's likely questions) is set in Gothic, marked
// with the same labels as PhoneScriptsText, and instructions sit on a grey ground.
//
// Thread-safety: pure; each call makes its own document.
#ifndef ADBRIDGE_OUTPUT_PHONE_SCRIPT_PDF_H_
#define ADBRIDGE_OUTPUT_PHONE_SCRIPT_PDF_H_

#include <string>
#include <vector>

#include "models/status.h"
#include "output/pdf_document.h"
#include "output/phone_script.h"

namespace adbridge::output {

// The PDF's bytes. Returns what PdfDocument::Create and Save return on failure (a missing font
// is NotFound).
Result<std::string> PhoneScriptsPdf(const std::vector<PhoneScript>& scripts,
                                    const FontFiles& fonts = {});

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_PHONE_SCRIPT_PDF_H_
