#include "ocr/internal/glyph_painter.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace adbridge::ocr::internal {
namespace {

// FreeType's 26.6 fixed point.
constexpr double kFixed = 64.0;

}  // namespace

void GlyphPainter::LibraryDeleter::operator()(FT_LibraryRec_* library) const {
  FT_Done_FreeType(library);
}

void GlyphPainter::FaceDeleter::operator()(FT_FaceRec_* face) const { FT_Done_Face(face); }

Result<GlyphPainter> GlyphPainter::Load(const std::filesystem::path& font_file) {
  GlyphPainter painter;
  FT_Library library = nullptr;
  if (FT_Init_FreeType(&library) != 0) {
    return Status::Internal("FreeType を初期化できません", "cannot initialise FreeType");
  }
  painter.library_.reset(library);
  FT_Face face = nullptr;
  if (FT_New_Face(library, font_file.c_str(), 0, &face) != 0) {
    return Status::NotFound(
        "フォントを開けません: " + font_file.string() + "（fonts-ipaexfont-gothic）",
        "cannot open the font " + font_file.string() + " (install fonts-ipaexfont-gothic)");
  }
  painter.face_.reset(face);
  return painter;
}

double GlyphPainter::AdvanceEm(std::u32string_view text) const {
  FT_Face face = face_.get();
  double units = 0;
  for (const char32_t c : text) {
    FT_Fixed advance = 0;
    if (FT_Get_Advance(face, FT_Get_Char_Index(face, c), FT_LOAD_NO_SCALE, &advance) == 0) {
      units += static_cast<double>(advance);
    }
  }
  return units / face->units_per_EM;
}

void GlyphPainter::Draw(cv::Mat& page, std::u32string_view text, double x, double baseline,
                        double size, int grey) const {
  FT_Face face = face_.get();
  if (FT_Set_Char_Size(face, 0, static_cast<FT_F26Dot6>(std::lround(size * kFixed)), 72, 72) != 0) {
    return;
  }
  const double darkness = (255.0 - grey) / 255.0;
  const double units_to_px = size / face->units_per_EM;
  double pen = x;
  const double row = std::floor(baseline);
  for (const char32_t c : text) {
    const FT_UInt glyph = FT_Get_Char_Index(face, c);
    // The glyph's fractional position goes to FreeType, which renders it there; the bitmap then
    // lands on whole pixels. FreeType's y axis points up.
    const double column = std::floor(pen);
    FT_Vector delta{static_cast<FT_Pos>(std::lround((pen - column) * kFixed)),
                    static_cast<FT_Pos>(-std::lround((baseline - row) * kFixed))};
    FT_Set_Transform(face, nullptr, &delta);
    if (FT_Load_Glyph(face, glyph, FT_LOAD_RENDER | FT_LOAD_NO_HINTING) == 0) {
      const FT_Bitmap& bitmap = face->glyph->bitmap;
      const int left = static_cast<int>(column) + face->glyph->bitmap_left;
      const int top = static_cast<int>(row) - face->glyph->bitmap_top;
      for (int r = 0; r < static_cast<int>(bitmap.rows); ++r) {
        const int y = top + r;
        if (y < 0 || y >= page.rows) continue;
        const std::uint8_t* coverage = bitmap.buffer + r * bitmap.pitch;
        std::uint8_t* out = page.ptr<std::uint8_t>(y);
        for (int col = 0; col < static_cast<int>(bitmap.width); ++col) {
          const int px = left + col;
          if (px < 0 || px >= page.cols || coverage[col] == 0) continue;
          // Ink absorbs light: paper * (1 - coverage * darkness).
          const double keep = 1.0 - (coverage[col] / 255.0) * darkness;
          out[px] = static_cast<std::uint8_t>(std::lround(out[px] * keep));
        }
      }
    }
    FT_Fixed advance = 0;
    if (FT_Get_Advance(face, glyph, FT_LOAD_NO_SCALE, &advance) == 0) {
      pen += static_cast<double>(advance) * units_to_px;
    }
  }
  FT_Set_Transform(face, nullptr, nullptr);
}

}  // namespace adbridge::ocr::internal
