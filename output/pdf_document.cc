#include "output/pdf_document.h"

#include <hpdf.h>

#include <algorithm>
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/objdetect.hpp>
#include <system_error>
#include <utility>

#include "models/utf8.h"

namespace adbridge::output {
namespace {

struct HpdfDocDeleter {
  void operator()(HPDF_Doc doc) const { HPDF_Free(doc); }
};
using HpdfDocPtr = std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, HpdfDocDeleter>;

}  // namespace

// The libharu document and what its error handler recorded. Kept behind a pointer that never
// moves, because libharu holds the address of `error` as its handler's user data.
struct PdfDocument::State {
  HpdfDocPtr doc;
  FontFiles files;
  HPDF_Font fonts[2] = {nullptr, nullptr};
  bool font_failed[2] = {false, false};
  // The first error libharu reported (0 when none), and the font that could not be loaded.
  HPDF_STATUS error = 0;
  HPDF_STATUS detail = 0;
  std::string failed_font;
};

namespace {

void RecordError(HPDF_STATUS error, HPDF_STATUS detail, void* user_data) {
  auto* state = static_cast<PdfDocument::State*>(user_data);
  if (state->error == 0) {
    state->error = error;
    state->detail = detail;
  }
}

std::string Hex(HPDF_STATUS code) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%04lX", static_cast<unsigned long>(code));
  return buffer;
}

}  // namespace

Result<ModuleGrid> EncodeQrCode(std::string_view payload) {
  if (payload.empty()) {
    return Status::InvalidArgument("QR コードにする内容が空です", "the QR code's payload is empty");
  }
  cv::QRCodeEncoder::Params params;
  params.correction_level = cv::QRCodeEncoder::CORRECT_LEVEL_M;
  params.mode = cv::QRCodeEncoder::MODE_BYTE;
  cv::Mat code;
  try {
    cv::QRCodeEncoder::create(params)->encode(std::string(payload), code);
  } catch (const cv::Exception& e) {
    code.release();
  }
  if (code.empty()) {
    return Status::InvalidArgument(
        "QR コードにできません (" + std::to_string(payload.size()) + " バイトは長すぎます)",
        "cannot make a QR code of it (" + std::to_string(payload.size()) +
            " bytes is too long)");
  }
  // The encoder draws one pixel per module inside a quiet zone; keep the modules only.
  cv::Mat dark = code < 128;
  cv::Rect bounds;
  for (int r = 0; r < dark.rows; ++r) {
    for (int c = 0; c < dark.cols; ++c) {
      if (dark.at<unsigned char>(r, c) != 0) bounds |= cv::Rect(c, r, 1, 1);
    }
  }
  ModuleGrid grid;
  grid.size = bounds.width;
  grid.dark.resize(static_cast<std::size_t>(grid.size * grid.size));
  for (int r = 0; r < grid.size; ++r) {
    for (int c = 0; c < grid.size; ++c) {
      grid.dark[static_cast<std::size_t>(r * grid.size + c)] =
          dark.at<unsigned char>(bounds.y + r, bounds.x + c) != 0;
    }
  }
  return grid;
}

// ---- PdfDocument ----

PdfDocument::PdfDocument(std::unique_ptr<State> state) : state_(std::move(state)) {}
PdfDocument::PdfDocument(PdfDocument&&) noexcept = default;
PdfDocument& PdfDocument::operator=(PdfDocument&&) noexcept = default;
PdfDocument::~PdfDocument() = default;

Result<PdfDocument> PdfDocument::Create(const FontFiles& fonts) {
  for (const std::filesystem::path& file : {fonts.mincho, fonts.gothic}) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      return Status::NotFound(
          "フォントがありません: " + file.string() + " (fonts-ipaexfont を入れてください)",
          "font not found: " + file.string() + " (install fonts-ipaexfont)");
    }
  }
  auto state = std::make_unique<State>();
  state->files = fonts;
  state->doc.reset(HPDF_New(RecordError, state.get()));
  if (state->doc == nullptr) {
    return Status::Internal("PDF を作り始められません (libharu)", "cannot start a PDF (libharu)");
  }
  HPDF_Doc doc = state->doc.get();
  HPDF_SetCompressionMode(doc, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings(doc);
  HPDF_SetCurrentEncoder(doc, "UTF-8");
  if (state->error != 0) {
    return Status::Internal("PDF を作り始められません (libharu " + Hex(state->error) + ")",
                            "cannot start a PDF (libharu " + Hex(state->error) + ")");
  }
  return PdfDocument(std::move(state));
}

void* PdfDocument::Font(Typeface face) {
  const int i = face == Typeface::kMincho ? 0 : 1;
  State& s = *state_;
  if (s.fonts[i] != nullptr || s.font_failed[i]) return s.fonts[i];
  const std::filesystem::path& file = i == 0 ? s.files.mincho : s.files.gothic;
  const char* name = HPDF_LoadTTFontFromFile(s.doc.get(), file.c_str(), HPDF_TRUE);
  if (name != nullptr) s.fonts[i] = HPDF_GetFont(s.doc.get(), name, "UTF-8");
  if (s.fonts[i] == nullptr) {
    s.font_failed[i] = true;
    s.failed_font = file.string();
  }
  return s.fonts[i];
}

PdfPage PdfDocument::AddPage(double width_mm, double height_mm) {
  HPDF_Page page = HPDF_AddPage(state_->doc.get());
  if (page != nullptr) {
    HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(width_mm * kPointsPerMm));
    HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(height_mm * kPointsPerMm));
  }
  ++page_count_;
  return PdfPage(this, page, width_mm, height_mm);
}

void PdfDocument::SetInfo(std::string_view title, std::string_view author) {
  // The information dictionary is PDFDocEncoding text; libharu writes what it is given, so
  // only the ASCII-safe parts go there (the Japanese title is on the page itself).
  auto ascii = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      if (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F) {
        out += c;
      }
    }
    return out;
  };
  HPDF_SetInfoAttr(state_->doc.get(), HPDF_INFO_TITLE, ascii(title).c_str());
  HPDF_SetInfoAttr(state_->doc.get(), HPDF_INFO_AUTHOR, ascii(author).c_str());
  HPDF_SetInfoAttr(state_->doc.get(), HPDF_INFO_CREATOR, "adbridge");
}

Result<std::string> PdfDocument::Save() {
  State& s = *state_;
  if (!s.failed_font.empty()) {
    return Status::Internal("フォントを読み込めません: " + s.failed_font,
                            "cannot load the font " + s.failed_font);
  }
  if (s.error == 0) HPDF_SaveToStream(s.doc.get());
  if (s.error != 0) {
    const std::string code = Hex(s.error) + "/" + std::to_string(s.detail);
    return Status::Internal("PDF を作れません (libharu " + code + ")",
                            "cannot make the PDF (libharu " + code + ")");
  }
  HPDF_ResetStream(s.doc.get());
  std::string bytes(HPDF_GetStreamSize(s.doc.get()), '\0');
  HPDF_UINT32 size = static_cast<HPDF_UINT32>(bytes.size());
  HPDF_ReadFromStream(s.doc.get(), reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
  bytes.resize(size);
  if (s.error != 0) {
    return Status::Internal("PDF を読み出せません (libharu " + Hex(s.error) + ")",
                            "cannot read the PDF back (libharu " + Hex(s.error) + ")");
  }
  return bytes;
}

// ---- PdfPage ----

double PdfPage::Y(double y_mm) const { return (height_mm_ - y_mm) * kPointsPerMm; }

void PdfPage::SetFont(Typeface face, double size_pt) {
  auto* font = static_cast<HPDF_Font>(document_->Font(face));
  if (font == nullptr || page_ == nullptr) return;
  HPDF_Page_SetFontAndSize(static_cast<HPDF_Page>(page_), font, static_cast<HPDF_REAL>(size_pt));
}

void PdfPage::Text(double x_mm, double baseline_mm, std::string_view utf8, Typeface face,
                   double size_pt) {
  if (page_ == nullptr || utf8.empty() || document_->Font(face) == nullptr) return;
  auto page = static_cast<HPDF_Page>(page_);
  const std::string text(utf8);
  HPDF_Page_BeginText(page);
  SetFont(face, size_pt);
  HPDF_Page_TextOut(page, static_cast<HPDF_REAL>(x_mm * kPointsPerMm),
                    static_cast<HPDF_REAL>(Y(baseline_mm)), text.c_str());
  HPDF_Page_EndText(page);
}

void PdfPage::TextRight(double right_mm, double baseline_mm, std::string_view utf8,
                        Typeface face, double size_pt) {
  Text(right_mm - TextWidthMm(utf8, face, size_pt), baseline_mm, utf8, face, size_pt);
}

void PdfPage::TextCentred(double centre_mm, double baseline_mm, std::string_view utf8,
                          Typeface face, double size_pt) {
  Text(centre_mm - TextWidthMm(utf8, face, size_pt) / 2, baseline_mm, utf8, face, size_pt);
}

double PdfPage::TextWidthMm(std::string_view utf8, Typeface face, double size_pt) {
  auto* font = static_cast<HPDF_Font>(document_->Font(face));
  if (font == nullptr || utf8.empty()) return 0;
  const std::string text(utf8);
  const HPDF_TextWidth width = HPDF_Font_TextWidth(
      font, reinterpret_cast<const HPDF_BYTE*>(text.data()), static_cast<HPDF_UINT>(text.size()));
  return width.width * size_pt / 1000.0 / kPointsPerMm;
}

MeasureText PdfPage::Measure(Typeface face, double size_pt) {
  return [this, face, size_pt](std::string_view utf8) { return TextWidthMm(utf8, face, size_pt); };
}

void PdfPage::Rect(const models::BoxMm& box, double line_mm) {
  if (page_ == nullptr) return;
  auto page = static_cast<HPDF_Page>(page_);
  HPDF_Page_SetLineWidth(page, static_cast<HPDF_REAL>(line_mm * kPointsPerMm));
  HPDF_Page_SetGrayStroke(page, 0);
  HPDF_Page_Rectangle(page, static_cast<HPDF_REAL>(box.x * kPointsPerMm),
                      static_cast<HPDF_REAL>(Y(box.y + box.height)),
                      static_cast<HPDF_REAL>(box.width * kPointsPerMm),
                      static_cast<HPDF_REAL>(box.height * kPointsPerMm));
  HPDF_Page_Stroke(page);
}

void PdfPage::FillRect(const models::BoxMm& box, double grey) {
  if (page_ == nullptr) return;
  auto page = static_cast<HPDF_Page>(page_);
  HPDF_Page_SetGrayFill(page, static_cast<HPDF_REAL>(grey));
  HPDF_Page_Rectangle(page, static_cast<HPDF_REAL>(box.x * kPointsPerMm),
                      static_cast<HPDF_REAL>(Y(box.y + box.height)),
                      static_cast<HPDF_REAL>(box.width * kPointsPerMm),
                      static_cast<HPDF_REAL>(box.height * kPointsPerMm));
  HPDF_Page_Fill(page);
  HPDF_Page_SetGrayFill(page, 0);
}

void PdfPage::Line(double x1_mm, double y1_mm, double x2_mm, double y2_mm, double line_mm) {
  if (page_ == nullptr) return;
  auto page = static_cast<HPDF_Page>(page_);
  HPDF_Page_SetLineWidth(page, static_cast<HPDF_REAL>(line_mm * kPointsPerMm));
  HPDF_Page_SetGrayStroke(page, 0);
  HPDF_Page_MoveTo(page, static_cast<HPDF_REAL>(x1_mm * kPointsPerMm),
                   static_cast<HPDF_REAL>(Y(y1_mm)));
  HPDF_Page_LineTo(page, static_cast<HPDF_REAL>(x2_mm * kPointsPerMm),
                   static_cast<HPDF_REAL>(Y(y2_mm)));
  HPDF_Page_Stroke(page);
}

void PdfPage::Modules(const ModuleGrid& grid, double x_mm, double y_mm, double module_mm) {
  if (page_ == nullptr) return;
  auto page = static_cast<HPDF_Page>(page_);
  HPDF_Page_SetGrayFill(page, 0);
  for (int r = 0; r < grid.size; ++r) {
    int c = 0;
    while (c < grid.size) {
      if (!grid.At(r, c)) {
        ++c;
        continue;
      }
      const int start = c;
      while (c < grid.size && grid.At(r, c)) ++c;
      const double top = y_mm + r * module_mm;
      HPDF_Page_Rectangle(page, static_cast<HPDF_REAL>((x_mm + start * module_mm) * kPointsPerMm),
                          static_cast<HPDF_REAL>(Y(top + module_mm)),
                          static_cast<HPDF_REAL>((c - start) * module_mm * kPointsPerMm),
                          static_cast<HPDF_REAL>(module_mm * kPointsPerMm));
    }
  }
  HPDF_Page_Fill(page);
}

// ---- line breaking ----

namespace {

// May not start a line (行頭禁則).
bool NoLineStart(char32_t c) {
  static constexpr std::u32string_view kChars =
      U"、。，．,.・：；:;？！?!）)］]｝}」』】〕〉》〙〗’”｠»"
      U"ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
      U"ー々ゝゞヽヾ〻‐゠–〜～…‥%％";
  return kChars.find(c) != std::u32string_view::npos;
}

// May not end a line (行末禁則).
bool NoLineEnd(char32_t c) {
  static constexpr std::u32string_view kChars = U"（(［[｛{「『【〔〈《〘〖‘“｟«￥＄$¥";
  return kChars.find(c) != std::u32string_view::npos;
}

// May hang past the right edge (ぶら下げ).
bool Hangs(char32_t c) { return c == U'、' || c == U'。' || c == U'，' || c == U'．'; }

// Part of an unbreakable Latin run: letters, digits, and the marks inside numbers and words.
bool InLatinRun(char32_t c) {
  return (c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z') ||
         (c >= U'０' && c <= U'９') || c == U'-' || c == U'/' || c == U'@' || c == U'_' ||
         c == U'\'' || c == U'+' || c == U'#' || c == U'&';
}
// Joins two Latin runs when between digits or letters (30,000 / 4.5 / 12:30 / e.g).
bool JoinsLatin(char32_t c) { return c == U',' || c == U'.' || c == U':'; }

bool IsSpace(char32_t c) { return c == U' ' || c == U'\t'; }

// The text split into atoms: pieces that are never broken inside. A line break may come
// between any two atoms; spaces are atoms of their own that vanish at a break.
struct Atom {
  std::u32string text;
  bool space = false;
};

std::vector<Atom> Atoms(std::u32string_view text) {
  std::vector<Atom> atoms;
  std::size_t i = 0;
  bool glue_next = false;  // the previous atom ended with an opening bracket
  while (i < text.size()) {
    const char32_t c = text[i];
    Atom atom;
    if (IsSpace(c)) {
      while (i < text.size() && IsSpace(text[i])) ++i;
      atom.text = U" ";
      atom.space = true;
      atoms.push_back(std::move(atom));
      glue_next = false;
      continue;
    }
    if (InLatinRun(c)) {
      std::size_t j = i;
      while (j < text.size()) {
        if (InLatinRun(text[j])) {
          ++j;
        } else if (JoinsLatin(text[j]) && j + 1 < text.size() && InLatinRun(text[j + 1])) {
          j += 2;
        } else {
          break;
        }
      }
      atom.text = text.substr(i, j - i);
      i = j;
    } else {
      atom.text = text.substr(i, 1);
      ++i;
      // A combining voiced mark stays with its kana.
      while (i < text.size() && (text[i] == U'\u3099' || text[i] == U'\u309A')) {
        atom.text += text[i++];
      }
    }
    // Characters that may not start a line join this atom.
    while (i < text.size() && NoLineStart(text[i])) atom.text += text[i++];
    if (glue_next && !atoms.empty() && !atoms.back().space) {
      atoms.back().text += atom.text;
    } else {
      atoms.push_back(std::move(atom));
    }
    glue_next = NoLineEnd(atoms.back().text.back());
  }
  // An atom that starts with characters that may not start a line (the text began with them)
  // stays as it is: there is nothing before it to join.
  return atoms;
}

// The width of an atom not counting punctuation that may hang past the edge.
double WidthWithoutHanging(const std::u32string& text, double full, const MeasureText& measure) {
  std::size_t end = text.size();
  while (end > 0 && Hangs(text[end - 1])) --end;
  if (end == text.size() || end == 0) return full;
  return measure(models::EncodeUtf8(text.substr(0, end)));
}

void BreakParagraph(std::u32string_view paragraph, double width_mm, const MeasureText& measure,
                    std::vector<std::string>& lines) {
  std::u32string line;
  double line_width = 0;
  auto flush = [&] {
    while (!line.empty() && IsSpace(line.back())) line.pop_back();
    lines.push_back(models::EncodeUtf8(line));
    line.clear();
    line_width = 0;
  };
  for (const Atom& atom : Atoms(paragraph)) {
    if (atom.space) {
      if (line.empty()) continue;
      line += atom.text;
      line_width = measure(models::EncodeUtf8(line));
      continue;
    }
    const std::string utf8 = models::EncodeUtf8(atom.text);
    const double w = measure(utf8);
    const double fitting = WidthWithoutHanging(atom.text, w, measure);
    if (line_width + fitting <= width_mm + 1e-6) {
      line += atom.text;
      line_width += w;
      continue;
    }
    if (!line.empty()) flush();
    if (fitting <= width_mm + 1e-6) {
      line = atom.text;
      line_width = w;
      continue;
    }
    // Wider than a whole line: break it between characters.
    for (char32_t c : atom.text) {
      const double cw = measure(models::EncodeUtf8(std::u32string(1, c)));
      if (!line.empty() && line_width + cw > width_mm + 1e-6 && !Hangs(c)) flush();
      line += c;
      line_width += cw;
    }
  }
  flush();
}

}  // namespace

std::vector<std::string> BreakLines(std::string_view text, double width_mm,
                                    const MeasureText& measure) {
  std::vector<std::string> lines;
  std::u32string decoded = models::DecodeUtf8(text).value_or(std::u32string());
  std::size_t start = 0;
  while (start <= decoded.size()) {
    std::size_t end = decoded.find(U'\n', start);
    if (end == std::u32string::npos) end = decoded.size();
    std::u32string_view paragraph(decoded.data() + start, end - start);
    if (!paragraph.empty() && paragraph.back() == U'\r') paragraph.remove_suffix(1);
    BreakParagraph(paragraph, width_mm, measure, lines);
    start = end + 1;
  }
  return lines;
}

}  // namespace adbridge::output
