#include "ocr/recognizer.h"

#include <gtest/gtest.h>

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <string>

namespace adbridge::ocr {
namespace {

constexpr char kGothic[] = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";

// A field crop as a 300 dpi scan would give it: black text about 5 mm high on white.
cv::Mat PrintedField(const std::string& text) {
  cv::Ptr<cv::freetype::FreeType2> font = cv::freetype::createFreeType2();
  font->loadFontData(kGothic, 0);
  const int height = 56;
  int baseline = 0;
  const cv::Size size = font->getTextSize(text, height, -1, &baseline);
  cv::Mat colour(size.height + 40, size.width + 60, CV_8UC3, cv::Scalar(255, 255, 255));
  font->putText(colour, text, {30, 20 + size.height}, height, cv::Scalar(0, 0, 0), -1,
                cv::LINE_AA, true);
  cv::Mat grey;
  cv::cvtColor(colour, grey, cv::COLOR_BGR2GRAY);
  return grey;
}

GreyImage View(const cv::Mat& m) {
  return {m.data, m.cols, m.rows, static_cast<int>(m.step), 300};
}

TEST(RecognizerTest, ReadsAPrintedJapaneseField) {
  Recognizer recognizer;
  const cv::Mat field = PrintedField("塩尻市大門八番町");
  Result<Reading> reading = recognizer.Read(View(field), {});
  ASSERT_TRUE(reading.ok()) << reading.status().message(Lang::kEn);
  EXPECT_EQ(reading->text, "塩尻市大門八番町");
  EXPECT_GT(reading->confidence, 0.8);
}

TEST(RecognizerTest, ReadsDigitsWithAWhitelist) {
  Recognizer recognizer;
  const cv::Mat field = PrintedField("0263-52-0280");
  Result<Reading> reading =
      recognizer.Read(View(field), {.lang = "eng", .mode = LineMode::kSingleLine,
                                    .whitelist = "0123456789-"});
  ASSERT_TRUE(reading.ok()) << reading.status().message(Lang::kEn);
  EXPECT_EQ(reading->text, "0263-52-0280");
}

TEST(RecognizerTest, WhitelistKeepsLettersOutOfADigitField) {
  Recognizer recognizer;
  const cv::Mat field = PrintedField("1O7");  // a letter O between digits
  Result<Reading> reading = recognizer.Read(
      View(field), {.lang = "eng", .mode = LineMode::kSingleWord, .whitelist = "0123456789"});
  ASSERT_TRUE(reading.ok());
  EXPECT_EQ(reading->text.find_first_not_of("0123456789"), std::string::npos) << reading->text;
  // The next field has no whitelist: the previous one must not leak into it.
  Result<Reading> letters =
      recognizer.Read(View(PrintedField("KT")), {.lang = "eng", .mode = LineMode::kSingleWord,
                                                 .whitelist = ""});
  ASSERT_TRUE(letters.ok());
  EXPECT_EQ(letters->text, "KT");
}

TEST(RecognizerTest, ReportsEachCharactersConfidenceAndTheTimeInTesseract) {
  Recognizer recognizer;
  const cv::Mat field = PrintedField("0263-52-0280");
  Result<Reading> reading = recognizer.Read(
      View(field), {.lang = "eng", .mode = LineMode::kSingleLine, .whitelist = "0123456789-"});
  ASSERT_TRUE(reading.ok());
  ASSERT_EQ(reading->symbols.size(), 12u);
  std::string joined;
  double lowest = 1;
  for (const SymbolReading& s : reading->symbols) {
    joined += s.text;
    lowest = std::min(lowest, s.confidence);
    EXPECT_LT(s.left, s.right);
    EXPECT_LE(s.right, field.cols);
  }
  EXPECT_EQ(joined, "0263-52-0280");
  EXPECT_DOUBLE_EQ(reading->min_symbol_confidence, lowest);
  EXPECT_GT(reading->min_symbol_confidence, 0.5);
  // Characters come left to right.
  EXPECT_LT(reading->symbols.front().left, reading->symbols.back().left);
  EXPECT_GT(reading->seconds, 0.0);
  EXPECT_DOUBLE_EQ(recognizer.tesseract_seconds(), reading->seconds);
  Result<Reading> again = recognizer.Read(View(field), {.lang = "eng", .mode = LineMode::kSingleLine, .whitelist = ""});
  ASSERT_TRUE(again.ok());
  EXPECT_DOUBLE_EQ(recognizer.tesseract_seconds(), reading->seconds + again->seconds);
}

TEST(RecognizerTest, BlankFieldReadsAsEmptyWithNoConfidence) {
  // Tesseract's jpn model invents characters on an empty box; an inkless crop is not read.
  Recognizer recognizer;
  cv::Mat blank(80, 400, CV_8UC1, cv::Scalar(255));
  cv::randu(blank, cv::Scalar(200), cv::Scalar(256));  // paper grain, no ink
  Result<Reading> reading = recognizer.Read(View(blank), {});
  ASSERT_TRUE(reading.ok());
  EXPECT_EQ(reading->text, "");
  EXPECT_EQ(reading->confidence, 0.0);
}

TEST(RecognizerTest, MissingLanguageDataIsNamed) {
  Recognizer recognizer;
  const cv::Mat field = PrintedField("abc");
  Result<Reading> reading = recognizer.Read(View(field), {.lang = "xyz", .mode = LineMode::kSingleLine, .whitelist = ""});
  ASSERT_FALSE(reading.ok());
  EXPECT_EQ(reading.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(reading.status().message(Lang::kEn).find("xyz"), std::string::npos);
}

TEST(RecognizerTest, EmptyImageIsRefused) {
  Recognizer recognizer;
  EXPECT_EQ(recognizer.Read({}, {}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace adbridge::ocr
