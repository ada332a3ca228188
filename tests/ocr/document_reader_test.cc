// The whole reading path on generated scans: decode-ready pages in, identified form, routed
// fields and classification tasks out.
#include "ocr/document_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "models/form_definition.h"
#include "ocr/form_library.h"
#include "ocr/recognizer.h"
#include "tests/scangen/scangen.h"

namespace adbridge::ocr {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

const std::filesystem::path kForms = std::filesystem::path(ADBRIDGE_SOURCE_DIR) / "models/forms";

ingest::GreyPage ToGrey(const cv::Mat& image, int dpi) {
  ingest::GreyPage page{image.cols, image.rows, dpi, {}};
  cv::Mat continuous = image.isContinuous() ? image : image.clone();
  page.pixels.assign(continuous.data, continuous.data + continuous.total());
  return page;
}

struct Scanned {
  std::vector<ingest::GreyPage> pages;
  std::map<std::string, std::string> truth;  // normalised values
};

class DocumentReaderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<models::FormDefinition> definitions;
    for (const char* id : {"juminhyo-request", "kyufukin-application", "demand-bus-reservation"}) {
      Result<models::FormDefinition> form = models::LoadFormDefinition(kForms / (std::string(id) + ".json"));
      ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
      definitions.push_back(*std::move(form));
    }
    definitions_ = new std::vector<models::FormDefinition>(definitions);
    Result<std::unique_ptr<FormLibrary>> library = FormLibrary::FromDefinitions(definitions);
    ASSERT_TRUE(library.ok()) << library.status().message(Lang::kEn);
    library_ = library->release();
    Result<scangen::ScanGenerator> generator = scangen::ScanGenerator::Create();
    ASSERT_TRUE(generator.ok());
    generator_ = new scangen::ScanGenerator(*std::move(generator));
    recognizer_ = new Recognizer();
  }
  static void TearDownTestSuite() {
    delete recognizer_;
    delete generator_;
    delete library_;
    delete definitions_;
  }

  DocumentReaderTest() : reader_(*library_, *recognizer_) {}

  // Document `seed` of form `form_index`, filled and scanned with `faults`.
  static Scanned Scan(int form_index, scangen::StyleChoice style, const scangen::Faults& faults,
                      int seed) {
    scangen::FillOptions options;
    options.seed = static_cast<std::uint64_t>(seed);
    options.style = style;
    scangen::Document doc = generator_->Plan((*definitions_)[form_index], options, 0);
    doc.format = scangen::ImageFormat::kPng;
    doc.faults = faults;
    Result<std::vector<cv::Mat>> pages = generator_->Render(doc);
    EXPECT_TRUE(pages.ok());
    Scanned scanned;
    for (const cv::Mat& page : *pages) scanned.pages.push_back(ToGrey(page, faults.dpi));
    for (const scangen::FieldValue& v : doc.values) scanned.truth[v.name] = v.normalized;
    return scanned;
  }

  DocumentResult Read(const Scanned& scanned) {
    Result<DocumentResult> result = reader_.Read(scanned.pages, std::nullopt, "2026-11-21");
    EXPECT_TRUE(result.ok()) << result.status().message(Lang::kEn);
    return result.ok() ? *std::move(result) : DocumentResult{};
  }

  // Counts what a resident and a reviewer would notice: fields read right, fields accepted
  // without a person, and accepted fields that are wrong (each printed).
  struct Tally {
    int total = 0, right = 0, accepted = 0, wrong_accepted = 0;
  };
  static Tally Count(const DocumentResult& result, const Scanned& scanned) {
    Tally t;
    for (const FieldResult& f : result.fields) {
      const std::string& truth = scanned.truth.at(f.field->name);
      const bool correct = f.reading.value == truth;
      ++t.total;
      t.right += correct;
      t.accepted += f.auto_accept;
      if (f.auto_accept && !correct) {
        ++t.wrong_accepted;
        std::printf("[ wrong accepted ] %s: \"%s\" for \"%s\" (confidence %.3f)\n",
                    f.field->name.c_str(), f.reading.value.c_str(), truth.c_str(), f.confidence);
      }
    }
    return t;
  }

  static std::vector<models::FormDefinition>* definitions_;
  static FormLibrary* library_;
  static scangen::ScanGenerator* generator_;
  static Recognizer* recognizer_;
  DocumentReader reader_;
};

std::vector<models::FormDefinition>* DocumentReaderTest::definitions_ = nullptr;
FormLibrary* DocumentReaderTest::library_ = nullptr;
scangen::ScanGenerator* DocumentReaderTest::generator_ = nullptr;
Recognizer* DocumentReaderTest::recognizer_ = nullptr;

TEST_F(DocumentReaderTest, EachBundledFormIsIdentifiedAndItsPrintedFieldsRead) {
  for (int form = 0; form < 3; ++form) {
    const Scanned scanned =
        Scan(form, scangen::StyleChoice::kPrinted, scangen::FixedFaults(300), 11 + form);
    const DocumentResult result = Read(scanned);
    ASSERT_NE(result.form, nullptr);
    EXPECT_EQ(result.form->definition.id, (*definitions_)[form].id);
    EXPECT_TRUE(result.classification.empty()) << result.classification[0].en;
    EXPECT_EQ(result.fields.size(), (*definitions_)[form].fields.size());
    const Tally t = Count(result, scanned);
    std::printf("[ read ] %s printed: %d/%d right, %d accepted\n",
                (*definitions_)[form].id.c_str(), t.right, t.total, t.accepted);
    EXPECT_GE(t.right, t.total - 1) << "a clean printed form is read all but at most one field";
    EXPECT_GE(t.accepted * 2, t.total) << "most of a clean printed form needs no person";
    EXPECT_EQ(t.wrong_accepted, 0);
  }
}

TEST_F(DocumentReaderTest, FaultyScansAtSeveralResolutionsAreReadAndAlmostNoWrongValueAccepted) {
  struct Case {
    const char* what;
    scangen::Faults faults;
  } cases[] = {
      {"150 dpi, shifted", scangen::FixedFaults(150, 0.4, 2.5)},
      {"200 dpi, rotated 2°, noisy", scangen::FixedFaults(200, 2.0, 1.0, 5)},
      {"300 dpi, turned over", scangen::FixedFaults(300, -1.0, -2.0, 3, true)},
      {"400 dpi, rotated -1.5°", scangen::FixedFaults(400, -1.5, 1.5, 2)},
  };
  int seed = 40;
  Tally all;
  for (const Case& c : cases) {
    const Scanned scanned = Scan(seed % 3, scangen::StyleChoice::kPrinted, c.faults, seed);
    const DocumentResult result = Read(scanned);
    ASSERT_NE(result.form, nullptr) << c.what;
    EXPECT_EQ(result.form->definition.id, (*definitions_)[seed % 3].id) << c.what;
    EXPECT_EQ(result.fields.size(), (*definitions_)[seed % 3].fields.size()) << c.what;
    const Tally t = Count(result, scanned);
    std::printf("[ read ] %s: %d/%d right, %d accepted\n", c.what, t.right, t.total, t.accepted);
    all.total += t.total;
    all.right += t.right;
    all.accepted += t.accepted;
    all.wrong_accepted += t.wrong_accepted;
    ++seed;
  }
  EXPECT_GE(all.right * 100, all.total * 85) << all.right << "/" << all.total;
  // The calibrated threshold lets through about one wrong value in twenty or fewer.
  EXPECT_LE(all.wrong_accepted * 20, all.accepted) << all.wrong_accepted << "/" << all.accepted;
}

TEST_F(DocumentReaderTest, TurnedPagesAreReportedAsTurned) {
  const Scanned scanned =
      Scan(0, scangen::StyleChoice::kPrinted, scangen::FixedFaults(200, 0, 0, 0, true), 5);
  const DocumentResult result = Read(scanned);
  ASSERT_EQ(result.pages.size(), 1u);
  EXPECT_EQ(result.pages[0].outcome, models::PageOutcome::kIdentified);
  EXPECT_EQ(result.pages[0].quarter_turns, 2);
}

TEST_F(DocumentReaderTest, HandwrittenFieldsTheMachineIsUnsureOfGoToReview) {
  int right = 0, accepted = 0, total = 0, review = 0, wrong_accepted = 0;
  for (int seed = 60; seed < 63; ++seed) {
    const Scanned scanned = Scan(seed % 3, scangen::StyleChoice::kHandwriting,
                                 scangen::FixedFaults(200, 0.5, 1, 2), seed);
    const DocumentResult result = Read(scanned);
    ASSERT_NE(result.form, nullptr);
    const Tally t = Count(result, scanned);
    right += t.right;
    accepted += t.accepted;
    wrong_accepted += t.wrong_accepted;
    total += static_cast<int>(result.fields.size());
    for (const FieldResult& f : result.fields) {
      if (!f.auto_accept) {
        ++review;
        EXPECT_FALSE(f.review_reason.ja.empty()) << f.field->name;
      }
    }
  }
  std::printf("[ read ] handwriting: %d/%d right, %d accepted, %d to review\n", right, total,
              accepted, review);
  EXPECT_EQ(accepted + review, total);
  EXPECT_LE(wrong_accepted * 10, accepted) << wrong_accepted << "/" << accepted;
  EXPECT_GT(review, 0) << "handwriting always leaves something for a person";
}

TEST_F(DocumentReaderTest, DoubleEntryFieldsAlwaysGoToTwoPeople) {
  const Scanned scanned = Scan(1, scangen::StyleChoice::kPrinted, scangen::FixedFaults(300), 21);
  const DocumentResult result = Read(scanned);
  int double_entry = 0;
  for (const FieldResult& f : result.fields) {
    if (!f.field->double_entry) continue;
    ++double_entry;
    EXPECT_FALSE(f.auto_accept) << f.field->name;
    EXPECT_EQ(f.task_kind, models::TaskKind::kDoubleEntry);
  }
  EXPECT_EQ(double_entry, 2);
}

TEST_F(DocumentReaderTest, BlankSheetIsNotGuessedButGivenToTheFrontDesk) {
  cv::Mat blank(2339, 1654, CV_8UC1, cv::Scalar(250));
  cv::randn(blank, 250, 3);
  const DocumentResult result = Read(Scanned{{ToGrey(blank, 200)}, {}});
  EXPECT_EQ(result.form, nullptr);
  ASSERT_EQ(result.pages.size(), 1u);
  EXPECT_EQ(result.pages[0].outcome, models::PageOutcome::kBlank);
  ASSERT_EQ(result.classification.size(), 1u);
  EXPECT_TRUE(result.fields.empty());
}

TEST_F(DocumentReaderTest, PageOfAnUnknownFormBecomesAClassificationTask) {
  // A letter, not a form: lines of text and a table.
  cv::Mat letter(2339, 1654, CV_8UC1, cv::Scalar(255));
  for (int y = 200; y < 1400; y += 60) {
    cv::putText(letter, "Notice of change of address " + std::to_string(y), {150, y},
                cv::FONT_HERSHEY_SIMPLEX, 1.4, cv::Scalar(0), 3);
  }
  for (int i = 0; i <= 6; ++i) {
    cv::line(letter, {150, 1500 + i * 100}, {1500, 1500 + i * 100}, cv::Scalar(0), 3);
    cv::line(letter, {150 + i * 225, 1500}, {150 + i * 225, 2100}, cv::Scalar(0), 3);
  }
  const DocumentResult result = Read(Scanned{{ToGrey(letter, 200)}, {}});
  EXPECT_EQ(result.form, nullptr);
  ASSERT_EQ(result.pages.size(), 1u);
  EXPECT_EQ(result.pages[0].outcome, models::PageOutcome::kUnknown);
  ASSERT_EQ(result.classification.size(), 1u);
  EXPECT_THAT(result.classification[0].en, HasSubstr("sheet 1"));
}

TEST_F(DocumentReaderTest, MissingSecondPageIsNoticedAndTheFirstStillRead) {
  Scanned scanned = Scan(1, scangen::StyleChoice::kPrinted, scangen::FixedFaults(200), 31);
  scanned.pages.pop_back();
  const DocumentResult result = Read(scanned);
  ASSERT_NE(result.form, nullptr);
  EXPECT_EQ(result.form->definition.id, "kyufukin-application");
  ASSERT_EQ(result.classification.size(), 1u);
  EXPECT_THAT(result.classification[0].en, HasSubstr("page 2 of kyufukin-application is missing"));
  for (const FieldResult& f : result.fields) EXPECT_EQ(f.field->page, 1) << f.field->name;
  EXPECT_FALSE(result.fields.empty());
}

TEST_F(DocumentReaderTest, SheetOfAnotherFormInTheBatchIsMarkedExtra) {
  Scanned scanned = Scan(0, scangen::StyleChoice::kPrinted, scangen::FixedFaults(200), 32);
  const Scanned other = Scan(2, scangen::StyleChoice::kPrinted, scangen::FixedFaults(200), 33);
  scanned.pages.push_back(other.pages[0]);
  const DocumentResult result = Read(scanned);
  ASSERT_NE(result.form, nullptr);
  EXPECT_EQ(result.form->definition.id, "juminhyo-request");
  ASSERT_EQ(result.pages.size(), 2u);
  EXPECT_EQ(result.pages[1].outcome, models::PageOutcome::kExtra);
  ASSERT_EQ(result.classification.size(), 1u);
  EXPECT_THAT(result.classification[0].en, HasSubstr("demand-bus-reservation"));
}

TEST_F(DocumentReaderTest, PageThatCannotBeAlignedIsFlaggedAndNotReadBlindly) {
  Scanned scanned = Scan(0, scangen::StyleChoice::kPrinted, scangen::FixedFaults(200), 34);
  // Folded over on the glass: the lower two-thirds of the sheet did not reach the scanner.
  ingest::GreyPage& page = scanned.pages[0];
  std::fill(page.pixels.begin() + page.width * (page.height / 3), page.pixels.end(), 255);
  const DocumentResult result = Read(scanned);
  ASSERT_EQ(result.pages.size(), 1u);
  EXPECT_EQ(result.pages[0].outcome, models::PageOutcome::kUnregistrable)
      << models::PageOutcomeName(result.pages[0].outcome) << ": " << result.pages[0].note.en;
  EXPECT_TRUE(result.fields.empty()) << "nothing is read from a page that is not aligned";
  ASSERT_FALSE(result.classification.empty());
  EXPECT_THAT(result.classification[0].en, HasSubstr("cannot be aligned"));
}

TEST_F(DocumentReaderTest, DocumentWithoutPagesIsRefused) {
  Result<DocumentResult> result = reader_.Read({}, std::nullopt, "2026-11-21");
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace adbridge::ocr
