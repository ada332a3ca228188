// Images made in memory for ingest tests: real encodings from Leptonica, and hand-made files
// that claim what they are not.
#ifndef ADBRIDGE_TESTS_INGEST_TEST_IMAGES_H_
#define ADBRIDGE_TESTS_INGEST_TEST_IMAGES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace adbridge::ingest::testing {

using Bytes = std::vector<std::uint8_t>;

// A grey page with some dark strokes, `width`×`height` at `dpi`, encoded as PNG / JPEG.
Bytes MakePng(int width, int height, int dpi = 300);
Bytes MakeJpeg(int width, int height, int dpi = 300);
// A multi-page TIFF, one page per entry of `sizes` ({w, h}); 1-bit G4 pages.
Bytes MakeTiff(const std::vector<std::pair<int, int>>& sizes, int dpi = 300);
// A 1-bit PNG of `width`×`height` that compresses to a few kilobytes: a decompression bomb
// when large.
Bytes MakeBlankBitonalPng(int width, int height);
// A PNG signature and a valid IHDR chunk claiming `width`×`height`, and no image data.
Bytes MakePngHeaderOnly(std::uint32_t width, std::uint32_t height);

}  // namespace adbridge::ingest::testing

#endif  // ADBRIDGE_TESTS_INGEST_TEST_IMAGES_H_
