// The values a resident writes on a form, and what each normalises to.
//
//   Random rng(DocumentSeed(seed, 0));
//   std::vector<FieldValue> values = GenerateValues(form, Style::kHandwriting, rng);
//   // values[i].written is drawn on the paper; values[i].normalized goes to truth.jsonl.
//
// One invented resident per document supplies the name, its reading, birth date, address,
// postal code and telephone, so the kana always matches the name and the postal code the
// town. Fields are recognised by type first and by name for the bundled forms' meanings
// (a `digits` field named bank_code gets a bank code); unknown fields of any form still get a
// plausible value of their type.
//
// Thread-safety: pure functions of their arguments.
#ifndef ADBRIDGE_TESTS_SCANGEN_VALUES_H_
#define ADBRIDGE_TESTS_SCANGEN_VALUES_H_

#include <string>
#include <string_view>
#include <vector>

#include "models/form_definition.h"
#include "tests/scangen/random.h"

namespace adbridge::scangen {

// How the values are put on paper: typed and printed, or written by hand.
enum class Style { kPrinted, kHandwriting };
std::string_view StyleName(Style style);

struct FieldValue {
  std::string name;
  // What is on the paper, e.g. "昭和45年3月12日"; a comb field's characters one per cell;
  // for a checkbox the mark ("✓") or ""; for a choice the marked option's label or "".
  std::string written;
  // The value per the spec's Types table, e.g. "1970-03-12", "true", the option's value.
  std::string normalized;
  // For kChoice: the index of the marked option, or -1 when none is marked.
  int marked_option = -1;
  // For kCheckbox and kChoice: the mark the resident makes, "✓", "■" (filled) or "○".
  std::string mark;
};

// Draws one resident and a value for every field of `form`, in the form's field order.
std::vector<FieldValue> GenerateValues(const models::FormDefinition& form, Style style,
                                       Random& rng);

// The My Number check digit for 11 digits (spec: weights n+1 for n = 1..6 and n-5 for
// n = 7..11, counted from the right; r = sum mod 11; r <= 1 ? 0 : 11 - r).
int MyNumberCheckDigit(std::string_view eleven_digits);
// True when `digits` is 12 ASCII digits whose last is the check digit of the first 11.
bool IsValidMyNumberDigits(std::string_view digits);

// Writes a date the ways residents do: era ("昭和45年3月12日", "平成元年5月3日", "S45.3.12")
// or Western ("1970/3/12", "1970年3月12日"). `variant` picks one of kDateVariants.
inline constexpr int kDateVariants = 5;
std::string WriteDate(int year, int month, int day, int variant);

// Katakana to hiragana (ア→あ, ー stays), as residents write a reading in a フリガナ box.
std::string KatakanaToHiragana(std::string_view katakana);
// ASCII to full-width (A→Ａ, 1→１, -→－; spaces stay), as a PC form prints it.
std::string AsciiToFullWidth(std::string_view ascii);

}  // namespace adbridge::scangen

#endif  // ADBRIDGE_TESTS_SCANGEN_VALUES_H_
