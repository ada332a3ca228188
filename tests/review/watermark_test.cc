#include "review/watermark.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace adbridge::review {
namespace {

std::string SnippetPng() {
  cv::Mat image(80, 400, CV_8UC1, cv::Scalar(255));
  cv::putText(image, "1950-04-01", {10, 55}, cv::FONT_HERSHEY_SIMPLEX, 1.4, cv::Scalar(0), 3);
  std::vector<unsigned char> png;
  cv::imencode(".png", image, png);
  return std::string(png.begin(), png.end());
}

cv::Mat Decode(const std::string& png) {
  return cv::imdecode(std::vector<unsigned char>(png.begin(), png.end()), cv::IMREAD_GRAYSCALE);
}

TEST(WatermarkTest, TheMarkCoversTheSnippetButLeavesTheWritingReadable) {
  const std::string original = SnippetPng();
  Result<std::string> marked = WatermarkSnippet(original, "hanako #12");
  ASSERT_TRUE(marked.ok()) << marked.status().message(Lang::kEn);
  const cv::Mat before = Decode(original);
  const cv::Mat after = Decode(*marked);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.size(), before.size());
  cv::Mat changed;
  cv::absdiff(before, after, changed);
  // The mark is spread over the whole snippet: every quarter of it is touched.
  for (int quarter = 0; quarter < 4; ++quarter) {
    const cv::Rect part(quarter * before.cols / 4, 0, before.cols / 4, before.rows);
    EXPECT_GT(cv::countNonZero(changed(part) > 20), 20) << "quarter " << quarter;
  }
  // Faint: the dark strokes of the writing stay dark, the paper stays light.
  EXPECT_LT(cv::mean(after, before < 100)[0], 100);
  EXPECT_GT(cv::mean(after, before > 200)[0], 200);
}

TEST(WatermarkTest, TwoReviewersGetDifferentImages) {
  const std::string original = SnippetPng();
  Result<std::string> a = WatermarkSnippet(original, "hanako #12");
  Result<std::string> b = WatermarkSnippet(original, "taro #13");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

TEST(WatermarkTest, ADamagedSnippetIsReportedAsDataLoss) {
  std::string damaged = SnippetPng().substr(0, 40);
  EXPECT_EQ(WatermarkSnippet(damaged, "hanako #12").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(WatermarkSnippet("", "hanako #12").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(WatermarkSnippet(SnippetPng(), "").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace adbridge::review
