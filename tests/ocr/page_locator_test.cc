#include "ocr/page_locator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "models/form_definition.h"
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
  const cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(w / 2.0f, h / 2.0f), lay.rotation_deg,
                                            lay.scale);
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
double WorstFieldErrorMm(const models::FormDefinition& form, int page,
                         const cv::Matx33d& found, const cv::Matx33d& truth, int dpi) {
  std::vector<models::BoxMm> boxes;
  for (const models::FieldDefinition& f : form.fields) {
    if (f.page != page) continue;
    if (f.box.has_value()) boxes.push_back(*f.box);
    for (const models::ChoiceOption& o : f.options) boxes.push_back(o.box);
  }
  double worst = 0;
  for (const models::BoxMm& b : boxes) {
    for (const cv::Point2d c : {cv::Point2d(b.x, b.y), cv::Point2d(b.x + b.width, b.y),
                                cv::Point2d(b.x, b.y + b.height),
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

  // Page `page` (1-based) of a filled-in form `form_index`, scanned as `lay` says.
  static TestScan Scan(int form_index, int page, const Lay& lay, int seed = 1) {
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
    Result<std::vector<cv::Mat>> pages = generator_->Render(doc);
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
    Result<PageLocation> loc =
        locator_->Locate(scan.image, report_dpi < 0 ? lay.dpi : report_dpi);
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
    std::printf("[ locate   ] %s p%d %d dpi: %s by %s, score %.0f vs %.0f, agreement %.2f, "
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

}  // namespace
}  // namespace adbridge::ocr
