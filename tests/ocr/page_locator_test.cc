#include "ocr/page_locator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <string>
#include <thread>
#include <vector>

#include "models/form_definition.h"
#include "models/form_layout.h"
#include "ocr/form_printer.h"
#include "ocr/registered_page.h"
#include "tests/scangen/faults.h"
#include "tests/scangen/random.h"
#include "tests/scangen/scangen.h"

namespace adbridge::ocr {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kForms = std::filesystem::path(ADBRIDGE_SOURCE_DIR) / "models/forms";
const char* const kFormIds[] = {"juminhyo-request", "kyufukin-application",
                                "demand-bus-reservation"};

// How a test scan lay and was scanned: the scan generator's faults plus a quarter turn the
// test applies afterwards (the generator itself only turns pages 180°).
struct Lay {
  int dpi = 200;
  double rotation_deg = 0;
  double scale = 1;
  double offset_x_mm = 0, offset_y_mm = 0;
  double blur = 0, noise = 0;
  std::optional<int> jpeg_quality;
  bool turned_180 = false;
  int quarter_ccw = 0;  // 0, 1 (cv::ROTATE_90_COUNTERCLOCKWISE) or 3 (clockwise)
  scangen::StyleChoice style = scangen::StyleChoice::kPrinted;
};

struct TestScan {
  cv::Mat image;
  cv::Matx33d truth;  // form mm -> scan pixel, as the generator moved the page
};

// The transform the scan generator applied (tests/scangen/faults.cc): the page drawn at the
// scan's resolution (pixel i covering mm [i, i+1) / k), moved by the rotation/scale/offset
// matrix about the image centre, turned 180° by cv::rotate, then the test's quarter turn.
cv::Matx33d TruthTransform(const Lay& lay, double width_mm, double height_mm) {
  const int w = static_cast<int>(std::lround(width_mm * lay.dpi / 25.4));
  const int h = static_cast<int>(std::lround(height_mm * lay.dpi / 25.4));
  const double kx = w / width_mm, ky = h / height_mm;
  cv::Matx33d t(kx, 0, -0.5, 0, ky, -0.5, 0, 0, 1);
  const cv::Mat m =
      cv::getRotationMatrix2D(cv::Point2f(w / 2.0f, h / 2.0f), lay.rotation_deg, lay.scale);
  cv::Matx33d move(m.at<double>(0, 0), m.at<double>(0, 1),
                   m.at<double>(0, 2) + lay.offset_x_mm * lay.dpi / 25.4,  //
                   m.at<double>(1, 0), m.at<double>(1, 1),
                   m.at<double>(1, 2) + lay.offset_y_mm * lay.dpi / 25.4,  //
                   0, 0, 1);
  t = move * t;
  if (lay.turned_180) t = cv::Matx33d(-1, 0, w - 1, 0, -1, h - 1, 0, 0, 1) * t;
  if (lay.quarter_ccw == 1) t = cv::Matx33d(0, 1, 0, -1, 0, w - 1, 0, 0, 1) * t;
  if (lay.quarter_ccw == 3) t = cv::Matx33d(0, -1, h - 1, 1, 0, 0, 0, 0, 1) * t;
  return t;
}

cv::Point2d Map(const cv::Matx33d& h, double x, double y) {
  const cv::Vec3d p = h * cv::Vec3d(x, y, 1);
  return {p[0] / p[2], p[1] / p[2]};
}

// The largest distance, in mm on the page, between where `found` and `truth` put the corners
// of the page's field boxes (and choice option boxes): what decides whether a field is cut
// out correctly.
double WorstFieldErrorMm(const models::FormDefinition& form, int page, const cv::Matx33d& found,
                         const cv::Matx33d& truth, int dpi) {
  std::vector<models::BoxMm> boxes;
  for (const models::FieldDefinition& f : form.fields) {
    if (f.page != page) continue;
    if (f.box.has_value()) boxes.push_back(*f.box);
    for (const models::ChoiceOption& o : f.options) boxes.push_back(o.box);
  }
  double worst = 0;
  for (const models::BoxMm& b : boxes) {
    for (const cv::Point2d c :
         {cv::Point2d(b.x, b.y), cv::Point2d(b.x + b.width, b.y), cv::Point2d(b.x, b.y + b.height),
          cv::Point2d(b.x + b.width, b.y + b.height)}) {
      const cv::Point2d d = Map(found, c.x, c.y) - Map(truth, c.x, c.y);
      worst = std::max(worst, std::hypot(d.x, d.y) * 25.4 / dpi);
    }
  }
  return worst;
}

class PageLocatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<scangen::ScanGenerator> gen = scangen::ScanGenerator::Create();
    ASSERT_TRUE(gen.ok()) << gen.status().message(Lang::kEn);
    generator_ = new scangen::ScanGenerator(std::move(*gen));
    forms_ = new std::vector<models::FormDefinition>();
    for (const char* id : kFormIds) {
      Result<models::FormDefinition> form =
          models::LoadFormDefinition(kForms / (std::string(id) + ".json"));
      ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
      forms_->push_back(std::move(*form));
    }
    Result<PageLocator> locator = PageLocator::Create(References({0, 1, 2}));
    ASSERT_TRUE(locator.ok()) << locator.status().message(Lang::kEn);
    locator_ = new PageLocator(std::move(*locator));
  }
  static void TearDownTestSuite() {
    delete locator_;
    delete forms_;
    delete generator_;
  }

  // The bundled reference pages of the given forms (indexes into kFormIds).
  static std::vector<ReferencePage> References(const std::vector<int>& form_indexes) {
    std::vector<ReferencePage> refs;
    for (int fi : form_indexes) {
      const models::FormDefinition& form = (*forms_)[static_cast<std::size_t>(fi)];
      for (std::size_t p = 0; p < form.pages.size(); ++p) {
        ReferencePage r;
        r.form_id = form.id;
        r.form_version = form.version;
        r.page = static_cast<int>(p) + 1;
        r.width_mm = form.pages[p].width_mm;
        r.height_mm = form.pages[p].height_mm;
        r.image = cv::imread(form.pages[p].reference_path.string(), cv::IMREAD_GRAYSCALE);
        r.markers = form.pages[p].markers;
        refs.push_back(std::move(r));
      }
    }
    return refs;
  }

  // Index into locator_->references() of a form page.
  static int RefIndex(const std::string& form_id, int page) {
    const auto& refs = locator_->references();
    for (std::size_t i = 0; i < refs.size(); ++i) {
      if (refs[i].form_id == form_id && refs[i].page == page) return static_cast<int>(i);
    }
    return -1;
  }

  // Page `page` (1-based) of a filled-in form `form_index`, scanned as `lay` says; written on
  // `paper` (the form's pages at 300 dpi) when given, else on the bundled reference pages.
  static TestScan Scan(int form_index, int page, const Lay& lay, int seed = 1,
                       const std::vector<cv::Mat>* paper = nullptr) {
    const models::FormDefinition& form = (*forms_)[static_cast<std::size_t>(form_index)];
    scangen::FillOptions options;
    options.seed = static_cast<std::uint64_t>(seed);
    options.style = lay.style;
    scangen::Document doc = generator_->Plan(form, options, 0);
    doc.format = scangen::ImageFormat::kPng;
    doc.faults = {};
    doc.faults.dpi = lay.dpi;
    doc.faults.rotation_deg = lay.rotation_deg;
    doc.faults.scale = lay.scale;
    doc.faults.offset_x_mm = lay.offset_x_mm;
    doc.faults.offset_y_mm = lay.offset_y_mm;
    doc.faults.blur = lay.blur;
    doc.faults.noise = lay.noise;
    doc.faults.jpeg_quality = lay.jpeg_quality;
    doc.faults.turned_180 = lay.turned_180;
    Result<std::vector<cv::Mat>> pages =
        paper != nullptr ? generator_->RenderOn(doc, *paper, 300) : generator_->Render(doc);
    EXPECT_TRUE(pages.ok()) << pages.status().message(Lang::kEn);
    if (!pages.ok()) return {};
    TestScan s;
    s.image = (*pages)[static_cast<std::size_t>(page - 1)];
    if (lay.quarter_ccw == 1) cv::rotate(s.image, s.image, cv::ROTATE_90_COUNTERCLOCKWISE);
    if (lay.quarter_ccw == 3) cv::rotate(s.image, s.image, cv::ROTATE_90_CLOCKWISE);
    const models::PageDefinition& pd = form.pages[static_cast<std::size_t>(page - 1)];
    s.truth = TruthTransform(lay, pd.width_mm, pd.height_mm);
    return s;
  }

  // Locates a scan of form `form_index` page `page` and checks it is identified as that page,
  // turned as it lay, with every field box within 0.5 mm of where it really is.
  static PageLocation ExpectRegistered(int form_index, int page, const Lay& lay,
                                       int report_dpi = -1) {
    const models::FormDefinition& form = (*forms_)[static_cast<std::size_t>(form_index)];
    const TestScan scan = Scan(form_index, page, lay);
    Result<PageLocation> loc = locator_->Locate(scan.image, report_dpi < 0 ? lay.dpi : report_dpi);
    EXPECT_TRUE(loc.ok()) << loc.status().message(Lang::kEn);
    if (!loc.ok()) return {};
    EXPECT_EQ(loc->outcome, PageOutcome::kIdentified)
        << PageOutcomeName(loc->outcome) << ": " << loc->reason.en;
    EXPECT_EQ(loc->reference, RefIndex(form.id, page));
    if (loc->outcome != PageOutcome::kIdentified) return *loc;
    const int expected_turns = ((lay.turned_180 ? 2 : 0) + lay.quarter_ccw) % 4;
    EXPECT_EQ(loc->quarter_turns, expected_turns);
    EXPECT_NEAR(loc->skew_deg, lay.rotation_deg, 0.1);
    const double worst = WorstFieldErrorMm(form, page, loc->mm_to_scan, scan.truth, lay.dpi);
    EXPECT_LT(worst, 0.5) << "a field box corner is " << worst << " mm off";
    std::printf(
        "[ locate   ] %s p%d %d dpi: %s by %s, score %.0f vs %.0f, agreement %.2f, "
        "worst field corner %.3f mm\n",
        form.id.c_str(), page, lay.dpi, std::string(PageOutcomeName(loc->outcome)).c_str(),
        loc->method.c_str(), loc->score, loc->runner_up, loc->agreement, worst);
    return *loc;
  }

  static scangen::ScanGenerator* generator_;
  static std::vector<models::FormDefinition>* forms_;
  static PageLocator* locator_;
};

scangen::ScanGenerator* PageLocatorTest::generator_ = nullptr;
std::vector<models::FormDefinition>* PageLocatorTest::forms_ = nullptr;
PageLocator* PageLocatorTest::locator_ = nullptr;

constexpr int kJuminhyo = 0, kKyufukin = 1, kBus = 2;

TEST_F(PageLocatorTest, IdentifiesEveryBundledPagePrinted) {
  Lay lay;
  lay.rotation_deg = 0.7;
  lay.offset_x_mm = 1.2;
  EXPECT_EQ(ExpectRegistered(kJuminhyo, 1, lay).method, "features");
  EXPECT_EQ(ExpectRegistered(kKyufukin, 1, lay).method, "features");
  EXPECT_EQ(ExpectRegistered(kKyufukin, 2, lay).method, "features");
  EXPECT_EQ(ExpectRegistered(kBus, 1, lay).method, "aruco");
}

TEST_F(PageLocatorTest, IdentifiesEveryBundledPageHandwritten) {
  Lay lay;
  lay.style = scangen::StyleChoice::kHandwriting;
  lay.rotation_deg = -0.8;
  lay.offset_y_mm = -1.5;
  lay.noise = 6;
  ExpectRegistered(kJuminhyo, 1, lay);
  ExpectRegistered(kKyufukin, 1, lay);
  ExpectRegistered(kKyufukin, 2, lay);
  EXPECT_EQ(ExpectRegistered(kBus, 1, lay).method, "aruco");
}

// One way a page can lie on the glass or come out of the scanner.
struct FaultCase {
  const char* name;
  int form;
  int page;
  Lay lay;
  int report_dpi = -1;           // the dpi Locate is told; -1 tells the truth, 0 says unknown
  const char* method = nullptr;  // the method expected to find it, when it matters
};

class PageLocatorFaultTest : public PageLocatorTest,
                             public ::testing::WithParamInterface<FaultCase> {};

TEST_P(PageLocatorFaultTest, RegistersTheFieldsWithinHalfAMillimetre) {
  const FaultCase& c = GetParam();
  const PageLocation loc = ExpectRegistered(c.form, c.page, c.lay, c.report_dpi);
  if (c.method != nullptr) {
    EXPECT_EQ(loc.method, c.method);
  }
}

Lay L(int dpi) {
  Lay lay;
  lay.dpi = dpi;
  return lay;
}
Lay Rotated(int dpi, double deg) {
  Lay lay = L(dpi);
  lay.rotation_deg = deg;
  return lay;
}
Lay Shifted(int dpi, double dx, double dy, double scale) {
  Lay lay = L(dpi);
  lay.offset_x_mm = dx;
  lay.offset_y_mm = dy;
  lay.scale = scale;
  return lay;
}
Lay Degraded(int dpi, double blur, double noise, std::optional<int> jpeg) {
  Lay lay = L(dpi);
  lay.blur = blur;
  lay.noise = noise;
  lay.jpeg_quality = jpeg;
  lay.rotation_deg = 1.1;
  return lay;
}
Lay Turned(int dpi, bool half, int quarter, double deg) {
  Lay lay = Rotated(dpi, deg);
  lay.turned_180 = half;
  lay.quarter_ccw = quarter;
  lay.style = scangen::StyleChoice::kHandwriting;
  return lay;
}

INSTANTIATE_TEST_SUITE_P(
    Faults, PageLocatorFaultTest,
    ::testing::Values(
        FaultCase{"Rotated3DegreesAt200", kKyufukin, 1, Rotated(200, 3.0)},
        FaultCase{"RotatedMinus3DegreesAt300", kJuminhyo, 1, Rotated(300, -3.0)},
        FaultCase{"Shifted3mmAndEnlarged2PercentAt200", kKyufukin, 2, Shifted(200, 3, -3, 1.02)},
        FaultCase{"ShiftedMinus3mmAndShrunk2PercentAt150", kJuminhyo, 1, Shifted(150, -3, 3, 0.98)},
        FaultCase{"BlurredAndNoisyAt200", kKyufukin, 1, Degraded(200, 1.3, 12, std::nullopt)},
        FaultCase{"JpegQuality40At200", kJuminhyo, 1, Degraded(200, 0.6, 4, 40)},
        FaultCase{"Turned180At300", kKyufukin, 2, Turned(300, true, 0, 1.5)},
        FaultCase{"Turned90CounterClockwiseAt200", kJuminhyo, 1, Turned(200, false, 1, -1.0)},
        FaultCase{"Turned90ClockwiseAt150", kKyufukin, 1, Turned(150, false, 3, 2.0)},
        FaultCase{"MarkedFormTurned180At200", kBus, 1, Turned(200, true, 0, -0.8), -1, "aruco"},
        FaultCase{"MarkedFormTurned90At300", kBus, 1, Turned(300, false, 1, 0.6), -1, "aruco"},
        FaultCase{"MarkedFormAt400", kBus, 1, Rotated(400, 1.0), -1, "aruco"},
        // Turned 3°, the corner markers 5 mm from the edge leave the scanned area: features
        // take over.
        FaultCase{"MarkedFormWithMarkersCutOffFallsBackToFeatures", kBus, 1, Rotated(200, 3.0), -1,
                  "features"},
        FaultCase{"PlainFormAt400", kKyufukin, 2, Rotated(400, -2.5)},
        FaultCase{"UnknownResolutionAt300", kJuminhyo, 1, Rotated(300, 1.5), 0},
        FaultCase{"UnknownResolutionAt150", kKyufukin, 1, Shifted(150, 2, 2, 1.0), 0},
        FaultCase{"UnknownResolutionTurned90", kKyufukin, 2, Turned(200, false, 1, 0.5), 0}),
    [](const ::testing::TestParamInfo<FaultCase>& info) { return std::string(info.param.name); });

// A sheet scanned on a larger bed (A3) without cropping: the page lies somewhere inside.
TEST_F(PageLocatorTest, FindsAPageLyingInsideALargerScan) {
  const TestScan a4 = Scan(kKyufukin, 1, Rotated(200, 1.5));
  cv::Mat a3(3307, 2339, CV_8UC1, cv::Scalar(255));  // 297 x 420 mm at 200 dpi
  const cv::Point at(400, 650);
  a4.image.copyTo(a3(cv::Rect(at, a4.image.size())));
  Result<PageLocation> loc = locator_->Locate(a3, 200);
  ASSERT_TRUE(loc.ok());
  ASSERT_EQ(loc->outcome, PageOutcome::kIdentified) << loc->reason.en;
  EXPECT_EQ(loc->reference, RefIndex("kyufukin-application", 1));
  const cv::Matx33d truth = cv::Matx33d(1, 0, at.x, 0, 1, at.y, 0, 0, 1) * a4.truth;
  EXPECT_LT(WorstFieldErrorMm((*forms_)[kKyufukin], 1, loc->mm_to_scan, truth, 200), 0.5);
}

TEST_F(PageLocatorTest, OnlyFormRestrictsTheCandidates) {
  const TestScan scan = Scan(kJuminhyo, 1, Rotated(200, 1.0));
  Result<PageLocation> right = locator_->Locate(scan.image, 200, "juminhyo-request");
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right->outcome, PageOutcome::kIdentified);
  EXPECT_EQ(right->reference, RefIndex("juminhyo-request", 1));
  // The only candidate, so no runner-up.
  EXPECT_EQ(right->runner_up, 0);

  // The front desk said kyufukin: the juminhyo page must not be taken for it, nor for itself.
  Result<PageLocation> wrong = locator_->Locate(scan.image, 200, "kyufukin-application");
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->outcome, PageOutcome::kUnknown);
  EXPECT_THAT(wrong->reason.en, HasSubstr("kyufukin-application"));

  Result<PageLocation> unregistered = locator_->Locate(scan.image, 200, "tax-return");
  EXPECT_EQ(unregistered.status().code(), StatusCode::kNotFound);
}

// A blank sheet or the back of a page, with the scanner's noise, dust and a lid shadow.
TEST_F(PageLocatorTest, BlankPageWithScannerNoiseIsBlank) {
  const cv::Mat white(3508, 2480, CV_8UC1, cv::Scalar(255));
  scangen::Faults faults;
  faults.dpi = 200;
  faults.noise = 14;
  faults.blur = 0.8;
  faults.rotation_deg = 1.0;
  scangen::Random rng(5);
  cv::Mat page = scangen::ApplyFaults(white, 300, 210, 297, faults, true, rng);
  page.rowRange(0, 6).setTo(40);  // the lid's shadow along the top edge
  Result<PageLocation> loc = locator_->Locate(page, 200);
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->outcome, PageOutcome::kBlank) << PageOutcomeName(loc->outcome);
  EXPECT_FALSE(loc->reason.ja.empty());
  EXPECT_FALSE(loc->reason.en.empty());
}

TEST_F(PageLocatorTest, PageOfAFormNotRegisteredIsUnknown) {
  // A locator that knows only the bus form and the first page of kyufukin: the juminhyo
  // request and kyufukin's second page share their box layout and label column, not their
  // print.
  Result<PageLocator> partial = PageLocator::Create(References({2}));
  ASSERT_TRUE(partial.ok());
  std::vector<ReferencePage> refs = References({1, 2});
  refs.erase(refs.begin() + 1);  // kyufukin p2
  Result<PageLocator> without_p2 = PageLocator::Create(std::move(refs));
  ASSERT_TRUE(without_p2.ok());

  const TestScan juminhyo = Scan(kJuminhyo, 1, Rotated(200, 1.0));
  const TestScan kyufukin2 = Scan(kKyufukin, 2, Rotated(200, -1.0));
  for (const auto& [locator, scan, name] :
       {std::tuple{&*partial, &juminhyo, "juminhyo to bus only"},
        std::tuple{&*without_p2, &juminhyo, "juminhyo to kyufukin p1"},
        std::tuple{&*without_p2, &kyufukin2, "kyufukin p2 to kyufukin p1"}}) {
    SCOPED_TRACE(name);
    Result<PageLocation> loc = locator->Locate(scan->image, 200);
    ASSERT_TRUE(loc.ok());
    EXPECT_EQ(loc->outcome, PageOutcome::kUnknown)
        << PageOutcomeName(loc->outcome) << " " << loc->reason.en << " score " << loc->score;
    EXPECT_EQ(loc->reason.en, "matches no registered form");
    EXPECT_EQ(loc->reason.ja, "登録されたどの様式とも一致しません");
  }
}

// The bundled forms share their box layout, label column and (kyufukin's two pages) title: a
// locator that knows only one page must not take any other page for it.
TEST_F(PageLocatorTest, NoPageIsTakenForAnotherFormPage) {
  const std::vector<ReferencePage> all = References({0, 1, 2});
  std::vector<TestScan> scans;
  for (const ReferencePage& r : all) {
    const int form = r.form_id == "juminhyo-request"       ? kJuminhyo
                     : r.form_id == "kyufukin-application" ? kKyufukin
                                                           : kBus;
    Lay lay = Rotated(200, -1.3);
    lay.noise = 5;
    scans.push_back(Scan(form, r.page, lay));
  }
  for (std::size_t known = 0; known < all.size(); ++known) {
    Result<PageLocator> single = PageLocator::Create({all[known]});
    ASSERT_TRUE(single.ok());
    for (std::size_t shown = 0; shown < scans.size(); ++shown) {
      Result<PageLocation> loc = single->Locate(scans[shown].image, 200);
      ASSERT_TRUE(loc.ok());
      const PageOutcome expected =
          shown == known ? PageOutcome::kIdentified : PageOutcome::kUnknown;
      EXPECT_EQ(loc->outcome, expected)
          << "page " << shown << " shown to a locator of page " << known << ": "
          << PageOutcomeName(loc->outcome) << " " << loc->reason.en;
    }
  }
}

// Some other document at 200 dpi: paragraphs of text and a table, as a letter or an invoice.
cv::Mat OtherDocument() {
  cv::Mat page(2339, 1654, CV_8UC1, cv::Scalar(255));  // A4 at 200 dpi
  scangen::Random rng(11);
  const char* words[] = {"invoice", "total", "amount",  "payment", "due", "March",  "account",
                         "the",     "of",    "service", "2025",    "Ltd", "number", "office"};
  for (int line = 0; line < 30; ++line) {
    std::string text;
    while (text.size() < 60) text += std::string(words[rng.Int(0, 13)]) + " ";
    cv::putText(page, text, {150, 200 + line * 38}, cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(0), 2,
                cv::LINE_AA);
  }
  for (int r = 0; r <= 8; ++r) cv::line(page, {150, 1450 + r * 80}, {1500, 1450 + r * 80}, 0, 3);
  for (int c = 0; c <= 4; ++c) cv::line(page, {150 + c * 337, 1450}, {150 + c * 337, 2090}, 0, 3);
  for (int r = 0; r < 8; ++r) {
    for (int c = 0; c < 4; ++c) {
      cv::putText(page, std::to_string(rng.Int(100, 99999)), {175 + c * 337, 1505 + r * 80},
                  cv::FONT_HERSHEY_SIMPLEX, 1.1, cv::Scalar(0), 2, cv::LINE_AA);
    }
  }
  return page;
}

TEST_F(PageLocatorTest, OtherDocumentIsUnknown) {
  const cv::Mat page = OtherDocument();
  Result<PageLocation> loc = locator_->Locate(page, 200);
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->outcome, PageOutcome::kUnknown) << PageOutcomeName(loc->outcome);
  EXPECT_EQ(loc->reference, -1);
}

TEST_F(PageLocatorTest, TwoIdenticalReferencesAreAmbiguous) {
  std::vector<ReferencePage> refs = References({0});
  refs.push_back(refs.front());
  refs.back().form_id = "juminhyo-request-copy";
  Result<PageLocator> twins = PageLocator::Create(std::move(refs));
  ASSERT_TRUE(twins.ok());
  Result<PageLocation> loc = twins->Locate(Scan(kJuminhyo, 1, Rotated(200, 0.5)).image, 200);
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->outcome, PageOutcome::kAmbiguous) << PageOutcomeName(loc->outcome);
  EXPECT_THAT(loc->reason.en, HasSubstr("juminhyo-request-copy"));
  EXPECT_GT(loc->score, 0);
  EXPECT_EQ(loc->score, loc->runner_up);
}

// A page whose lower two-thirds is gone (torn off, or covered by a white sheet) is still
// recognisably the form from its title and first rows, so the staff are told which form it is
// and that it cannot be read: kUnregistrable, not kUnknown, which would send them looking for
// a form that is not registered.
TEST_F(PageLocatorTest, PageWithItsLowerTwoThirdsMissingIsUnregistrable) {
  TestScan scan = Scan(kKyufukin, 1, Rotated(200, 1.0));
  scan.image.rowRange(scan.image.rows / 3, scan.image.rows).setTo(255);
  Result<PageLocation> loc = locator_->Locate(scan.image, 200);
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->outcome, PageOutcome::kUnregistrable)
      << PageOutcomeName(loc->outcome) << " " << loc->reason.en;
  EXPECT_EQ(loc->reference, RefIndex("kyufukin-application", 1));
  EXPECT_THAT(loc->reason.en, HasSubstr("kyufukin-application"));
  EXPECT_THAT(loc->reason.ja, HasSubstr("kyufukin-application"));
}

// A page photocopied at 80 %: the form is all there, but its fields are not where the
// definition says at this resolution, so it cannot be cut up blindly.
TEST_F(PageLocatorTest, PageReducedTo80PercentIsUnregistrable) {
  const TestScan scan = Scan(kJuminhyo, 1, Shifted(200, 0, 0, 0.8));
  Result<PageLocation> loc = locator_->Locate(scan.image, 200);
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->outcome, PageOutcome::kUnregistrable)
      << PageOutcomeName(loc->outcome) << " " << loc->reason.en;
  EXPECT_EQ(loc->reference, RefIndex("juminhyo-request", 1));
  EXPECT_THAT(loc->reason.en, HasSubstr("scale 0.80"));
}

// A page photographed at an angle rather than scanned flat: its far edge 10 % shorter than the
// near one. Fields would be cut out of a trapezoid, so it goes back to be scanned.
TEST_F(PageLocatorTest, PageSeenInPerspectiveIsUnregistrable) {
  const TestScan scan = Scan(kKyufukin, 2, L(200));
  const float w = static_cast<float>(scan.image.cols), h = static_cast<float>(scan.image.rows);
  const cv::Point2f from[4] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  const cv::Point2f to[4] = {{0.05f * w, 0}, {0.95f * w, 0}, {w, h}, {0, h}};
  cv::Mat photo;
  cv::warpPerspective(scan.image, photo, cv::getPerspectiveTransform(from, to), scan.image.size(),
                      cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(255));
  Result<PageLocation> loc = locator_->Locate(photo, 200);
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->outcome, PageOutcome::kUnregistrable)
      << PageOutcomeName(loc->outcome) << " " << loc->reason.en;
  EXPECT_EQ(loc->reference, RefIndex("kyufukin-application", 2));
}

// Pastes a QR code of `payload` with its quiet zone onto the page's top-left corner, `side_mm`
// wide, where adbridge's own printed forms carry it.
void DrawQr(cv::Mat& page, int dpi, const std::string& payload, double side_mm) {
  cv::Ptr<cv::QRCodeEncoder> encoder = cv::QRCodeEncoder::create();
  cv::Mat code;
  encoder->encode(payload, code);
  ASSERT_FALSE(code.empty());
  const int side = static_cast<int>(std::lround(side_mm * dpi / 25.4));
  cv::Mat big;
  cv::resize(code, big, {side, side}, 0, 0, cv::INTER_NEAREST);
  const int at = static_cast<int>(std::lround(4.0 * dpi / 25.4));
  page(cv::Rect(at - 8, at - 8, side + 16, side + 16)).setTo(255);
  big.copyTo(page(cv::Rect(at, at, side, side)));
}

TEST_F(PageLocatorTest, QrCodeNamesThePage) {
  TestScan scan = Scan(kKyufukin, 2, L(200));
  DrawQr(scan.image, 200, QrPayload("kyufukin-application", 1, 2), 18);
  Result<PageLocation> loc = locator_->Locate(scan.image, 200);
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->outcome, PageOutcome::kIdentified) << loc->reason.en;
  EXPECT_EQ(loc->method, "qr");
  EXPECT_FALSE(loc->printed) << "this locator holds no print of the page to match against";
  EXPECT_EQ(loc->reference, RefIndex("kyufukin-application", 2));
  EXPECT_LT(WorstFieldErrorMm((*forms_)[kKyufukin], 2, loc->mm_to_scan, scan.truth, 200), 0.5);
}

// adbridge's own print of each bundled page (adbridge forms render), filled in and scanned
// skewed, shifted and noisy, one of them upside down: its QR code names the page, and it is
// registered against the print rather than the bundled reference, whose instructions, notes
// and office-use panel the print does not carry.
TEST_F(PageLocatorTest, PrintedPageIsNamedByItsQrCodeAndRegisteredAgainstThePrint) {
  Result<FormPrinter> printer = FormPrinter::Create();
  ASSERT_TRUE(printer.ok()) << printer.status().message(Lang::kEn);
  std::vector<std::vector<cv::Mat>> prints;  // per form, its pages as printed at 300 dpi
  for (const models::FormDefinition& form : *forms_) {
    Result<std::vector<models::PageLayout>> layouts = printer->Layouts(form);
    ASSERT_TRUE(layouts.ok()) << layouts.status().message(Lang::kEn);
    prints.emplace_back();
    for (const models::PageLayout& layout : *layouts) {
      prints.back().push_back(printer->Draw(layout, 300));
    }
  }
  std::vector<ReferencePage> refs = References({0, 1, 2});
  for (ReferencePage& r : refs) {
    for (std::size_t f = 0; f < forms_->size(); ++f) {
      if ((*forms_)[f].id == r.form_id) r.printed = prints[f][static_cast<std::size_t>(r.page - 1)];
    }
  }
  Result<PageLocator> locator = PageLocator::Create(refs);
  ASSERT_TRUE(locator.ok()) << locator.status().message(Lang::kEn);

  int seed = 70;
  for (int form = 0; form < static_cast<int>(forms_->size()); ++form) {
    const models::FormDefinition& definition = (*forms_)[static_cast<std::size_t>(form)];
    for (int page = 1; page <= static_cast<int>(definition.pages.size()); ++page) {
      Lay lay = Degraded(200, 0.5, 4, std::nullopt);
      lay.offset_x_mm = 1.5;
      lay.offset_y_mm = -1.0;
      lay.turned_180 = seed == 71;
      lay.style =
          seed % 2 == 0 ? scangen::StyleChoice::kHandwriting : scangen::StyleChoice::kPrinted;
      const TestScan scan = Scan(form, page, lay, seed++, &prints[static_cast<std::size_t>(form)]);
      Result<PageLocation> loc = locator->Locate(scan.image, lay.dpi);
      ASSERT_TRUE(loc.ok()) << loc.status().message(Lang::kEn);
      EXPECT_EQ(loc->outcome, PageOutcome::kIdentified)
          << definition.id << " p" << page << ": " << loc->reason.en;
      EXPECT_EQ(loc->method, "qr") << definition.id << " p" << page;
      EXPECT_TRUE(loc->printed) << definition.id << " p" << page;
      EXPECT_EQ(loc->reference, RefIndex(definition.id, page));
      EXPECT_EQ(loc->quarter_turns, lay.turned_180 ? 2 : 0);
      const double worst = WorstFieldErrorMm(definition, page, loc->mm_to_scan, scan.truth, 200);
      EXPECT_LT(worst, 0.5) << definition.id << " p" << page;
      std::printf("[ printed  ] %s p%d: %s by %s, agreement %.3f, worst field corner %.3f mm\n",
                  definition.id.c_str(), page, std::string(PageOutcomeName(loc->outcome)).c_str(),
                  loc->method.c_str(), loc->agreement, worst);
    }
  }
}

TEST_F(PageLocatorTest, QrCodeIsFoundOnAPageFedUpsideDown) {
  TestScan scan = Scan(kJuminhyo, 1, L(200));
  DrawQr(scan.image, 200, QrPayload("juminhyo-request", 1, 1), 18);
  cv::rotate(scan.image, scan.image, cv::ROTATE_180);
  const cv::Matx33d turn(-1, 0, scan.image.cols - 1, 0, -1, scan.image.rows - 1, 0, 0, 1);
  Result<PageLocation> loc = locator_->Locate(scan.image, 200);
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->outcome, PageOutcome::kIdentified) << loc->reason.en;
  EXPECT_EQ(loc->method, "qr");
  EXPECT_EQ(loc->reference, RefIndex("juminhyo-request", 1));
  EXPECT_EQ(loc->quarter_turns, 2);
  EXPECT_LT(WorstFieldErrorMm((*forms_)[kJuminhyo], 1, loc->mm_to_scan, turn * scan.truth, 200),
            0.5);
}

TEST_F(PageLocatorTest, QrCodeOfAnUnregisteredFormIsUnknownAndNamesIt) {
  TestScan scan = Scan(kJuminhyo, 1, L(300));
  DrawQr(scan.image, 300, QrPayload("inkan-registration", 2, 1), 18);
  Result<PageLocation> loc = locator_->Locate(scan.image, 300);
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->outcome, PageOutcome::kUnknown);
  EXPECT_EQ(loc->method, "qr");
  EXPECT_THAT(loc->reason.en, HasSubstr("inkan-registration"));
  EXPECT_THAT(loc->reason.ja, HasSubstr("inkan-registration"));
}

TEST(QrPayloadTest, RoundTripsAndRejectsOtherPayloads) {
  EXPECT_EQ(QrPayload("juminhyo-request", 1, 2), "adbridge-form:juminhyo-request:1:2");
  std::optional<QrForm> f = ParseQrPayload("adbridge-form:a:b:3:4");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->form_id, "a:b");
  EXPECT_EQ(f->version, 3);
  EXPECT_EQ(f->page, 4);
  EXPECT_FALSE(ParseQrPayload("https://example.jp/").has_value());
  EXPECT_FALSE(ParseQrPayload("adbridge-form:x:1").has_value());
  EXPECT_FALSE(ParseQrPayload("adbridge-form:x:1:0").has_value());
  EXPECT_FALSE(ParseQrPayload("adbridge-form:x:1:2a").has_value());
  EXPECT_EQ(PageOutcomeName(PageOutcome::kUnregistrable), "unregistrable");
}

TEST_F(PageLocatorTest, RejectsAnEmptyOrColourScan) {
  Result<PageLocation> empty = locator_->Locate(cv::Mat(), 200);
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  Result<PageLocation> colour = locator_->Locate(cv::Mat(100, 100, CV_8UC3), 200);
  EXPECT_EQ(colour.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(colour.status().message(Lang::kJa).empty());
  Result<PageLocation> silly_dpi = locator_->Locate(cv::Mat(100, 100, CV_8UC1), 7);
  EXPECT_EQ(silly_dpi.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PageLocatorTest, RejectsUnusableReferences) {
  EXPECT_EQ(PageLocator::Create({}).status().code(), StatusCode::kInvalidArgument);
  std::vector<ReferencePage> refs = References({0});
  refs[0].image = cv::Mat();
  EXPECT_EQ(PageLocator::Create(refs).status().code(), StatusCode::kInvalidArgument);
  refs = References({0});
  refs[0].image = cv::Mat(3508, 2480, CV_8UC1, cv::Scalar(255));  // nothing printed
  EXPECT_EQ(PageLocator::Create(refs).status().code(), StatusCode::kInvalidArgument);
  refs = References({2});
  refs[0].markers->dictionary = "DICT_9X9_1";
  EXPECT_EQ(PageLocator::Create(refs).status().code(), StatusCode::kInvalidArgument);
}

// Worker threads share one locator.
TEST_F(PageLocatorTest, SeveralThreadsLocateAtOnce) {
  const std::vector<TestScan> scans = {Scan(kJuminhyo, 1, Rotated(200, 1)),
                                       Scan(kKyufukin, 2, Rotated(200, -1)),
                                       Scan(kBus, 1, Rotated(200, 2))};
  const std::vector<int> expected = {RefIndex("juminhyo-request", 1),
                                     RefIndex("kyufukin-application", 2),
                                     RefIndex("demand-bus-reservation", 1)};
  std::vector<int> found(scans.size() * 2, -2);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < scans.size(); ++i) {
        Result<PageLocation> loc = locator_->Locate(scans[i].image, 200);
        found[t * scans.size() + i] = loc.ok() ? loc->reference : -3;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (std::size_t i = 0; i < found.size(); ++i) EXPECT_EQ(found[i], expected[i % 3]);
}

// Prints how long Locate takes per page with all four bundled references; the pipeline's
// budget is well under 150 ms. Printed, not asserted: timings depend on the machine. Measured
// with OpenCV on one thread, as each worker of the pipeline runs (one per core), and with
// OpenCV's default threads.
TEST_F(PageLocatorTest, ReportsLocateTimePerPage) {
  const auto time_ms = [](const cv::Mat& page, int dpi, int rounds, PageOutcome expected) {
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < rounds; ++r) {
      Result<PageLocation> loc = locator_->Locate(page, dpi);
      EXPECT_TRUE(loc.ok());
      if (loc.ok()) {
        EXPECT_EQ(loc->outcome, expected) << loc->reason.en;
      }
    }
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
               .count() /
           rounds;
  };
  const int default_threads = cv::getNumThreads();
  for (int dpi : {200, 300}) {
    std::vector<cv::Mat> pages;
    for (const auto& [form, page] : {std::pair{kJuminhyo, 1}, std::pair{kKyufukin, 1},
                                     std::pair{kKyufukin, 2}, std::pair{kBus, 1}}) {
      Lay lay = Rotated(dpi, 1.2);
      lay.noise = 6;
      pages.push_back(Scan(form, page, lay).image);
    }
    for (int threads : {1, default_threads}) {
      cv::setNumThreads(threads);
      double total = 0, worst = 0;
      for (const cv::Mat& page : pages) {
        const double ms = time_ms(page, dpi, 2, PageOutcome::kIdentified);
        total += ms;
        worst = std::max(worst, ms);
      }
      std::printf(
          "[ timing   ] Locate at %d dpi, 4 references, %d OpenCV thread(s): %.1f ms per "
          "page (slowest page %.1f ms)\n",
          dpi, threads, total / static_cast<double>(pages.size()), worst);
    }
  }
  cv::setNumThreads(1);
  const cv::Mat blank(2339, 1654, CV_8UC1, cv::Scalar(255));
  std::printf(
      "[ timing   ] Locate, 1 OpenCV thread: blank page %.1f ms, unknown document %.1f ms\n",
      time_ms(blank, 200, 3, PageOutcome::kBlank),
      time_ms(OtherDocument(), 200, 3, PageOutcome::kUnknown));
  cv::setNumThreads(default_threads);
}

}  // namespace
}  // namespace adbridge::ocr
