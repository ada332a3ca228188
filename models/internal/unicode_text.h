// Character-level helpers for the field types: what counts as a space or a dash in a
// Japanese form, trimming, and ICU's NFKC folding (full-width digits and letters to ASCII,
// half-width katakana to full-width with voiced marks composed).
//
// Everything works on code points (std::u32string); decode with internal/utf8.h first.
// All functions are pure and thread-safe (ICU's NFKC instance is a process-wide singleton).
#ifndef ADBRIDGE_MODELS_INTERNAL_UNICODE_TEXT_H_
#define ADBRIDGE_MODELS_INTERNAL_UNICODE_TEXT_H_

#include <optional>
#include <string>
#include <string_view>

namespace adbridge::models::internal {

// ASCII white space (space, tab, CR, LF, VT, FF), the no-break space and the ideographic
// space U+3000, which Japanese input methods produce for the space key.
bool IsSpace(char32_t cp);

// A hyphen or dash as people write one between digits: '-', U+2010 ‐, U+2011 ‑, U+2012 ‒,
// U+2013 –, U+2014 —, U+2015 ―, U+2212 −, U+FF0D －, and the long-vowel marks U+30FC ー and
// U+FF70 ｰ, which Japanese input methods give for the minus key in kana mode.
bool IsDash(char32_t cp);

// '0'..'9' only (call after FoldFullwidthAscii or Nfkc for full-width digits).
inline bool IsAsciiDigit(char32_t cp) { return cp >= U'0' && cp <= U'9'; }

// `text` without leading and trailing IsSpace characters.
std::u32string_view TrimSpaces(std::u32string_view text);

// Full-width ASCII (U+FF01..U+FF5E) made half-width; everything else unchanged.
char32_t FoldFullwidthAscii(char32_t cp);

// Unicode NFKC of `text`, or nothing if ICU cannot normalise (it fails only when its data
// cannot be loaded). Note that NFKC turns U+3000 into an ASCII space and ㍻ into 平成.
std::optional<std::u32string> Nfkc(std::u32string_view text);

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_UNICODE_TEXT_H_
