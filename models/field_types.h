// Field types: turning what OCR or a person produced into a field's normalised value, and
// checking it against the field's rules (../shared/spec/form-definition.md, "Types").
//
//   Result<std::string> v = NormalizeAndValidate(field, "令和5年4月1日");
//   // v.ok() and *v == "2023-04-01"
//
// Every function here is pure and thread-safe.
#ifndef ADBRIDGE_MODELS_FIELD_TYPES_H_
#define ADBRIDGE_MODELS_FIELD_TYPES_H_

#include <string>
#include <string_view>

#include "models/form_definition.h"
#include "models/status.h"

namespace adbridge::models {

// Normalises `raw` for a field of `type`. The empty string (after trimming) normalises to the
// empty string for every type. Returns InvalidArgument with the reason when `raw` cannot be
// read as a value of the type (a date that is not in the calendar or outside its era, a phone
// number of the wrong length, kanji in a kana field, ...).
//
// For kCheckbox, `raw` is "true"/"false" (also 1/0, yes/no, ✓/レ/○ for true and empty for
// false, as a person types it). For kChoice, normalising only trims; Validate checks the option.
Result<std::string> Normalize(FieldType type, std::string_view raw);

// Checks an already normalised value against the field's rules: required, pattern, min/max,
// length, check digit, choice option. Returns OK or InvalidArgument with the reason.
Status Validate(const FieldDefinition& field, std::string_view normalized);

// Normalize(field.type, raw), then Validate. The usual entry point.
Result<std::string> NormalizeAndValidate(const FieldDefinition& field, std::string_view raw);

// Check digits. `digits` must be ASCII digits of the right length (12 and 13), else false.
bool IsValidMyNumber(std::string_view digits);
bool IsValidCorporateNumber(std::string_view digits);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_FIELD_TYPES_H_
