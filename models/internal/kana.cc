#include "models/internal/kana.h"

#include <optional>

#include "models/internal/unicode_text.h"
#include "models/utf8.h"

namespace adbridge::models::internal {
namespace {

constexpr char32_t kCombiningVoicedMark = U'\u3099';      // ゙ (joins the kana before it)
constexpr char32_t kCombiningSemiVoicedMark = U'\u309A';  // ゚
constexpr char32_t kSpacingVoicedMark = U'\u309B';        // ゛
constexpr char32_t kSpacingSemiVoicedMark = U'\u309C';    // ゜

bool IsHiragana(char32_t cp) {
  // ぁ..ゖ and the iteration marks ゝ ゞ, each 0x60 below its katakana.
  return (cp >= U'\u3041' && cp <= U'\u3096') || cp == U'\u309D' || cp == U'\u309E';
}

bool IsAcceptedKatakana(char32_t cp) {
  return (cp >= U'\u30A1' && cp <= U'\u30FE') ||  // ァ..ヺ, ・, ー, ヽ, ヾ
         (cp >= U'\u31F0' && cp <= U'\u31FF');    // small ㇰ..ㇿ (Ainu)
}

bool IsKanji(char32_t cp) {
  return (cp >= U'\u4E00' && cp <= U'\u9FFF') ||  // CJK unified ideographs
         (cp >= U'\u3400' && cp <= U'\u4DBF') ||  // extension A
         (cp >= U'\uF900' && cp <= U'\uFAFF') ||  // compatibility ideographs
         (cp >= 0x20000 && cp <= 0x3FFFF) ||      // extensions B and later
         cp == U'々' || cp == U'〆' || cp == U'〇';
}

bool IsLatinLetter(char32_t cp) { return (cp >= U'A' && cp <= U'Z') || (cp >= U'a' && cp <= U'z'); }

Status RefusedCharacter(char32_t cp) {
  if (IsKanji(cp)) {
    return Status::InvalidArgument(
        "漢字は使えません。カタカナまたはひらがなで入力してください",
        "Kanji are not allowed here; write the reading in katakana or hiragana");
  }
  if (IsLatinLetter(cp)) {
    return Status::InvalidArgument(
        "英字は使えません。カタカナまたはひらがなで入力してください",
        "Latin letters are not allowed here; write the reading in katakana or hiragana");
  }
  if (IsAsciiDigit(cp)) {
    return Status::InvalidArgument(
        "数字は使えません。カタカナまたはひらがなで入力してください",
        "Digits are not allowed here; write the reading in katakana or hiragana");
  }
  if (cp == kCombiningVoicedMark || cp == kCombiningSemiVoicedMark) {
    return Status::InvalidArgument("濁点・半濁点を付けられる文字の後にありません",
                                   "A voiced sound mark does not follow a kana that can take it");
  }
  return Status::InvalidArgument("カタカナ・ひらがな以外の文字が含まれています",
                                 "Contains a character that is neither katakana nor hiragana");
}

}  // namespace

Result<std::string> ToKatakanaWords(std::u32string_view text) {
  // A spacing ゛ would become " ゙" under NFKC and never join its kana; making it the
  // combining mark first lets NFKC compose カ゛ into ガ just as it composes ｶﾞ.
  std::u32string marks_joined(text);
  for (char32_t& cp : marks_joined) {
    if (cp == kSpacingVoicedMark) cp = kCombiningVoicedMark;
    if (cp == kSpacingSemiVoicedMark) cp = kCombiningSemiVoicedMark;
  }
  const std::optional<std::u32string> folded = Nfkc(marks_joined);
  if (!folded) {
    return Status::Internal("文字の正規化に失敗しました（ICU）",
                            "Unicode normalisation failed (ICU)");
  }

  std::u32string out;
  bool pending_space = false;
  for (char32_t cp : TrimSpaces(*folded)) {
    if (IsSpace(cp)) {
      pending_space = true;
      continue;
    }
    if (IsHiragana(cp)) cp += 0x60;
    if (!IsAcceptedKatakana(cp)) return RefusedCharacter(cp);
    if (pending_space) out.push_back(U' ');
    pending_space = false;
    out.push_back(cp);
  }
  return EncodeUtf8(out);
}

}  // namespace adbridge::models::internal
