#include "models/internal/kanji_numeral.h"

namespace adbridge::models::internal {
namespace {

constexpr char32_t kMan = U'万';

// 0..9 for a kanji digit, else -1.
int KanjiDigit(char32_t cp) {
  switch (cp) {
    case U'〇':
    case U'零':
      return 0;
    case U'一':
    case U'壱':
      return 1;
    case U'二':
    case U'弐':
      return 2;
    case U'三':
    case U'参':
      return 3;
    case U'四':
      return 4;
    case U'五':
      return 5;
    case U'六':
      return 6;
    case U'七':
      return 7;
    case U'八':
      return 8;
    case U'九':
      return 9;
    default:
      return -1;
  }
}

// 10, 100 or 1000 for a unit below 万, else 0.
int KanjiUnit(char32_t cp) {
  switch (cp) {
    case U'十':
    case U'拾':
      return 10;
    case U'百':
      return 100;
    case U'千':
      return 1000;
    default:
      return 0;
  }
}

// A positional numeral below 10000 (no 万): 三千二百五 = 3205.
std::optional<long long> ParsePositionalBelowMan(std::u32string_view text) {
  if (text.empty()) return std::nullopt;
  long long value = 0;
  int last_unit = 10000;
  int pending_digit = -1;
  for (char32_t cp : text) {
    if (const int digit = KanjiDigit(cp); digit >= 1) {
      if (pending_digit != -1) return std::nullopt;  // 二三 is not positional
      pending_digit = digit;
    } else if (const int unit = KanjiUnit(cp); unit != 0) {
      if (unit >= last_unit) return std::nullopt;  // 十百, 十十
      value += (pending_digit == -1 ? 1 : pending_digit) * unit;
      pending_digit = -1;
      last_unit = unit;
    } else {
      return std::nullopt;  // 〇 or anything else
    }
  }
  if (pending_digit != -1) value += pending_digit;
  return value;
}

std::optional<long long> ParsePositional(std::u32string_view text) {
  const size_t man = text.find(kMan);
  if (man == std::u32string_view::npos) return ParsePositionalBelowMan(text);
  const std::u32string_view high = text.substr(0, man);
  const std::u32string_view low = text.substr(man + 1);
  if (low.find(kMan) != std::u32string_view::npos) return std::nullopt;
  const std::optional<long long> high_value = ParsePositionalBelowMan(high);
  if (!high_value) return std::nullopt;
  long long value = *high_value * 10000;
  if (!low.empty()) {
    const std::optional<long long> low_value = ParsePositionalBelowMan(low);
    if (!low_value) return std::nullopt;
    value += *low_value;
  }
  return value;
}

}  // namespace

bool IsKanjiNumeralChar(char32_t cp) {
  return KanjiDigit(cp) >= 0 || KanjiUnit(cp) != 0 || cp == kMan;
}

std::optional<long long> ParseKanjiNumeral(std::u32string_view text) {
  if (text.size() == 1 && KanjiDigit(text[0]) == 0) return 0;  // 〇, 零
  return ParsePositional(text);
}

std::optional<long long> ParseKanjiDigits(std::u32string_view text) {
  if (text.empty() || text.size() > 8) return std::nullopt;
  long long value = 0;
  for (char32_t cp : text) {
    const int digit = KanjiDigit(cp);
    if (digit < 0) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace adbridge::models::internal
