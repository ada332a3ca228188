// Reading an export back as the receiving Windows system reads it: CP932 bytes to UTF-8 with
// Microsoft's mapping (0x8160 is U+FF5E, 0x817C is U+FF0D), through ICU's windows-31j.
// Thread-safety: a pure function.
#ifndef ADBRIDGE_TESTS_OUTPUT_DECODE_CP932_H_
#define ADBRIDGE_TESTS_OUTPUT_DECODE_CP932_H_

#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include <string>

namespace adbridge::test_support {

inline std::string DecodeCp932(const std::string& bytes) {
  UErrorCode error = U_ZERO_ERROR;
  UConverter* converter = ucnv_open("windows-31j", &error);
  std::u16string units(bytes.size() + 1, u'\0');
  const int32_t n = ucnv_toUChars(converter, reinterpret_cast<UChar*>(units.data()),
                                  static_cast<int32_t>(units.size()), bytes.data(),
                                  static_cast<int32_t>(bytes.size()), &error);
  ucnv_close(converter);
  std::string utf8(static_cast<std::size_t>(n) * 3 + 1, '\0');
  int32_t length = 0;
  u_strToUTF8(utf8.data(), static_cast<int32_t>(utf8.size()), &length,
              reinterpret_cast<const UChar*>(units.data()), n, &error);
  EXPECT_TRUE(U_SUCCESS(error)) << u_errorName(error);
  utf8.resize(static_cast<std::size_t>(length));
  return utf8;
}

}  // namespace adbridge::test_support

#endif  // ADBRIDGE_TESTS_OUTPUT_DECODE_CP932_H_
