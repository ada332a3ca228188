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

// Normalises `raw` for a field of `type`. Leading and trailing spaces (ASCII white space,
// U+00A0 and the ideographic space U+3000) are trimmed first, and what is then empty
// normalises to the empty string for every type but kCheckbox, where it is "false".
// Full-width input is accepted everywhere.
//
//   kText        runs of spaces folded to one ASCII space, full-width ASCII (U+FF01..U+FF5E)
//                made half-width; every other character is kept as written (no NFKC).
//   kKana        katakana or hiragana, full- or half-width (ｶﾞｯｺｳ → ガッコウ), with ー, small
//                kana, ヴ, ・ → full-width katakana, one ASCII space between words. Kanji,
//                Latin letters, digits and ASCII '-' for ー are refused.
//   kDigits      digits with spaces and dashes (- － ‐ ‑ – — ― − ー ｰ) between them → ASCII
//                digits only; a dash before the first or after the last digit is refused.
//   kInteger     a non-negative whole number: ASCII or full-width digits, optionally grouped
//                by commas in threes (1,000); or kanji, positional (一..十, 十一, 二十,
//                百五, 三千二百, 十二万三千; 壱 弐 参 拾 as on formal documents) or a lone
//                〇/零. → decimal without leading zeros, at most 18 digits. A sign, a decimal
//                point or digit-by-digit kanji (二三, "two or three") is refused.
//   kDate        Western 2023/4/1, 2023-04-01, 2023.4.1, 2023年4月1日, 20230401, and era dates
//                令和5年4月1日, 令和元年5月1日, R5.4.1, R05/04/01, h31-4-30, ㍻31年4月30日,
//                with kanji numerals too (令和五年四月一日, 二〇二三年四月一日) → YYYY-MM-DD.
//                Refused: dates not in the Gregorian calendar, outside their era (平成31年5月1日),
//                a year or a year and month alone, a Western year without four digits.
//                Details in models/internal/japanese_date.h.
//   kPostalCode  7 digits, with or without 〒 and a dash → NNN-NNNN.
//   kPhone       10 or 11 digits starting with 0, with any spaces, dashes and brackets;
//                +81 (also +81 (0)) becomes the leading 0 → digits only, e.g. 0263520280.
//   kCheckbox    true: true, 1, yes, on, ✓ ✔ ☑ ☒ ■ レ ○ ◯ 〇, はい, 有, あり;
//                false: false, 0, no, off, ☐, いいえ, 無, なし (ASCII in any case), and empty:
//                an unmarked box is a "no", not a missing answer → "true" / "false".
//                × is refused: it means "no" on Japanese forms and "marked" on Western ones.
//   kChoice      trimmed only; Validate checks the option.
//
// Returns InvalidArgument with the reason in Japanese and English when `raw` is not valid
// UTF-8 or cannot be read as a value of the type; the message never quotes `raw` (Normalize
// cannot know whether the field is sensitive). Returns Internal if ICU fails to normalise.
Result<std::string> Normalize(FieldType type, std::string_view raw);

// Checks an already normalised value against the field's rules. An empty value fails only when
// the field is `required`; every other rule applies to non-empty values, in this order:
//   - the value must be in normal form (Normalize would not change it), so a value edited by
//     hand cannot skip the type's rules;
//   - a required kCheckbox must be "true" (a required box is one the resident must tick);
//   - kChoice: one of field.options[].value, exactly (not a label);
//   - kInteger: field.min and field.max;
//   - `length`: the exact number of characters (digits, for kDigits);
//   - `check`: the check digit (mynumber: 12 digits, corporate_number: 13 digits);
//   - `pattern`: an ECMAScript std::regex that must match the whole value; it works on UTF-8
//     bytes, so "." matches one byte of a Japanese character.
// Returns OK or InvalidArgument. Messages name the field's label and quote the value only when
// the field is not `sensitive`. A `pattern` that is not a valid regular expression is an
// InvalidArgument naming the field's label and name.
Status Validate(const FieldDefinition& field, std::string_view normalized);

// Normalize(field.type, raw), then Validate. The usual entry point. Errors from Normalize get
// the field's label, and `raw` unless the field is sensitive, like Validate's.
Result<std::string> NormalizeAndValidate(const FieldDefinition& field, std::string_view raw);

// Check digits. `digits` must be ASCII digits of the right length (12 and 13), else false.
// My Number (個人番号): the last digit checks the first 11 with weights 2..7, 2..6 from the
// right. Corporate number (法人番号): the first digit is 9 - (sum mod 9) of the other 12, whose
// digits weigh 1 and 2 alternately from the right.
bool IsValidMyNumber(std::string_view digits);
bool IsValidCorporateNumber(std::string_view digits);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_FIELD_TYPES_H_
