// adbridge's printed forms as the reader sees them: the layout with its QR code, text measured
// at IPAex Gothic's own advances, and the page image scans of the print are registered against.
#include "ocr/form_printer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <opencv2/aruco.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "models/form_definition.h"
#include "ocr/form_library.h"
#include "ocr/internal/glyph_painter.h"
#include "ocr/page_locator.h"

namespace adbridge::ocr {
namespace {

using ::testing::HasSubstr;

// Every form definition bundled in models/forms/, by file name.
std::vector<models::FormDefinition> BundledForms() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(ADBRIDGE_SOURCE_DIR) / "models/forms")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<models::FormDefinition> forms;
  for (const std::filesystem::path& file : files) {
    Result<models::FormDefinition> form = models::LoadFormDefinition(file);
    EXPECT_TRUE(form.ok()) << form.status().message(Lang::kEn);
    if (form.ok()) forms.push_back(*std::move(form));
  }
  return forms;
}

class FormPrinterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<FormPrinter> printer = FormPrinter::Create();
    ASSERT_TRUE(printer.ok()) << printer.status().message(Lang::kEn);
    printer_ = new FormPrinter(*std::move(printer));
  }
  static void TearDownTestSuite() { delete printer_; }

  // A page holding only `items`.
  static models::PageLayout Page(std::vector<models::LayoutItem> items) {
    models::PageLayout page;
    page.width_mm = 100;
    page.height_mm = 60;
    page.items = std::move(items);
    return page;
  }

  static FormPrinter* printer_;
};

FormPrinter* FormPrinterTest::printer_ = nullptr;

TEST_F(FormPrinterTest, TextIsMeasuredAtTheFontsOwnAdvanceWidths) {
  // IPAex sets kanji and kana a full em wide.
  EXPECT_DOUBLE_EQ(printer_->TextWidthMm("氏名", 3.5), 7.0);
  EXPECT_DOUBLE_EQ(printer_->TextWidthMm("フリガナ", 3.0), 12.0);
  EXPECT_DOUBLE_EQ(printer_->TextWidthMm("", 3.5), 0.0);
  const double digits = printer_->TextWidthMm("0263", 3.5);
  EXPECT_GT(digits, 4.0) << "Latin is proportional, narrower than kanji";
  EXPECT_LT(digits, 14.0);
}

TEST_F(FormPrinterTest, EveryPrintedPageCarriesAQrCodeNamingItsFormVersionAndPage) {
  const std::vector<models::FormDefinition> forms = BundledForms();
  ASSERT_GE(forms.size(), 3u);
  for (const models::FormDefinition& form : forms) {
    const std::string& id = form.id;
    Result<std::vector<models::PageLayout>> pages = printer_->Layouts(form);
    ASSERT_TRUE(pages.ok()) << pages.status().message(Lang::kEn);
    ASSERT_EQ(pages->size(), form.pages.size());
    for (std::size_t p = 0; p < pages->size(); ++p) {
      const models::LayoutCode* qr = models::FindQrCode((*pages)[p]);
      ASSERT_NE(qr, nullptr) << id;
      EXPECT_EQ(qr->payload, QrPayload(form.id, form.version, static_cast<int>(p) + 1));
      EXPECT_GE(qr->box.width / qr->modules.size, 0.6) << "modules the locator reads";
    }
  }
}

TEST_F(FormPrinterTest, ArucoMarkersAreTheDictionarysOwnWithTheirBlackBorder) {
  Result<models::ModuleGrid> marker = printer_->ArucoMarker("DICT_4X4_50", 3);
  ASSERT_TRUE(marker.ok());
  ASSERT_EQ(marker->size, 6);
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(marker->At(0, i) && marker->At(5, i) && marker->At(i, 0) && marker->At(i, 5));
  }
  // Drawn large, OpenCV's own detector reads it back as marker 3.
  models::LayoutCode code;
  code.kind = models::LayoutCode::Kind::kArucoMarker;
  code.box = {20, 10, 30, 30};
  code.modules = *marker;
  const cv::Mat page = printer_->Draw(Page({code}), 150);
  std::vector<int> ids;
  std::vector<std::vector<cv::Point2f>> corners;
  cv::aruco::detectMarkers(page, cv::aruco::getPredefinedDictionary(cv::aruco::DICT_4X4_50),
                           corners, ids);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0], 3);
  EXPECT_NEAR(corners[0][0].x * 25.4 / 150, 20, 0.3);
  EXPECT_NEAR(corners[0][0].y * 25.4 / 150, 10, 0.3);

  Result<models::ModuleGrid> unknown = printer_->ArucoMarker("DICT_9X9_1", 0);
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(Lang::kEn), HasSubstr("DICT_9X9_1"));
  Result<models::ModuleGrid> past_the_end = printer_->ArucoMarker("DICT_4X4_50", 50);
  EXPECT_EQ(past_the_end.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(past_the_end.status().message(Lang::kEn), HasSubstr("no marker 50"));
}

TEST_F(FormPrinterTest, RulesAndFillsAreDrawnAtTheirMillimetres) {
  const cv::Mat page = printer_->Draw(Page({models::LayoutFill{{10, 10, 20, 10}, 236},
                                            models::LayoutOutline{{40, 20, 50, 30}, 0.3, 0}}),
                                      300);
  ASSERT_EQ(page.size(), cv::Size(1181, 709)) << "100 x 60 mm at 300 dpi";
  const auto px = [](double mm) { return static_cast<int>(std::lround(mm * 300 / 25.4)); };
  EXPECT_EQ(page.at<uchar>(px(15), px(20)), 236);
  EXPECT_EQ(page.at<uchar>(px(9.5), px(20)), 255);
  // The outline's top rule covers y = 20 mm, 0.3 mm thick, from x = 40 to 90 mm, corners full.
  EXPECT_EQ(page.at<uchar>(px(20), px(60)), 0);
  EXPECT_EQ(page.at<uchar>(px(20) - 3, px(60)), 255);
  EXPECT_EQ(page.at<uchar>(px(20), px(40) - 1), 0);
  EXPECT_EQ(page.at<uchar>(px(50), px(90)), 0);
  EXPECT_EQ(page.at<uchar>(px(35), px(65)), 255) << "inside the box is paper";
}

TEST_F(FormPrinterTest, CentredTextIsCentredOnItsAnchorAndShrunkToFit) {
  models::LayoutText centred;
  centred.text = "住民票の写し等交付請求書";
  centred.x_mm = 50;
  centred.baseline_mm = 20;
  centred.size_mm = 6.5;
  centred.align = models::TextAlign::kCenter;
  centred.max_width_mm = 60;  // 12 em of 6.5 mm would be 78 mm
  const cv::Mat page = printer_->Draw(Page({centred}), 300);
  const cv::Rect ink = cv::boundingRect(page < 128);
  const double left = ink.x * 25.4 / 300, right = (ink.x + ink.width) * 25.4 / 300;
  EXPECT_NEAR((left + right) / 2, 50, 0.3);
  EXPECT_LE(right - left, 60.0);
  EXPECT_GT(right - left, 57.0) << "shrunk to the width, not below it";
  EXPECT_NEAR((ink.y + ink.height) * 25.4 / 300, 20, 0.6) << "sits on its baseline";
}

TEST_F(FormPrinterTest, AMissingFontIsNamed) {
  Result<internal::GlyphPainter> painter = internal::GlyphPainter::Load("/nonexistent/ipaexg.ttf");
  EXPECT_EQ(painter.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(painter.status().message(Lang::kEn), HasSubstr("/nonexistent/ipaexg.ttf"));
  EXPECT_THAT(painter.status().message(Lang::kEn), HasSubstr("fonts-ipaexfont-gothic"));
}

TEST_F(FormPrinterTest, TheLibraryKeepsEachPageAsPrintedAndLoadsAFormThatCannotBePrinted) {
  std::vector<models::FormDefinition> definitions = BundledForms();
  const std::size_t bundled = definitions.size();
  // A definition whose fields reach into every corner: no room for a QR code, so adbridge
  // cannot have printed it, yet scans of its own paper are still read.
  models::FormDefinition crowded = definitions.front();
  crowded.id = "crowded";
  models::FieldDefinition top = crowded.fields.front(), bottom = crowded.fields.front();
  top.name = "top";
  top.box = models::BoxMm{2, 2, 206, 45};
  bottom.name = "bottom";
  bottom.box = models::BoxMm{2, 250, 206, 45};
  crowded.fields.push_back(top);
  crowded.fields.push_back(bottom);
  definitions.push_back(crowded);

  Result<std::unique_ptr<FormLibrary>> library = FormLibrary::FromDefinitions(definitions);
  ASSERT_TRUE(library.ok()) << library.status().message(Lang::kEn);
  for (std::size_t i = 0; i < bundled; ++i) {
    const std::string& id = definitions[i].id;
    const LoadedForm* form = (*library)->Find(id);
    ASSERT_NE(form, nullptr);
    ASSERT_EQ(form->printed.size(), form->definition.pages.size()) << id;
    for (const cv::Mat& page : form->printed) {
      EXPECT_EQ(page.size(), cv::Size(2480, 3508)) << id << ": A4 at 300 dpi";
      EXPECT_EQ(page.type(), CV_8UC1);
    }
  }
  EXPECT_TRUE((*library)->Find("crowded")->printed.empty());
  EXPECT_TRUE((*library)->locator().references().back().printed.empty());
}

}  // namespace
}  // namespace adbridge::ocr
