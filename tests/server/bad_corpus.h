// The corpus of bad files (tests/data/bad/, README there) as the bad-input tests use it: where it
// is, what each refused scan's English message says, and the count of bad inputs a test binary
// tried (README, "Guarantees"). Each test calls Tried() once per file or request it sends; the
// binary prints the total when it ends ("bad inputs tried: N"), so running the whole binary
// gives the figure.
//
// Thread-safety: Tried() is called from the test's own thread only.
#ifndef ADBRIDGE_TESTS_SERVER_BAD_CORPUS_H_
#define ADBRIDGE_TESTS_SERVER_BAD_CORPUS_H_

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

namespace adbridge::test_support {

inline const std::filesystem::path kBadCorpus =
    std::filesystem::path(ADBRIDGE_SOURCE_DIR) / "tests/data/bad";

// What the English message says of each scan of the corpus that is refused: every file of the
// corpus with an image extension, except the two whole images under another format's name
// (scan.png.tif, scan.jpg.png), which are taken as the format they are.
inline const std::map<std::string, std::string>& RefusedScanReasons() {
  static const std::map<std::string, std::string> reasons = {
      {"empty.png", "the file is empty (0 bytes)"},
      {"empty.jpg", "the file is empty (0 bytes)"},
      {"empty.tif", "the file is empty (0 bytes)"},
      {"truncated.png", "the PNG image is corrupt or truncated"},
      {"header-only.png", "the PNG image is corrupt or truncated"},
      {"corrupt-pixels.png", "the PNG image is corrupt or truncated"},
      {"zero-width.png", "impossible size"},
      {"truncated.jpg", "the JPEG image is corrupt or truncated"},
      {"corrupt-scan.jpg", "the JPEG image is corrupt or truncated"},
      {"no-tables.jpg", "the JPEG image is corrupt or truncated"},
      {"truncated.tif", "the TIFF image is corrupt or truncated"},
      {"header-only.tif", "the TIFF image is corrupt or truncated"},
      {"ifd-past-end.tif", "the TIFF image is corrupt or truncated"},
      {"ifd-loop.tif", "the TIFF image is corrupt or truncated"},
      {"short-strip.tif", "the TIFF image is corrupt or truncated"},
      {"bomb-100000x100000.png", "too large (100000×100000"},
      {"bomb-100000x100000.tif", "too large (100000×100000"},
      {"bomb-60000x60000.jpg", "too large (60000×60000"},
      {"document.pdf.png", "PDF is not supported"},
      {"picture.gif.tif", "GIF is not supported"},
      {"photo.bmp.png", "BMP is not supported"},
      {"notes.txt.jpg", "not an image adbridge reads"},
  };
  return reasons;
}

// Whether `text` holds a character outside ASCII: a Japanese message does.
inline bool HasNonAscii(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return true;
  }
  return false;
}

inline int& BadInputsTried() {
  static int tried = 0;
  return tried;
}

inline void Tried(int n = 1) { BadInputsTried() += n; }

class BadInputReport : public ::testing::Environment {
 public:
  void TearDown() override { std::printf("bad inputs tried: %d\n", BadInputsTried()); }
};

// Registered before main runs the tests; gtest owns it.
inline ::testing::Environment* const kBadInputReport =
    ::testing::AddGlobalTestEnvironment(new BadInputReport);

}  // namespace adbridge::test_support

#endif  // ADBRIDGE_TESTS_SERVER_BAD_CORPUS_H_
