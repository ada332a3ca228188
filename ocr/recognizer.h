// Recognizer: reads the text of one field crop with Tesseract. It is the only place adbridge
// touches Tesseract.
//
//   Recognizer recognizer;                       // one per worker thread
//   Result<Reading> r = recognizer.Read(crop, {.lang = "jpn", .mode = LineMode::kSingleLine});
//
// A TessBaseAPI is loaded once per language set on first use and kept for the recognizer's
// life, so the cost of loading `jpn` (about a second) is paid once per thread, not per field.
//
// Thread-safety: none. Give each worker thread its own Recognizer (and set OMP_THREAD_LIMIT=1
// when several run at once).
#ifndef ADBRIDGE_OCR_RECOGNIZER_H_
#define ADBRIDGE_OCR_RECOGNIZER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

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

struct Reading {
  std::string text;         // UTF-8, trimmed, without Tesseract's trailing newline
  double confidence = 0.0;  // Tesseract's mean word confidence scaled to 0..1; 0 when empty
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

 private:
  Result<tesseract::TessBaseAPI*> Engine(const std::string& lang);

  std::string tessdata_;
  std::map<std::string, std::unique_ptr<tesseract::TessBaseAPI>> engines_;
};

}  // namespace adbridge::ocr

#endif  // ADBRIDGE_OCR_RECOGNIZER_H_
