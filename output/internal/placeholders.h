// Splitting template text into literal text and {{name}} / {{name|filter}} placeholders.
//
//   SplitPlaceholders("{{amount|yen}}でございます")
//   // {placeholder amount, filter yen}, {literal "でございます"}
//
// Pure and thread-safe.
#ifndef ADBRIDGE_OUTPUT_INTERNAL_PLACEHOLDERS_H_
#define ADBRIDGE_OUTPUT_INTERNAL_PLACEHOLDERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "models/status.h"

namespace adbridge::output::internal {

struct TextPiece {
  bool placeholder = false;
  std::string text;    // the literal text, or the placeholder as written ("{{a|yen}}")
  std::string name;    // placeholder only
  std::string filter;  // placeholder only; empty when none is named
};

// Spaces around the name and the filter are ignored ({{ amount | yen }}). Returns
// InvalidArgument when a "{{" is not closed, a "}}" stands without its "{{", a name is empty
// or is not [a-z][a-z0-9_]*, or "|" is followed by no filter name. Messages quote the
// placeholder, never a value.
Result<std::vector<TextPiece>> SplitPlaceholders(std::string_view text);

}  // namespace adbridge::output::internal

#endif  // ADBRIDGE_OUTPUT_INTERNAL_PLACEHOLDERS_H_
