// Drawing on a grey page in millimetres: lines, boxes and Japanese text through FreeType,
// blended like ink on paper (a stroke over a grey cell darkens it, never lightens it).
//
//   Result<Fonts> fonts = Fonts::Load();
//   Canvas page(210, 297, 300);                 // white A4 at 300 dpi
//   page.Text(fonts->Get(Font::kGothic), "氏名", 20, 60, 3.5, /*grey=*/0);
//
// Thread-safety: a Canvas and a Fonts each belong to one thread (FreeType faces are not
// thread-safe).
#ifndef ADBRIDGE_TESTS_SCANGEN_CANVAS_H_
#define ADBRIDGE_TESTS_SCANGEN_CANVAS_H_

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include <opencv2/core.hpp>
#include <opencv2/freetype.hpp>

#include "models/form_definition.h"
#include "models/form_layout.h"
#include "models/status.h"
#include "ocr/form_printer.h"

namespace adbridge::scangen {

enum class Font { kGothic, kMincho, kKleeRegular, kKleeSemiBold };

inline constexpr const char* kGothicPath = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";
inline constexpr const char* kMinchoPath = "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf";
inline constexpr const char* kKleeRegularPath = "/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf";
inline constexpr const char* kKleeSemiBoldPath =
    "/usr/share/fonts/truetype/klee/KleeOne-SemiBold.ttf";

// The four faces the generator draws with, and the metrics blank pages are laid out with (those
// adbridge prints its forms with), loaded once.
class Fonts {
 public:
  // Returns NotFound naming the font file (and its Debian package) when one is missing.
  static Result<Fonts> Load();
  cv::freetype::FreeType2& Get(Font font) const { return *faces_[static_cast<int>(font)]; }
  const models::LayoutMetrics& metrics() const { return *printer_; }

 private:
  std::array<cv::Ptr<cv::freetype::FreeType2>, 4> faces_;
  std::shared_ptr<const ocr::FormPrinter> printer_;
};

// One run of text rendered as ink coverage (0 = none, 255 = full), with its baseline.
struct TextMask {
  cv::Mat coverage;     // CV_8UC1
  cv::Point baseline;   // where the text's baseline starts, in coverage's pixels
  cv::Rect ink;         // bounding box of the inked pixels (empty for blank text)
};
TextMask RenderText(cv::freetype::FreeType2& face, std::string_view text, int height_px);

enum class Align { kLeft, kCenter, kRight };

// A grey (CV_8UC1) page measured in millimetres at a resolution.
class Canvas {
 public:
  Canvas(double width_mm, double height_mm, double dpi);
  // Wraps an existing page image (not copied) drawn at `dpi`.
  Canvas(cv::Mat image, double dpi) : image_(std::move(image)), dpi_(dpi) {}

  cv::Mat& image() { return image_; }
  double dpi() const { return dpi_; }
  double Px(double mm) const { return mm * dpi_ / 25.4; }
  cv::Point2d P(double x_mm, double y_mm) const { return {Px(x_mm), Px(y_mm)}; }
  cv::Rect R(const models::BoxMm& box) const;

  void Line(double x0, double y0, double x1, double y1, double width_mm, int grey);
  void Rect(const models::BoxMm& box, double width_mm, int grey);
  void Fill(const models::BoxMm& box, int grey);
  // Text with its baseline starting at (x_mm, baseline_mm), or centred / ending there.
  // Shrinks the text to fit `max_width_mm` when given (> 0). Returns the width drawn, in mm.
  double Text(cv::freetype::FreeType2& face, std::string_view text, double x_mm,
              double baseline_mm, double size_mm, int grey, Align align = Align::kLeft,
              double max_width_mm = 0);
  // Text centred vertically on the middle of a box, left-aligned inside it with `pad_mm`.
  double TextInBox(cv::freetype::FreeType2& face, std::string_view text,
                   const models::BoxMm& box, double size_mm, int grey, double pad_mm,
                   Align align = Align::kLeft);
  // Lays ink of coverage `mask` (CV_8UC1) at `top_left` px with the ink's grey level.
  void Ink(const cv::Mat& mask, cv::Point top_left, int grey);

 private:
  cv::Mat image_;
  double dpi_;
};

}  // namespace adbridge::scangen

#endif  // ADBRIDGE_TESTS_SCANGEN_CANVAS_H_
