#include "ocr/field_reader.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>
#include <utility>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "models/field_types.h"
#include "ocr/internal/field_image.h"

namespace adbridge::ocr {
namespace {

using models::BoxMm;
using models::FieldDefinition;
using models::FieldType;

// Crop margins: enough to hold writing that overshoots the box; more when it still runs out.
constexpr double kMarginMm = 1.5;
constexpr double kWideMarginMm = 4.0;
// The white border Tesseract wants around a tight crop.
constexpr int kBorderPx = 10;
// Room around a square for locating its printed outline.
constexpr double kMarkMarginMm = 1.0;
// Below this, a cell's or a line's character is too doubtful to keep the one-line comb read.
constexpr double kCombLineMinConfidence = 0.6;

constexpr char kDigits[] = "0123456789";
constexpr char kKanjiNumerals[] = "〇一二三四五六七八九十";
constexpr char kKanaSet[] =
    "ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノ"
    "ハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶ"
    "ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねの"
    "はばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔ"
    "ー・ ";

// What Tesseract is asked for a type; `cell` when reading one comb cell.
ReadSpec SpecFor(const FieldDefinition& field, bool cell) {
  ReadSpec spec;
  const std::string digits = kDigits;
  switch (field.type) {
    case FieldType::kText:
      spec.lang = field.lang.empty() ? "jpn" : field.lang;
      break;
    case FieldType::kKana:
      spec.lang = "jpn";
      spec.whitelist = kKanaSet;
      break;
    case FieldType::kDigits:
      spec.lang = "eng";
      spec.whitelist = cell ? digits : digits + "-";
      break;
    case FieldType::kPhone:
      spec.lang = "eng";
      spec.whitelist = cell ? digits : digits + "-()";
      break;
    case FieldType::kPostalCode:
      spec.lang = "eng";
      spec.whitelist = cell ? digits : digits + "-";
      break;
    case FieldType::kInteger:
      // Kanji numerals need the Japanese model.
      spec.lang = "jpn";
      spec.whitelist = digits + kKanjiNumerals;
      break;
    case FieldType::kDate:
      spec.lang = "jpn";
      spec.whitelist = digits + "年月日明治大正昭和平成令和元./-RHSTM";
      break;
    case FieldType::kCheckbox:
    case FieldType::kChoice:
      break;
  }
  if (cell) {
    // Measured on generated scans of the bundled forms (printed, 200 and 300 dpi): a lone
    // digit read in single-character mode loses most zeros (eng 40 %, jpn 55 % of combs
    // right); single-word mode with the Japanese model gets 97 %.
    spec.lang = "jpn";
    spec.mode = LineMode::kSingleWord;
  }
  return spec;
}

// Splits UTF-8 into characters (invalid bytes become their own one-byte "character").
std::vector<std::string> Utf8Chars(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    n = std::min(n, s.size() - i);
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

bool Contains(std::string_view set, const std::string& ch) {
  return set.find(ch) != std::string_view::npos;
}

// Whether a type's value has word spaces worth keeping (a name's surname and given name).
bool KeepsSpaces(FieldType type) { return type == FieldType::kText || type == FieldType::kKana; }

bool IsDigit(const std::string& ch) {
  return ch.size() == 1 && ch[0] >= '0' && ch[0] <= '9';
}

// Tesseract's Japanese model reads a dash between digits (24-23 in an address, often printed
// full-width －) as the kanji 一 or the long vowel ー, and spaces out full-width digits.
// Neither is ever meant inside a number, so both are undone.
std::string TidyNumbers(const std::string& text) {
  const std::vector<std::string> chars = Utf8Chars(text);
  std::string out;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    const std::string& ch = chars[i];
    const bool between_digits = i > 0 && i + 1 < chars.size() && IsDigit(chars[i - 1]) &&
                                IsDigit(chars[i + 1]);
    if (between_digits && (ch == "一" || ch == "ー" || ch == "－" || ch == "―")) {
      out += '-';
      continue;
    }
    const auto numeric = [](const std::string& c) { return IsDigit(c) || c == "-"; };
    if (ch == " " && i > 0 && i + 1 < chars.size() && numeric(chars[i - 1]) &&
        numeric(chars[i + 1])) {
      continue;
    }
    out += ch;
  }
  return out;
}

// Removes what the whitelist should have kept out (and spaces where the type has none).
std::string Filter(const std::string& text, const ReadSpec& spec, FieldType type, int* dropped) {
  std::string out;
  for (const std::string& ch : Utf8Chars(text)) {
    if (ch == " ") {
      if (KeepsSpaces(type)) out += ch;
      continue;
    }
    if (!spec.whitelist.empty() && !Contains(spec.whitelist, ch)) {
      ++*dropped;
      continue;
    }
    out += ch;
  }
  return out;
}

GreyImage View(const cv::Mat& m, double dpi) {
  return {m.data, m.cols, m.rows, static_cast<int>(m.step), static_cast<int>(std::lround(dpi))};
}

cv::Rect BoxInCrop(const BoxMm& box, double margin_mm, double px_per_mm) {
  return {static_cast<int>(std::lround(margin_mm * px_per_mm)),
          static_cast<int>(std::lround(margin_mm * px_per_mm)),
          static_cast<int>(std::lround(box.width * px_per_mm)),
          static_cast<int>(std::lround(box.height * px_per_mm))};
}

BoxMm Extent(const FieldDefinition& field) {
  if (field.box.has_value()) return *field.box;
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (const models::ChoiceOption& o : field.options) {
    x0 = std::min(x0, o.box.x);
    y0 = std::min(y0, o.box.y);
    x1 = std::max(x1, o.box.x + o.box.width);
    y1 = std::max(y1, o.box.y + o.box.height);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// The reading of one field in the making.
class FieldJob {
 public:
  FieldJob(Recognizer& recognizer, const FieldReaderOptions& options, const RegisteredPage& page,
           const cv::Mat& reference, double reference_dpi, const FieldDefinition& field)
      : recognizer_(recognizer),
        options_(options),
        page_(page),
        field_(field),
        px_per_mm_(options.work_dpi / 25.4) {
    if (!reference.empty()) {
      reference_.emplace(reference, ScaleMmToPixels(reference_dpi));
    }
  }

  Status ReadText();
  void ReadMarks();
  Status Snippet();
  void Finish();

  FieldReading& reading() { return reading_; }

 private:
  // The field's box cut out of the scan and of the reference, writing separated.
  internal::FieldInk Separate(const BoxMm& box, double margin_mm, cv::Rect* box_px) const;
  Result<Reading> Recognize(const cv::Mat& image, const ReadSpec& spec);
  Status ReadComb(const internal::FieldInk& ink, const cv::Rect& box_px);
  Status ReadCombCells(const internal::FieldInk& ink,
                       const std::vector<std::vector<internal::InkComponent>>& by_cell);
  void NoteHeight(const internal::FieldInk& ink);

  Recognizer& recognizer_;
  const FieldReaderOptions& options_;
  const RegisteredPage& page_;
  std::optional<RegisteredPage> reference_;
  const FieldDefinition& field_;
  const double px_per_mm_;
  FieldReading reading_;
};

internal::FieldInk FieldJob::Separate(const BoxMm& box, double margin_mm, cv::Rect* box_px) const {
  const cv::Mat scan = page_.Crop(box, options_.work_dpi, margin_mm);
  cv::Mat ref;
  if (reference_.has_value()) ref = reference_->Crop(box, options_.work_dpi, margin_mm);
  *box_px = BoxInCrop(box, margin_mm, px_per_mm_);
  return internal::SeparateWriting(scan, ref, px_per_mm_, options_.tolerance_mm, *box_px);
}

Result<Reading> FieldJob::Recognize(const cv::Mat& image, const ReadSpec& spec) {
  ADB_ASSIGN_OR_RETURN(Reading r, recognizer_.Read(View(image, options_.work_dpi), spec));
  reading_.tesseract_seconds += r.seconds;
  return r;
}

void FieldJob::NoteHeight(const internal::FieldInk& ink) {
  ReadingSignals& s = reading_.signals;
  const cv::Rect bounds = internal::InkBounds(ink.kept);
  int pixels = 0;
  for (const internal::InkComponent& c : ink.kept) pixels += c.area;
  const BoxMm& box = *field_.box;
  s.ink_present = !ink.kept.empty();
  s.ink_ratio = pixels / (box.width * box.height * px_per_mm_ * px_per_mm_);
  s.ink_height_mm = bounds.height / px_per_mm_;
  s.ink_touches_edge = ink.touches_edge;
  s.specks = ink.specks;
  // Written characters are a third to the whole of the box's height (a lone ー or 一 is
  // flatter, which is itself worth a look).
  s.height_plausible = !s.ink_present || (s.ink_height_mm >= std::min(1.5, 0.2 * box.height) &&
                                          s.ink_height_mm <= box.height + 2.0);
}

Status FieldJob::ReadText() {
  const BoxMm& box = *field_.box;
  cv::Rect box_px;
  internal::FieldInk ink = Separate(box, kMarginMm, &box_px);
  if (ink.touches_edge) ink = Separate(box, kWideMarginMm, &box_px);
  NoteHeight(ink);
  if (ink.kept.empty()) return Status::Ok();
  if (field_.comb.has_value() && *field_.comb > 1) return ReadComb(ink, box_px);

  const ReadSpec spec = SpecFor(field_, false);
  const cv::Mat image = internal::TightCrop(ink, ink.kept, kBorderPx);
  ADB_ASSIGN_OR_RETURN(Reading r, Recognize(image, spec));
  if (r.text.empty()) {
    // A lone character (an integer's "2") sometimes defeats line mode; word mode reads it.
    ReadSpec word = spec;
    word.mode = LineMode::kSingleWord;
    ADB_ASSIGN_OR_RETURN(r, Recognize(image, word));
  }
  ReadingSignals& s = reading_.signals;
  s.symbols = static_cast<int>(r.symbols.size());
  s.tesseract_mean = r.confidence;
  s.tesseract_min_symbol = r.min_symbol_confidence;
  const std::string text = field_.type == FieldType::kText ? TidyNumbers(r.text) : r.text;
  reading_.raw = Filter(text, spec, field_.type, &s.characters_dropped);
  return Status::Ok();
}

// Comb: writing goes to the cell its centre falls in, so a digit that strays over a divider
// stays whole and in its own cell.
Status FieldJob::ReadComb(const internal::FieldInk& ink, const cv::Rect& box_px) {
  ReadingSignals& s = reading_.signals;
  const int cells = *field_.comb;
  s.cells = cells;
  const double cell_px = static_cast<double>(box_px.width) / cells;
  std::vector<std::vector<internal::InkComponent>> by_cell(static_cast<std::size_t>(cells));
  for (const internal::InkComponent& c : ink.kept) {
    const int i = static_cast<int>(std::floor((c.centroid.x - box_px.x) / cell_px));
    by_cell[static_cast<std::size_t>(std::clamp(i, 0, cells - 1))].push_back(c);
  }
  std::vector<cv::Mat> glyphs;
  for (const auto& cell : by_cell) {
    if (cell.empty()) continue;
    glyphs.push_back(internal::TightCrop(ink, cell, 0));
  }
  s.cells_inked = static_cast<int>(glyphs.size());

  if (options_.comb_as_line) {
    // The inked cells side by side, evenly spaced, vertically centred: one line read instead
    // of one per cell. Accepted only if it gives exactly one confident character per cell.
    int height = 0;
    for (const cv::Mat& g : glyphs) height = std::max(height, g.rows);
    const int gap = std::max(kBorderPx, height / 2);
    int width = 2 * kBorderPx - gap;
    for (const cv::Mat& g : glyphs) width += g.cols + gap;
    cv::Mat line(height + 2 * kBorderPx, width, CV_8UC1, cv::Scalar(255));
    std::vector<std::pair<int, int>> slots;
    int x = kBorderPx;
    for (const cv::Mat& g : glyphs) {
      const int y = kBorderPx + (height - g.rows) / 2;
      g.copyTo(line(cv::Rect(x, y, g.cols, g.rows)));
      slots.emplace_back(x, x + g.cols);
      x += g.cols + gap;
    }
    const ReadSpec spec = SpecFor(field_, true);
    ReadSpec line_spec = spec;
    line_spec.mode = LineMode::kSingleLine;
    // The packed line reads best with the English model (97.5 % of digit combs, against
    // jpn's 97.5 % at half again the time; postal codes 100 % both).
    line_spec.lang = "eng";
    ADB_ASSIGN_OR_RETURN(Reading r, Recognize(line, line_spec));
    bool one_per_slot = r.symbols.size() == slots.size();
    for (std::size_t i = 0; one_per_slot && i < slots.size(); ++i) {
      const SymbolReading& sym = r.symbols[i];
      const int centre = (sym.left + sym.right) / 2;
      one_per_slot = centre >= slots[i].first - gap / 2 && centre <= slots[i].second + gap / 2 &&
                     Contains(spec.whitelist, sym.text);
    }
    if (one_per_slot && r.min_symbol_confidence >= kCombLineMinConfidence) {
      s.comb_read_as_line = true;
      s.cells_read = static_cast<int>(slots.size());
      s.symbols = s.cells_read;
      s.tesseract_mean = r.confidence;
      s.tesseract_min_symbol = r.min_symbol_confidence;
      s.cell_min_confidence = r.min_symbol_confidence;
      for (const SymbolReading& sym : r.symbols) reading_.raw += sym.text;
      return Status::Ok();
    }
  }
  return ReadCombCells(ink, by_cell);
}

// Each inked cell on its own, in single-character mode.
Status FieldJob::ReadCombCells(const internal::FieldInk& ink,
                               const std::vector<std::vector<internal::InkComponent>>& by_cell) {
  ReadingSignals& s = reading_.signals;
  const ReadSpec spec = SpecFor(field_, true);
  std::string* text = &reading_.raw;
  text->clear();
  s.cells_read = 0;
  s.symbols = 0;
  s.cell_min_confidence = 1.0;
  double sum = 0;
  for (const auto& cell : by_cell) {
    if (cell.empty()) continue;
    const cv::Mat image = internal::TightCrop(ink, cell, kBorderPx);
    ADB_ASSIGN_OR_RETURN(Reading r, Recognize(image, spec));
    int dropped = 0;
    const std::string ch = Filter(r.text, spec, field_.type, &dropped);
    s.characters_dropped += dropped;
    const double conf = ch.empty() ? 0.0 : r.min_symbol_confidence;
    s.cell_min_confidence = std::min(s.cell_min_confidence, conf);
    sum += conf;
    if (!ch.empty()) {
      ++s.cells_read;
      s.symbols += static_cast<int>(Utf8Chars(ch).size());
      *text += ch;
    }
  }
  s.comb_read_as_line = false;
  s.tesseract_min_symbol = s.cells_inked > 0 ? s.cell_min_confidence : 0.0;
  s.tesseract_mean = s.cells_inked > 0 ? sum / s.cells_inked : 0.0;
  return Status::Ok();
}

void FieldJob::ReadMarks() {
  ReadingSignals& s = reading_.signals;
  std::vector<std::pair<std::string, BoxMm>> boxes;
  if (field_.type == FieldType::kCheckbox) {
    boxes.emplace_back("✓", *field_.box);
  } else {
    for (const models::ChoiceOption& o : field_.options) boxes.emplace_back(o.value, o.box);
  }
  s.mark_margin = 1e9;
  std::vector<std::string> marked;
  double best_fill = -1;
  for (const auto& [value, box] : boxes) {
    const cv::Mat crop = page_.Crop(box, options_.work_dpi, kMarkMarginMm);
    const internal::MarkMeasure m = internal::MeasureMark(
        crop, BoxInCrop(box, kMarkMarginMm, px_per_mm_), px_per_mm_, options_.tolerance_mm);
    s.rules_missing += 4 - m.rules_found;
    if (m.fill > best_fill) {
      best_fill = m.fill;
      s.mark_fill = m.fill;
      s.mark_extent = m.extent;
    }
    // An empty box scores 0; its margin is capped where the decision is beyond doubt.
    s.mark_margin = std::min(s.mark_margin, std::min(5.0, std::abs(std::log(std::max(m.score, 1e-3)))));
    if (m.score >= 1.0) marked.push_back(value);
  }
  s.marks_seen = static_cast<int>(marked.size());
  s.ink_present = s.marks_seen > 0;
  for (std::size_t i = 0; i < marked.size(); ++i) {
    if (i > 0) reading_.raw += ",";
    reading_.raw += marked[i];
  }
}

Status FieldJob::Snippet() {
  const cv::Mat snippet = page_.Crop(Extent(field_), options_.snippet_dpi, options_.snippet_margin_mm);
  // Fast compression: the snippet is small and written once; encoding time is ours, not OCR.
  if (!cv::imencode(".png", snippet, reading_.snippet_png, {cv::IMWRITE_PNG_COMPRESSION, 1})) {
    return Status::Internal("項目の切り出し画像を PNG にできません",
                            "cannot encode the field snippet as PNG");
  }
  return Status::Ok();
}

void FieldJob::Finish() {
  ReadingSignals& s = reading_.signals;
  Result<std::string> normalized = models::Normalize(field_.type, reading_.raw);
  s.normalized = normalized.ok();
  reading_.value = normalized.ok() ? *normalized : reading_.raw;
  Result<std::string> validated = models::NormalizeAndValidate(field_, reading_.raw);
  reading_.validation = validated.status();
  s.valid = validated.ok();
  reading_.confidence = ConfidenceFromSignals(field_, s, reading_.raw.empty());
}

}  // namespace

FieldReader::FieldReader(Recognizer& recognizer, FieldReaderOptions options)
    : recognizer_(recognizer), options_(options) {}

Result<FieldReading> FieldReader::Read(const RegisteredPage& page, const cv::Mat& reference,
                                       double reference_dpi,
                                       const models::FieldDefinition& field) {
  if (page.scan().empty() || page.scan().type() != CV_8UC1) {
    return Status::InvalidArgument("スキャン画像が 8 ビットのグレーではありません",
                                   "the scan is not an 8-bit grey image");
  }
  if (!reference.empty() && (reference.type() != CV_8UC1 || reference_dpi <= 0)) {
    return Status::InvalidArgument("白紙の参照画像が 8 ビットのグレーではありません",
                                   "the blank reference image is not 8-bit grey with a resolution");
  }
  const bool marks = field.type == FieldType::kCheckbox || field.type == FieldType::kChoice;
  if ((field.type == FieldType::kChoice && field.options.empty()) ||
      (field.type != FieldType::kChoice && !field.box.has_value())) {
    return Status::InvalidArgument("項目 " + field.name + " に枠がありません",
                                   "field " + field.name + " has no box to read");
  }
  FieldJob job(recognizer_, options_, page, reference, reference_dpi, field);
  if (marks) {
    job.ReadMarks();
  } else {
    ADB_RETURN_IF_ERROR(job.ReadText());
  }
  ADB_RETURN_IF_ERROR(job.Snippet());
  job.Finish();
  return std::move(job.reading());
}

double ConfidenceFromSignals(const models::FieldDefinition& field, const ReadingSignals& s,
                             bool raw_empty) {
  double c = 0;
  if (field.type == FieldType::kCheckbox || field.type == FieldType::kChoice) {
    // |log(score)| = 0.7 (a score of 2 or 1/2) gives 0.95.
    c = Sigmoid(4.2 * s.mark_margin);
    if (s.rules_missing > 0) c *= 0.9;
  } else if (!s.ink_present) {
    // Nothing written: sure of "empty", unless there are specks that might be faint writing.
    c = s.specks > 0 ? 0.9 : 0.97;
  } else if (raw_empty) {
    // Ink that Tesseract would not read is exactly what a person must look at.
    c = 0.05;
  } else {
    // The weakest character says most; the mean a little.
    c = 0.85 * s.tesseract_min_symbol + 0.15 * s.tesseract_mean;
    if (s.cells > 0 && s.cells_read < s.cells_inked) c *= 0.5;
    if (s.characters_dropped > 0) c *= 0.7;
    if (!s.height_plausible) c *= 0.6;
    if (s.ink_touches_edge) c *= 0.8;
  }
  // A value that does not normalise or validate goes to review whatever else is known.
  if (!s.normalized) c = std::min(c, 0.2);
  if (!s.valid) c = std::min(c, 0.3);
  return std::clamp(c, 0.0, 1.0);
}

}  // namespace adbridge::ocr
