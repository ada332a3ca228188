// The Japanese eras (明治 .. 令和) adbridge reads dates in and writes them back out in, with
// the day each began and ended, and the calendar facts both directions need.
//
//   const JapaneseEra* era = EraOf(CivilDate{2019, 5, 1});  // 令和, year 1 (元年)
//   int year = EraYear(*era, 2025);                           // 7
//
// One table serves the date reader (field types) and what letters and phone scripts write, so
// the two cannot disagree on a boundary.
//   明治 1868-01-25 .. 1912-07-29   大正 1912-07-30 .. 1926-12-24
//   昭和 1926-12-25 .. 1989-01-07   平成 1989-01-08 .. 2019-04-30   令和 2019-05-01 ..
// Era dates are Gregorian dates: the lunisolar dates before 明治6年 are not converted.
//
// Pure and thread-safe; the table is a constant.
#ifndef ADBRIDGE_MODELS_JAPANESE_ERA_H_
#define ADBRIDGE_MODELS_JAPANESE_ERA_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace adbridge::models {

// A day of the Gregorian calendar. Not checked on construction: see IsCalendarDate.
struct CivilDate {
  int year = 0;
  int month = 0;
  int day = 0;

  friend bool operator==(const CivilDate&, const CivilDate&) = default;
  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

struct JapaneseEra {
  std::string_view name;                 // "令和" (UTF-8)
  std::u32string_view name_code_points;  // the same, for readers working on code points
  char32_t initial;                      // 'R', as in R5.4.1 (upper case)
  std::string_view romaji;               // "Reiwa", for English messages
  std::string_view reading;              // "れいわ", as the name is read aloud
  CivilDate first;                       // the era's first day
  std::optional<CivilDate> last;         // its last day; nothing for the current era
};

// The eras in order, oldest first.
std::span<const JapaneseEra> JapaneseEras();

// The era `date` falls in, or nullptr for a date before 明治 began (1868-01-25).
const JapaneseEra* EraOf(const CivilDate& date);

// The era year of `western_year` (1 is 元年): 平成 1989 -> 1, 令和 2025 -> 7.
inline int EraYear(const JapaneseEra& era, int western_year) {
  return western_year - era.first.year + 1;
}

// An era year as written: "元年" for 1, else "7年".
std::string EraYearText(int era_year);

// True when year 1..9999, month and day name a day of the Gregorian calendar (leap years
// included).
bool IsCalendarDate(const CivilDate& date);

// Reads a normalised date value, exactly "YYYY-MM-DD" naming a calendar day; nothing otherwise.
std::optional<CivilDate> ParseIsoDate(std::string_view text);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_JAPANESE_ERA_H_
