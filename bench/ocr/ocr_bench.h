// The OCR benchmark's arithmetic: ground truth from adbridge-scangen, adbridge's readings from
// a processed data directory, the tesseract-CLI baseline's values pulled out of whole-page
// text, and the figures that compare them (bench/README.md says what each one means).
//
//   Result<std::vector<TruthDoc>> truth = LoadTruth({"work/scans/printed/truth.jsonl"});
//   Result<Readings> readings = LoadStoreReadings("work/data-j2");
//   BenchReport report = Compare(forms, *truth, &*readings, &baseline, perf);
//   std::cout << RenderText(report) << RenderMarkdown(report);
//
// A document is known by its key: the name of the folder its scan is in and its file name
// ("printed/0001-juminhyo-request.png"), so two scan folders that reuse file names stay apart
// and the key does not depend on the directory ingest was run from.
//
// Thread-safety: plain functions over values.
#ifndef ADBRIDGE_BENCH_OCR_OCR_BENCH_H_
#define ADBRIDGE_BENCH_OCR_OCR_BENCH_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/form_definition.h"
#include "models/status.h"

namespace adbridge::bench {

// "dir/file" from a path: its parent folder's name and its file name.
std::string DocumentKey(const std::filesystem::path& path);

struct TruthDoc {
  std::string key;    // see DocumentKey
  std::string file;   // as truth.jsonl names it
  std::string form;   // form id
  std::string style;  // printed | handwriting
  int pages = 1;
  std::map<std::string, std::string> fields;  // normalised truth
};

// Reads truth.jsonl files; each line's key is the truth file's folder name and its "file".
// Returns InvalidArgument naming the file and line for a malformed line, NotFound when a file
// cannot be read.
Result<std::vector<TruthDoc>> LoadTruth(const std::vector<std::filesystem::path>& files);

// The form definitions by id.
using Forms = std::map<std::string, models::FormDefinition>;
Result<Forms> LoadForms(const std::vector<std::filesystem::path>& files);

// What one reader (adbridge, or the baseline) made of one field.
struct FieldReading {
  std::string value;
  std::optional<double> confidence;
  bool auto_accepted = false;
};
// key -> field name -> reading. A field absent here was not read at all.
using Readings = std::map<std::string, std::map<std::string, FieldReading>>;

// The ocr_value, confidence and state of every field in DATA/adbridge.db, by document key.
Result<Readings> LoadStoreReadings(const std::filesystem::path& data_dir);

// The baseline's values as ExtractBaseline writes them: one JSON line per document,
// {"key": ..., "fields": {name: value}}.
Result<Readings> LoadBaselineReadings(const std::filesystem::path& file);

// Best-effort extraction from the whole-page text of `tesseract PAGE - -l jpn`: the field's
// printed label, then what follows it on the same line (up to the next label of the form),
// tried against type-specific patterns and normalised with adbridge's own rules. A required
// field whose label stands alone on its line takes the next non-empty line. Checkboxes and
// choices are marks, not text: they get no value (counted as not read).
std::map<std::string, std::string> ExtractBaseline(const models::FormDefinition& form,
                                                   std::string_view page_text);

// Timing and memory, from run.sh's perf.json (every member optional).
struct ProcessRun {
  bool present = false;
  int jobs = 0;
  double wall_seconds = 0;   // measured by run.sh around the command
  int documents = 0;
  int pages = 0;
  double seconds = 0;        // the command's own summary
  double tesseract_seconds = 0;
  double peak_rss_mb = 0;
  int failed = 0;
};
struct BaselineRun {
  bool present = false;
  int processes = 0;
  int pages = 0;
  double wall_seconds = 0;
  double peak_rss_mb = 0;  // the largest single tesseract process
};
struct Perf {
  std::string date;
  std::string machine;  // "2 cores, Intel(R) Xeon(R) ..."
  std::string scans;    // what was generated, in words
  ProcessRun jobs1;
  ProcessRun jobs2;
  BaselineRun baseline;
};
Result<Perf> LoadPerf(const std::filesystem::path& file);

// Counts for one reader over a set of fields.
struct Tally {
  int total = 0;
  int correct = 0;
  int missing = 0;  // no reading at all (document failed, page not found, baseline blind)
  int auto_accepted = 0;
  int auto_wrong = 0;
};

struct Example {
  std::string key;
  std::string field;
  std::string type;
  std::string truth;
  std::string read;  // "(none)" when not read
  std::optional<double> confidence;
  bool auto_accepted = false;
};

// Confidence bins: [0,0.5) [0.5,0.7) [0.7,0.8) [0.8,0.9) [0.9,0.95) [0.95,1].
inline constexpr int kBins = 6;
std::string_view BinLabel(int bin);
int BinOf(double confidence);

struct StyleReport {
  std::string style;
  int documents = 0;
  int documents_read = 0;  // with at least one field in the store
  Tally adbridge;
  Tally baseline;
  Tally adbridge_text;  // fields the baseline can attempt (not checkbox or choice)
  Tally baseline_text;
  std::map<std::string, std::pair<Tally, Tally>> by_type;  // type -> (adbridge, baseline)
  int bin_count[kBins] = {};
  int bin_wrong[kBins] = {};
  int high_count = 0;  // confidence >= 0.9
  int high_wrong = 0;
  std::vector<Example> worst;  // wrong auto-accepted first, then by confidence, highest first
};

struct BenchReport {
  bool have_adbridge = false;
  bool have_baseline = false;
  int unmatched_documents = 0;  // in the store but in no truth file
  std::vector<std::string> unknown_forms;
  std::vector<StyleReport> styles;  // printed, handwriting, then any other, in that order
  StyleReport all;                  // every style together
  Perf perf;
};

// Nulls mean "not measured": that reader's columns say so instead of counting zeros.
BenchReport Compare(const Forms& forms, const std::vector<TruthDoc>& truth,
                    const Readings* adbridge, const Readings* baseline, const Perf& perf,
                    int examples_per_style = 8);

// "3/1840 = 0.16%"
std::string Ratio(int part, int whole);

std::string RenderText(const BenchReport& report);
// The block run.sh writes between the markers in bench/README.md.
std::string RenderMarkdown(const BenchReport& report);

}  // namespace adbridge::bench

#endif  // ADBRIDGE_BENCH_OCR_OCR_BENCH_H_
