// adbridge-calibrate: fits the confidence calibration of the field reader on generated scans.
//
//   adbridge-calibrate --count 120 --seed 9001 --table ocr/confidence_calibration_table.inc
//
// Generates `count` printed and `count` handwritten documents across the bundled forms with
// scanner faults, reads each with the same DocumentReader `adbridge process` uses (two worker
// threads), and fits, per field type, an isotonic step function from the reader's score to the
// share of readings that were right, with at least 25 readings per step. Each step's share is
// shrunk toward wrong (k / (n + 2)) and capped by the step above, so the fit never claims more certainty than the data shows. Prints a
// reliability table and writes the steps as C++ for ocr/confidence_calibration.cc.
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "models/form_definition.h"
#include "ocr/document_reader.h"
#include "ocr/form_library.h"
#include "ocr/recognizer.h"
#include "tests/scangen/scangen.h"

namespace adbridge {
namespace {

struct Sample {
  models::FieldType type;
  bool handwriting;
  double score;
  bool right;
};

struct Block {
  double from, to;
  int n;
  int right;
};

// Pool-adjacent-violators over samples sorted by score: blocks whose share of right readings
// never decreases as the score grows.
std::vector<Block> Isotonic(std::vector<Sample> samples) {
  std::sort(samples.begin(), samples.end(),
            [](const Sample& a, const Sample& b) { return a.score < b.score; });
  std::vector<Block> blocks;
  for (const Sample& s : samples) {
    blocks.push_back({s.score, s.score, 1, s.right ? 1 : 0});
    while (blocks.size() >= 2) {
      Block& b = blocks[blocks.size() - 1];
      Block& a = blocks[blocks.size() - 2];
      // Merge when the lower block is as right as or more right than the upper one, or when the
      // two touch at one score (a step must start at a distinct score).
      if (static_cast<double>(a.right) * b.n >= static_cast<double>(b.right) * a.n ||
          a.to >= b.from) {
        a.to = b.to;
        a.n += b.n;
        a.right += b.right;
        blocks.pop_back();
      } else {
        break;
      }
    }
  }
  // A step fitted on a handful of readings says little; fold each into its neighbour below
  // (the first into the one above). Merging neighbours of a monotone sequence keeps it monotone.
  constexpr int kMinBlock = 25;
  for (std::size_t i = 0; i < blocks.size() && blocks.size() > 1;) {
    if (blocks[i].n >= kMinBlock) {
      ++i;
      continue;
    }
    const std::size_t into = i == 0 ? 1 : i - 1;
    const std::size_t lo = std::min(i, into), hi = std::max(i, into);
    blocks[lo] = {blocks[lo].from, blocks[hi].to, blocks[lo].n + blocks[hi].n,
                  blocks[lo].right + blocks[hi].right};
    blocks.erase(blocks.begin() + static_cast<std::ptrdiff_t>(hi));
    i = lo;
  }
  return blocks;
}

std::string TypeEnum(models::FieldType type) {
  switch (type) {
    case models::FieldType::kText: return "FieldType::kText";
    case models::FieldType::kKana: return "FieldType::kKana";
    case models::FieldType::kDigits: return "FieldType::kDigits";
    case models::FieldType::kInteger: return "FieldType::kInteger";
    case models::FieldType::kDate: return "FieldType::kDate";
    case models::FieldType::kPostalCode: return "FieldType::kPostalCode";
    case models::FieldType::kPhone: return "FieldType::kPhone";
    case models::FieldType::kCheckbox: return "FieldType::kCheckbox";
    case models::FieldType::kChoice: return "FieldType::kChoice";
  }
  return "";
}

int Main(int argc, char** argv) {
  int count = 120;
  std::uint64_t seed = 9001;
  std::string table_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--count") count = std::stoi(argv[i + 1]);
    else if (flag == "--seed") seed = std::stoull(argv[i + 1]);
    else if (flag == "--table") table_path = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: adbridge-calibrate [--count N] [--seed S] [--table FILE]\n");
      return 2;
    }
  }
  const std::filesystem::path forms_dir = std::filesystem::path(ADBRIDGE_SOURCE_DIR) / "models/forms";
  std::vector<models::FormDefinition> forms;
  for (const char* id : {"juminhyo-request", "kyufukin-application", "demand-bus-reservation"}) {
    Result<models::FormDefinition> form =
        models::LoadFormDefinition(forms_dir / (std::string(id) + ".json"));
    if (!form.ok()) {
      std::fprintf(stderr, "%s\n", form.status().message(Lang::kEn).c_str());
      return 1;
    }
    forms.push_back(*std::move(form));
  }
  Result<std::unique_ptr<ocr::FormLibrary>> library = ocr::FormLibrary::FromDefinitions(forms);
  if (!library.ok()) {
    std::fprintf(stderr, "%s\n", library.status().message(Lang::kEn).c_str());
    return 1;
  }

  std::mutex mu;
  std::vector<Sample> samples;
  int unidentified = 0;
  auto work = [&](int worker) {
    Result<scangen::ScanGenerator> generator = scangen::ScanGenerator::Create();
    if (!generator.ok()) return;
    ocr::Recognizer recognizer;
    ocr::DocumentReader reader(**library, recognizer);
    for (int i = worker; i < 2 * count; i += 2) {
      const bool handwriting = i % 2 == 1;
      scangen::FillOptions options;
      options.seed = seed;
      options.style = handwriting ? scangen::StyleChoice::kHandwriting : scangen::StyleChoice::kPrinted;
      options.format = scangen::FormatChoice::kMixed;
      options.faults.dpi = {200, 300};
      options.faults.rotate_max_deg = 2;
      options.faults.scale_jitter = 0.01;
      options.faults.offset_max_mm = 3;
      options.faults.blur = {0.2, 0.8};
      options.faults.noise = {2, 6};
      options.faults.jpeg_quality = scangen::Range{70, 90};
      options.faults.turn180_rate = 0.1;
      const models::FormDefinition& form = forms[(i / 2) % forms.size()];
      scangen::Document doc = generator->Plan(form, options, i);
      Result<std::vector<cv::Mat>> pages = generator->Render(doc);
      if (!pages.ok()) continue;
      std::vector<ingest::GreyPage> grey;
      for (const cv::Mat& page : *pages) {
        cv::Mat c = page.isContinuous() ? page : page.clone();
        grey.push_back({c.cols, c.rows, doc.faults.dpi, {c.data, c.data + c.total()}});
      }
      Result<ocr::DocumentResult> result = reader.Read(grey, std::nullopt, "2026-11-21");
      std::map<std::string, std::string> truth;
      for (const scangen::FieldValue& v : doc.values) truth[v.name] = v.normalized;
      std::lock_guard lock(mu);
      if (!result.ok() || result->form == nullptr || result->form->definition.id != form.id) {
        ++unidentified;
        continue;
      }
      for (const ocr::FieldResult& f : result->fields) {
        samples.push_back({f.field->type, handwriting, f.reading.confidence,
                           f.reading.value == truth[f.field->name]});
      }
      std::fprintf(stderr, "\r%d/%d documents", static_cast<int>(samples.size() > 0) * (i + 1),
                   2 * count);
    }
  };
  std::thread second(work, 1);
  work(0);
  second.join();
  std::fprintf(stderr, "\n");

  std::map<models::FieldType, std::vector<Sample>> by_type;
  for (const Sample& s : samples) by_type[s.type].push_back(s);
  std::string table = "// Fitted by adbridge-calibrate --count " + std::to_string(count) +
                      " --seed " + std::to_string(seed) + " on " +
                      std::to_string(samples.size()) + " field readings. Do not edit by hand.\n";
  std::printf("%d readings, %d documents not identified\n", static_cast<int>(samples.size()),
              unidentified);
  for (auto& [type, list] : by_type) {
    std::vector<Block> blocks = Isotonic(list);
    std::vector<double> p(blocks.size());
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      p[b] = static_cast<double>(blocks[b].right) / (blocks[b].n + 2);
    }
    for (std::size_t b = blocks.size(); b-- > 1;) p[b - 1] = std::min(p[b - 1], p[b]);
    int right = 0;
    for (const Sample& s : list) right += s.right;
    std::printf("\n%s: %zu readings, %.1f%% right\n", std::string(FieldTypeName(type)).c_str(),
                list.size(), 100.0 * right / list.size());
    table += "    {" + TypeEnum(type) + ", {";
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      std::printf("  score %.3f-%.3f  n=%4d  right %5.1f%%  -> p %.3f\n", blocks[b].from,
                  blocks[b].to, blocks[b].n, 100.0 * blocks[b].right / blocks[b].n, p[b]);
      char step[64];
      std::snprintf(step, sizeof(step), "{%.4f, %.4f}", b == 0 ? 0.0 : blocks[b].from, p[b]);
      table += std::string(b ? ", " : "") + step;
    }
    table += "}},\n";
  }
  if (!table_path.empty()) {
    std::ofstream out(table_path);
    out << table;
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", table_path.c_str());
      return 1;
    }
    std::printf("\nwrote %s\n", table_path.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace adbridge

int main(int argc, char** argv) { return adbridge::Main(argc, argv); }
