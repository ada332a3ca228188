// A blank form printed with `adbridge forms render`, filled in and scanned, is read as well as
// the original paper form filled in with the same values, the same pen and the same scanner
// faults. Both go through the real pipeline: the adbridge program registers the bundled forms,
// renders them, ingests the scans and processes them; the readings are then taken from the
// store and compared with what was written.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "models/form_definition.h"
#include "models/store.h"
#include "tests/output/pdf_test_support.h"
#include "tests/scangen/scangen.h"
#include "tests/server/cli_runner.h"

namespace adbridge {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;
const char* const kFormIds[] = {"juminhyo-request", "kyufukin-application",
                                "demand-bus-reservation"};
constexpr int kPaperDpi = 300;

class RenderReadingTest : public ::testing::Test {
 protected:
  RenderReadingTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-render-reading-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  ~RenderReadingTest() override { fs::remove_all(dir_); }

  test_support::RunResult Adbridge(const std::string& args) {
    return test_support::RunAdbridge(dir_, args + " --data " + test_support::Quote(dir_ / "data"),
                                     "ADBRIDGE_LANG=en OMP_THREAD_LIMIT=1");
  }

  fs::path dir_;
};

TEST_F(RenderReadingTest, AFilledInPrintIsReadAsWellAsTheOriginalPaperForm) {
  Result<scangen::ScanGenerator> generator = scangen::ScanGenerator::Create();
  ASSERT_TRUE(generator.ok()) << generator.status().message(Lang::kEn);

  struct Arm {
    int fields = 0, right = 0, accepted = 0, pages_identified = 0, pages = 0;
  };
  Arm original, print;
  std::map<std::string, std::map<std::string, std::string>> truth;  // source -> field -> value
  std::map<std::string, bool> printed_source;
  std::vector<std::string> files;
  std::vector<models::FormDefinition> forms;

  for (const char* id : kFormIds) {
    const fs::path json = kSource / "models/forms" / (std::string(id) + ".json");
    ASSERT_EQ(Adbridge("forms add " + test_support::Quote(json)).exit_code, 0) << id;
    Result<models::FormDefinition> form = models::LoadFormDefinition(json);
    ASSERT_TRUE(form.ok());
    forms.push_back(*std::move(form));
  }
  int seed = 500;
  for (const models::FormDefinition& form : forms) {
    // The print room's copy: rendered by the program, read back at 300 dpi as the paper.
    const fs::path pdf = dir_ / (form.id + ".pdf");
    const test_support::RunResult render =
        Adbridge("forms render " + form.id + " --out " + test_support::Quote(pdf));
    ASSERT_EQ(render.exit_code, 0) << render.err;
    const std::vector<nlohmann::json> rendered = render.JsonLines();
    ASSERT_EQ(rendered.size(), 1u);
    EXPECT_EQ(rendered[0]["form"], form.id);
    EXPECT_EQ(rendered[0]["version"], form.version);
    EXPECT_EQ(rendered[0]["pages"], form.pages.size());
    EXPECT_EQ(rendered[0]["file"], pdf.string());
    std::vector<cv::Mat> paper;
    for (int p = 1; p <= static_cast<int>(form.pages.size()); ++p) {
      Result<cv::Mat> page = testing::RasterisePdfPage(pdf, p, kPaperDpi);
      ASSERT_TRUE(page.ok()) << page.status().message(Lang::kEn);
      const models::PageDefinition& size = form.pages[static_cast<std::size_t>(p - 1)];
      const cv::Rect own(0, 0, static_cast<int>(std::lround(size.width_mm * kPaperDpi / 25.4)),
                         static_cast<int>(std::lround(size.height_mm * kPaperDpi / 25.4)));
      paper.push_back((*page)(own).clone());
    }

    // Two residents per form, one printing and one writing by hand, scanned differently; each
    // fills in both the original form and the print, alike to the last stroke and speck.
    const struct {
      scangen::StyleChoice style;
      scangen::Faults faults;
    } kResidents[] = {
        {scangen::StyleChoice::kPrinted, scangen::FixedFaults(200, 1.2, 1.5, 4)},
        {scangen::StyleChoice::kHandwriting,
         scangen::FixedFaults(300, -0.8, -1.0, 2, seed % 2 == 0)},
    };
    for (const auto& resident : kResidents) {
      scangen::FillOptions options;
      options.seed = static_cast<std::uint64_t>(seed++);
      options.style = resident.style;
      scangen::Document doc = generator->Plan(form, options, 0);
      doc.faults = resident.faults;
      if (form.pages.size() == 1) doc.format = scangen::ImageFormat::kPng;
      for (const bool printed : {false, true}) {
        Result<std::vector<cv::Mat>> pages =
            printed ? generator->RenderOn(doc, paper, kPaperDpi) : generator->Render(doc);
        ASSERT_TRUE(pages.ok()) << pages.status().message(Lang::kEn);
        scangen::Document named = doc;
        named.file =
            std::string(printed ? "print-" : "original-") + std::to_string(seed) + "-" + doc.file;
        ASSERT_TRUE(generator->Write(named, *pages, dir_).ok());
        const std::string source = (dir_ / named.file).string();
        files.push_back(source);
        printed_source[source] = printed;
        for (const scangen::FieldValue& v : doc.values) truth[source][v.name] = v.normalized;
      }
    }
  }

  std::string ingest = "ingest";
  for (const std::string& file : files) ingest += " " + test_support::Quote(file);
  const test_support::RunResult ingested = Adbridge(ingest);
  ASSERT_EQ(ingested.exit_code, 0) << ingested.err;
  std::map<std::int64_t, std::string> source_of;
  for (const nlohmann::json& line : ingested.JsonLines()) {
    source_of[line["document"].get<std::int64_t>()] = line["source"];
  }
  ASSERT_EQ(source_of.size(), files.size());
  const test_support::RunResult processed = Adbridge("process --jobs 1");
  ASSERT_EQ(processed.exit_code, 0) << processed.err;

  Result<std::unique_ptr<models::Store>> store = models::OpenSqliteStore(dir_ / "data/adbridge.db");
  ASSERT_TRUE(store.ok()) << store.status().message(Lang::kEn);
  for (const auto& [document, source] : source_of) {
    Arm& arm = printed_source[source] ? print : original;
    Result<std::vector<models::PageRecord>> pages = (*store)->ListPages(document);
    ASSERT_TRUE(pages.ok());
    for (const models::PageRecord& page : *pages) {
      ++arm.pages;
      arm.pages_identified += page.outcome == models::PageOutcome::kIdentified;
      EXPECT_EQ(page.outcome, models::PageOutcome::kIdentified) << source << ": " << page.note;
    }
    Result<std::vector<models::FieldRecord>> fields = (*store)->ListFields(document);
    ASSERT_TRUE(fields.ok());
    int right = 0;
    for (const models::FieldRecord& field : *fields) {
      const std::string& expected = truth[source].at(field.name);
      const bool correct = field.ocr_value.value_or("") == expected;
      right += correct;
      arm.accepted += field.state == models::FieldState::kAutoAccepted;
      if (!correct) {
        std::printf("[ misread  ] %s %s: \"%s\" for \"%s\"\n", fs::path(source).filename().c_str(),
                    field.name.c_str(), field.ocr_value.value_or("").c_str(), expected.c_str());
      }
    }
    EXPECT_EQ(fields->size(), truth[source].size()) << source << ": every field was read";
    arm.fields += static_cast<int>(fields->size());
    arm.right += right;
  }
  std::printf("[ original ] %d/%d fields right, %d accepted, %d/%d pages identified\n",
              original.right, original.fields, original.accepted, original.pages_identified,
              original.pages);
  std::printf("[ print    ] %d/%d fields right, %d accepted, %d/%d pages identified\n", print.right,
              print.fields, print.accepted, print.pages_identified, print.pages);
  EXPECT_EQ(print.fields, original.fields);
  EXPECT_EQ(print.pages_identified, print.pages);
  // OCR may tip one field either way between two papers that differ in their printed matter.
  EXPECT_GE(print.right, original.right - 1) << "the print is read as well as the original";
}

}  // namespace
}  // namespace adbridge
