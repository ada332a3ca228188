// The blank forms adbridge prints, read back the way the print room and the scanner see them:
// page count and size, fonts, where each label and box lands, markers and the QR code on a
// 300 dpi rendering, and how closely that rendering matches the image OCR registers scans of
// the print against.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <opencv2/aruco.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <vector>

#include "models/form_definition.h"
#include "models/form_layout.h"
#include "ocr/form_printer.h"
#include "ocr/page_locator.h"
#include "output/blank_form.h"
#include "tests/output/pdf_test_support.h"

namespace adbridge::output {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;

const fs::path kForms = fs::path(ADBRIDGE_SOURCE_DIR) / "models/forms";
constexpr int kDpi = 300;

double Px(double mm) { return mm * kDpi / 25.4; }
double Mm(double px) { return px * 25.4 / kDpi; }

// The centre, in mm, of the dark run of `line` (a row or column of a page) nearest `expected_mm`,
// within 1.5 mm of it; NaN when there is none.
double RuleAt(const cv::Mat& line, double expected_mm) {
  const int length = static_cast<int>(line.total());
  const int from = std::max(0, static_cast<int>(Px(expected_mm - 1.5)));
  const int to = std::min(length - 1, static_cast<int>(Px(expected_mm + 1.5)));
  double best = NAN;
  for (int i = from; i <= to; ++i) {
    if (line.at<uchar>(i) >= 128) continue;
    int j = i;
    while (j + 1 <= to && line.at<uchar>(j + 1) < 128) ++j;
    const double centre = Mm((i + j + 1) / 2.0);
    if (std::isnan(best) || std::abs(centre - expected_mm) < std::abs(best - expected_mm)) {
      best = centre;
    }
    i = j;
  }
  return best;
}

// The share of `a`'s ink (darker than 128) lying within `radius` pixels of `b`'s ink.
double InkWithin(const cv::Mat& a, const cv::Mat& b, int radius) {
  cv::Mat near_b;
  cv::dilate(b < 128, near_b,
             cv::getStructuringElement(cv::MORPH_RECT, {2 * radius + 1, 2 * radius + 1}));
  const cv::Mat ink = a < 128;
  return static_cast<double>(cv::countNonZero(ink & near_b)) / cv::countNonZero(ink);
}

class FormRenderTest : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    Result<ocr::FormPrinter> printer = ocr::FormPrinter::Create();
    ASSERT_TRUE(printer.ok()) << printer.status().message(Lang::kEn);
    printer_ = new ocr::FormPrinter(*std::move(printer));
    rasters_ = new std::map<std::string, cv::Mat>();
  }
  static void TearDownTestSuite() {
    delete rasters_;
    delete printer_;
  }

  FormRenderTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-render-" + std::to_string(rd()));
    fs::create_directories(dir_);
    Result<models::FormDefinition> form =
        models::LoadFormDefinition(kForms / (std::string(GetParam()) + ".json"));
    EXPECT_TRUE(form.ok()) << form.status().message(Lang::kEn);
    if (form.ok()) form_ = *std::move(form);
    Result<std::vector<models::PageLayout>> layouts = printer_->Layouts(form_);
    EXPECT_TRUE(layouts.ok()) << layouts.status().message(Lang::kEn);
    if (layouts.ok()) layouts_ = *std::move(layouts);
    Result<std::string> pdf = BlankFormPdf(form_, layouts_);
    EXPECT_TRUE(pdf.ok()) << pdf.status().message(Lang::kEn);
    pdf_ = dir_ / (form_.id + ".pdf");
    if (pdf.ok()) {
      EXPECT_TRUE(testing::WriteFile(pdf_, *pdf).ok());
    }
  }
  ~FormRenderTest() override { fs::remove_all(dir_); }

  // Page `page` (1-based) of the PDF at 300 dpi, cut to the page's own pixel size; rendered
  // once per form and page for the whole suite (pdftoppm takes most of a second a page).
  cv::Mat Raster(int page) const {
    const std::string key = form_.id + "/" + std::to_string(page);
    if (const auto it = rasters_->find(key); it != rasters_->end()) return it->second;
    Result<cv::Mat> image = testing::RasterisePdfPage(pdf_, page, kDpi);
    EXPECT_TRUE(image.ok()) << image.status().message(Lang::kEn);
    if (!image.ok()) return {};
    const models::PageDefinition& p = form_.pages[static_cast<std::size_t>(page - 1)];
    const cv::Rect own(0, 0, static_cast<int>(std::lround(Px(p.width_mm))),
                       static_cast<int>(std::lround(Px(p.height_mm))));
    const cv::Mat page_image = (*image)(own & cv::Rect(0, 0, image->cols, image->rows)).clone();
    rasters_->emplace(key, page_image);
    return page_image;
  }

  static ocr::FormPrinter* printer_;
  static std::map<std::string, cv::Mat>* rasters_;
  fs::path dir_;
  models::FormDefinition form_;
  std::vector<models::PageLayout> layouts_;
  fs::path pdf_;
};

ocr::FormPrinter* FormRenderTest::printer_ = nullptr;
std::map<std::string, cv::Mat>* FormRenderTest::rasters_ = nullptr;

TEST_P(FormRenderTest, HasOneA4PagePerFormPageAndEmbedsItsFontAsASubset) {
  Result<testing::PdfInfo> info = testing::ReadPdfInfo(pdf_);
  ASSERT_TRUE(info.ok()) << info.status().message(Lang::kEn);
  EXPECT_EQ(info->pages, static_cast<int>(form_.pages.size()));
  EXPECT_EQ(std::lround(info->width_pt), 595) << "210 mm, not scaled";
  EXPECT_EQ(std::lround(info->height_pt), 842) << "297 mm, not scaled";
  Result<std::vector<testing::PdfFont>> fonts = testing::ReadPdfFonts(pdf_);
  ASSERT_TRUE(fonts.ok()) << fonts.status().message(Lang::kEn);
  ASSERT_FALSE(fonts->empty());
  for (const testing::PdfFont& font : *fonts) {
    EXPECT_TRUE(font.embedded) << font.name;
    EXPECT_TRUE(font.subset) << font.name;
    EXPECT_NE(font.name.find("IPAexGothic"), std::string::npos) << font.name;
  }
  EXPECT_LT(fs::file_size(pdf_), 400u * 1024) << "the font travels as a subset";
}

TEST_P(FormRenderTest, EachLabelIsPrintedBesideItsBox) {
  Result<std::vector<testing::PdfWord>> words = testing::ReadPdfWords(pdf_);
  ASSERT_TRUE(words.ok()) << words.status().message(Lang::kEn);
  const auto find = [&](int page, const std::string& text) -> const testing::PdfWord* {
    for (const testing::PdfWord& w : *words) {
      if (w.page == page && w.text == text) return &w;
    }
    return nullptr;
  };
  const testing::PdfWord* title = find(1, form_.title);
  if (title == nullptr) title = find(1, form_.title.substr(0, form_.title.find(' ')));
  EXPECT_NE(title, nullptr) << "the title is on the page as text";
  for (const models::FieldDefinition& f : form_.fields) {
    // A square's label (checkbox, each choice option) sits to its right, on its middle.
    std::vector<std::pair<models::BoxMm, std::string>> squares;
    if (f.type == models::FieldType::kCheckbox) squares.emplace_back(*f.box, f.label);
    for (const models::ChoiceOption& o : f.options) squares.emplace_back(o.box, o.label);
    for (const auto& [box, label] : squares) {
      const testing::PdfWord* w = find(f.page, label);
      ASSERT_NE(w, nullptr) << f.name << ": " << label;
      EXPECT_NEAR(w->x_min_mm, box.x + box.width + 1.5, 0.6) << label;
      EXPECT_NEAR((w->y_min_mm + w->y_max_mm) / 2, box.y + box.height / 2, 1.0) << label;
    }
    if (!squares.empty() && f.type == models::FieldType::kCheckbox) continue;
    // A writing box's (or a choice's) label sits in the cell to its left, level with it.
    const models::BoxMm extent = models::FieldExtent(f);
    const testing::PdfWord* w = find(f.page, f.label);
    ASSERT_NE(w, nullptr) << f.name << ": " << f.label;
    EXPECT_LT(w->x_max_mm, extent.x) << f.name;
    EXPECT_GT(w->x_min_mm, extent.x - 40) << f.name;
    EXPECT_NEAR((w->y_min_mm + w->y_max_mm) / 2, extent.y + extent.height / 2, 1.5) << f.name;
  }
}

TEST_P(FormRenderTest, BoxEdgesLandAtTheirBoxMmOnA300DpiRendering) {
  for (int page = 1; page <= static_cast<int>(form_.pages.size()); ++page) {
    const cv::Mat image = Raster(page);
    ASSERT_FALSE(image.empty());
    for (const models::FieldDefinition& f : form_.fields) {
      if (f.page != page) continue;
      std::vector<models::BoxMm> boxes;
      if (f.box.has_value()) boxes.push_back(*f.box);
      for (const models::ChoiceOption& o : f.options) boxes.push_back(o.box);
      for (const models::BoxMm& b : boxes) {
        // Each edge, looked for across the middle of the opposite axis (of the first cell of a
        // comb, as the middle of the box may be a divider).
        const double cell = f.comb.has_value() ? b.width / *f.comb : b.width;
        const int mid_row = static_cast<int>(Px(b.y + b.height / 2));
        const int mid_col = static_cast<int>(Px(b.x + cell / 2));
        const cv::Mat row = image.row(mid_row).clone().reshape(1, image.cols);
        const cv::Mat col = image.col(mid_col).clone();
        EXPECT_NEAR(RuleAt(row, b.x), b.x, 0.5) << f.name << " left edge";
        EXPECT_NEAR(RuleAt(row, b.x + b.width), b.x + b.width, 0.5) << f.name << " right edge";
        EXPECT_NEAR(RuleAt(col, b.y), b.y, 0.5) << f.name << " top edge";
        EXPECT_NEAR(RuleAt(col, b.y + b.height), b.y + b.height, 0.5) << f.name << " bottom";
      }
    }
  }
}

TEST_P(FormRenderTest, MarkersAndTheQrCodeAreReadWhereTheyArePrinted) {
  for (int page = 1; page <= static_cast<int>(form_.pages.size()); ++page) {
    const cv::Mat image = Raster(page);
    ASSERT_FALSE(image.empty());
    const std::string payload = ocr::QrPayload(form_.id, form_.version, page);
    EXPECT_THAT(testing::ReadQrCodes(image), Contains(payload));
    // The locator reads it within 50 mm of a corner: it must read there alone.
    const models::LayoutCode* qr = models::FindQrCode(layouts_[static_cast<std::size_t>(page - 1)]);
    ASSERT_NE(qr, nullptr);
    const int side = static_cast<int>(Px(models::kQrCornerMm));
    const cv::Rect corner(qr->box.x < 105 ? 0 : image.cols - side,
                          qr->box.y < 148 ? 0 : image.rows - side, side, side);
    EXPECT_THAT(testing::ReadQrCodes(image(corner).clone()), Contains(payload));

    const auto& markers = form_.pages[static_cast<std::size_t>(page - 1)].markers;
    if (!markers.has_value()) continue;
    std::vector<int> ids;
    std::vector<std::vector<cv::Point2f>> corners;
    cv::aruco::detectMarkers(image, cv::aruco::getPredefinedDictionary(cv::aruco::DICT_4X4_50),
                             corners, ids);
    ASSERT_EQ(ids.size(), markers->items.size());
    for (const models::MarkerItem& item : markers->items) {
      const auto at = std::find(ids.begin(), ids.end(), item.id);
      ASSERT_NE(at, ids.end()) << "marker " << item.id;
      const cv::Point2f top_left = corners[static_cast<std::size_t>(at - ids.begin())][0];
      EXPECT_NEAR(Mm(top_left.x), item.box.x, 0.5) << "marker " << item.id;
      EXPECT_NEAR(Mm(top_left.y), item.box.y, 0.5) << "marker " << item.id;
    }
  }
}

// OCR registers scans of the print against FormPrinter::Draw's image of the page, and requires
// 85 % of that image's ink to lie on the scan's: the print must be that image to a pixel or two.
TEST_P(FormRenderTest, ThePrintIsThePageImageScansAreRegisteredAgainst) {
  for (int page = 1; page <= static_cast<int>(form_.pages.size()); ++page) {
    const cv::Mat printed = Raster(page);
    const cv::Mat reference = printer_->Draw(layouts_[static_cast<std::size_t>(page - 1)], kDpi);
    ASSERT_EQ(printed.size(), reference.size());
    const double print_on_reference = InkWithin(printed, reference, 2);
    const double reference_on_print = InkWithin(reference, printed, 2);
    std::printf("[ agreement ] %s p%d: %.4f of the print within 0.17 mm of the image, %.4f back\n",
                form_.id.c_str(), page, print_on_reference, reference_on_print);
    EXPECT_GT(print_on_reference, 0.995);
    EXPECT_GT(reference_on_print, 0.995);
  }
}

INSTANTIATE_TEST_SUITE_P(BundledForms, FormRenderTest,
                         ::testing::Values("juminhyo-request", "kyufukin-application",
                                           "demand-bus-reservation"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name;
                           for (const char* c = info.param; *c != '\0'; ++c) {
                             if (*c != '-') name += *c;
                           }
                           return name;
                         });

TEST(BlankFormPdfTest, AFormWithoutPagesIsRefused) {
  models::FormDefinition form;
  form.id = "empty";
  Result<std::string> pdf = BlankFormPdf(form, {});
  EXPECT_EQ(pdf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(pdf.status().message(Lang::kEn).find("empty"), std::string::npos);
}

}  // namespace
}  // namespace adbridge::output
