// The scan generator: filled-in, realistically faulty scans of registered forms with their
// ground truth, for tests and the OCR accuracy benchmarks; and the blank reference images.
//
//   Result<ScanGenerator> gen = ScanGenerator::Create();
//   FillOptions options;  options.count = 6;  options.out_dir = "scans";  options.seed = 7;
//   Status s = gen->Fill(forms, options, nullptr);
//   // scans/0001-juminhyo-request.png ... and one line per file in scans/truth.jsonl
//
// Everything a document holds is drawn from a random source seeded by (seed, its index), so
// a seed names the exact bytes of every file.
//
// Thread-safety: a ScanGenerator belongs to one thread (it holds FreeType faces).
#ifndef ADBRIDGE_TESTS_SCANGEN_SCANGEN_H_
#define ADBRIDGE_TESTS_SCANGEN_SCANGEN_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include <opencv2/core.hpp>

#include "models/form_definition.h"
#include "models/status.h"
#include "tests/scangen/canvas.h"
#include "tests/scangen/faults.h"
#include "tests/scangen/image_io.h"
#include "tests/scangen/ink.h"
#include "tests/scangen/values.h"

namespace adbridge::scangen {

enum class StyleChoice { kPrinted, kHandwriting, kMixed };
enum class FormatChoice { kPng, kJpeg, kTiff, kMixed };

inline constexpr int kReferenceDpi = 300;
inline constexpr int kDefaultJpegQuality = 85;

struct FillOptions {
  int count = 1;
  std::filesystem::path out_dir;
  std::uint64_t seed = 1;
  StyleChoice style = StyleChoice::kMixed;
  FormatChoice format = FormatChoice::kPng;
  FaultSpec faults;
};

// One document, planned: everything needed to draw it, byte for byte, again.
struct Document {
  const models::FormDefinition* form = nullptr;
  int index = 0;            // 0-based position in the run
  std::string file;         // "0001-juminhyo-request.png"
  Style style = Style::kPrinted;
  Pen pen;
  std::vector<FieldValue> values;
  Faults faults;
  ImageFormat format = ImageFormat::kPng;
  std::uint64_t ink_seed = 0;    // handwriting jitter, marks, stray marks
  std::uint64_t noise_seed = 0;  // the noise and speckle pattern
};

class ScanGenerator {
 public:
  // Returns NotFound when a font is missing.
  static Result<ScanGenerator> Create();

  // Document `index` of a run: its style, values, pen, faults and file format. A form of
  // several pages is always a multi-page TIFF, whatever `options.format` says.
  Document Plan(const models::FormDefinition& form, const FillOptions& options, int index) const;

  // The scanned pages of `doc`, CV_8UC1 at doc.faults.dpi.
  Result<std::vector<cv::Mat>> Render(const Document& doc);

  // The same, written on `paper` instead of the form's blank pages: one grey image per page of
  // the form, drawn at `paper_dpi` (a printed blank form read back, say), the size of its page.
  // Returns InvalidArgument when the pages do not match the form's.
  Result<std::vector<cv::Mat>> RenderOn(const Document& doc, const std::vector<cv::Mat>& paper,
                                        int paper_dpi);

  // Blank page `page_index` (0-based) at `dpi`; drawn once and remembered.
  Result<cv::Mat> Blank(const models::FormDefinition& form, int page_index, int dpi);

  // Writes doc.file into `dir` with its resolution recorded.
  Status Write(const Document& doc, const std::vector<cv::Mat>& pages,
               const std::filesystem::path& dir) const;

  // Plans, renders and writes options.count documents (forms taken in turn) and appends a
  // line per file to options.out_dir/truth.jsonl. Reports "[i/n] file" lines to `progress`
  // when it is not null.
  Status Fill(const std::vector<models::FormDefinition>& forms, const FillOptions& options,
              std::ostream* progress);

  const Fonts& fonts() const { return fonts_; }

 private:
  explicit ScanGenerator(Fonts fonts) : fonts_(std::move(fonts)) {}

  Fonts fonts_;
  std::map<std::tuple<std::string, int, int>, cv::Mat> blanks_;
};

// The truth.jsonl line of `doc` (no trailing newline): file, form, version, pages, style, dpi,
// format, faults, fields (normalised values) and written (what is on the paper).
std::string TruthLine(const Document& doc);

// Writes `form`'s blank pages as <out_dir>/<id>.p<N>.png, 8-bit grey at `dpi`, and returns
// their paths.
Result<std::vector<std::filesystem::path>> WriteBlankImages(const models::FormDefinition& form,
                                                            int dpi,
                                                            const std::filesystem::path& out_dir,
                                                            const Fonts& fonts);

}  // namespace adbridge::scangen

#endif  // ADBRIDGE_TESTS_SCANGEN_SCANGEN_H_
