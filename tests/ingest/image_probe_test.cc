#include "ingest/image_probe.h"

#include <gtest/gtest.h>

#include <leptonica/allheaders.h>

#include <fstream>
#include <iterator>
#include <limits>
#include <string>

#include "tests/ingest/test_images.h"

namespace adbridge::ingest {
namespace {

using testing::Bytes;

Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }

Bytes Truncated(Bytes bytes, double keep) {
  bytes.resize(static_cast<size_t>(bytes.size() * keep));
  return bytes;
}

TEST(ImageProbeTest, ReadsPngWithItsSizeAndResolution) {
  Result<ProbedImage> image = ProbeImage(testing::MakePng(620, 877, 75), {});
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->format, ImageFormat::kPng);
  EXPECT_EQ(image->media_type, "image/png");
  ASSERT_EQ(image->pages.size(), 1u);
  EXPECT_EQ(image->pages[0].width_px, 620);
  EXPECT_EQ(image->pages[0].height_px, 877);
  EXPECT_EQ(image->pages[0].dpi, 75);
}

TEST(ImageProbeTest, ReadsJpeg) {
  Result<ProbedImage> image = ProbeImage(testing::MakeJpeg(400, 566, 150), {});
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->format, ImageFormat::kJpeg);
  EXPECT_EQ(image->pages[0].width_px, 400);
  EXPECT_EQ(image->pages[0].dpi, 150);
}

TEST(ImageProbeTest, ReadsEveryPageOfAMultiPageTiff) {
  Result<ProbedImage> image =
      ProbeImage(testing::MakeTiff({{300, 424}, {310, 430}, {320, 440}}, 200), {});
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->format, ImageFormat::kTiff);
  ASSERT_EQ(image->pages.size(), 3u);
  EXPECT_EQ(image->pages[1].width_px, 310);
  EXPECT_EQ(image->pages[2].height_px, 440);
  EXPECT_EQ(image->pages[0].dpi, 200);
}

TEST(ImageProbeTest, EmptyFileIsRefusedAsEmpty) {
  Result<ProbedImage> image = ProbeImage({}, {});
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(image.status().message(Lang::kEn).find("empty"), std::string::npos);
  EXPECT_NE(image.status().message(Lang::kJa).find("空のファイル"), std::string::npos);
}

TEST(ImageProbeTest, TruncatedPngIsRefused) {
  Result<ProbedImage> image = ProbeImage(Truncated(testing::MakePng(600, 800), 0.6), {});
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(image.status().message(Lang::kEn).find("truncated"), std::string::npos);
}

TEST(ImageProbeTest, TruncatedJpegIsRefusedRatherThanPaddedWithGrey) {
  Result<ProbedImage> image = ProbeImage(Truncated(testing::MakeJpeg(600, 800), 0.7), {});
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument);
}

TEST(ImageProbeTest, MultiPageTiffMissingItsLastPageDataIsRefused) {
  // Cut anywhere, a multi-page TIFF must not pass as a shorter, valid one.
  Bytes tiff = testing::MakeTiff({{600, 800}, {600, 800}, {600, 800}});
  for (double keep : {0.3, 0.5, 0.7, 0.9, 0.99}) {
    Result<ProbedImage> image = ProbeImage(Truncated(tiff, keep), {});
    ASSERT_FALSE(image.ok()) << "kept " << keep << " and read " << image->pages.size();
    EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(ImageProbeTest, CorruptBytesInsideAPngAreRefused) {
  Bytes png = testing::MakePng(600, 800);
  for (size_t i = png.size() / 2; i < png.size() / 2 + 64; ++i) png[i] ^= 0x5a;
  Result<ProbedImage> image = ProbeImage(png, {});
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument);
}

TEST(ImageProbeTest, PdfIsNamedAsUnsupported) {
  Result<ProbedImage> image = ProbeImage(Text("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), {});
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(image.status().message(Lang::kEn).find("PDF is not supported"), std::string::npos);
}

TEST(ImageProbeTest, GifAndBmpAreNamedAsUnsupported) {
  EXPECT_NE(ProbeImage(Text("GIF89a\x01\x00\x01\x00"), {}).status().message(Lang::kEn).find("GIF"),
            std::string::npos);
  EXPECT_NE(ProbeImage(Text("BM\x36\x00\x00\x00"), {}).status().message(Lang::kEn).find("BMP"),
            std::string::npos);
}

TEST(ImageProbeTest, TextFileWithAnImageExtensionIsNotAnImage) {
  Result<ProbedImage> image = ProbeImage(Text("氏名,住所\n山田太郎,塩尻市\n"), {});
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(image.status().message(Lang::kEn).find("not an image"), std::string::npos);
}

TEST(ImageProbeTest, HugeDimensionsAreRefusedFromTheHeaderAlone) {
  // The file holds no pixel data at all: only the header check can produce this answer.
  Result<ProbedImage> image = ProbeImage(testing::MakePngHeaderOnly(200000, 200000), {});
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(image.status().message(Lang::kEn).find("too large"), std::string::npos);
}

TEST(ImageProbeTest, LargestSizeAHeaderCanClaimIsRefusedAsTooLarge) {
  // 4294967295 × 4294967295: more pixels than a 64-bit integer holds.
  Result<ProbedImage> image = ProbeImage(testing::MakePngHeaderOnly(0xffffffff, 0xffffffff), {});
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(image.status().message(Lang::kEn).find("4294967295×4294967295"), std::string::npos);
}

TEST(ImageProbeTest, DecompressionBombIsRefusedAtTheDefaultLimit) {
  // 10000×10000 bitonal pixels (100 megapixels) compress to a few kilobytes.
  Bytes bomb = testing::MakeBlankBitonalPng(10000, 10000);
  ASSERT_LT(bomb.size(), 200u * 1024);
  Result<ProbedImage> image = ProbeImage(bomb, {});
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kResourceExhausted);
}

TEST(ImageProbeTest, PixelLimitIsConfigurable) {
  ImageLimits small{.max_pixels = 100 * 100};
  EXPECT_EQ(ProbeImage(testing::MakePng(101, 100), small).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_TRUE(ProbeImage(testing::MakePng(100, 100), small).ok());
}

TEST(ImageProbeTest, OnePageTooLargeRefusesTheWholeTiff) {
  ImageLimits limits{.max_pixels = 500 * 500};
  Result<ProbedImage> image = ProbeImage(testing::MakeTiff({{400, 400}, {800, 800}}), limits);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(image.status().message(Lang::kEn).find("page 2"), std::string::npos);
}

TEST(ImageProbeTest, TooManyPagesAreRefused) {
  ImageLimits limits{.max_pages = 2};
  Result<ProbedImage> image =
      ProbeImage(testing::MakeTiff({{100, 100}, {100, 100}, {100, 100}}), limits);
  EXPECT_EQ(image.status().code(), StatusCode::kResourceExhausted);
}

TEST(ImageProbeTest, FileOverTheByteLimitIsRefused) {
  ImageLimits limits{.max_bytes = 1000};
  EXPECT_EQ(ProbeImage(testing::MakePng(600, 800), limits).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(ImageProbeTest, RandomBytesAfterAValidSignatureAreRefused) {
  Bytes junk = {0xff, 0xd8, 0xff, 0xe0};
  for (int i = 0; i < 4000; ++i) junk.push_back(static_cast<std::uint8_t>(i * 37 + 11));
  EXPECT_EQ(ProbeImage(junk, {}).status().code(), StatusCode::kInvalidArgument);
  Bytes tiff_junk = {'I', 'I', 42, 0, 0xff, 0xff, 0xff, 0x7f};
  EXPECT_EQ(ProbeImage(tiff_junk, {}).status().code(), StatusCode::kInvalidArgument);
}

// ---- decoding for reading ------------------------------------------------------------------

// Page `index` of `bytes` as Leptonica decodes it, converted to 8-bit grey: the reference the
// decoders are checked against.
std::vector<std::uint8_t> LeptonicaGrey(const Bytes& bytes, int index, bool tiff) {
  PIX* pix = tiff ? pixReadMemTiff(bytes.data(), bytes.size(), index)
                  : pixReadMem(bytes.data(), bytes.size());
  PIX* grey = pixConvertTo8(pix, 0);
  std::vector<std::uint8_t> out;
  for (l_int32 y = 0; y < pixGetHeight(grey); ++y) {
    for (l_int32 x = 0; x < pixGetWidth(grey); ++x) {
      l_uint32 v = 0;
      pixGetPixel(grey, x, y, &v);
      out.push_back(static_cast<std::uint8_t>(v));
    }
  }
  pixDestroy(&grey);
  pixDestroy(&pix);
  return out;
}

TEST(DecodeGreyPagesTest, PngDecodesToTheSamePixelsAsLeptonica) {
  const Bytes png = testing::MakePng(120, 170, 75);
  Result<std::vector<GreyPage>> pages = DecodeGreyPages(png, {});
  ASSERT_TRUE(pages.ok()) << pages.status().message();
  ASSERT_EQ(pages->size(), 1u);
  EXPECT_EQ((*pages)[0].width, 120);
  EXPECT_EQ((*pages)[0].height, 170);
  EXPECT_EQ((*pages)[0].dpi, 75);
  EXPECT_EQ((*pages)[0].pixels, LeptonicaGrey(png, 0, false));
}

TEST(DecodeGreyPagesTest, JpegDecodesToGreyCloseToLeptonica) {
  const Bytes jpeg = testing::MakeJpeg(160, 200, 150);
  Result<std::vector<GreyPage>> pages = DecodeGreyPages(jpeg, {});
  ASSERT_TRUE(pages.ok()) << pages.status().message();
  const std::vector<std::uint8_t> reference = LeptonicaGrey(jpeg, 0, false);
  ASSERT_EQ((*pages)[0].pixels.size(), reference.size());
  int worst = 0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    worst = std::max(worst, std::abs(int{(*pages)[0].pixels[i]} - int{reference[i]}));
  }
  EXPECT_LE(worst, 2) << "both use libjpeg; only rounding may differ";
}

TEST(DecodeGreyPagesTest, EveryPageOfABilevelTiffDecodesBlackOnWhite) {
  const Bytes tiff = testing::MakeTiff({{64, 90}, {70, 96}}, 200);
  Result<std::vector<GreyPage>> pages = DecodeGreyPages(tiff, {});
  ASSERT_TRUE(pages.ok()) << pages.status().message();
  ASSERT_EQ(pages->size(), 2u);
  EXPECT_EQ((*pages)[1].width, 70);
  EXPECT_EQ((*pages)[1].dpi, 200);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ((*pages)[i].pixels, LeptonicaGrey(tiff, i, true)) << "page " << i + 1;
  }
}

TEST(DecodeGreyPagesTest, BrokenAndOversizeFilesAreRefusedAsByProbeImage) {
  const Bytes tiff = testing::MakeTiff({{300, 424}, {310, 430}}, 200);
  EXPECT_EQ(DecodeGreyPages(Truncated(tiff, 0.8), {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeGreyPages(testing::MakeBlankBitonalPng(20000, 20000), {}).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(DecodeGreyPages(Text("%PDF-1.7"), {}).status().code(),
            StatusCode::kInvalidArgument);
}

// Found by the image_decode fuzz target: a resolution past what an int holds was converted to
// one (undefined behaviour). A resolution no scanner writes counts as not recorded.
TEST(ImageProbeTest, ATiffResolutionNoScannerWritesCountsAsNotRecorded) {
  Result<ProbedImage> image =
      ProbeImage(testing::MakeTiff({{100, 100}}, std::numeric_limits<int>::max()), {});
  ASSERT_TRUE(image.ok()) << image.status().message(Lang::kEn);
  EXPECT_EQ(image->pages[0].dpi, 0);
}

// Found by the image_decode fuzz target: a TIFF whose page says RGB but has one sample per
// pixel. Its strips decode, so it was accepted on upload, but reading decodes through libtiff's
// RGBA interface, which cannot take it: the scan could never be read. It is refused at once.
TEST(DecodeGreyPagesTest, ATiffPageReadingCannotDecodeIsRefusedOnUpload) {
  std::ifstream in(std::string(ADBRIDGE_SOURCE_DIR) +
                       "/tests/fuzz/regressions/image_decode/tiff-rgb-with-one-sample",
                   std::ios::binary);
  ASSERT_TRUE(in);
  const Bytes tiff((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<ProbedImage> probed = ProbeImage(tiff, {});
  EXPECT_EQ(probed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(probed.status().message(Lang::kEn).find("TIFF"), std::string::npos);
  EXPECT_EQ(DecodeGreyPages(tiff, {}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace adbridge::ingest
