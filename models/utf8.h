// UTF-8 helpers: decoding to code points and encoding back. Invalid UTF-8 is reported, never
// guessed at.
// Thread-safety: pure functions.
#ifndef ADBRIDGE_MODELS_UTF8_H_
#define ADBRIDGE_MODELS_UTF8_H_

#include <optional>
#include <string>
#include <string_view>

namespace adbridge::models {

// The code points of `text`, or nothing when it is not valid UTF-8 (overlong forms,
// surrogates, truncated sequences, values above U+10FFFF).
std::optional<std::u32string> DecodeUtf8(std::string_view text);

// Appends `cp` encoded as UTF-8.
void AppendUtf8(std::string& out, char32_t cp);
std::string EncodeUtf8(std::u32string_view text);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_UTF8_H_
