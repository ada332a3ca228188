// The OCR benchmark's figures on a hand-made data directory: the sample scans ingested, fake
// readings recorded through the Store (ClaimDocument + RecordReading) with known mistakes, so
// every count the report prints can be worked out here independently.
#include "bench/ocr/ocr_bench.h"

#include <array>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ingest/form_registry.h"
#include "ingest/scan_ingestor.h"
#include "models/blob_store.h"
#include "models/store.h"

namespace adbridge::bench {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;

std::vector<fs::path> FormFiles() {
  return {kSource / "models/forms/juminhyo-request.json",
          kSource / "models/forms/kyufukin-application.json",
          kSource / "models/forms/demand-bus-reservation.json"};
}

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("ocr_bench_test_" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The fake reader's rule for field number `i` (form order) of a document: its confidence, and
// whether it reads the field wrong.
constexpr double kConfidences[] = {0.3, 0.6, 0.75, 0.85, 0.92, 0.97};
double FakeConfidence(int i) { return kConfidences[i % 6]; }
bool FakeWrong(int i) { return i % 5 == 0; }

TEST(OcrBench, FiguresOfAHandMadeDataDirectory) {
  TempDir tmp;
  const fs::path data = tmp.path() / "data";
  auto store = models::OpenSqliteStore(data / "adbridge.db");
  ASSERT_TRUE(store.ok()) << store.status().message();
  const models::BlobStore blobs(data / "blobs");
  for (const fs::path& f : FormFiles()) {
    auto r = ingest::RegisterFormFile(**store, blobs, f);
    ASSERT_TRUE(r.ok()) << r.status().message();
  }
  const fs::path scans = kSource / "samples/scans";
  auto truth = LoadTruth({scans / "truth.jsonl"});
  ASSERT_TRUE(truth.ok()) << truth.status().message();
  ASSERT_EQ(truth->size(), 6u);
  ingest::ScanIngestor ingestor(**store, blobs, {});
  for (const TruthDoc& doc : *truth) {
    auto r = ingestor.IngestFile(scans / doc.file);
    ASSERT_TRUE(r.ok()) << doc.file << ": " << r.status().message();
  }
  auto forms = LoadForms(FormFiles());
  ASSERT_TRUE(forms.ok()) << forms.status().message();

  // Read every document but the last, which stays received: its fields count as not read.
  std::map<std::string, const TruthDoc*> by_key;
  for (const TruthDoc& doc : *truth) by_key[doc.key] = &doc;
  for (std::size_t n = 0; n + 1 < truth->size(); ++n) {
    auto claimed = (*store)->ClaimDocument("bench-test", 60);
    ASSERT_TRUE(claimed.ok() && claimed->has_value());
    const models::Document& d = **claimed;
    const TruthDoc& doc = *by_key.at(DocumentKey(d.source_name));
    const models::FormDefinition& form = forms->at(doc.form);
    models::DocumentReading reading;
    reading.document_id = d.id;
    reading.worker = "bench-test";
    reading.form_id = form.id;
    reading.form_version = form.version;
    for (int p = 0; p < doc.pages; ++p) {
      reading.pages.push_back({p, p + 1, models::PageOutcome::kIdentified, ""});
    }
    int i = 0;
    for (const models::FieldDefinition& field : form.fields) {
      models::DocumentReading::Field f;
      f.name = field.name;
      f.ocr_value = doc.fields.at(field.name) + (FakeWrong(i) ? "X" : "");
      f.confidence = FakeConfidence(i);
      f.auto_accept = f.confidence >= 0.9;
      f.field_type = std::string(models::FieldTypeName(field.type));
      f.on_site_only = field.on_site_only;
      reading.fields.push_back(f);
      ++i;
    }
    const Status recorded = (*store)->RecordReading(reading);
    ASSERT_TRUE(recorded.ok()) << recorded.message();
  }
  store->reset();

  auto readings = LoadStoreReadings(data);
  ASSERT_TRUE(readings.ok()) << readings.status().message();

  // The baseline "reads" every text field right on printed scans and nothing on handwriting.
  Readings baseline;
  for (const TruthDoc& doc : *truth) {
    if (doc.style != "printed") continue;
    for (const models::FieldDefinition& field : forms->at(doc.form).fields) {
      if (field.type == models::FieldType::kCheckbox || field.type == models::FieldType::kChoice) {
        continue;
      }
      baseline[doc.key][field.name].value = doc.fields.at(field.name);
    }
  }

  Perf perf;
  perf.jobs2 = {.present = true, .jobs = 2, .wall_seconds = 30, .documents = 6, .pages = 10,
                .seconds = 28, .tesseract_seconds = 42, .peak_rss_mb = 300, .failed = 0};
  perf.baseline = {.present = true, .processes = 2, .pages = 10, .wall_seconds = 60,
                   .peak_rss_mb = 120};
  const BenchReport report = Compare(*forms, *truth, &*readings, &baseline, perf, 100);

  // Work out every figure here, independently of Compare.
  const std::string last_key = [&] {
    // ClaimDocument takes the oldest first, so the unread document is the last ingested.
    return truth->back().key;
  }();
  std::map<std::string, Tally> mine, theirs;
  std::map<std::string, std::array<int, 2>> bins[kBins];
  std::map<std::string, int> high, high_wrong;
  for (const TruthDoc& doc : *truth) {
    const models::FormDefinition& form = forms->at(doc.form);
    int i = 0;
    for (const models::FieldDefinition& field : form.fields) {
      Tally& t = mine[doc.style];
      ++t.total;
      if (doc.key == last_key) {
        ++t.missing;
      } else {
        const bool wrong = FakeWrong(i);
        const double c = FakeConfidence(i);
        if (!wrong) ++t.correct;
        if (c >= 0.9) {
          ++t.auto_accepted;
          if (wrong) ++t.auto_wrong;
          ++high[doc.style];
          if (wrong) ++high_wrong[doc.style];
        }
        const int bin = c < 0.5 ? 0 : c < 0.7 ? 1 : c < 0.8 ? 2 : c < 0.9 ? 3 : c < 0.95 ? 4 : 5;
        ++bins[bin][doc.style][0];
        if (wrong) ++bins[bin][doc.style][1];
      }
      Tally& b = theirs[doc.style];
      ++b.total;
      const bool mark = field.type == models::FieldType::kCheckbox ||
                        field.type == models::FieldType::kChoice;
      if (doc.style == "printed" && !mark) ++b.correct;
      else ++b.missing;
      ++i;
    }
  }

  ASSERT_EQ(report.styles.size(), 2u);
  EXPECT_EQ(report.styles[0].style, "printed");
  EXPECT_EQ(report.styles[1].style, "handwriting");
  EXPECT_EQ(report.unmatched_documents, 0);
  for (const StyleReport& s : report.styles) {
    SCOPED_TRACE(s.style);
    EXPECT_EQ(s.documents, 3);
    EXPECT_EQ(s.adbridge.total, 13 + 18 + 12);  // one of each form per style
    EXPECT_EQ(s.adbridge.total, mine[s.style].total);
    EXPECT_EQ(s.adbridge.correct, mine[s.style].correct);
    EXPECT_EQ(s.adbridge.missing, mine[s.style].missing);
    EXPECT_EQ(s.adbridge.auto_accepted, mine[s.style].auto_accepted);
    EXPECT_EQ(s.adbridge.auto_wrong, mine[s.style].auto_wrong);
    EXPECT_EQ(s.baseline.total, theirs[s.style].total);
    EXPECT_EQ(s.baseline.correct, theirs[s.style].correct);
    EXPECT_EQ(s.baseline.missing, theirs[s.style].missing);
    EXPECT_EQ(s.high_count, high[s.style]);
    EXPECT_EQ(s.high_wrong, high_wrong[s.style]);
    for (int b = 0; b < kBins; ++b) {
      EXPECT_EQ(s.bin_count[b], bins[b][s.style][0]) << BinLabel(b);
      EXPECT_EQ(s.bin_wrong[b], bins[b][s.style][1]) << BinLabel(b);
    }
    // Every wrong or missing field is an example; the wrong auto-accepted ones come first.
    EXPECT_EQ(static_cast<int>(s.worst.size()), s.adbridge.total - s.adbridge.correct);
    ASSERT_FALSE(s.worst.empty());
    EXPECT_TRUE(s.worst.front().auto_accepted);
    EXPECT_EQ(s.worst.front().read, s.worst.front().truth + "X");
  }
  // The unread document is printed (0006): it shows in the counts as missing.
  EXPECT_EQ(truth->back().style, "printed");
  EXPECT_EQ(report.styles[0].documents_read, 2);
  EXPECT_EQ(report.styles[0].adbridge.missing, 12);

  // A few figures by hand, as the README shows them. Handwriting: 13 + 18 + 12 fields, the
  // fields i % 5 == 0 wrong (3 + 4 + 3 = 10), the fields with i % 6 in {4, 5} auto-accepted
  // (4 + 6 + 4 = 14), of which i in {4, 5, 10, 11, 16, 17} ∩ {0, 5, 10, 15} = {5, 10} wrong:
  // 2 per form, 6 in all.
  EXPECT_EQ(Ratio(report.styles[1].adbridge.correct, report.styles[1].adbridge.total),
            "33/43 = 76.74%");
  EXPECT_EQ(Ratio(report.styles[1].adbridge.auto_wrong, report.styles[1].adbridge.auto_accepted),
            "6/14 = 42.86%");

  const std::string md = RenderMarkdown(report);
  EXPECT_NE(md.find("| field accuracy |"), std::string::npos) << md;
  EXPECT_NE(md.find("6/14 = 42.86%"), std::string::npos) << md;
  EXPECT_NE(md.find("| pages/min | not measured | 20.0 ✗ | 10.0 |"), std::string::npos) << md;
  EXPECT_NE(md.find("2.00×"), std::string::npos) << md;
  // 1 - 42 / (28 × 2) = 25%
  EXPECT_NE(md.find("25.00% (Tesseract 42.0 s of 56.0 worker-s)"), std::string::npos) << md;
  EXPECT_FALSE(RenderText(report).empty());
  if (std::getenv("OCR_BENCH_TEST_PRINT") != nullptr) std::cout << RenderText(report) << md;
}

TEST(OcrBench, BaselineExtractionFromWholePageText) {
  auto forms = LoadForms(FormFiles());
  ASSERT_TRUE(forms.ok()) << forms.status().message();
  // What `tesseract scan.tif - -l jpn` printed for a printed benefit application (abridged).
  const std::string text =
      "物価高騰対応重点支援給付金 支給申請書\n\n申請日\n\n令和7年9月1日                   (記入した日)\n\n"
      "フリガナ   モモセ ハルト\n\n氏名   百瀬 陽閉\n\n生年月日   庄和14年5月24日\n\n"
      "郵便番号  〒|399|6462]\n\n住所   長野県塩尻市洗馬239番地\n\n"
      "電話番号  0263-54-6703          世帯人数    2\n\n"
      "圏 世帯全員の令和6年度分住民税均等割が非課税です\n"
      "問い合わせ先 塩尻市 福祉課 給付金担当 電話0263-52-0280\n\f"
      "金融機関名     諏訪信用金庫                     金融機関コード|| ]         9\n"
      "支店名       本店                                支店コード     @)         ]\n"
      "口座番号    01713161318|12\n"
      "口座名義 (カタカナ) | | モモセ ハルト\n";
  const auto v = ExtractBaseline(forms->at("kyufukin-application"), text);
  EXPECT_EQ(v.at("application_date"), "2025-09-01");  // the next line: a required date
  EXPECT_EQ(v.at("applicant_kana"), "モモセ ハルト");
  EXPECT_EQ(v.at("applicant_name"), "百瀬 陽閉");
  EXPECT_EQ(v.at("birth_date"), "庄和14年5月24日");  // misread era: kept raw, counts wrong
  EXPECT_EQ(v.at("postal_code"), "399-6462");
  EXPECT_EQ(v.at("address"), "長野県塩尻市洗馬239番地");
  EXPECT_EQ(v.at("phone"), "0263546703");  // cut at the next label, not the footer's number
  EXPECT_EQ(v.at("household_size"), "2");
  EXPECT_EQ(v.at("bank_name"), "諏訪信用金庫");
  EXPECT_EQ(v.at("branch_name"), "本店");
  EXPECT_EQ(v.at("account_holder_kana"), "モモセ ハルト");  // （カタカナ） read as (カタカナ)
  EXPECT_FALSE(v.contains("consent_tax_exempt"));  // a tick is not text
  EXPECT_FALSE(v.contains("account_type"));

  // Hints in brackets after a box are not the value; a field's pattern finds its value in the
  // noise; O read for 0 in a number is put right.
  const auto bus = ExtractBaseline(forms->at("demand-bus-reservation"),
                                   "利用登録番号   | NR-8910 四 (例 SJ-0123)\n"
                                   "電話番号    | o263-36-1790            」 (日中に連絡のとれる番号)\n"
                                   "乗車日  1953年5月12日           還\n");
  EXPECT_EQ(bus.at("registration_number"), "NR-8910");
  EXPECT_EQ(bus.at("phone"), "0263361790");
  EXPECT_EQ(bus.at("ride_date"), "1953-05-12");
  EXPECT_FALSE(bus.contains("name"));  // its label is not in the text: not read
}

}  // namespace
}  // namespace adbridge::bench
