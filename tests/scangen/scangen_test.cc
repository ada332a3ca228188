#include "tests/scangen/scangen.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/aruco.hpp>
#include <opencv2/imgproc.hpp>

#include "models/field_types.h"
#include "models/form_definition.h"
#include "tests/scangen/blank_form.h"
#include "tests/scangen/utf8_chars.h"
#include "tests/scangen/value_tables.h"
#include "tests/scangen/values.h"

namespace adbridge::scangen {
namespace {

namespace fs = std::filesystem;
using models::FieldDefinition;
using models::FieldType;
using models::FormDefinition;
using Json = nlohmann::json;

const fs::path kFormsDir = fs::path(ADBRIDGE_SOURCE_DIR) / "models" / "forms";
const fs::path kScangen = fs::path(ADBRIDGE_BINARY_DIR) / "tests" / "scangen" / "adbridge-scangen";
const char* const kFormNames[] = {"juminhyo-request", "kyufukin-application",
                                  "demand-bus-reservation"};

int PagePixels(double mm, int dpi) { return static_cast<int>(std::lround(mm * dpi / 25.4)); }

std::string ReadBytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<Json> ReadTruth(const fs::path& dir) {
  std::vector<Json> lines;
  std::ifstream in(dir / "truth.jsonl");
  std::string line;
  while (std::getline(in, line)) lines.push_back(Json::parse(line));
  return lines;
}

bool IsCalendarDate(const std::string& iso) {
  static const std::regex kIso(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  std::smatch m;
  if (!std::regex_match(iso, m, kIso)) return false;
  const std::chrono::year_month_day ymd{std::chrono::year(std::stoi(m[1])),
                                        std::chrono::month(static_cast<unsigned>(std::stoi(m[2]))),
                                        std::chrono::day(static_cast<unsigned>(std::stoi(m[3])))};
  return ymd.ok();
}

// Full-width katakana (and ー) words separated by single spaces.
bool IsKatakanaWords(const std::string& text) {
  bool after_space = true;
  for (const std::string& c : SplitUtf8Chars(text)) {
    const char32_t cp = CodePoint(c);
    if (cp == U' ') {
      if (after_space) return false;
      after_space = true;
    } else if ((cp >= U'ァ' && cp <= U'ヶ') || cp == U'ー') {
      after_space = false;
    } else {
      return false;
    }
  }
  return !after_space;
}

// Checks a normalised value against its field's type and rules (the spec's Types table);
// returns what is wrong, or "" when it is valid.
std::string ProblemWith(const FieldDefinition& f, const std::string& v) {
  if (v.empty()) {
    if (f.type == FieldType::kCheckbox) return "a checkbox is true or false, never empty";
    return f.required ? "required but empty" : "";
  }
  switch (f.type) {
    case FieldType::kText:
      if (v.front() == ' ' || v.back() == ' ' || v.find("  ") != std::string::npos) return "untrimmed";
      break;
    case FieldType::kKana:
      if (!IsKatakanaWords(v)) return "not full-width katakana words";
      break;
    case FieldType::kDigits:
      if (!std::regex_match(v, std::regex("^[0-9]+$"))) return "not ASCII digits";
      if (f.length && static_cast<int>(v.size()) != *f.length) return "wrong length";
      if (f.check == models::CheckRule::kMyNumber && !IsValidMyNumberDigits(v)) return "bad check digit";
      break;
    case FieldType::kInteger: {
      if (!std::regex_match(v, std::regex("^-?[0-9]+$"))) return "not a decimal integer";
      const long long n = std::stoll(v);
      if ((f.min && n < *f.min) || (f.max && n > *f.max)) return "out of bounds";
      break;
    }
    case FieldType::kDate:
      if (!IsCalendarDate(v)) return "not an ISO calendar date";
      break;
    case FieldType::kPostalCode:
      if (!std::regex_match(v, std::regex(R"(^\d{3}-\d{4}$)"))) return "not NNN-NNNN";
      break;
    case FieldType::kPhone:
      if (!std::regex_match(v, std::regex(R"(^0\d{9,10}$)"))) return "not 10 or 11 digits from 0";
      break;
    case FieldType::kCheckbox:
      if (v != "true" && v != "false") return "not true/false";
      break;
    case FieldType::kChoice: {
      bool known = false;
      for (const auto& o : f.options) known = known || o.value == v;
      if (!known) return "not one of the options";
      break;
    }
  }
  if (f.pattern && !std::regex_search(v, std::regex(*f.pattern))) return "does not match pattern";
  return "";
}

class ScangenTest : public ::testing::Test {
 protected:
  ScangenTest() {
    dir_ = fs::temp_directory_path() /
           ("scangen_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const char* name : kFormNames) {
      Result<FormDefinition> form = models::LoadFormDefinition(kFormsDir / (std::string(name) + ".json"));
      EXPECT_TRUE(form.ok()) << name << ": " << form.status().message(Lang::kEn);
      if (form.ok()) forms_.push_back(std::move(*form));
    }
  }
  ~ScangenTest() override { fs::remove_all(dir_); }

  const FormDefinition& Form(std::string_view id) const {
    for (const FormDefinition& f : forms_) {
      if (f.id == id) return f;
    }
    throw std::runtime_error("no form " + std::string(id));
  }

  ScanGenerator& Generator() {
    if (!generator_) {
      Result<ScanGenerator> g = ScanGenerator::Create();
      if (!g.ok()) throw std::runtime_error(g.status().message(Lang::kEn));
      generator_.emplace(std::move(*g));
    }
    return *generator_;
  }

  // Runs the command line; returns its exit status.
  int Run(const std::string& args) {
    const std::string command = kScangen.string() + " " + args + " >" + (dir_ / "out.txt").string() +
                                " 2>" + (dir_ / "err.txt").string();
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string FormPath(std::string_view id) const {
    return (kFormsDir / (std::string(id) + ".json")).string();
  }

  fs::path dir_;
  std::vector<FormDefinition> forms_;
  std::optional<ScanGenerator> generator_;
};

TEST_F(ScangenTest, EveryBundledFormLoadsThroughTheFormDefinitionParser) {
  ASSERT_EQ(forms_.size(), 3u);
  EXPECT_EQ(Form("kyufukin-application").pages.size(), 2u);
  for (const FormDefinition& form : forms_) {
    for (const auto& page : form.pages) {
      EXPECT_DOUBLE_EQ(page.width_mm, 210);
      EXPECT_DOUBLE_EQ(page.height_mm, 297);
    }
  }
}

TEST_F(ScangenTest, ReferenceImagesAreAt300DpiWithThePixelSizeOfTheirPage) {
  for (const FormDefinition& form : forms_) {
    for (const auto& page : form.pages) {
      Result<std::vector<ScanPage>> image = ReadImage(page.reference_path);
      ASSERT_TRUE(image.ok()) << page.reference_path;
      ASSERT_EQ(image->size(), 1u);
      const ScanPage& p = image->front();
      EXPECT_EQ(p.xres, 300) << page.reference_path;
      EXPECT_EQ(p.yres, 300) << page.reference_path;
      EXPECT_NEAR(p.grey.cols, PagePixels(page.width_mm, 300), 2) << page.reference_path;
      EXPECT_NEAR(p.grey.rows, PagePixels(page.height_mm, 300), 2) << page.reference_path;
      EXPECT_LT(fs::file_size(page.reference_path), 300u * 1024) << page.reference_path;
    }
  }
}

TEST_F(ScangenTest, CommittedReferenceImagesAreWhatTheDefinitionsDrawToday) {
  for (const FormDefinition& form : forms_) {
    for (int p = 0; p < static_cast<int>(form.pages.size()); ++p) {
      Result<cv::Mat> drawn = DrawBlankPage(form, p, 300, Generator().fonts());
      ASSERT_TRUE(drawn.ok());
      Result<std::vector<ScanPage>> committed = ReadImage(form.pages[p].reference_path);
      ASSERT_TRUE(committed.ok());
      ASSERT_EQ(drawn->size(), committed->front().grey.size());
      cv::Mat diff;
      cv::absdiff(*drawn, committed->front().grey, diff);
      EXPECT_LT(cv::mean(diff)[0], 0.5)
          << form.pages[p].reference << " is stale: run adbridge-scangen blank " << form.id << ".json";
    }
  }
}

TEST_F(ScangenTest, EveryFieldTypeAndKeyAppearsAcrossTheBundledForms) {
  std::set<FieldType> types;
  bool comb = false, double_entry = false, sensitive = false, on_site_only = false, check = false,
       bounds = false, length = false, pattern = false, confidence = false, lang = false;
  for (const FormDefinition& form : forms_) {
    confidence = confidence || form.accept_confidence.has_value();
    for (const FieldDefinition& f : form.fields) {
      types.insert(f.type);
      comb = comb || f.comb.has_value();
      double_entry = double_entry || f.double_entry;
      sensitive = sensitive || f.sensitive;
      on_site_only = on_site_only || f.on_site_only;
      check = check || f.check == models::CheckRule::kMyNumber;
      bounds = bounds || (f.min.has_value() && f.max.has_value());
      length = length || f.length.has_value();
      pattern = pattern || f.pattern.has_value();
      confidence = confidence || f.accept_confidence.has_value();
      lang = lang || f.lang != "jpn";
    }
  }
  EXPECT_EQ(types.size(), 9u);
  EXPECT_TRUE(comb && double_entry && sensitive && on_site_only && check && bounds && length &&
              pattern && confidence && lang);
}

TEST_F(ScangenTest, BusFormReferenceCarriesItsFourArucoMarkersInTheCorners) {
  const FormDefinition& bus = Form("demand-bus-reservation");
  ASSERT_TRUE(bus.pages[0].markers.has_value());
  Result<std::vector<ScanPage>> image = ReadImage(bus.pages[0].reference_path);
  ASSERT_TRUE(image.ok());
  std::vector<int> ids;
  std::vector<std::vector<cv::Point2f>> corners;
  cv::aruco::detectMarkers(image->front().grey,
                           cv::aruco::getPredefinedDictionary(cv::aruco::DICT_4X4_50), corners, ids);
  std::vector<int> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<int>{0, 1, 2, 3}));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    // Each marker is found where the definition says it is printed.
    const models::BoxMm& box = bus.pages[0].markers->items[static_cast<std::size_t>(ids[i])].box;
    cv::Point2f centre(0, 0);
    for (const cv::Point2f& corner : corners[i]) centre += corner / 4;
    EXPECT_NEAR(centre.x, (box.x + box.width / 2) * 300 / 25.4, 3) << "marker " << ids[i];
    EXPECT_NEAR(centre.y, (box.y + box.height / 2) * 300 / 25.4, 3) << "marker " << ids[i];
  }
}

TEST_F(ScangenTest, ScansHaveTheRequestedDpiAndThePixelSizeOfThePage) {
  ASSERT_EQ(Run("fill " + FormPath("juminhyo-request") + " " + FormPath("demand-bus-reservation") +
                " --count 2 --dpi 200 --format png --out " + dir_.string()),
            0);
  for (const char* file : {"0001-juminhyo-request.png", "0002-demand-bus-reservation.png"}) {
    Result<std::vector<ScanPage>> image = ReadImage(dir_ / file);
    ASSERT_TRUE(image.ok()) << file;
    EXPECT_EQ(image->front().xres, 200);
    EXPECT_EQ(image->front().grey.cols, PagePixels(210, 200));
    EXPECT_EQ(image->front().grey.rows, PagePixels(297, 200));
  }
}

TEST_F(ScangenTest, ADpiRangeGivesEachScanItsOwnResolutionWithinTheRange) {
  ASSERT_EQ(Run("fill " + FormPath("demand-bus-reservation") + " --count 4 --dpi 150-400 --format jpeg --seed 3 --out " +
                dir_.string()),
            0);
  std::set<int> seen;
  for (const Json& line : ReadTruth(dir_)) {
    const int dpi = line["dpi"];
    EXPECT_GE(dpi, 150);
    EXPECT_LE(dpi, 400);
    seen.insert(dpi);
    Result<std::vector<ScanPage>> image = ReadImage(dir_ / line["file"].get<std::string>());
    ASSERT_TRUE(image.ok());
    EXPECT_EQ(image->front().xres, dpi);
    EXPECT_EQ(image->front().grey.cols, PagePixels(210, dpi));
    EXPECT_EQ(line["faults"]["jpeg_quality"], kDefaultJpegQuality);
  }
  EXPECT_GT(seen.size(), 1u);
}

TEST_F(ScangenTest, ATwoPageFormIsOneTiffWithBothPagesWhateverFormatIsAsked) {
  ASSERT_EQ(Run("fill " + FormPath("kyufukin-application") + " --count 1 --format png --dpi 150 --out " +
                dir_.string()),
            0);
  const fs::path file = dir_ / "0001-kyufukin-application.tif";
  ASSERT_TRUE(fs::exists(file));
  Result<std::vector<ScanPage>> pages = ReadImage(file);
  ASSERT_TRUE(pages.ok());
  ASSERT_EQ(pages->size(), 2u);
  for (const ScanPage& p : *pages) EXPECT_EQ(p.xres, 150);
  EXPECT_EQ(ReadTruth(dir_).front()["pages"], 2);
}

TEST_F(ScangenTest, TruthHasOneLinePerFileWithAValidNormalisedValueForEveryField) {
  ASSERT_EQ(Run("fill " + FormPath("juminhyo-request") + " " + FormPath("kyufukin-application") +
                " " + FormPath("demand-bus-reservation") +
                " --count 9 --format mixed --dpi 150 --rotate-max 2 --noise 4 --seed 11 --out " +
                dir_.string()),
            0);
  const std::vector<Json> truth = ReadTruth(dir_);
  ASSERT_EQ(truth.size(), 9u);
  std::set<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".png" || ext == ".jpg" || ext == ".tif") files.insert(entry.path().filename().string());
  }
  EXPECT_EQ(files.size(), 9u);
  for (const Json& line : truth) {
    EXPECT_TRUE(files.count(line["file"].get<std::string>())) << line["file"];
    const FormDefinition& form = Form(line["form"].get<std::string>());
    EXPECT_EQ(line["version"], form.version);
    EXPECT_LE(std::abs(line["faults"]["rotation_deg"].get<double>()), 2.0);
    for (const FieldDefinition& f : form.fields) {
      ASSERT_TRUE(line["fields"].contains(f.name)) << line["file"] << " lacks " << f.name;
      ASSERT_TRUE(line["written"].contains(f.name)) << line["file"] << " lacks " << f.name;
      const std::string value = line["fields"][f.name];
      EXPECT_EQ(ProblemWith(f, value), "") << line["file"] << " " << f.name << " = " << value;
    }
  }
}

TEST_F(ScangenTest, WhatIsWrittenOnThePaperNormalisesToTheTruthByTheFieldRules) {
  // The accuracy benchmarks compare OCR readings with the truth, so the truth must be exactly
  // what adbridge's own normalisers make of the written text.
  int compared = 0;
  for (const FormDefinition& form : forms_) {
    for (StyleChoice style : {StyleChoice::kPrinted, StyleChoice::kHandwriting}) {
      FillOptions options;
      options.style = style;
      for (int i = 0; i < 40; ++i) {
        const Document doc = Generator().Plan(form, options, 1000 + i);
        for (const FieldValue& v : doc.values) {
          const FieldDefinition* f = form.FindField(v.name);
          ASSERT_NE(f, nullptr) << v.name;
          std::string written = v.written;
          if (f->type == FieldType::kChoice) {
            // The resident marks the option's label; the value is what the option stands for.
            for (const auto& option : f->options) {
              if (option.label == v.written) written = option.value;
            }
          }
          // Normalise, not validate: a resident may leave a required consent box unticked.
          Result<std::string> normalized = models::Normalize(f->type, written);
          ASSERT_TRUE(normalized.ok()) << form.id << "." << v.name << " \"" << v.written
                                       << "\": " << normalized.status().message(Lang::kEn);
          EXPECT_EQ(*normalized, v.normalized) << form.id << "." << v.name << " \"" << v.written
                                               << "\"";
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(compared, 3000);
}

TEST_F(ScangenTest, TheReadingInTheKanaFieldIsTheReadingOfTheWrittenName) {
  const FormDefinition& form = Form("juminhyo-request");
  FillOptions options;
  for (int i = 0; i < 20; ++i) {
    const Document doc = Generator().Plan(form, options, i);
    std::string name, kana;
    for (const FieldValue& v : doc.values) {
      if (v.name == "applicant_name") name = v.normalized;
      if (v.name == "applicant_kana") kana = v.normalized;
    }
    const auto space = name.find(' ');
    ASSERT_NE(space, std::string::npos) << name;
    std::string expected;
    for (const NameEntry& s : Surnames()) {
      if (s.kanji == name.substr(0, space)) expected = s.kana;
    }
    for (const NameEntry& g : GivenNames()) {
      if (g.kanji == name.substr(space + 1)) expected += " " + g.kana;
    }
    EXPECT_EQ(kana, expected) << name;
  }
}

TEST_F(ScangenTest, ABusIsNeverBookedFromAStopToTheSameStop) {
  const FormDefinition& form = Form("demand-bus-reservation");
  FillOptions options;
  for (int i = 0; i < 40; ++i) {
    const Document doc = Generator().Plan(form, options, i);
    std::string pickup, dropoff;
    for (const FieldValue& v : doc.values) {
      if (v.name == "pickup_stop") pickup = v.normalized;
      if (v.name == "dropoff_stop") dropoff = v.normalized;
    }
    EXPECT_NE(pickup, dropoff) << "document " << i;
  }
}

TEST_F(ScangenTest, TheSameSeedWritesByteIdenticalFilesAndTruth) {
  const std::string forms = "fill " + FormPath("juminhyo-request") + " " + FormPath("kyufukin-application") + " " +
                            FormPath("demand-bus-reservation");
  const std::string faults = " --count 4 --format mixed --dpi 150-200 --rotate-max 1.5 --blur 0-1 "
                             "--noise 3 --jpeg-quality 70-90 --turn180-rate 0.5 --seed 42 --out ";
  ASSERT_EQ(Run(forms + faults + (dir_ / "a").string()), 0);
  ASSERT_EQ(Run(forms + faults + (dir_ / "b").string()), 0);
  int compared = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "a")) {
    const fs::path twin = dir_ / "b" / entry.path().filename();
    ASSERT_TRUE(fs::exists(twin)) << twin;
    EXPECT_EQ(ReadBytes(entry.path()), ReadBytes(twin)) << entry.path().filename();
    ++compared;
  }
  EXPECT_EQ(compared, 5);  // four scans and truth.jsonl
}

TEST_F(ScangenTest, ADifferentSeedDrawsDifferentValues) {
  const FormDefinition& form = Form("demand-bus-reservation");
  FillOptions one, two;
  one.seed = 1;
  two.seed = 2;
  const Document a = Generator().Plan(form, one, 0);
  const Document b = Generator().Plan(form, two, 0);
  EXPECT_NE(TruthLine(a), TruthLine(b));
  int differing = 0;
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    differing += a.values[i].normalized != b.values[i].normalized;
  }
  EXPECT_GE(differing, 3);
}

TEST_F(ScangenTest, APageFedUpsideDownIsTheUnturnedScanTurnedHalfAround) {
  const FormDefinition& form = Form("demand-bus-reservation");
  FillOptions options;
  options.faults.dpi = {150, 150};
  options.faults.rotate_max_deg = 1;
  Document doc = Generator().Plan(form, options, 0);
  doc.faults.turned_180 = false;
  Result<std::vector<cv::Mat>> upright = Generator().Render(doc);
  doc.faults.turned_180 = true;
  Result<std::vector<cv::Mat>> turned = Generator().Render(doc);
  ASSERT_TRUE(upright.ok() && turned.ok());
  cv::Mat back;
  cv::rotate(turned->front(), back, cv::ROTATE_180);
  EXPECT_GT(cv::norm(upright->front(), turned->front(), cv::NORM_L1), 0);
  EXPECT_EQ(cv::norm(upright->front(), back, cv::NORM_L1), 0);
  EXPECT_EQ(TruthLine(doc).find("\"turned_180\":true") != std::string::npos, true);
}

// The inside of a field's box on a page rendered at `dpi`, its rules left out.
cv::Mat FieldCrop(const cv::Mat& page, const FieldDefinition& f, int dpi) {
  const auto px = [dpi](double mm) { return static_cast<int>(std::lround(mm * dpi / 25.4)); };
  return page(cv::Rect(px(f.box->x) + 3, px(f.box->y) + 3, px(f.box->width) - 6, px(f.box->height) - 6));
}

TEST_F(ScangenTest, HandwritingIsPenGreyAndJitteredWherePrintingIsBlackAndExact) {
  const FormDefinition& form = Form("demand-bus-reservation");
  const FieldDefinition& name = *form.FindField("name");
  FillOptions printed, hand;
  printed.style = StyleChoice::kPrinted;
  hand.style = StyleChoice::kHandwriting;
  Document p = Generator().Plan(form, printed, 0);
  Document h = Generator().Plan(form, hand, 0);
  Result<std::vector<cv::Mat>> p1 = Generator().Render(p);
  Result<std::vector<cv::Mat>> h1 = Generator().Render(h);
  p.ink_seed += 1;
  h.ink_seed += 1;
  Result<std::vector<cv::Mat>> p2 = Generator().Render(p);
  Result<std::vector<cv::Mat>> h2 = Generator().Render(h);
  ASSERT_TRUE(p1.ok() && h1.ok() && p2.ok() && h2.ok());
  double p_min = 0, h_min = 0;
  cv::minMaxLoc(FieldCrop(p1->front(), name, 300), &p_min);
  cv::minMaxLoc(FieldCrop(h1->front(), name, 300), &h_min);
  EXPECT_LE(p_min, 20);
  EXPECT_GE(h_min, 25);
  // The same hand never writes a name twice alike; a printer does.
  EXPECT_EQ(cv::norm(FieldCrop(p1->front(), name, 300), FieldCrop(p2->front(), name, 300), cv::NORM_L1), 0);
  EXPECT_GT(cv::norm(FieldCrop(h1->front(), name, 300), FieldCrop(h2->front(), name, 300), cv::NORM_L1), 0);
}

TEST_F(ScangenTest, MyNumberCheckDigitFollowsTheSpecRule) {
  // 12345678901: from the right P1=1, P2=0, P3=9 ... with weights 2..7 then 2..6:
  // 1*2 + 0*3 + 9*4 + 8*5 + 7*6 + 6*7 + 5*2 + 4*3 + 3*4 + 2*5 + 1*6 = 212; 212 % 11 = 3 -> 8,
  // the well-known sample number 123456789018.
  EXPECT_EQ(MyNumberCheckDigit("12345678901"), 8);
  EXPECT_TRUE(IsValidMyNumberDigits("123456789018"));
  EXPECT_FALSE(IsValidMyNumberDigits("123456789011"));
  // r <= 1 gives 0: 00000000001 -> 1*2 = 2 -> 9; 00000000000 -> 0 -> 0.
  EXPECT_EQ(MyNumberCheckDigit("00000000000"), 0);
  EXPECT_EQ(MyNumberCheckDigit("00000000001"), 9);
}

TEST_F(ScangenTest, DatesAreWrittenInEraAndWesternFormsAsResidentsWriteThem) {
  EXPECT_EQ(WriteDate(1970, 3, 12, 0), "昭和45年3月12日");
  EXPECT_EQ(WriteDate(1989, 5, 3, 0), "平成元年5月3日");
  EXPECT_EQ(WriteDate(1989, 1, 7, 0), "昭和64年1月7日");
  EXPECT_EQ(WriteDate(2019, 4, 30, 0), "平成31年4月30日");
  EXPECT_EQ(WriteDate(2019, 5, 1, 0), "令和元年5月1日");
  EXPECT_EQ(WriteDate(1970, 3, 12, 1), "S45.3.12");
  EXPECT_EQ(WriteDate(1970, 3, 12, 2), "1970/3/12");
  EXPECT_EQ(WriteDate(1970, 3, 12, 3), "1970年3月12日");
  EXPECT_EQ(WriteDate(1970, 3, 12, 4), "1970-03-12");
}

TEST_F(ScangenTest, TheCommandRefusesARotationBeyondThreeDegrees) {
  EXPECT_EQ(Run("fill " + FormPath("juminhyo-request") + " --count 1 --rotate-max 5 --out " + dir_.string()), 2);
  EXPECT_FALSE(fs::exists(dir_ / "truth.jsonl"));
}

TEST_F(ScangenTest, TheBlankCommandDrawsEveryPageOfAForm) {
  ASSERT_EQ(Run("blank " + FormPath("kyufukin-application") + " --dpi 100 --out-dir " + dir_.string()), 0);
  for (const char* page : {"kyufukin-application.p1.png", "kyufukin-application.p2.png"}) {
    Result<std::vector<ScanPage>> image = ReadImage(dir_ / page);
    ASSERT_TRUE(image.ok()) << page;
    EXPECT_EQ(image->front().xres, 100);
    EXPECT_EQ(image->front().grey.cols, PagePixels(210, 100));
  }
}

}  // namespace
}  // namespace adbridge::scangen
