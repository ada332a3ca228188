// Draws a blank form page: the layout adbridge prints the form with (models/form_layout.h:
// title, department, the field table with label cells and writing boxes, comb cells, 〒,
// squares with labels for checkboxes and choices, ArUco markers), without a QR code, issued by
// 塩尻市, plus the printed matter of form_decor.h. The same drawing is the reference image OCR
// registers scans against and the paper the scan generator writes on.
//
//   Result<Fonts> fonts = Fonts::Load();
//   Result<cv::Mat> page = DrawBlankPage(form, 0, 300, *fonts);  // 2480x3508 grey for A4
//
// Thread-safety: as Fonts (one thread).
#ifndef ADBRIDGE_TESTS_SCANGEN_BLANK_FORM_H_
#define ADBRIDGE_TESTS_SCANGEN_BLANK_FORM_H_

#include <opencv2/core.hpp>

#include "models/form_definition.h"
#include "models/form_layout.h"
#include "models/status.h"
#include "tests/scangen/canvas.h"

namespace adbridge::scangen {

// The table's left and right edges on the bundled (A4) forms, in mm.
inline constexpr double kTableLeftMm = 15;
inline constexpr double kTableRightMm = 195;

// Page `page_index` (0-based) of `form` at `dpi`, CV_8UC1, white paper. Its size is the
// page's size_mm at dpi, rounded to whole pixels. Returns InvalidArgument for a page that
// does not exist or an ArUco dictionary adbridge does not know.
Result<cv::Mat> DrawBlankPage(const models::FormDefinition& form, int page_index, double dpi,
                              const Fonts& fonts);

using models::FieldExtent;

}  // namespace adbridge::scangen

#endif  // ADBRIDGE_TESTS_SCANGEN_BLANK_FORM_H_
