#include "tests/ingest/test_images.h"

#include <leptonica/allheaders.h>
#include <zlib.h>

#include <cstdlib>
#include <stdexcept>

namespace adbridge::ingest::testing {
namespace {

Bytes Take(l_uint8* data, size_t size) {
  if (data == nullptr) throw std::runtime_error("leptonica could not encode the test image");
  Bytes out(data, data + size);
  lept_free(data);
  return out;
}

PIX* StrokedPage(int width, int height, int depth) {
  PIX* pix = pixCreate(width, height, depth);
  if (depth == 8) pixSetAllArbitrary(pix, 235);
  const l_uint32 ink = depth == 1 ? 1 : 20;
  for (int y = height / 8; y < height; y += height / 8) {
    for (int x = width / 10; x < width * 9 / 10; ++x) pixSetPixel(pix, x, y, ink);
  }
  for (int x = width / 10; x < width; x += width / 6) {
    for (int y = height / 10; y < height * 9 / 10; ++y) pixSetPixel(pix, x, y, ink);
  }
  return pix;
}

void PutU32(Bytes& out, std::uint32_t v) {
  out.push_back(v >> 24);
  out.push_back((v >> 16) & 0xff);
  out.push_back((v >> 8) & 0xff);
  out.push_back(v & 0xff);
}

}  // namespace

Bytes MakePng(int width, int height, int dpi) {
  PIX* pix = StrokedPage(width, height, 8);
  pixSetResolution(pix, dpi, dpi);
  l_uint8* data = nullptr;
  size_t size = 0;
  pixWriteMemPng(&data, &size, pix, 0.0);
  pixDestroy(&pix);
  return Take(data, size);
}

Bytes MakeJpeg(int width, int height, int dpi) {
  PIX* pix = StrokedPage(width, height, 8);
  pixSetResolution(pix, dpi, dpi);
  l_uint8* data = nullptr;
  size_t size = 0;
  pixWriteMemJpeg(&data, &size, pix, 85, 0);
  pixDestroy(&pix);
  return Take(data, size);
}

Bytes MakeTiff(const std::vector<std::pair<int, int>>& sizes, int dpi) {
  PIXA* pixa = pixaCreate(0);
  for (const auto& [w, h] : sizes) {
    PIX* pix = StrokedPage(w, h, 1);
    pixSetResolution(pix, dpi, dpi);
    pixaAddPix(pixa, pix, L_INSERT);
  }
  l_uint8* data = nullptr;
  size_t size = 0;
  pixaWriteMemMultipageTiff(&data, &size, pixa);
  pixaDestroy(&pixa);
  return Take(data, size);
}

Bytes MakeBlankBitonalPng(int width, int height) {
  PIX* pix = pixCreate(width, height, 1);
  l_uint8* data = nullptr;
  size_t size = 0;
  pixWriteMemPng(&data, &size, pix, 0.0);
  pixDestroy(&pix);
  return Take(data, size);
}

Bytes MakePngHeaderOnly(std::uint32_t width, std::uint32_t height) {
  Bytes out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Bytes chunk = {'I', 'H', 'D', 'R'};
  PutU32(chunk, width);
  PutU32(chunk, height);
  chunk.insert(chunk.end(), {8, 0, 0, 0, 0});  // 8-bit grey, deflate, no filter, no interlace
  PutU32(out, 13);
  out.insert(out.end(), chunk.begin(), chunk.end());
  PutU32(out, static_cast<std::uint32_t>(crc32(0, chunk.data(), chunk.size())));
  return out;
}

}  // namespace adbridge::ingest::testing
