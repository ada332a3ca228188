// Reading a kana field (フリガナ): katakana or hiragana, full- or half-width, into full-width
// katakana words separated by one ASCII space.
//
//   ToKatakanaWords(U"ﾔﾏﾀﾞ　たろう")  // "ヤマダ タロウ"
//
// Pure and thread-safe.
#ifndef ADBRIDGE_MODELS_INTERNAL_KANA_H_
#define ADBRIDGE_MODELS_INTERNAL_KANA_H_

#include <string>
#include <string_view>

#include "models/status.h"

namespace adbridge::models::internal {

// Half-width katakana become full-width with their voiced marks composed (ｶﾞ → ガ), a
// separately written ゛ or ゜ is joined to the kana before it (カ゛ → ガ), hiragana become
// katakana, and runs of spaces become one space. Accepted after that: katakana including small
// kana, ヴ, ヵ ヶ, the long-vowel mark ー, the middle dot ・ and the iteration marks ヽ ヾ.
//
// Returns InvalidArgument (saying whether kanji, Latin letters, digits or something else was
// found, never quoting the text) for any other character, or Internal if ICU fails.
Result<std::string> ToKatakanaWords(std::u32string_view text);

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_KANA_H_
