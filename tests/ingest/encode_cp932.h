// Writing text as a Windows program in a Japanese office saves it: UTF-8 to CP932 bytes through
// ICU's windows-31j, for tests that hand adbridge such files.
// Thread-safety: a pure function.
#ifndef ADBRIDGE_TESTS_INGEST_ENCODE_CP932_H_
#define ADBRIDGE_TESTS_INGEST_ENCODE_CP932_H_

#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include <string>

namespace adbridge::test_support {

inline std::string EncodeCp932(const std::string& utf8) {
  UErrorCode error = U_ZERO_ERROR;
  std::u16string units(utf8.size() + 1, u'\0');
  int32_t n = 0;
  u_strFromUTF8(reinterpret_cast<UChar*>(units.data()), static_cast<int32_t>(units.size()), &n,
                utf8.data(), static_cast<int32_t>(utf8.size()), &error);
  UConverter* converter = ucnv_open("windows-31j", &error);
  std::string bytes(static_cast<std::size_t>(n) * 2 + 1, '\0');
  const int32_t length =
      ucnv_fromUChars(converter, bytes.data(), static_cast<int32_t>(bytes.size()),
                      reinterpret_cast<const UChar*>(units.data()), n, &error);
  ucnv_close(converter);
  EXPECT_TRUE(U_SUCCESS(error)) << u_errorName(error);
  bytes.resize(static_cast<std::size_t>(length));
  return bytes;
}

}  // namespace adbridge::test_support

#endif  // ADBRIDGE_TESTS_INGEST_ENCODE_CP932_H_
