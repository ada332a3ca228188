// Reading numbers written in kanji, as residents and staff write them on forms and as
// Japanese dates are written (令和五年四月一日).
//
// Two ways of writing are read, by two functions:
//  - ParseKanjiNumeral, positional: digits 一..九 (also the formal 壱 弐 参) with the units
//    十 百 千 (拾 for 十) and one 万, e.g. 十 = 10, 十一 = 11, 二十 = 20, 百五 = 105,
//    三千二百 = 3200, 十二万三千 = 123000; a lone 〇 or 零 is 0. Units must fall from left to
//    right (十百 is refused), and two digits in a row (二三) are refused: people write 二三 for
//    "two or three", so it is not read as 23.
//  - ParseKanjiDigits, digit by digit: 〇 (or 零) 一 .. 九, one per decimal digit, e.g.
//    二〇二三 = 2023, 一九八九 = 1989, as years are written in vertical text.
// Anything else (empty text, ASCII digits mixed in) is not a number.
//
// Pure and thread-safe.
#ifndef ADBRIDGE_MODELS_INTERNAL_KANJI_NUMERAL_H_
#define ADBRIDGE_MODELS_INTERNAL_KANJI_NUMERAL_H_

#include <optional>
#include <string_view>

namespace adbridge::models::internal {

// True for every character either function may accept (digits, units, 万).
bool IsKanjiNumeralChar(char32_t cp);

// The value of a positional numeral (at most 99,999,999), or nothing.
std::optional<long long> ParseKanjiNumeral(std::u32string_view text);

// The value of a numeral written digit by digit (at most 8 digits), or nothing.
std::optional<long long> ParseKanjiDigits(std::u32string_view text);

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_KANJI_NUMERAL_H_
