#include "ocr/recognizer.h"

#include <tesseract/baseapi.h>

#include <tesseract/resultiterator.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <utility>

namespace adbridge::ocr {
namespace {

struct TextDeleter {
  void operator()(char* text) const { delete[] text; }
};

tesseract::PageSegMode ToPageSegMode(LineMode mode) {
  switch (mode) {
    case LineMode::kSingleLine: return tesseract::PSM_SINGLE_LINE;
    case LineMode::kSingleWord: return tesseract::PSM_SINGLE_WORD;
    case LineMode::kSingleChar: return tesseract::PSM_SINGLE_CHAR;
  }
  return tesseract::PSM_SINGLE_LINE;
}

std::string Trimmed(std::string text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!text.empty() && is_space(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && is_space(text[start])) ++start;
  return text.substr(start);
}

// True when the crop holds ink: enough pixels darker than paper. Paper grain and scanner
// noise stay above the threshold.
bool HasInk(const GreyImage& image) {
  constexpr std::uint8_t kInk = 128;
  const long long needed = std::max<long long>(8, 1LL * image.width * image.height / 2000);
  long long dark = 0;
  for (int y = 0; y < image.height; ++y) {
    const std::uint8_t* row = image.data + static_cast<std::ptrdiff_t>(y) * image.stride;
    for (int x = 0; x < image.width; ++x) dark += row[x] < kInk;
    if (dark >= needed) return true;
  }
  return false;
}

// Every character of the last recognition, with its confidence and box. Spaces are not
// symbols, so they carry no confidence.
std::vector<SymbolReading> Symbols(tesseract::TessBaseAPI& engine) {
  std::vector<SymbolReading> symbols;
  std::unique_ptr<tesseract::ResultIterator> it(engine.GetIterator());
  if (!it) return symbols;
  constexpr tesseract::PageIteratorLevel kSymbol = tesseract::RIL_SYMBOL;
  do {
    std::unique_ptr<char, TextDeleter> text(it->GetUTF8Text(kSymbol));
    if (!text || *text == '\0') continue;
    SymbolReading s;
    s.text = Trimmed(text.get());
    if (s.text.empty()) continue;
    s.confidence = std::clamp(it->Confidence(kSymbol) / 100.0, 0.0, 1.0);
    it->BoundingBox(kSymbol, &s.left, &s.top, &s.right, &s.bottom);
    symbols.push_back(std::move(s));
  } while (it->Next(kSymbol));
  return symbols;
}

}  // namespace

Recognizer::Recognizer(std::string tessdata) : tessdata_(std::move(tessdata)) {}

Recognizer::~Recognizer() {
  for (auto& [lang, engine] : engines_) engine->End();
}

Result<tesseract::TessBaseAPI*> Recognizer::Engine(const std::string& lang) {
  auto it = engines_.find(lang);
  if (it != engines_.end()) return it->second.get();
  auto engine = std::make_unique<tesseract::TessBaseAPI>();
  if (engine->Init(tessdata_.empty() ? nullptr : tessdata_.c_str(), lang.c_str(),
                   tesseract::OEM_LSTM_ONLY) != 0) {
    return Status::FailedPrecondition(
        "Tesseract の言語データ " + lang + " を読み込めません (tesseract-ocr-jpn などを入れてください)",
        "cannot load Tesseract language data " + lang + " (install tesseract-ocr-jpn and the like)");
  }
  tesseract::TessBaseAPI* raw = engine.get();
  engines_.emplace(lang, std::move(engine));
  return raw;
}

Result<Reading> Recognizer::Read(const GreyImage& image, const ReadSpec& spec) {
  if (image.data == nullptr || image.width <= 0 || image.height <= 0) {
    return Status::InvalidArgument("読み取る画像が空です", "the image to read is empty");
  }
  ADB_ASSIGN_OR_RETURN(tesseract::TessBaseAPI * engine, Engine(spec.lang));
  if (!HasInk(image)) return Reading{};
  engine->SetPageSegMode(ToPageSegMode(spec.mode));
  // An empty whitelist clears the previous field's, so every field starts from its own rules.
  engine->SetVariable("tessedit_char_whitelist", spec.whitelist.c_str());
  engine->SetImage(image.data, image.width, image.height, 1, image.stride);
  engine->SetSourceResolution(image.dpi);
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<char, TextDeleter> text(engine->GetUTF8Text());
  Reading reading;
  reading.text = Trimmed(text ? std::string(text.get()) : std::string());
  reading.confidence = reading.text.empty() ? 0.0 : engine->MeanTextConf() / 100.0;
  if (!reading.text.empty()) reading.symbols = Symbols(*engine);
  engine->Clear();
  reading.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  tesseract_seconds_ += reading.seconds;
  if (!reading.symbols.empty()) {
    reading.min_symbol_confidence = 1.0;
    for (const SymbolReading& s : reading.symbols) {
      reading.min_symbol_confidence = std::min(reading.min_symbol_confidence, s.confidence);
    }
  }
  return reading;
}

}  // namespace adbridge::ocr
