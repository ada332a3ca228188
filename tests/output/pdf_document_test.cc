#include "output/pdf_document.h"

#include <gtest/gtest.h>

#include <random>

#include "models/utf8.h"
#include "tests/output/pdf_test_support.h"

namespace adbridge::output {
namespace {
namespace fs = std::filesystem;
using testing::PdfFont;
using testing::PdfWord;

// A measure for line-breaking tests: 1 mm per full-width character, 0.5 mm per ASCII one.
double FixedWidth(std::string_view utf8) {
  double width = 0;
  for (char32_t c : models::DecodeUtf8(utf8).value_or(std::u32string())) width += c < 0x80 ? 0.5 : 1;
  return width;
}

std::vector<std::string> Break(std::string_view text, double width) {
  return BreakLines(text, width, FixedWidth);
}

std::u32string First(const std::string& line) {
  std::u32string cps = models::DecodeUtf8(line).value_or(std::u32string());
  return cps.substr(0, 1);
}

TEST(BreakLinesTest, FillsEachLineToTheWidth) {
  EXPECT_EQ(Break("あいうえおかきくけこさしす", 5),
            (std::vector<std::string>{"あいうえお", "かきくけこ", "さしす"}));
}

TEST(BreakLinesTest, ClosingBracketsAndSmallKanaNeverStartALine) {
  // 「く」 would start line two; the character before it goes down with it instead.
  EXPECT_EQ(Break("あいうえおっかき", 5), (std::vector<std::string>{"あいうえ", "おっかき"}));
  EXPECT_EQ(Break("あいうえお」かき", 5), (std::vector<std::string>{"あいうえ", "お」かき"}));
  EXPECT_EQ(Break("あいうえおーかき", 5), (std::vector<std::string>{"あいうえ", "おーかき"}));
  for (const char* text : {"申請書をお送りください（同封の返信用封筒で）。よろしくお願いします。",
                                  "給付金は、令和7年4月1日に、指定の口座へお振り込みします。"}) {
    for (double width = 3; width <= 12; ++width) {
      std::vector<std::string> lines = Break(text, width);
      for (std::size_t i = 1; i < lines.size(); ++i) {
        const std::u32string first = First(lines[i]);
        EXPECT_EQ(std::u32string_view(U"、。）」ーっ").find(first), std::u32string_view::npos)
            << "width " << width << " line " << i << ": " << lines[i];
      }
    }
  }
}

TEST(BreakLinesTest, OpeningBracketsNeverEndALine) {
  EXPECT_EQ(Break("あいうえ「おか」", 5), (std::vector<std::string>{"あいうえ", "「おか」"}));
}

TEST(BreakLinesTest, CommaAndFullStopHangPastTheEdgeRatherThanStartALine) {
  EXPECT_EQ(Break("あいうえお。かき", 5), (std::vector<std::string>{"あいうえお。", "かき"}));
  EXPECT_EQ(Break("あいうえお、かき", 5), (std::vector<std::string>{"あいうえお、", "かき"}));
}

TEST(BreakLinesTest, NumbersAndPhoneNumbersAreNotBrokenInside) {
  // "30,000" is 3 mm and "0263-52-0280" 6 mm wide; neither is split where it would not fit.
  EXPECT_EQ(Break("金額は30,000円です", 5),
            (std::vector<std::string>{"金額は", "30,000円で", "す"}));
  EXPECT_EQ(Break("電話0263-52-0280まで", 7),
            (std::vector<std::string>{"電話", "0263-52-0280ま", "で"}));
}

TEST(BreakLinesTest, LatinWordsBreakAtSpacesWhichVanishAtTheBreak) {
  EXPECT_EQ(Break("please call the office", 6),
            (std::vector<std::string>{"please call", "the office"}));
}

TEST(BreakLinesTest, NewlinesStartNewLinesAndBlankLinesStay) {
  EXPECT_EQ(Break("一行目\n\n三行目", 10), (std::vector<std::string>{"一行目", "", "三行目"}));
}

TEST(BreakLinesTest, RunWiderThanTheLineIsBrokenBetweenCharacters) {
  EXPECT_EQ(Break("ABCDEFGHIJ", 2), (std::vector<std::string>{"ABCD", "EFGH", "IJ"}));
}

TEST(EncodeQrCodeTest, GridHasFinderPatternsInThreeCorners) {
  Result<ModuleGrid> grid = EncodeQrCode("adbridge-record:default:17");
  ASSERT_TRUE(grid.ok()) << grid.status().message();
  EXPECT_EQ((grid->size - 21) % 4, 0) << grid->size;
  const int n = grid->size;
  for (auto [r, c] : {std::pair{0, 0}, {0, n - 7}, {n - 7, 0}}) {
    EXPECT_TRUE(grid->At(r, c) && grid->At(r + 6, c + 6) && grid->At(r + 3, c + 3));
    EXPECT_FALSE(grid->At(r + 1, c + 1));
  }
  EXPECT_FALSE(EncodeQrCode("").ok());
}

class PdfDocumentTest : public ::testing::Test {
 protected:
  PdfDocumentTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-pdf-test-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  ~PdfDocumentTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path Save(PdfDocument& pdf) {
    Result<std::string> bytes = pdf.Save();
    EXPECT_TRUE(bytes.ok()) << bytes.status().message();
    const fs::path file = dir_ / "out.pdf";
    EXPECT_TRUE(testing::WriteFile(file, bytes.ok() ? *bytes : "").ok());
    return file;
  }
  fs::path dir_;
};

TEST_F(PdfDocumentTest, JapaneseTextComesBackFromTheFileInSubsetEmbeddedFonts) {
  Result<PdfDocument> pdf = PdfDocument::Create();
  ASSERT_TRUE(pdf.ok()) << pdf.status().message();
  PdfPage page = pdf->AddPage();
  page.Text(25, 40, "令和7年4月1日", Typeface::kMincho, 10.5);
  page.Text(25, 60, "支給決定通知書", Typeface::kGothic, 16);
  pdf->AddPage().Text(25, 40, "二ページ目です。", Typeface::kMincho, 10.5);
  const fs::path file = Save(*pdf);

  Result<std::string> text = testing::PdfText(file);
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_NE(text->find("令和7年4月1日"), std::string::npos) << *text;
  EXPECT_NE(text->find("支給決定通知書"), std::string::npos);
  EXPECT_NE(text->find("二ページ目です。"), std::string::npos);

  Result<std::vector<PdfFont>> fonts = testing::ReadPdfFonts(file);
  ASSERT_TRUE(fonts.ok());
  ASSERT_EQ(fonts->size(), 2u);
  for (const PdfFont& font : *fonts) {
    EXPECT_TRUE(font.embedded && font.subset && font.unicode) << font.name;
    EXPECT_NE(font.name.find("+IPAex"), std::string::npos) << font.name;
  }
  Result<testing::PdfInfo> info = testing::ReadPdfInfo(file);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->pages, 2);
  EXPECT_NEAR(info->width_pt, 595.3, 0.5);
  EXPECT_NEAR(info->height_pt, 841.9, 0.5);
}

TEST_F(PdfDocumentTest, OnlyTheTypefacesUsedAreEmbeddedAndTheFileStaysSmall) {
  Result<PdfDocument> pdf = PdfDocument::Create();
  ASSERT_TRUE(pdf.ok());
  pdf->AddPage().Text(25, 40, "お知らせ", Typeface::kGothic, 12);
  const fs::path file = Save(*pdf);
  Result<std::vector<PdfFont>> fonts = testing::ReadPdfFonts(file);
  ASSERT_TRUE(fonts.ok());
  ASSERT_EQ(fonts->size(), 1u);
  EXPECT_NE(fonts->front().name.find("IPAexGothic"), std::string::npos);
  // IPAex Gothic is 4 MB; cut down to the four characters set, the whole file is a few
  // kilobytes (embedded whole by libharu alone it was over 250 KB).
  EXPECT_LT(fs::file_size(file), 40'000u) << fs::file_size(file);
}

TEST_F(PdfDocumentTest, TextIsPlacedWhereItIsAskedInMillimetresFromTheTopLeft) {
  Result<PdfDocument> pdf = PdfDocument::Create();
  ASSERT_TRUE(pdf.ok());
  PdfPage page = pdf->AddPage();
  page.Text(30, 50, "左端", Typeface::kMincho, 12);
  page.TextRight(180, 80, "右端", Typeface::kMincho, 12);
  page.TextCentred(105, 110, "中央", Typeface::kMincho, 12);
  const double width = page.TextWidthMm("左端", Typeface::kMincho, 12);
  EXPECT_NEAR(width, 2 * 12 / kPointsPerMm, 0.2);  // two full-width characters, 1 em each
  const fs::path file = Save(*pdf);
  Result<std::vector<PdfWord>> words = testing::ReadPdfWords(file);
  ASSERT_TRUE(words.ok());
  ASSERT_EQ(words->size(), 3u);
  EXPECT_NEAR((*words)[0].x_min_mm, 30, 0.3);
  EXPECT_NEAR((*words)[0].y_max_mm, 50, 2.0);  // the baseline, give or take the descent
  EXPECT_NEAR((*words)[1].x_max_mm, 180, 0.3);
  EXPECT_NEAR(((*words)[2].x_min_mm + (*words)[2].x_max_mm) / 2, 105, 0.3);
}

TEST_F(PdfDocumentTest, QrCodeDrawnOnThePageIsReadBackFromAPrintResolutionImage) {
  Result<PdfDocument> pdf = PdfDocument::Create();
  ASSERT_TRUE(pdf.ok());
  Result<ModuleGrid> grid = EncodeQrCode("adbridge-form:juminhyo-request:1:1");
  ASSERT_TRUE(grid.ok());
  PdfPage page = pdf->AddPage();
  page.Modules(*grid, 180, 10, 0.7);
  page.Rect({20, 20, 50, 10}, 0.3);
  const fs::path file = Save(*pdf);
  Result<cv::Mat> image = testing::RasterisePdfPage(file, 1, 200);
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(testing::ReadQrCodes(*image),
            std::vector<std::string>{"adbridge-form:juminhyo-request:1:1"});
  // The rectangle's left edge is dark at 20 mm from the left, 25 mm from the top.
  const double px = 200 / 25.4;
  EXPECT_LT(image->at<unsigned char>(static_cast<int>(25 * px), static_cast<int>(20 * px)), 128);
  EXPECT_GT(image->at<unsigned char>(static_cast<int>(25 * px), static_cast<int>(40 * px)), 200);
}

TEST_F(PdfDocumentTest, MissingFontIsNotFoundBeforeAnythingIsDrawn) {
  FontFiles fonts;
  fonts.gothic = dir_ / "no-such-font.ttf";
  Result<PdfDocument> pdf = PdfDocument::Create(fonts);
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), StatusCode::kNotFound);
  EXPECT_NE(pdf.status().message().find("no-such-font.ttf"), std::string::npos);
}

TEST_F(PdfDocumentTest, FontFileThatIsNotAFontFailsTheSaveInsteadOfWritingABrokenPdf) {
  const fs::path bogus = dir_ / "bogus.ttf";
  ASSERT_TRUE(testing::WriteFile(bogus, "this is not a TrueType font").ok());
  FontFiles fonts;
  fonts.mincho = bogus;
  Result<PdfDocument> pdf = PdfDocument::Create(fonts);
  ASSERT_TRUE(pdf.ok());
  pdf->AddPage().Text(25, 40, "本文", Typeface::kMincho, 10.5);
  Result<std::string> bytes = pdf->Save();
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace adbridge::output
