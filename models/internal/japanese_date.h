// Reading a date as Japanese forms and people write it, Western or by era, into a calendar
// date.
//
//   ParseJapaneseDate(U"令和元年5月1日")  // 2019-05-01
//   ParseJapaneseDate(U"H31.4.30")        // 2019-04-30
//
// Accepted, with spaces allowed between the parts:
//   Western  2023/4/1  2023-04-01  2023.4.1  2023年4月1日  20230401 (eight digits)
//   era      令和5年4月1日  令和元年5月1日  R5.4.1  R05/04/01  r5-4-1  平成31/4/30
// The era is 明治 大正 昭和 平成 令和, or its initial M T S H R in either case (NFKC has already
// turned ㍻-style ligatures into the two kanji). 元 is year 1 of an era. Numbers are ASCII
// digits or kanji numerals (令和五年四月一日, 二〇二三年十二月一日). With 年, the month ends
// with 月 and the day may end with 日; with / - . the same mark separates all three parts.
// A Western year has four digits.
//
// The date must exist in the Gregorian calendar and fall inside its era (the eras and their
// boundaries are models/japanese_era.h's). An era year counts from the era's first calendar
// year (平成元年 = 1989).
//
// Pure and thread-safe.
#ifndef ADBRIDGE_MODELS_INTERNAL_JAPANESE_DATE_H_
#define ADBRIDGE_MODELS_INTERNAL_JAPANESE_DATE_H_

#include <string>
#include <string_view>

#include "models/japanese_era.h"
#include "models/status.h"

namespace adbridge::models::internal {

// `text` has been trimmed and NFKC-folded (full-width digits and punctuation are ASCII).
// Returns InvalidArgument naming the reason: not a date, a year (or year and month) alone, a
// date not in the calendar, a date outside its era, era year 0, a Western year without four
// digits. The text itself is never quoted.
Result<CivilDate> ParseJapaneseDate(std::u32string_view text);

// "YYYY-MM-DD".
std::string FormatIsoDate(const CivilDate& date);

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_JAPANESE_DATE_H_
