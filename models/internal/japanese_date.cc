#include "models/internal/japanese_date.h"

#include <array>
#include <cstdio>
#include <optional>

#include "models/internal/kanji_numeral.h"
#include "models/internal/unicode_text.h"

namespace adbridge::models::internal {
namespace {

using Era = JapaneseEra;

constexpr std::array<std::string_view, 12> kEnglishMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

Status Unreadable() {
  return Status::InvalidArgument("日付として読めません（例：2023/4/1、令和5年4月1日）",
                                 "Cannot read this as a date (e.g. 2023/4/1 or 令和5年4月1日)");
}

Status YearAlone() {
  return Status::InvalidArgument("年だけでは日付になりません。月と日まで入力してください",
                                 "A year alone is not a date; give the month and day too");
}

Status DayMissing() {
  return Status::InvalidArgument("日が入力されていません。日まで入力してください",
                                 "The day is missing; give the full date");
}

Status NotInCalendar() {
  return Status::InvalidArgument("存在しない日付です", "This date does not exist in the calendar");
}

std::string EnglishDate(const CivilDate& date) {
  return std::to_string(date.day) + " " + std::string(kEnglishMonths[date.month - 1]) + " " +
         std::to_string(date.year);
}

Status BeforeEra(const Era& era) {
  const CivilDate& d = era.first;
  return Status::InvalidArgument(std::string(era.name) + "は" + EraYearText(1) +
                                     std::to_string(d.month) + "月" + std::to_string(d.day) +
                                     "日からです",
                                 std::string(era.romaji) + " began on " + EnglishDate(d) + " (" +
                                     std::string(era.romaji) + " 1)");
}

Status AfterEra(const Era& era) {
  const CivilDate& d = *era.last;
  return Status::InvalidArgument(
      std::string(era.name) + "は" + EraYearText(EraYear(era, d.year)) + std::to_string(d.month) +
          "月" + std::to_string(d.day) + "日までです",
      std::string(era.romaji) + " ended on " + EnglishDate(d) + " (" + std::string(era.romaji) +
          " " + std::to_string(EraYear(era, d.year)) + ")");
}

// One number of a date as written: ASCII digits, kanji numerals, or 元.
struct Number {
  long long value = 0;
  int ascii_digits = 0;  // 0 when written in kanji or as 元
  bool kanji = false;
};

// A cursor over the date text; each Read* consumes what it recognises and nothing otherwise.
class DateReader {
 public:
  explicit DateReader(std::u32string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  char32_t Peek() const { return AtEnd() ? U'\0' : text_[pos_]; }

  void SkipSpaces() {
    while (!AtEnd() && IsSpace(text_[pos_])) ++pos_;
  }

  bool Consume(char32_t cp) {
    if (Peek() != cp) return false;
    ++pos_;
    return true;
  }

  // 令和 or R/r (an initial only when no letter follows, so "Reiwa" is not R + "eiwa").
  const Era* ReadEra() {
    for (const Era& era : JapaneseEras()) {
      if (text_.substr(pos_).starts_with(era.name_code_points)) {
        pos_ += era.name_code_points.size();
        return &era;
      }
    }
    char32_t letter = Peek();
    if (letter >= U'a' && letter <= U'z') letter -= U'a' - U'A';
    if (pos_ + 1 < text_.size()) {
      const char32_t next = text_[pos_ + 1];
      if ((next >= U'A' && next <= U'Z') || (next >= U'a' && next <= U'z')) return nullptr;
    }
    for (const Era& era : JapaneseEras()) {
      if (era.initial == letter) {
        ++pos_;
        return &era;
      }
    }
    return nullptr;
  }

  std::optional<Number> ReadNumber(bool allow_gan) {
    if (allow_gan && Consume(U'元')) return Number{1, 0, true};
    Number number;
    const size_t start = pos_;
    if (IsAsciiDigit(Peek())) {
      while (IsAsciiDigit(Peek())) {
        if (++number.ascii_digits > 8) return std::nullopt;
        number.value = number.value * 10 + (Peek() - U'0');
        ++pos_;
      }
      return number;
    }
    while (!AtEnd() && IsKanjiNumeralChar(Peek())) ++pos_;
    if (pos_ == start) return std::nullopt;
    const std::u32string_view run = text_.substr(start, pos_ - start);
    std::optional<long long> value = ParseKanjiNumeral(run);
    if (!value) value = ParseKanjiDigits(run);  // 一九八九年
    if (!value) return std::nullopt;
    number.value = *value;
    number.kanji = true;
    return number;
  }

 private:
  std::u32string_view text_;
  size_t pos_ = 0;
};

bool IsDateSeparator(char32_t cp) { return cp == U'/' || cp == U'-' || cp == U'.'; }

// A month or day: one or two ASCII digits, or a kanji numeral.
bool IsShortNumber(const Number& number) {
  return number.kanji || (number.ascii_digits >= 1 && number.ascii_digits <= 2);
}

// 20230401.
std::optional<CivilDate> ReadCompactWesternDate(std::u32string_view text) {
  if (text.size() != 8) return std::nullopt;
  int fields[3] = {0, 0, 0};
  const int widths[3] = {4, 2, 2};
  size_t pos = 0;
  for (int f = 0; f < 3; ++f) {
    for (int k = 0; k < widths[f]; ++k, ++pos) {
      if (!IsAsciiDigit(text[pos])) return std::nullopt;
      fields[f] = fields[f] * 10 + static_cast<int>(text[pos] - U'0');
    }
  }
  return CivilDate{fields[0], fields[1], fields[2]};
}

Status WesternYearNotFourDigits() {
  return Status::InvalidArgument(
      "西暦は4桁で入力してください（和暦の場合は元号も入力してください）",
      "Write a Western year with four digits (or give the era, e.g. 令和5年)");
}

// Reads era, year, month and day without checking the calendar.
Status ReadParts(std::u32string_view text, const Era*& era, Number& year, Number& month,
                 Number& day) {
  DateReader reader(text);
  reader.SkipSpaces();
  era = reader.ReadEra();
  reader.SkipSpaces();
  const std::optional<Number> y = reader.ReadNumber(/*allow_gan=*/era != nullptr);
  if (!y) return Unreadable();
  year = *y;
  reader.SkipSpaces();
  if (reader.AtEnd()) return YearAlone();

  if (reader.Consume(U'年')) {
    reader.SkipSpaces();
    if (reader.AtEnd()) return YearAlone();
    const std::optional<Number> m = reader.ReadNumber(false);
    if (!m || !IsShortNumber(*m)) return Unreadable();
    month = *m;
    reader.SkipSpaces();
    if (!reader.Consume(U'月')) return Unreadable();
    reader.SkipSpaces();
    if (reader.AtEnd()) return DayMissing();
    const std::optional<Number> d = reader.ReadNumber(false);
    if (!d || !IsShortNumber(*d)) return Unreadable();
    day = *d;
    reader.SkipSpaces();
    reader.Consume(U'日');
    reader.SkipSpaces();
    return reader.AtEnd() ? Status::Ok() : Unreadable();
  }

  const char32_t separator = reader.Peek();
  if (!IsDateSeparator(separator)) return Unreadable();
  reader.Consume(separator);
  reader.SkipSpaces();
  if (reader.AtEnd()) return YearAlone();
  const std::optional<Number> m = reader.ReadNumber(false);
  if (!m || !IsShortNumber(*m)) return Unreadable();
  month = *m;
  reader.SkipSpaces();
  if (reader.AtEnd()) return DayMissing();
  if (!reader.Consume(separator)) return Unreadable();  // 2023/4-1
  reader.SkipSpaces();
  if (reader.AtEnd()) return DayMissing();
  const std::optional<Number> d = reader.ReadNumber(false);
  if (!d || !IsShortNumber(*d)) return Unreadable();
  day = *d;
  reader.SkipSpaces();
  return reader.AtEnd() ? Status::Ok() : Unreadable();
}

}  // namespace

Result<CivilDate> ParseJapaneseDate(std::u32string_view text) {
  CivilDate date;
  const Era* era = nullptr;
  if (std::optional<CivilDate> compact = ReadCompactWesternDate(text)) {
    // 02000201 has eight digits but the year 0200, which 0200-02-01 is refused for too.
    if (compact->year < 1000) return WesternYearNotFourDigits();
    date = *compact;
  } else {
    Number year, month, day;
    ADB_RETURN_IF_ERROR(ReadParts(text, era, year, month, day));
    if (era != nullptr) {
      if (year.value < 1) {
        return Status::InvalidArgument("和暦の年は元年（1年）からです",
                                       "An era year starts at 1 (元年)");
      }
      if (year.value > 9999 - era->first.year) return Unreadable();
      date.year = era->first.year + static_cast<int>(year.value) - 1;
    } else {
      const bool four_digits = year.kanji ? (year.value >= 1000 && year.value <= 9999)
                                          : (year.ascii_digits == 4 && year.value >= 1000);
      if (!four_digits) return WesternYearNotFourDigits();
      date.year = static_cast<int>(year.value);
    }
    if (month.value > 12 || day.value > 31) return NotInCalendar();
    date.month = static_cast<int>(month.value);
    date.day = static_cast<int>(day.value);
  }

  if (!IsCalendarDate(date)) return NotInCalendar();
  if (era != nullptr) {
    if (date < era->first) return BeforeEra(*era);
    if (era->last && date > *era->last) return AfterEra(*era);
  }
  return date;
}

std::string FormatIsoDate(const CivilDate& date) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", date.year, date.month, date.day);
  return buffer;
}

}  // namespace adbridge::models::internal
