// FieldReader: reads one field of a registered page — what the resident wrote or marked, its
// normalised value, whether it validates, how sure the machine is, and a snippet for the person
// who reviews it.
//
//   Recognizer recognizer;                 // the worker thread's own
//   FieldReader reader(recognizer);
//   cv::Mat reference = cv::imread(page_def.reference_path, cv::IMREAD_GRAYSCALE);
//   Result<FieldReading> r = reader.Read(page, reference, 300, field);
//   if (r.ok() && r->validation.ok() && r->confidence >= threshold) Accept(r->value);
//
// How a field is read depends on its type:
//   - text, kana, digits, integer, date, postal_code, phone: the form's printing (the box, comb
//     dividers, printed guides) is removed using the blank reference page, the writing is cut
//     out tight and given to Tesseract with the type's language, character set and
//     page-segmentation mode;
//   - comb fields: each cell holds one character. The inked cells are laid side by side and
//     read as one line; when that does not give one character per cell, each cell is read on
//     its own;
//   - checkbox and choice: no OCR; the ink inside each square, measured past its printed
//     outline, decides whether it is marked.
//
// `confidence` is a monotone score, not a calibrated probability: higher is more likely right.
// The evidence it is computed from is in `signals`, so a mapping fitted on generated scans can
// replace it (see ConfidenceFromSignals).
//
// Ownership: the FieldReader borrows the Recognizer, which must outlive it.
// Thread-safety: none; one FieldReader per worker thread, like its Recognizer.
#ifndef ADBRIDGE_OCR_FIELD_READER_H_
#define ADBRIDGE_OCR_FIELD_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "models/form_definition.h"
#include "models/status.h"
#include "ocr/recognizer.h"
#include "ocr/registered_page.h"

namespace adbridge::ocr {

// The raw evidence behind a reading's confidence.
struct ReadingSignals {
  // Writing left in the box once the form's printing is removed (specks not counted).
  bool ink_present = false;
  double ink_ratio = 0;       // writing pixels / box pixels
  double ink_height_mm = 0;   // height of the writing's bounds
  bool ink_touches_edge = false;  // writing ran past the generous crop around the box
  int specks = 0;             // ink pieces too small to be writing, ignored

  // OCR fields (text-like types).
  int symbols = 0;                  // characters Tesseract returned
  double tesseract_mean = 0;        // Tesseract's mean word confidence, 0..1
  double tesseract_min_symbol = 0;  // the weakest character's confidence, 0..1
  int characters_dropped = 0;       // characters the type cannot hold, removed from raw
  bool height_plausible = true;     // the writing is as tall as writing in such a box is

  // Comb fields.
  int cells = 0;                // cells in the comb
  int cells_inked = 0;          // cells holding writing
  int cells_read = 0;           // inked cells that gave one character
  bool comb_read_as_line = false;  // true: one line read; false: cell by cell
  double cell_min_confidence = 0;  // the weakest cell's character confidence

  // Checkbox and choice: per box, the mark score (>= 1 marked) and its distance from the
  // threshold as |log(score)|; for a choice, the least clear box.
  double mark_fill = 0;     // the most inked box's fill ratio
  double mark_extent = 0;   // the most inked box's ink extent
  double mark_margin = 0;   // min over boxes of |log(score)|: 0 on the threshold
  int marks_seen = 0;       // boxes judged marked
  int rules_missing = 0;    // outline sides not found on the scan (fell back to registration)

  // The value.
  bool normalized = false;  // models::Normalize accepted raw
  bool valid = false;       // and the field's rules accepted the value
};

struct FieldReading {
  // What the machine read, as read: comb cells concatenated; checkbox "✓" or ""; choice the
  // marked options' values joined by ",".
  std::string raw;
  // models::Normalize(field.type, raw) when that succeeds, else raw.
  std::string value;
  // OK, or why NormalizeAndValidate refused the reading.
  Status validation;
  double confidence = 0;  // 0..1, higher is more likely right; see the header comment
  ReadingSignals signals;
  // The field with ~3 mm around it, grey PNG, for a human reviewer.
  std::vector<std::uint8_t> snippet_png;
  double tesseract_seconds = 0;  // time spent inside Tesseract for this field
};

struct FieldReaderOptions {
  double work_dpi = 300;            // resolution fields are cut out at for reading
  double snippet_dpi = 200;         // resolution of the reviewer's snippet
  double snippet_margin_mm = 3.0;
  double tolerance_mm = 0.6;        // misregistration the line removal and marks absorb
  // Read comb fields as one line first (falling back to cells); false reads cell by cell.
  bool comb_as_line = true;
};

class FieldReader {
 public:
  // `recognizer` is the worker thread's own; not owned.
  explicit FieldReader(Recognizer& recognizer, FieldReaderOptions options = {});

  // Reads `field` on `page`. `reference` is the blank form page (CV_8UC1) at `reference_dpi`
  // in form coordinates (pixel = mm * dpi / 25.4); it may be empty, in which case only long
  // straight rules are removed as printing.
  // Returns InvalidArgument when the field has no box (or a choice no options) or the page is
  // not 8-bit grey; FailedPrecondition when Tesseract's language data is missing. A reading
  // that fails validation is still a reading: see FieldReading::validation.
  Result<FieldReading> Read(const RegisteredPage& page, const cv::Mat& reference,
                            double reference_dpi, const models::FieldDefinition& field);

 private:
  Recognizer& recognizer_;
  FieldReaderOptions options_;
};

// The score FieldReader puts in FieldReading::confidence, from the signals and the field.
// Exposed so calibration can compare against it and tests can check its ordering.
double ConfidenceFromSignals(const models::FieldDefinition& field, const ReadingSignals& s,
                             bool raw_empty);

}  // namespace adbridge::ocr

#endif  // ADBRIDGE_OCR_FIELD_READER_H_
