// UTF-8 for text this generator writes itself (always valid): splitting into characters,
// and code point conversion for kana and full-width forms.
#ifndef ADBRIDGE_TESTS_SCANGEN_UTF8_CHARS_H_
#define ADBRIDGE_TESTS_SCANGEN_UTF8_CHARS_H_

#include <string>
#include <string_view>
#include <vector>

namespace adbridge::scangen {

// The characters of `text`, each as its UTF-8 bytes.
std::vector<std::string> SplitUtf8Chars(std::string_view text);
// The code point of one character as SplitUtf8Chars returns it.
char32_t CodePoint(std::string_view one_char);
void AppendCodePoint(std::string& out, char32_t cp);

}  // namespace adbridge::scangen

#endif  // ADBRIDGE_TESTS_SCANGEN_UTF8_CHARS_H_
