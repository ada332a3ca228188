// Puts a resident's values on a blank page: printed text fitted to each box, or handwriting
// in Klee One with per-character jitter (size, baseline, spacing, slant) in pen-grey ink;
// comb fields one character centred per cell; checkbox and choice marks (✓ strokes, a filled
// or circled mark) that do not always stay inside their square; now and then a faint stray
// mark outside the boxes.
//
//   Pen pen = ChoosePen(Style::kHandwriting, rng);
//   FillPage(canvas, form, /*page=*/1, values, pen, fonts, rng);
//
// Thread-safety: as Fonts (one thread).
#ifndef ADBRIDGE_TESTS_SCANGEN_INK_H_
#define ADBRIDGE_TESTS_SCANGEN_INK_H_

#include <vector>

#include "models/form_definition.h"
#include "tests/scangen/canvas.h"
#include "tests/scangen/random.h"
#include "tests/scangen/values.h"

namespace adbridge::scangen {

// How one document is written: the same pen and hand for every field.
struct Pen {
  Style style = Style::kPrinted;
  Font font = Font::kGothic;
  int ink_grey = 0;        // 0 black toner .. ~80 a light ballpoint
  double size_ratio = 0.6; // character height / box height
  double slant = 0;        // horizontal shear (handwriting leans right: > 0)
  double stroke_mm = 0.45; // width of drawn marks
};

Pen ChoosePen(Style style, Random& rng);

// Writes `values` (as GenerateValues returns them for `form`) of the fields on `page`
// (1-based) onto `canvas`, which holds the blank page.
void FillPage(Canvas& canvas, const models::FormDefinition& form, int page,
              const std::vector<FieldValue>& values, const Pen& pen, const Fonts& fonts,
              Random& rng);

}  // namespace adbridge::scangen

#endif  // ADBRIDGE_TESTS_SCANGEN_INK_H_
