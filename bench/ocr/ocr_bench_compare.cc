// ocr_bench_compare: the OCR benchmark's two steps that need adbridge's own code (bench/ocr/
// run.sh drives it; bench/README.md explains the figures). Run without arguments for usage.
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/ocr/ocr_bench.h"
#include "models/status.h"

namespace {

namespace fs = std::filesystem;
using namespace adbridge::bench;

constexpr std::string_view kUsage = R"(usage:
  ocr_bench_compare extract --forms FORM.json... --truth TRUTH.jsonl... --text-dir DIR --out FILE
      The tesseract-CLI baseline's field values: for each scan in the truth files, reads
      DIR/<key>.txt (the whole-page text of `tesseract SCAN - -l jpn`, every page) and writes
      one JSON line {"key", "fields"} to FILE. <key> is the scan's folder name and file name.
  ocr_bench_compare report --forms FORM.json... --truth TRUTH.jsonl... [--data DIR]
                           [--baseline FILE] [--perf perf.json] [--markdown OUT.md]
                           [--examples N]
      Compares adbridge's readings (DIR/adbridge.db after `adbridge process`) and the baseline's
      values with the truth, per style; prints the figures and writes them as Markdown to OUT.md.
)";

struct Args {
  std::vector<fs::path> forms;
  std::vector<fs::path> truth;
  std::optional<fs::path> text_dir, out, data, baseline, perf, markdown;
  int examples = 8;
};

Args Parse(const std::vector<std::string>& args) {
  Args a;
  std::vector<fs::path>* list = nullptr;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    auto value = [&]() -> fs::path {
      if (i + 1 >= args.size()) throw std::invalid_argument(s + " needs a value");
      return args[++i];
    };
    if (s == "--forms") list = &a.forms;
    else if (s == "--truth") list = &a.truth;
    else if (s == "--text-dir") { a.text_dir = value(); list = nullptr; }
    else if (s == "--out") { a.out = value(); list = nullptr; }
    else if (s == "--data") { a.data = value(); list = nullptr; }
    else if (s == "--baseline") { a.baseline = value(); list = nullptr; }
    else if (s == "--perf") { a.perf = value(); list = nullptr; }
    else if (s == "--markdown") { a.markdown = value(); list = nullptr; }
    else if (s == "--examples") { a.examples = std::stoi(value().string()); list = nullptr; }
    else if (s.starts_with("--")) throw std::invalid_argument("unknown option " + s);
    else if (list != nullptr) list->emplace_back(s);
    else throw std::invalid_argument("unexpected argument " + s);
  }
  if (a.forms.empty()) throw std::invalid_argument("--forms is required");
  if (a.truth.empty()) throw std::invalid_argument("--truth is required");
  return a;
}

int Fail(const adbridge::Status& status) {
  std::cerr << "ocr_bench_compare: " << status.message() << "\n";
  return 1;
}

int Extract(const Args& a) {
  if (!a.text_dir || !a.out) throw std::invalid_argument("extract needs --text-dir and --out");
  auto forms = LoadForms(a.forms);
  if (!forms.ok()) return Fail(forms.status());
  auto truth = LoadTruth(a.truth);
  if (!truth.ok()) return Fail(truth.status());
  std::ofstream out(*a.out, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << "ocr_bench_compare: cannot write " << a.out->string() << "\n";
    return 1;
  }
  int missing = 0;
  for (const TruthDoc& doc : *truth) {
    const auto form = forms->find(doc.form);
    if (form == forms->end()) continue;
    std::ifstream in(*a.text_dir / (doc.key + ".txt"), std::ios::binary);
    if (!in) {
      ++missing;  // tesseract failed on it: no values at all
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    nlohmann::ordered_json line = {{"key", doc.key},
                                   {"fields", ExtractBaseline(form->second, text.str())}};
    out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  if (missing > 0) {
    std::cerr << "ocr_bench_compare: " << missing << " scans have no tesseract text\n";
  }
  return out ? 0 : 1;
}

int Report(const Args& a) {
  auto forms = LoadForms(a.forms);
  if (!forms.ok()) return Fail(forms.status());
  auto truth = LoadTruth(a.truth);
  if (!truth.ok()) return Fail(truth.status());
  std::optional<Readings> mine, theirs;
  if (a.data) {
    auto r = LoadStoreReadings(*a.data);
    if (!r.ok()) return Fail(r.status());
    mine = std::move(*r);
  }
  if (a.baseline) {
    auto r = LoadBaselineReadings(*a.baseline);
    if (!r.ok()) return Fail(r.status());
    theirs = std::move(*r);
  }
  Perf perf;
  if (a.perf) {
    auto p = LoadPerf(*a.perf);
    if (!p.ok()) return Fail(p.status());
    perf = std::move(*p);
  }
  const BenchReport report = Compare(*forms, *truth, mine ? &*mine : nullptr,
                                     theirs ? &*theirs : nullptr, perf, a.examples);
  std::cout << RenderText(report);
  if (a.markdown) {
    std::ofstream md(*a.markdown, std::ios::binary | std::ios::trunc);
    md << RenderMarkdown(report);
    if (!md) {
      std::cerr << "ocr_bench_compare: cannot write " << a.markdown->string() << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  adbridge::SetDefaultLangFromEnvironment();
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  try {
    const Args a = Parse({args.begin() + 1, args.end()});
    if (args[0] == "extract") return Extract(a);
    if (args[0] == "report") return Report(a);
    throw std::invalid_argument("unknown command " + args[0]);
  } catch (const std::invalid_argument& e) {
    std::cerr << "ocr_bench_compare: " << e.what() << "\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ocr_bench_compare: " << e.what() << "\n";
    return 1;
  }
}
