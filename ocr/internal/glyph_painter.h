// Private to ocr/: text set the way a PDF viewer or a printer sets it — glyph after glyph at
// the font's own advance widths, unhinted, without kerning — drawn into a grey image through
// FreeType. The image of a printed form is only as good a reference as its text is where the
// printer put it; rounding each glyph's advance to whole pixels (as cv::freetype does) would
// drift a title by a millimetre.
//
//   Result<GlyphPainter> painter = GlyphPainter::Load(models::kLayoutFontFile);
//   double em = painter->AdvanceEm(U"氏名");             // 2.0
//   painter->Draw(page, U"氏名", 590.5, 720.0, 41.3, 0);  // pixels, black
//
// Ownership: owns its FreeType library and face.
// Thread-safety: none; FreeType faces are not thread-safe, so one painter per thread.
#ifndef ADBRIDGE_OCR_INTERNAL_GLYPH_PAINTER_H_
#define ADBRIDGE_OCR_INTERNAL_GLYPH_PAINTER_H_

#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <string_view>

#include "models/status.h"

struct FT_LibraryRec_;
struct FT_FaceRec_;

namespace adbridge::ocr::internal {

class GlyphPainter {
 public:
  // Returns NotFound naming the file when the font cannot be opened.
  static Result<GlyphPainter> Load(const std::filesystem::path& font_file);

  // The advance width of `text` in em.
  double AdvanceEm(std::u32string_view text) const;

  // Draws `text` into `page` (CV_8UC1) with its baseline starting at (x, baseline), in pixel
  // edge coordinates (pixel i covers [i, i+1)), `size` pixels to the em, in ink of `grey`
  // laid over the page like ink on paper (never lightening it).
  void Draw(cv::Mat& page, std::u32string_view text, double x, double baseline, double size,
            int grey) const;

 private:
  struct LibraryDeleter {
    void operator()(FT_LibraryRec_* library) const;
  };
  struct FaceDeleter {
    void operator()(FT_FaceRec_* face) const;
  };

  GlyphPainter() = default;

  // Declared in this order so that the face goes before its library.
  std::unique_ptr<FT_LibraryRec_, LibraryDeleter> library_;
  std::unique_ptr<FT_FaceRec_, FaceDeleter> face_;
};

}  // namespace adbridge::ocr::internal

#endif  // ADBRIDGE_OCR_INTERNAL_GLYPH_PAINTER_H_
