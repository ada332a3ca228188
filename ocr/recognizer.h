// Recognizer: reads the text of one field crop with Tesseract. It is the only place adbridge
// touches Tesseract.
//
//   Recognizer recognizer;                       // one per worker thread
//   Result<Reading> r = recognizer.Read(crop, {.lang = "jpn", .mode = LineMode::kSingleLine});
//
// A TessBaseAPI is loaded once per language set on first use and kept for the recognizer's
// life, so the cost of loading `jpn` (about a second) is paid once per thread, not per field.
//
// Besides the text, a Reading carries each character's own confidence: the weakest character
// says far more about whether a field is right than the mean does. The recognizer also keeps
// the time spent inside Tesseract, so a caller can tell OCR cost from its own.
//
// Thread-safety: none. Give each worker thread its own Recognizer (and set OMP_THREAD_LIMIT=1
// when several run at once).
#ifndef ADBRIDGE_OCR_RECOGNIZER_H_
#define ADBRIDGE_OCR_RECOGNIZER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/status.h"

namespace tesseract {
class TessBaseAPI;
}

namespace adbridge::ocr {

// An 8-bit grey image the caller owns; rows `stride` bytes apart.
struct GreyImage {
  const std::uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  int stride = 0;
  int dpi = 300;
};

enum class LineMode {
  kSingleLine,  // one line of text (most fields)
  kSingleWord,  // one word, no spaces
  kSingleChar,  // one character (a comb cell)
};

struct ReadSpec {
  std::string lang = "jpn";  // Tesseract languages joined by '+'
  LineMode mode = LineMode::kSingleLine;
  std::string whitelist;  // characters allowed; empty allows all of the language
};

// One character as Tesseract read it, with its box in the image's pixels.
struct SymbolReading {
  std::string text;         // UTF-8, one character (rarely a ligature of two)
  double confidence = 0.0;  // 0..1
  int left = 0;
  int top = 0;
  int right = 0;   // exclusive
  int bottom = 0;  // exclusive
};

struct Reading {
  std::string text;         // UTF-8, trimmed, without Tesseract's trailing newline
  double confidence = 0.0;  // Tesseract's mean word confidence scaled to 0..1; 0 when empty
  // The weakest character's confidence, 0..1; 0 when empty.
  double min_symbol_confidence = 0.0;
  std::vector<SymbolReading> symbols;  // in reading order
  double seconds = 0.0;                // wall time inside Tesseract for this read
};

class Recognizer {
 public:
  // `tessdata` is the folder of the .traineddata files; empty uses Tesseract's default.
  explicit Recognizer(std::string tessdata = "");
  ~Recognizer();
  Recognizer(const Recognizer&) = delete;
  Recognizer& operator=(const Recognizer&) = delete;

  // Reads `image`. A crop without ink (nothing darker than paper) reads as empty with
  // confidence 0 without asking Tesseract, which invents characters on an empty box.
  // Returns FailedPrecondition when a language file is not installed (naming
  // it), InvalidArgument for an empty image.
  Result<Reading> Read(const GreyImage& image, const ReadSpec& spec);

  // Total wall time spent inside Tesseract by Read since construction (language loading not
  // included), so a benchmark can report Tesseract's share of the whole.
  double tesseract_seconds() const { return tesseract_seconds_; }

 private:
  Result<tesseract::TessBaseAPI*> Engine(const std::string& lang);

  std::string tessdata_;
  std::map<std::string, std::unique_ptr<tesseract::TessBaseAPI>> engines_;
  double tesseract_seconds_ = 0.0;
};

}  // namespace adbridge::ocr

#endif  // ADBRIDGE_OCR_RECOGNIZER_H_
