// Cross-field checks: rules that relate fields of one form, applied to a reading after each
// field validated on its own. A kana reading three characters long for a four-kanji name, a
// Tokyo postal code on a Nagano address, or a date of birth next year is almost surely a
// misreading, even when each value is well-formed; such fields go to a person.
//
//   std::vector<CrossCheckIssue> issues = CheckCrossFields(form, values, "2026-11-21");
//   for (const CrossCheckIssue& issue : issues) { /* route issue.fields to review */ }
//
// A form names its checks in its definition ("cross_checks"); a check is skipped while any of
// its fields is empty or invalid, because the field's own validation already sends it to review.
//
// Thread-safety: pure functions.
#ifndef ADBRIDGE_MODELS_CROSS_CHECKS_H_
#define ADBRIDGE_MODELS_CROSS_CHECKS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "models/form_definition.h"
#include "models/status.h"

namespace adbridge::models {

struct CrossCheckIssue {
  CrossCheckRule rule = CrossCheckRule::kPastDate;
  std::vector<std::string> fields;  // every field the broken rule names
  Text reason;
};

// `values` holds the normalised value of each field that validated, by name; `today` is
// YYYY-MM-DD. Returns one issue per broken check, in the definition's order.
std::vector<CrossCheckIssue> CheckCrossFields(const FormDefinition& form,
                                              const std::map<std::string, std::string>& values,
                                              std::string_view today);

// The prefecture an address starts with ("長野県塩尻市…" → "長野県"), or "" when it names none.
std::string PrefectureOf(std::string_view address);

// Whether a normalised postal code (NNN-NNNN) can belong to `prefecture`, judged by its first
// two digits. True when the prefecture is not one adbridge knows.
bool PostalCodeFitsPrefecture(std::string_view postal_code, std::string_view prefecture);

// Today's date in Japan (UTC+9), YYYY-MM-DD: the day the resident's paper was read.
std::string TodayInJapan();

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_CROSS_CHECKS_H_
