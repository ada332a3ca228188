// Reading a generated PDF back the way a person or a print room would see it, with
// poppler-utils: its text (pdftotext), its fonts (pdffonts), its pages (pdfinfo), the position
// of each word (pdftotext -bbox-layout), a page as an image (pdftoppm) and the QR codes on it.
// A missing poppler-utils fails the calling test (RunTool returns exit code 127).
//
//   Result<std::vector<PdfFont>> fonts = ReadPdfFonts(pdf);
//   EXPECT_TRUE(fonts->front().embedded && fonts->front().subset);
//
// Thread-safety: plain functions; each runs its own processes.
#ifndef ADBRIDGE_TESTS_OUTPUT_PDF_TEST_SUPPORT_H_
#define ADBRIDGE_TESTS_OUTPUT_PDF_TEST_SUPPORT_H_

#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "models/status.h"

namespace adbridge::testing {

struct ToolRun {
  int exit_code = -1;
  std::string out;  // stdout; stderr goes to the test's log
};

// Runs `argv` (no shell) and captures its standard output.
ToolRun RunTool(const std::vector<std::string>& argv);

// Writes `bytes` to `path` (creating folders). Returns Unavailable when it cannot.
Status WriteFile(const std::filesystem::path& path, const std::string& bytes);

// pdftotext's text of the whole document (with -layout when `layout`); pages end in \f.
Result<std::string> PdfText(const std::filesystem::path& pdf, bool layout = true);

struct PdfFont {
  std::string name;  // e.g. "HPDFAA+IPAexMincho"
  std::string type;  // e.g. "CID TrueType"
  bool embedded = false;
  bool subset = false;
  bool unicode = false;
};
Result<std::vector<PdfFont>> ReadPdfFonts(const std::filesystem::path& pdf);

struct PdfInfo {
  int pages = 0;
  double width_pt = 0;  // of the first page
  double height_pt = 0;
};
Result<PdfInfo> ReadPdfInfo(const std::filesystem::path& pdf);

// A word as pdftotext -bbox-layout places it: in millimetres from the page's top-left.
struct PdfWord {
  int page = 1;  // 1-based
  std::string text;
  double x_min_mm = 0, y_min_mm = 0, x_max_mm = 0, y_max_mm = 0;
};
Result<std::vector<PdfWord>> ReadPdfWords(const std::filesystem::path& pdf);

// Page `page` (1-based) rendered in grey at `dpi`.
Result<cv::Mat> RasterisePdfPage(const std::filesystem::path& pdf, int page, int dpi);

// The payloads of the QR codes found on `image` (WeChat's detector, as the page locator uses).
std::vector<std::string> ReadQrCodes(const cv::Mat& image);

}  // namespace adbridge::testing

#endif  // ADBRIDGE_TESTS_OUTPUT_PDF_TEST_SUPPORT_H_
