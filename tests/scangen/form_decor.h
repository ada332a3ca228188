// The printed matter of the bundled forms that a form definition does not describe: the
// addressee, instructions, section headings, notes, the 受付 stamp box and the office-use
// panel. Keyed by form id and page; a form without an entry is drawn from its definition
// alone (title, department, field table), which is still a usable blank form.
//
// Thread-safety: immutable tables.
#ifndef ADBRIDGE_TESTS_SCANGEN_FORM_DECOR_H_
#define ADBRIDGE_TESTS_SCANGEN_FORM_DECOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "models/form_definition.h"

namespace adbridge::scangen {

struct DecorItem {
  enum class Kind {
    kText,     // `text` with its baseline at (box.x, box.y), `size_mm` high
    kHeading,  // a section heading: bold-looking text with a rule under it
    kRect,     // an outline
    kStamp,    // a stamp box: outline, `text` as its header, a rule under the header
    kPanel,    // an office-use panel: outline, `text` in a grey label column down its left
  };
  Kind kind;
  int page;  // 1-based
  models::BoxMm box;
  std::string text;
  double size_mm = 3.2;
  bool centred = false;  // kText: box.x is the centre, not the start
};

// The extra printed matter of form `form_id`, page `page` (1-based); empty when none.
std::vector<DecorItem> DecorFor(std::string_view form_id, int page);

}  // namespace adbridge::scangen

#endif  // ADBRIDGE_TESTS_SCANGEN_FORM_DECOR_H_
