#include "models/internal/unicode_text.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <limits>

namespace adbridge::models::internal {

bool IsSpace(char32_t cp) {
  switch (cp) {
    case U' ':
    case U'\t':
    case U'\n':
    case U'\r':
    case U'\v':
    case U'\f':
    case U'\u00A0':
    case U'\u3000':
      return true;
    default:
      return false;
  }
}

bool IsDash(char32_t cp) {
  switch (cp) {
    case U'-':
    case U'\u2010':
    case U'\u2011':
    case U'\u2012':
    case U'\u2013':
    case U'\u2014':
    case U'\u2015':
    case U'\u2212':
    case U'\uFF0D':
    case U'\u30FC':
    case U'\uFF70':
      return true;
    default:
      return false;
  }
}

std::u32string_view TrimSpaces(std::u32string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

char32_t FoldFullwidthAscii(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFEE0;
  return cp;
}

std::optional<std::u32string> Nfkc(std::u32string_view text) {
  if (text.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max() / 2)) {
    return std::nullopt;
  }
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(error);
  if (U_FAILURE(error) || nfkc == nullptr) return std::nullopt;
  // Our input is already checked UTF-8, so every code point is a valid scalar value.
  const icu::UnicodeString source = icu::UnicodeString::fromUTF32(
      reinterpret_cast<const UChar32*>(text.data()), static_cast<int32_t>(text.size()));
  const icu::UnicodeString folded = nfkc->normalize(source, error);
  if (U_FAILURE(error)) return std::nullopt;

  std::u32string out;
  out.reserve(static_cast<size_t>(folded.length()));
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 cp = folded.char32At(i);
    out.push_back(static_cast<char32_t>(cp));
    i += U16_LENGTH(cp);
  }
  return out;
}

}  // namespace adbridge::models::internal
