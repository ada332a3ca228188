#include "ocr/field_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "models/field_types.h"
#include "models/form_definition.h"
#include "ocr/recognizer.h"
#include "ocr/registered_page.h"
#include "tests/scangen/scangen.h"

namespace adbridge::ocr {
namespace {

namespace fs = std::filesystem;
using models::FieldDefinition;
using models::FieldType;
using models::FormDefinition;

const fs::path kFormsDir = fs::path(ADBRIDGE_SOURCE_DIR) / "models" / "forms";
const char* const kFormNames[] = {"juminhyo-request", "kyufukin-application",
                                  "demand-bus-reservation"};
constexpr double kReferenceDpi = 300;

// What one run of readings came to, per field type and style, for the summary table.
struct Tally {
  int right = 0;
  int wrong = 0;
  double confidence_right = 0;
  double confidence_wrong = 0;
  double seconds = 0;
  double tesseract_seconds = 0;
  void Add(bool ok, double confidence, double s, double t) {
    (ok ? right : wrong) += 1;
    (ok ? confidence_right : confidence_wrong) += confidence;
    seconds += s;
    tesseract_seconds += t;
  }
  int total() const { return right + wrong; }
};

struct Tallies {
  std::map<std::string, Tally> by_type;
  Tally all;
  std::vector<std::string> mistakes;
  int pages = 0;
  double page_seconds = 0;
  double tesseract_seconds = 0;
  // Confidence histogram (tenths) of right and wrong readings.
  int right_hist[10] = {};
  int wrong_hist[10] = {};
};

std::map<std::string, Tallies>& Runs() {
  static std::map<std::string, Tallies> runs;
  return runs;
}

std::string TypeKey(const FieldDefinition& f) {
  std::string key(models::FieldTypeName(f.type));
  if (f.comb.has_value()) key += "(comb)";
  return key;
}

class FieldReaderTest : public ::testing::Test {
 protected:
  FieldReaderTest() : reader_(recognizer_) {
    Result<scangen::ScanGenerator> gen = scangen::ScanGenerator::Create();
    if (!gen.ok()) ADD_FAILURE() << gen.status().message(Lang::kEn);
    generator_.emplace(std::move(*gen));
    for (const char* name : kFormNames) {
      Result<FormDefinition> form = models::LoadFormDefinition(kFormsDir / (std::string(name) + ".json"));
      if (!form.ok()) {
        ADD_FAILURE() << form.status().message(Lang::kEn);
        continue;
      }
      forms_.emplace(name, std::move(*form));
    }
    for (const auto& [name, form] : forms_) {
      for (const models::PageDefinition& p : form.pages) {
        references_[name].push_back(cv::imread(p.reference_path.string(), cv::IMREAD_GRAYSCALE));
        if (references_[name].back().empty()) ADD_FAILURE() << "no reference " << p.reference_path;
      }
    }
  }

  static void TearDownTestSuite() {
    for (const auto& [title, run] : Runs()) PrintRun(title, run);
  }

  static void PrintRun(const std::string& title, const Tallies& run) {
    std::printf("\n=== %s: %d fields on %d pages ===\n", title.c_str(), run.all.total(), run.pages);
    std::printf("%-20s %6s %8s %8s %8s %8s %9s\n", "type", "n", "accuracy", "conf_ok", "conf_bad",
                "ms/field", "tess%");
    auto row = [](const std::string& name, const Tally& t) {
      std::printf("%-20s %6d %7.1f%% %8.3f %8s %8.1f %8.0f%%\n", name.c_str(), t.total(),
                  100.0 * t.right / std::max(1, t.total()),
                  t.right ? t.confidence_right / t.right : 0.0,
                  t.wrong ? std::to_string(t.confidence_wrong / t.wrong).substr(0, 5).c_str() : "-",
                  1000.0 * t.seconds / std::max(1, t.total()),
                  100.0 * t.tesseract_seconds / std::max(1e-9, t.seconds));
    };
    for (const auto& [type, t] : run.by_type) row(type, t);
    row("ALL", run.all);
    if (run.pages > 0) {
      std::printf("per page: %.0f ms, of which Tesseract %.0f ms (%.0f%%)\n",
                  1000.0 * run.page_seconds / run.pages, 1000.0 * run.tesseract_seconds / run.pages,
                  100.0 * run.tesseract_seconds / std::max(1e-9, run.page_seconds));
    }
    std::printf("confidence tenths  right:");
    for (int n : run.right_hist) std::printf(" %4d", n);
    std::printf("\n                   wrong:");
    for (int n : run.wrong_hist) std::printf(" %4d", n);
    std::printf("\n");
    for (const std::string& m : run.mistakes) std::printf("  wrong: %s\n", m.c_str());
    std::fflush(stdout);
  }

  const FormDefinition& Form(const std::string& name) { return forms_.at(name); }
  const cv::Mat& Reference(const std::string& name, int page) {
    return references_.at(name)[static_cast<std::size_t>(page - 1)];
  }

  // Scans `count` documents of each bundled form and reads every field, tallying into
  // Runs()[title]; `dpi_of` picks each document's resolution.
  void ReadDocuments(const std::string& title, scangen::StyleChoice style, int count,
                     std::uint64_t seed) {
    Tallies& run = Runs()[title];
    for (const char* name : kFormNames) {
      const FormDefinition& form = Form(name);
      for (int i = 0; i < count; ++i) {
        scangen::FillOptions options;
        options.seed = seed;
        options.style = style;
        options.faults.dpi = i % 2 == 0 ? scangen::Range{200, 200} : scangen::Range{300, 300};
        options.faults.blur = {0.3, 0.9};
        options.faults.noise = {2, 8};
        const scangen::Document doc = generator_->Plan(form, options, i);
        Result<std::vector<cv::Mat>> pages = generator_->Render(doc);
        ASSERT_TRUE(pages.ok()) << pages.status().message(Lang::kEn);
        std::vector<RegisteredPage> registered;
        for (const cv::Mat& p : *pages) registered.emplace_back(p, ScaleMmToPixels(doc.faults.dpi));
        run.pages += static_cast<int>(pages->size());
        for (std::size_t f = 0; f < form.fields.size(); ++f) {
          const FieldDefinition& field = form.fields[f];
          const scangen::FieldValue& truth = doc.values[f];
          ASSERT_EQ(truth.name, field.name);
          const double tess_before = recognizer_.tesseract_seconds();
          const auto start = std::chrono::steady_clock::now();
          Result<FieldReading> r =
              reader_.Read(registered[static_cast<std::size_t>(field.page - 1)],
                           Reference(name, field.page), kReferenceDpi, field);
          const double seconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          ASSERT_TRUE(r.ok()) << r.status().message(Lang::kEn);
          const double tess = recognizer_.tesseract_seconds() - tess_before;
          EXPECT_NEAR(tess, r->tesseract_seconds, 1e-6);
          const bool ok = r->value == truth.normalized;
          run.by_type[TypeKey(field)].Add(ok, r->confidence, seconds, tess);
          run.all.Add(ok, r->confidence, seconds, tess);
          run.page_seconds += seconds;
          run.tesseract_seconds += tess;
          const int tenth = std::clamp(static_cast<int>(r->confidence * 10), 0, 9);
          (ok ? run.right_hist : run.wrong_hist)[tenth] += 1;
          if (!ok) {
            char line[512];
            std::snprintf(line, sizeof line, "%s #%d %s [%s] dpi %d: truth \"%s\" (written \"%s\") read \"%s\" conf %.2f min %.2f",
                          name, i, field.name.c_str(), TypeKey(field).c_str(), doc.faults.dpi,
                          truth.normalized.c_str(), truth.written.c_str(), r->raw.c_str(),
                          r->confidence, r->signals.tesseract_min_symbol);
            run.mistakes.push_back(line);
          }
        }
      }
    }
  }

  Recognizer recognizer_;
  FieldReader reader_;
  std::optional<scangen::ScanGenerator> generator_;
  std::map<std::string, FormDefinition> forms_;
  std::map<std::string, std::vector<cv::Mat>> references_;
};


TEST_F(FieldReaderTest, PrintedFieldsReadToTheirNormalisedTruth) {
  ReadDocuments("printed", scangen::StyleChoice::kPrinted, 10, 11);
  const Tallies& run = Runs()["printed"];
  ASSERT_GT(run.all.total(), 300);
  EXPECT_GE(static_cast<double>(run.all.right) / run.all.total(), 0.98);
}

TEST_F(FieldReaderTest, HandwritingReadingsThatAreWrongScoreLower) {
  ReadDocuments("handwriting", scangen::StyleChoice::kHandwriting, 6, 23);
  const Tallies& run = Runs()["handwriting"];
  ASSERT_GT(run.all.total(), 150);
  ASSERT_GT(run.all.right, 0);
  if (run.all.wrong > 0) {
    EXPECT_LT(run.all.confidence_wrong / run.all.wrong, run.all.confidence_right / run.all.right);
  }
}

}  // namespace
}  // namespace adbridge::ocr
