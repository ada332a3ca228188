#include "output/pdf_document.h"

#include <hb-subset.h>
#include <hb.h>
#include <hpdf.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/objdetect.hpp>
#include <set>
#include <system_error>
#include <utility>

#include "models/utf8.h"

namespace adbridge::output {

// The libharu page a recorded drawing call is finally drawn on, with the document's fonts.
struct internal::PdfReplay {
  HPDF_Page page;
  HPDF_Font fonts[2];
  double height_mm;
  double Y(double y_mm) const { return (height_mm - y_mm) * kPointsPerMm; }
};

namespace {

struct HpdfDocDeleter {
  void operator()(HPDF_Doc doc) const { HPDF_Free(doc); }
};
using HpdfDocPtr = std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, HpdfDocDeleter>;

using Replay = internal::PdfReplay;
using DrawOp = std::function<void(const Replay&)>;

struct RecordedPage {
  double width_mm = 0;
  double height_mm = 0;
  std::vector<DrawOp> ops;
};

int FaceIndex(Typeface face) { return face == Typeface::kMincho ? 0 : 1; }

}  // namespace

// A document is drawn twice. The calls are recorded, with the characters each typeface sets,
// while text is measured against the whole fonts in a document that is never written; Save()
// then cuts each font down to the characters used (HarfBuzz's subsetter) and replays the calls
// into the document it writes, which embeds only those small fonts. libharu on its own embeds
// a font's tables whole, a quarter of a megabyte per typeface in every file however short.
// Kept behind a pointer that never moves, because libharu holds its address as the error
// handler's user data.
struct PdfDocument::State {
  FontFiles files;
  HpdfDocPtr measuring;  // the whole fonts, for widths only
  HPDF_Font measuring_fonts[2] = {nullptr, nullptr};
  bool font_failed[2] = {false, false};
  std::set<char32_t> used[2];  // the characters set in each typeface
  std::vector<RecordedPage> pages;
  std::string title, author;
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

HpdfDocPtr NewHpdfDoc(PdfDocument::State* state) {
  HpdfDocPtr doc(HPDF_New(RecordError, state));
  if (doc == nullptr) return doc;
  HPDF_SetCompressionMode(doc.get(), HPDF_COMP_ALL);
  HPDF_UseUTFEncodings(doc.get());
  HPDF_SetCurrentEncoder(doc.get(), "UTF-8");
  return doc;
}

// The font file cut down to `characters` (their glyphs, metrics and cmap entries; the widths
// stay those of the whole font). Returns Internal when HarfBuzz cannot read or cut the font.
Result<std::string> SubsetFont(const std::filesystem::path& file,
                               const std::set<char32_t>& characters) {
  const Status failed = Status::Internal("フォントを切り出せません: " + file.string(),
                                         "cannot subset the font " + file.string());
  hb_blob_t* blob = hb_blob_create_from_file_or_fail(file.c_str());
  if (blob == nullptr) return failed;
  hb_face_t* face = hb_face_create(blob, 0);
  hb_blob_destroy(blob);
  hb_subset_input_t* input = hb_subset_input_create_or_fail();
  if (input == nullptr) {
    hb_face_destroy(face);
    return failed;
  }
  hb_set_t* unicodes = hb_subset_input_unicode_set(input);
  for (char32_t c : characters) hb_set_add(unicodes, c);
  hb_face_t* subset = hb_subset_or_fail(face, input);
  hb_subset_input_destroy(input);
  hb_face_destroy(face);
  if (subset == nullptr) return failed;
  hb_blob_t* out = hb_face_reference_blob(subset);
  unsigned int length = 0;
  const char* data = hb_blob_get_data(out, &length);
  std::string bytes(data == nullptr ? "" : std::string(data, length));
  hb_blob_destroy(out);
  hb_face_destroy(subset);
  if (bytes.empty()) return failed;
  return bytes;
}

// libharu loads TrueType fonts from files only: a subset goes through a temporary file,
// removed when this goes out of scope.
class TemporaryFontFile {
 public:
  static Result<TemporaryFontFile> Write(const std::string& bytes) {
    static std::atomic<unsigned> counter{0};
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    const std::filesystem::path path =
        dir / ("adbridge-font-" + std::to_string(getpid()) + "-" + std::to_string(counter++) +
               ".ttf");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (ec || !out) {
      std::filesystem::remove(path, ec);
      return Status::Unavailable("一時ファイルを書けません: " + path.string(),
                                 "cannot write the temporary file " + path.string());
    }
    return TemporaryFontFile(path);
  }
  TemporaryFontFile(TemporaryFontFile&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  TemporaryFontFile& operator=(TemporaryFontFile&&) = delete;
  ~TemporaryFontFile() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TemporaryFontFile(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

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
  state->measuring = NewHpdfDoc(state.get());
  if (state->measuring == nullptr || state->error != 0) {
    return Status::Internal("PDF を作り始められません (libharu " + Hex(state->error) + ")",
                            "cannot start a PDF (libharu " + Hex(state->error) + ")");
  }
  return PdfDocument(std::move(state));
}

void* PdfDocument::Font(Typeface face) {
  const int i = FaceIndex(face);
  State& s = *state_;
  if (s.measuring_fonts[i] != nullptr || s.font_failed[i]) return s.measuring_fonts[i];
  const std::filesystem::path& file = i == 0 ? s.files.mincho : s.files.gothic;
  const char* name = HPDF_LoadTTFontFromFile(s.measuring.get(), file.c_str(), HPDF_FALSE);
  if (name != nullptr) s.measuring_fonts[i] = HPDF_GetFont(s.measuring.get(), name, "UTF-8");
  if (s.measuring_fonts[i] == nullptr) {
    s.font_failed[i] = true;
    s.failed_font = file.string();
  }
  return s.measuring_fonts[i];
}

PdfPage PdfDocument::AddPage(double width_mm, double height_mm) {
  state_->pages.push_back(RecordedPage{width_mm, height_mm, {}});
  ++page_count_;
  return PdfPage(this, state_->pages.size() - 1, width_mm, height_mm);
}

void PdfDocument::SetInfo(std::string_view title, std::string_view author) {
  state_->title = title;
  state_->author = author;
}

Result<std::string> PdfDocument::Save() {
  State& s = *state_;
  auto libharu_failed = [&s](std::string_view ja, std::string_view en) {
    const std::string code = Hex(s.error) + "/" + std::to_string(s.detail);
    return Status::Internal(std::string(ja) + " (libharu " + code + ")",
                            std::string(en) + " (libharu " + code + ")");
  };
  if (!s.failed_font.empty()) {
    return Status::Internal("フォントを読み込めません: " + s.failed_font,
                            "cannot load the font " + s.failed_font);
  }
  if (s.error != 0) return libharu_failed("PDF を作れません", "cannot make the PDF");

  HpdfDocPtr doc = NewHpdfDoc(&s);
  if (doc == nullptr) return Status::Internal("PDF を作り始められません", "cannot start a PDF");
  Replay replay{nullptr, {nullptr, nullptr}, 0};
  std::vector<TemporaryFontFile> subsets;
  for (int i = 0; i < 2; ++i) {
    if (s.used[i].empty()) continue;
    const std::filesystem::path& file = i == 0 ? s.files.mincho : s.files.gothic;
    ADB_ASSIGN_OR_RETURN(std::string bytes, SubsetFont(file, s.used[i]));
    ADB_ASSIGN_OR_RETURN(TemporaryFontFile subset, TemporaryFontFile::Write(bytes));
    const char* name = HPDF_LoadTTFontFromFile(doc.get(), subset.path().c_str(), HPDF_TRUE);
    if (name != nullptr) replay.fonts[i] = HPDF_GetFont(doc.get(), name, "UTF-8");
    if (replay.fonts[i] == nullptr) {
      return Status::Internal("フォントを埋め込めません: " + file.string(),
                              "cannot embed the font " + file.string());
    }
    subsets.push_back(std::move(subset));
  }
  auto ascii = [](std::string_view text) {
    // The information dictionary is PDFDocEncoding text; libharu writes what it is given, so
    // only the ASCII-safe parts go there (the Japanese title is on the page itself).
    std::string out;
    for (char c : text) {
      if (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F) {
        out += c;
      }
    }
    return out;
  };
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_CREATOR, "adbridge");
  if (!s.title.empty()) HPDF_SetInfoAttr(doc.get(), HPDF_INFO_TITLE, ascii(s.title).c_str());
  if (!s.author.empty()) HPDF_SetInfoAttr(doc.get(), HPDF_INFO_AUTHOR, ascii(s.author).c_str());
  for (const RecordedPage& recorded : s.pages) {
    replay.page = HPDF_AddPage(doc.get());
    if (replay.page == nullptr) break;
    replay.height_mm = recorded.height_mm;
    HPDF_Page_SetWidth(replay.page, static_cast<HPDF_REAL>(recorded.width_mm * kPointsPerMm));
    HPDF_Page_SetHeight(replay.page, static_cast<HPDF_REAL>(recorded.height_mm * kPointsPerMm));
    for (const DrawOp& op : recorded.ops) op(replay);
  }
  if (s.error == 0) HPDF_SaveToStream(doc.get());
  if (s.error != 0) return libharu_failed("PDF を作れません", "cannot make the PDF");
  HPDF_ResetStream(doc.get());
  std::string bytes(HPDF_GetStreamSize(doc.get()), '\0');
  HPDF_UINT32 size = static_cast<HPDF_UINT32>(bytes.size());
  HPDF_ReadFromStream(doc.get(), reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
  bytes.resize(size);
  if (s.error != 0) return libharu_failed("PDF を読み出せません", "cannot read the PDF back");
  return bytes;
}

// ---- PdfPage ----

void PdfPage::Record(std::function<void(const internal::PdfReplay&)> op) {
  document_->state_->pages[index_].ops.push_back(std::move(op));
}

void PdfPage::Text(double x_mm, double baseline_mm, std::string_view utf8, Typeface face,
                   double size_pt) {
  if (utf8.empty() || document_->Font(face) == nullptr) return;
  const std::optional<std::u32string> decoded = models::DecodeUtf8(utf8);
  if (!decoded) return;  // a record's values are valid UTF-8; anything else is not drawn
  document_->state_->used[FaceIndex(face)].insert(decoded->begin(), decoded->end());
  Record([text = std::string(utf8), x_mm, baseline_mm, face, size_pt](const Replay& replay) {
    HPDF_Font font = replay.fonts[FaceIndex(face)];
    if (font == nullptr || replay.page == nullptr) return;
    HPDF_Page_BeginText(replay.page);
    HPDF_Page_SetFontAndSize(replay.page, font, static_cast<HPDF_REAL>(size_pt));
    HPDF_Page_TextOut(replay.page, static_cast<HPDF_REAL>(x_mm * kPointsPerMm),
                      static_cast<HPDF_REAL>(replay.Y(baseline_mm)), text.c_str());
    HPDF_Page_EndText(replay.page);
  });
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

void PdfPage::Rect(const models::BoxMm& box, double line_mm, double grey) {
  Record([box, line_mm, grey](const Replay& replay) {
    if (replay.page == nullptr) return;
    HPDF_Page_SetLineWidth(replay.page, static_cast<HPDF_REAL>(line_mm * kPointsPerMm));
    HPDF_Page_SetGrayStroke(replay.page, static_cast<HPDF_REAL>(grey));
    HPDF_Page_Rectangle(replay.page, static_cast<HPDF_REAL>(box.x * kPointsPerMm),
                        static_cast<HPDF_REAL>(replay.Y(box.y + box.height)),
                        static_cast<HPDF_REAL>(box.width * kPointsPerMm),
                        static_cast<HPDF_REAL>(box.height * kPointsPerMm));
    HPDF_Page_Stroke(replay.page);
  });
}

void PdfPage::FillRect(const models::BoxMm& box, double grey) {
  Record([box, grey](const Replay& replay) {
    if (replay.page == nullptr) return;
    HPDF_Page_SetGrayFill(replay.page, static_cast<HPDF_REAL>(grey));
    HPDF_Page_Rectangle(replay.page, static_cast<HPDF_REAL>(box.x * kPointsPerMm),
                        static_cast<HPDF_REAL>(replay.Y(box.y + box.height)),
                        static_cast<HPDF_REAL>(box.width * kPointsPerMm),
                        static_cast<HPDF_REAL>(box.height * kPointsPerMm));
    HPDF_Page_Fill(replay.page);
    HPDF_Page_SetGrayFill(replay.page, 0);
  });
}

void PdfPage::Line(double x1_mm, double y1_mm, double x2_mm, double y2_mm, double line_mm,
                   double grey) {
  Record([=](const Replay& replay) {
    if (replay.page == nullptr) return;
    HPDF_Page_SetLineWidth(replay.page, static_cast<HPDF_REAL>(line_mm * kPointsPerMm));
    HPDF_Page_SetGrayStroke(replay.page, static_cast<HPDF_REAL>(grey));
    HPDF_Page_MoveTo(replay.page, static_cast<HPDF_REAL>(x1_mm * kPointsPerMm),
                     static_cast<HPDF_REAL>(replay.Y(y1_mm)));
    HPDF_Page_LineTo(replay.page, static_cast<HPDF_REAL>(x2_mm * kPointsPerMm),
                     static_cast<HPDF_REAL>(replay.Y(y2_mm)));
    HPDF_Page_Stroke(replay.page);
  });
}

void PdfPage::Modules(const ModuleGrid& grid, double x_mm, double y_mm, double module_mm) {
  Record([grid, x_mm, y_mm, module_mm](const Replay& replay) {
    if (replay.page == nullptr) return;
    HPDF_Page_SetGrayFill(replay.page, 0);
    for (int row = 0; row < grid.size; ++row) {
      int c = 0;
      while (c < grid.size) {
        if (!grid.At(row, c)) {
          ++c;
          continue;
        }
        const int start = c;
        while (c < grid.size && grid.At(row, c)) ++c;
        const double top = y_mm + row * module_mm;
        HPDF_Page_Rectangle(
            replay.page, static_cast<HPDF_REAL>((x_mm + start * module_mm) * kPointsPerMm),
            static_cast<HPDF_REAL>(replay.Y(top + module_mm)),
            static_cast<HPDF_REAL>((c - start) * module_mm * kPointsPerMm),
            static_cast<HPDF_REAL>(module_mm * kPointsPerMm));
      }
    }
    HPDF_Page_Fill(replay.page);
  });
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
