// Reading numbers written in kanji, as residents and staff write them on forms and as
// Japanese dates are written (令和五年四月一日).
//
// Two ways of writing are read:
//  - positional: digits 一..九 (also the formal 壱 弐 参) with the units 十 百 千 (拾 for 十)
//    and one 万, e.g. 十 = 10, 十一 = 11, 二十 = 20, 百五 = 105, 三千二百 = 3200,
//    十二万三千 = 123000. Units must fall from left to right; 〇 is not used here.
//  - digit by digit: 〇 一 .. 九 (and 零 for 0) one per decimal digit, e.g. 二〇二三 = 2023,
//    〇 = 0, as years and house numbers are written vertically.
// Anything else (empty text, ASCII digits mixed in, 二三 in positional form) is not a number.
//
// Pure and thread-safe.
#ifndef ADBRIDGE_MODELS_INTERNAL_KANJI_NUMERAL_H_
#define ADBRIDGE_MODELS_INTERNAL_KANJI_NUMERAL_H_

#include <optional>
#include <string_view>

namespace adbridge::models::internal {

// True for every character ParseKanjiNumeral may accept (digits, units, 万).
bool IsKanjiNumeralChar(char32_t cp);

// The value of `text` (at most 99,999,999), or nothing when it is not a kanji numeral.
std::optional<long long> ParseKanjiNumeral(std::u32string_view text);

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_KANJI_NUMERAL_H_
