#include "models/japanese_era.h"

#include <array>

namespace adbridge::models {
namespace {

constexpr std::array<JapaneseEra, 5> kEras = {{
    {"明治", U"明治", U'M', "Meiji", "めいじ", {1868, 1, 25}, CivilDate{1912, 7, 29}},
    {"大正", U"大正", U'T', "Taisho", "たいしょう", {1912, 7, 30}, CivilDate{1926, 12, 24}},
    {"昭和", U"昭和", U'S', "Showa", "しょうわ", {1926, 12, 25}, CivilDate{1989, 1, 7}},
    {"平成", U"平成", U'H', "Heisei", "へいせい", {1989, 1, 8}, CivilDate{2019, 4, 30}},
    {"令和", U"令和", U'R', "Reiwa", "れいわ", {2019, 5, 1}, std::nullopt},
}};

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

}  // namespace

std::span<const JapaneseEra> JapaneseEras() { return kEras; }

const JapaneseEra* EraOf(const CivilDate& date) {
  // Newest first: the first era that began on or before the date is the one it falls in.
  for (auto era = kEras.rbegin(); era != kEras.rend(); ++era) {
    if (date >= era->first) return &*era;
  }
  return nullptr;
}

std::string EraYearText(int era_year) {
  return era_year == 1 ? std::string("元年") : std::to_string(era_year) + "年";
}

bool IsCalendarDate(const CivilDate& date) {
  return date.year >= 1 && date.year <= 9999 && date.month >= 1 && date.month <= 12 &&
         date.day >= 1 && date.day <= DaysInMonth(date.year, date.month);
}

std::optional<CivilDate> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t widths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t k = 0; k < widths[p]; ++k) {
      const char c = text[starts[p] + k];
      if (c < '0' || c > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const CivilDate date{parts[0], parts[1], parts[2]};
  if (!IsCalendarDate(date)) return std::nullopt;
  return date;
}

}  // namespace adbridge::models
