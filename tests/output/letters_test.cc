// Letters read back as a resident, a print room and a post office would see them: the text with
// poppler's pdftotext, the fonts with pdffonts, the pages with pdfinfo, where each word lies with
// pdftotext -bbox-layout, and the QR codes from the rasterised page.
#include "output/letters.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "models/utf8.h"
#include "tests/output/pdf_test_support.h"

namespace adbridge::output {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::PdfWord;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;

Result<models::FormDefinition> BundledForm(const std::string& id) {
  return models::LoadFormDefinition(kSource / "models/forms" / (id + ".json"));
}

// A verified benefit application, as the store would give it to the letters.
RecordValues Application(std::int64_t id, const std::string& postal_code = "399-0738",
                         const std::string& address = "長野県塩尻市大門一番町12-5",
                         const std::string& name = "山田 太郎") {
  RecordValues record;
  record.document_id = id;
  record.today = "2026-11-20";
  record.fields = {{"application_date", "2026-10-01"}, {"applicant_name", name},
                   {"postal_code", postal_code},       {"address", address},
                   {"bank_name", "八十二銀行"},        {"branch_name", "塩尻支店"},
                   {"account_type", "futsu"},          {"account_number", "1234567"}};
  return record;
}

bool Inside(const PdfWord& word, const models::BoxMm& box) {
  return word.x_min_mm >= box.x && word.y_min_mm >= box.y && word.x_max_mm <= box.x + box.width &&
         word.y_max_mm <= box.y + box.height;
}

bool Overlaps(const PdfWord& word, const models::BoxMm& box) {
  return word.x_max_mm > box.x && word.x_min_mm < box.x + box.width && word.y_max_mm > box.y &&
         word.y_min_mm < box.y + box.height;
}

// The text without its spaces (pdftotext splits words at spaces and large gaps).
std::string Squeezed(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ' || text[i] == '\n') continue;
    if (text.compare(i, 3, "　") == 0) {
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

class LettersTest : public ::testing::Test {
 protected:
  LettersTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-letters-test-" + std::to_string(rd()));
    fs::create_directories(dir_);
    Result<LetterTemplate> decision = LoadLetterTemplate("kyufukin-decision", BundledForm);
    EXPECT_TRUE(decision.ok()) << decision.status().message(Lang::kEn);
    if (decision.ok()) decision_ = *std::move(decision);
  }
  ~LettersTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Renders the records into dir_/name and returns the batch.
  LetterBatchPdf Render(const std::vector<RecordValues>& records, bool large_print = false,
                        const std::string& name = "letters.pdf",
                        const LetterTemplate* letter = nullptr) {
    Result<LetterBatchPdf> batch =
        RenderLetterBatch(letter ? *letter : decision_, records, {.large_print = large_print});
    EXPECT_TRUE(batch.ok()) << batch.status().message(Lang::kEn);
    if (!batch.ok()) return {};
    EXPECT_TRUE(testing::WriteFile(dir_ / name, batch->pdf).ok());
    return *std::move(batch);
  }

  std::string Text(const std::string& name = "letters.pdf") {
    Result<std::string> text = testing::PdfText(dir_ / name);
    EXPECT_TRUE(text.ok()) << text.status().message(Lang::kEn);
    return text.ok() ? *text : "";
  }

  std::vector<PdfWord> Words(const std::string& name, int page) {
    Result<std::vector<PdfWord>> words = testing::ReadPdfWords(dir_ / name);
    EXPECT_TRUE(words.ok()) << words.status().message(Lang::kEn);
    std::vector<PdfWord> on_page;
    for (const PdfWord& word : words.ok() ? *words : std::vector<PdfWord>()) {
      if (word.page == page) on_page.push_back(word);
    }
    return on_page;
  }

  // The words of page `page` that fall in the envelope window, checking that each lies wholly
  // inside it; returns their text run together.
  std::string WindowText(const std::string& name, int page = 1) {
    std::string text;
    for (const PdfWord& word : Words(name, page)) {
      if (!Overlaps(word, kEnvelopeWindowMm)) continue;
      EXPECT_TRUE(Inside(word, kEnvelopeWindowMm))
          << word.text << " crosses the window's edge at (" << word.x_min_mm << ", "
          << word.y_min_mm << ")-(" << word.x_max_mm << ", " << word.y_max_mm << ")";
      text += word.text;
    }
    return text;
  }

  std::vector<std::string> QrCodes(const std::string& name, int page) {
    Result<cv::Mat> image = testing::RasterisePdfPage(dir_ / name, page, 200);
    EXPECT_TRUE(image.ok()) << image.status().message(Lang::kEn);
    return image.ok() ? testing::ReadQrCodes(*image) : std::vector<std::string>();
  }

  fs::path dir_;
  LetterTemplate decision_;
};

TEST_F(LettersTest, ALetterSaysWhoItIsForWhenWhatAndWhyAsTheResidentReadsIt) {
  const LetterBatchPdf batch = Render({Application(17)});
  EXPECT_EQ(batch.page_count, 1);
  const std::string text = Text();
  EXPECT_THAT(text, HasSubstr("山田 太郎 様"));
  EXPECT_THAT(text, HasSubstr("〒399-0738"));
  EXPECT_THAT(text, HasSubstr("令和8年11月20日")) << "the date of the letter, in the era";
  EXPECT_THAT(text, HasSubstr("塩福第17号"));
  EXPECT_THAT(text, HasSubstr("物価高騰対応重点支援給付金 支給決定通知書"));
  EXPECT_THAT(text, HasSubstr("30,000円"));
  EXPECT_THAT(text, HasSubstr("令和8年12月18日"));
  EXPECT_THAT(Squeezed(text),
              HasSubstr("令和8年10月1日付けで申請のありました物価高騰対応重点支援給付金"));
  EXPECT_THAT(text, HasSubstr("普通 ＊＊＊4567"));
  EXPECT_THAT(text, Not(HasSubstr("1234567"))) << "the account number is never printed whole";
  EXPECT_THAT(text, HasSubstr("電話 0263-52-0280"));
  EXPECT_THAT(text, HasSubstr("以上"));
  EXPECT_THAT(text, Not(HasSubstr("1/1"))) << "a one-page letter needs no page number";
}

TEST_F(LettersTest, TheFontsAreIpaexEmbeddedAsSubsets) {
  Render({Application(1), Application(2)});
  Result<std::vector<testing::PdfFont>> fonts = testing::ReadPdfFonts(dir_ / "letters.pdf");
  ASSERT_TRUE(fonts.ok()) << fonts.status().message(Lang::kEn);
  std::vector<std::string> names;
  for (const testing::PdfFont& font : *fonts) {
    EXPECT_TRUE(font.embedded) << font.name;
    EXPECT_TRUE(font.subset) << font.name;
    names.push_back(font.name.substr(font.name.find('+') + 1));
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"IPAexGothic", "IPAexMincho"}))
      << "each typeface once for the whole batch";
}

TEST_F(LettersTest, OnlyThePostalCodeAddressAndNameLieInTheEnvelopeWindow) {
  const std::string address = "長野県塩尻市大門一番町12-5 サンハイツ大門201号室";
  for (bool large : {false, true}) {
    SCOPED_TRACE(large ? "large print" : "normal");
    Render({Application(17, "399-0738", address)}, large);
    EXPECT_EQ(WindowText("letters.pdf"), "〒399-0738" + Squeezed(address) + "山田太郎様");
  }
}

TEST_F(LettersTest, ALongAddressIsSetSmallerToStayInTheWindowAndOneTooLongIsRefused) {
  const std::string long_address =
      "長野県東筑摩郡朝日村大字古見1234番地の5 朝日村古見団地第二期分譲地内 グリーンハイツ朝日"
      "東棟1203号室";
  for (bool large : {false, true}) {
    SCOPED_TRACE(large ? "large print" : "normal");
    const LetterBatchPdf batch =
        Render({Application(5, "390-1104", long_address, "長谷川 左衛門三郎")}, large);
    ASSERT_EQ(batch.letters.size(), 1u);
    EXPECT_EQ(WindowText("letters.pdf"),
              "〒390-1104" + Squeezed(long_address) + "長谷川左衛門三郎様");
  }
  std::string endless;
  for (int i = 0; i < 30; ++i) endless += "長野県塩尻市大門七番町";
  Result<LetterBatchPdf> refused =
      RenderLetterBatch(decision_, std::vector{Application(6, "399-0786", endless)}, {});
  ASSERT_TRUE(refused.ok());
  ASSERT_EQ(refused->skipped.size(), 1u);
  EXPECT_THAT(refused->skipped[0].reason.message(Lang::kEn),
              HasSubstr("document 6: the address and name are too long for the envelope window"));
}

TEST_F(LettersTest, LargePrintSetsTheBodyInBiggerTypeFurtherApartAndFlowsOntoNumberedPages) {
  const LetterBatchPdf normal = Render({Application(17)}, false, "normal.pdf");
  const LetterBatchPdf large = Render({Application(17)}, true, "large.pdf");
  // The body's first words, in each.
  auto body_word = [&](const std::string& name) {
    for (const PdfWord& word : Words(name, 1)) {
      if (word.text.find("令和8年10月1日付け") != std::string::npos) return word;
    }
    ADD_FAILURE() << "no body line in " << name;
    return PdfWord{};
  };
  const double normal_pt =
      (body_word("normal.pdf").y_max_mm - body_word("normal.pdf").y_min_mm) * 72 / 25.4;
  const double large_pt =
      (body_word("large.pdf").y_max_mm - body_word("large.pdf").y_min_mm) * 72 / 25.4;
  EXPECT_NEAR(normal_pt, 10.5, 0.3);
  EXPECT_GE(large_pt, 16 - 0.3);

  // Line pitch: the distance between the first two body lines.
  auto pitch = [&](const std::string& name) {
    std::vector<double> tops;
    const PdfWord first = body_word(name);
    for (const PdfWord& word : Words(name, 1)) {
      if (word.y_min_mm > first.y_min_mm + 0.5 && word.x_min_mm < 25) tops.push_back(word.y_min_mm);
    }
    EXPECT_FALSE(tops.empty());
    return tops.empty() ? 0 : *std::min_element(tops.begin(), tops.end()) - first.y_min_mm;
  };
  EXPECT_GT(pitch("large.pdf") / large_pt, pitch("normal.pdf") / normal_pt)
      << "more space between lines, not only bigger type";

  EXPECT_EQ(normal.page_count, 1);
  ASSERT_EQ(large.page_count, 2);
  ASSERT_EQ(large.letters.size(), 1u);
  EXPECT_EQ(large.letters[0].page_count, 2);
  const std::string text = Text("large.pdf");
  EXPECT_THAT(text, HasSubstr("1/2"));
  EXPECT_THAT(text, HasSubstr("2/2"));
  EXPECT_THAT(text, HasSubstr("山田 太郎 様（続き）"));
  EXPECT_THAT(text, HasSubstr("30,000円"));
}

TEST_F(LettersTest, NoLineOfALongParagraphStartsWithPunctuationThatMustNotStartOne) {
  // A paragraph dense with 、。」） at every offset, so that a breaker without 禁則 would start
  // many lines with one.
  std::string paragraph;
  const std::vector<std::string> words = {"給付金",   "は",   "指定",       "の口座",   "へ",
                                          "振り込み", "ます", "「申請書」", "（控え）", "を",
                                          "保管",     "して", "ください"};
  const std::vector<std::string> marks = {"、", "。", "」", "）", "、", "。"};
  for (int i = 0; i < 140; ++i) {
    paragraph += words[static_cast<std::size_t>(i * 7 % 13)];
    if (i % 3 != 0) paragraph += marks[static_cast<std::size_t>(i % 6)];
  }
  Result<TemplateSource> source = ReadTemplateSource("kyufukin-decision");
  ASSERT_TRUE(source.ok());
  nlohmann::json t = nlohmann::json::parse(source->json);
  t["body"] = {paragraph};
  const fs::path file = dir_ / "dense.json";
  ASSERT_TRUE(testing::WriteFile(file, t.dump()).ok());
  Result<LetterTemplate> dense = LoadLetterTemplate(file.string(), BundledForm);
  ASSERT_TRUE(dense.ok()) << dense.status().message(Lang::kEn);

  int lines_checked = 0;
  for (bool large : {false, true}) {
    Render({Application(3)}, large, "dense.pdf", &*dense);
    Result<std::string> text = testing::PdfText(dir_ / "dense.pdf", /*layout=*/false);
    ASSERT_TRUE(text.ok());
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);) {
      const std::u32string decoded = models::DecodeUtf8(line).value_or(U"");
      const std::size_t first = decoded.find_first_not_of(U" 　\f");
      if (first == std::u32string::npos) continue;
      ++lines_checked;
      EXPECT_EQ(std::u32string_view(U"、。」）』】").find(decoded[first]),
                std::u32string_view::npos)
          << (large ? "large: " : "normal: ") << line;
    }
  }
  EXPECT_GT(lines_checked, 40) << "the paragraph ran over many lines";
}

TEST_F(LettersTest, EachPageCarriesAQrCodeNamingItsRecord) {
  const LetterBatchPdf batch = Render({Application(17), Application(23)}, true);
  ASSERT_EQ(batch.letters.size(), 2u);
  EXPECT_EQ(batch.page_count, 4);
  EXPECT_THAT(QrCodes("letters.pdf", 1), ::testing::ElementsAre("adbridge-record:default:17"));
  EXPECT_THAT(QrCodes("letters.pdf", 2), ::testing::ElementsAre("adbridge-record:default:17"));
  EXPECT_THAT(QrCodes("letters.pdf", 3), ::testing::ElementsAre("adbridge-record:default:23"));
  EXPECT_EQ(RecordQrPayload("shiojiri", 5), "adbridge-record:shiojiri:5");
}

TEST_F(LettersTest, ABatchIsInPostalCodeOrderAndSaysWhereEachLetterIs) {
  std::vector<RecordValues> records = {
      Application(1, "399-0738", "長野県塩尻市大門一番町12-5"),
      Application(2, "390-0811", "長野県松本市中央2丁目5-12"),
      Application(3, "399-0738", "長野県塩尻市大門一番町1-1"),
      Application(4, "380-0836", "長野県長野市南長野幅下692-2"),
      Application(5, "399-0738", "長野県塩尻市大門一番町1-1"),
  };
  SortForPrintRoom(decision_, records);
  std::vector<std::int64_t> order;
  for (const RecordValues& record : records) order.push_back(record.document_id);
  EXPECT_EQ(order, (std::vector<std::int64_t>{4, 2, 3, 5, 1}))
      << "postal code, then address, then document";

  const LetterBatchPdf batch = Render(records);
  Result<testing::PdfInfo> info = testing::ReadPdfInfo(dir_ / "letters.pdf");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->pages, 5);
  EXPECT_EQ(batch.page_count, 5);
  ASSERT_EQ(batch.letters.size(), 5u);
  for (std::size_t i = 0; i < batch.letters.size(); ++i) {
    EXPECT_EQ(batch.letters[i].document_id, order[i]);
    EXPECT_EQ(batch.letters[i].first_page, static_cast<int>(i) + 1);
  }
  // Page by page, the postal codes the window shows rise.
  const std::string text = Text();
  std::vector<std::string> codes;
  std::size_t page_start = 0;
  while (page_start < text.size()) {
    std::size_t page_end = text.find('\f', page_start);
    if (page_end == std::string::npos) page_end = text.size();
    std::smatch match;
    const std::string page = text.substr(page_start, page_end - page_start);
    if (std::regex_search(page, match, std::regex("〒([0-9]{3}-[0-9]{4})")))
      codes.push_back(match[1]);
    page_start = page_end + 1;
  }
  EXPECT_EQ(codes,
            (std::vector<std::string>{"380-0836", "390-0811", "399-0738", "399-0738", "399-0738"}));
}

TEST_F(LettersTest, ARecordThatCannotFillTheLetterIsSkippedNamingItAndTheOthersArePrinted) {
  RecordValues empty_address = Application(8);
  empty_address.fields["address"] = "";
  RecordValues unreadable_date = Application(9);
  unreadable_date.fields["application_date"] = std::nullopt;
  const LetterBatchPdf batch =
      Render({Application(7), empty_address, unreadable_date, Application(10)});
  ASSERT_EQ(batch.skipped.size(), 2u);
  EXPECT_EQ(batch.skipped[0].document_id, 8);
  EXPECT_THAT(batch.skipped[0].reason.message(Lang::kEn),
              ::testing::AllOf(HasSubstr("document 8"), HasSubstr("address"), HasSubstr("empty")));
  EXPECT_EQ(batch.skipped[1].document_id, 9);
  EXPECT_THAT(batch.skipped[1].reason.message(Lang::kEn), HasSubstr("application_date"));
  ASSERT_EQ(batch.letters.size(), 2u);
  EXPECT_EQ(batch.letters[0].document_id, 7);
  EXPECT_EQ(batch.letters[1].document_id, 10);
  EXPECT_EQ(batch.letters[1].first_page, 2);
  EXPECT_EQ(batch.page_count, 2);
}

TEST_F(LettersTest, NothingToPrintMakesNoPdf) {
  RecordValues no_name = Application(8);
  no_name.fields.erase("applicant_name");
  Result<LetterBatchPdf> batch = RenderLetterBatch(decision_, std::vector{no_name}, {});
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->pdf.empty());
  EXPECT_EQ(batch->page_count, 0);
  EXPECT_TRUE(batch->letters.empty());
  EXPECT_EQ(batch->skipped.size(), 1u);
}

TEST_F(LettersTest, OneBatchCarriesTheFontsOnceWhereAPdfPerLetterCarriesThemEachTime) {
  std::vector<RecordValues> records;
  for (int i = 1; i <= 20; ++i) records.push_back(Application(i));
  const LetterBatchPdf batch = Render(records);
  const LetterBatchPdf single = Render({Application(1)}, false, "single.pdf");
  EXPECT_LT(static_cast<double>(batch.pdf.size()) / 20, 60 * 1024) << "60 KB a page at most";
  EXPECT_GT(static_cast<double>(single.pdf.size()) * 20,
            5.0 * static_cast<double>(batch.pdf.size()));
}

TEST_F(LettersTest, AMissingFontIsReportedBeforeAnythingIsDrawn) {
  FontFiles fonts;
  fonts.mincho = dir_ / "no-such-font.ttf";
  Result<LetterBatchPdf> batch =
      RenderLetterBatch(decision_, std::vector{Application(1)}, {}, fonts);
  EXPECT_EQ(batch.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace adbridge::output
