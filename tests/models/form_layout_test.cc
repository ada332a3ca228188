// The blank form a definition lays out: what a resident sees on the page and where, before any
// font engine or printer is involved (text widths and code modules come from fixed metrics).
#include "models/form_layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "models/utf8.h"

namespace adbridge::models {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kForms = std::filesystem::path(ADBRIDGE_SOURCE_DIR) / "models/forms";

// Every character one em wide; QR codes 25 modules, markers 6 (a 4x4 marker with its border).
class FixedMetrics : public LayoutMetrics {
 public:
  double TextWidthMm(std::string_view text, double size_mm) const override {
    return static_cast<double>(DecodeUtf8(text).value_or(U"").size()) * size_mm;
  }
  Result<ModuleGrid> QrCode(std::string_view payload) const override {
    if (payload.size() > 100) return Status::InvalidArgument("長すぎます", "too long");
    return Grid(25);
  }
  Result<ModuleGrid> ArucoMarker(std::string_view dictionary, int /*id*/) const override {
    if (dictionary != "DICT_4X4_50") return Status::InvalidArgument("辞書", "dictionary");
    return Grid(6);
  }

 private:
  static ModuleGrid Grid(int size) {
    ModuleGrid g;
    g.size = size;
    g.dark.assign(static_cast<std::size_t>(size * size), true);
    return g;
  }
};

FormDefinition Bundled(const std::string& id) {
  Result<FormDefinition> form = LoadFormDefinition(kForms / (id + ".json"));
  EXPECT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  return form.ok() ? *std::move(form) : FormDefinition{};
}

FormDefinition Parsed(const std::string& json) {
  Result<FormDefinition> form = ParseFormDefinition(json, "t.json", "/nonexistent", false);
  EXPECT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  return form.ok() ? *std::move(form) : FormDefinition{};
}

template <typename T>
std::vector<T> ItemsOf(const PageLayout& layout) {
  std::vector<T> found;
  for (const LayoutItem& item : layout.items) {
    if (const T* t = std::get_if<T>(&item)) found.push_back(*t);
  }
  return found;
}

bool SameBox(const BoxMm& a, const BoxMm& b) {
  return std::abs(a.x - b.x) < 1e-9 && std::abs(a.y - b.y) < 1e-9 &&
         std::abs(a.width - b.width) < 1e-9 && std::abs(a.height - b.height) < 1e-9;
}

bool Inside(double x, double y, const BoxMm& b) {
  return x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height;
}

bool Overlap(const BoxMm& a, const BoxMm& b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

const LayoutText* TextNamed(const std::vector<LayoutText>& texts, const std::string& text) {
  for (const LayoutText& t : texts) {
    if (t.text == text) return &t;
  }
  return nullptr;
}

class FormLayoutTest : public ::testing::Test {
 protected:
  FixedMetrics metrics_;
};

TEST_F(FormLayoutTest, EachWritingFieldHasItsBoxAtBoxMmAndItsLabelInAGreyCellToItsLeft) {
  for (const char* id : {"juminhyo-request", "kyufukin-application", "demand-bus-reservation"}) {
    const FormDefinition form = Bundled(id);
    for (int p = 0; p < static_cast<int>(form.pages.size()); ++p) {
      Result<PageLayout> layout = BuildPageLayout(form, p, metrics_);
      ASSERT_TRUE(layout.ok()) << layout.status().message(Lang::kEn);
      const auto outlines = ItemsOf<LayoutOutline>(*layout);
      const auto fills = ItemsOf<LayoutFill>(*layout);
      const auto texts = ItemsOf<LayoutText>(*layout);
      for (const FieldDefinition& f : form.fields) {
        if (f.page != p + 1 || !f.box.has_value() || f.type == FieldType::kCheckbox) continue;
        const BoxMm& box = *f.box;
        EXPECT_TRUE(std::any_of(outlines.begin(), outlines.end(),
                                [&](const LayoutOutline& o) { return SameBox(o.box, box); }))
            << id << ": " << f.name << " has no outline at its box_mm";
        const LayoutText* label = TextNamed(texts, f.label);
        ASSERT_NE(label, nullptr) << id << ": " << f.name;
        EXPECT_LT(label->x_mm, box.x) << f.name << "'s label is left of its box";
        EXPECT_GT(label->baseline_mm, box.y) << f.name;
        EXPECT_LT(label->baseline_mm, box.y + box.height) << f.name;
        EXPECT_TRUE(std::any_of(fills.begin(), fills.end(),
                                [&](const LayoutFill& c) {
                                  return Inside(label->x_mm, label->baseline_mm, c.box) &&
                                         c.box.x + c.box.width <= box.x;
                                }))
            << f.name << "'s label is not in a grey label cell";
      }
    }
  }
}

TEST_F(FormLayoutTest, CombBoxesAreDividedIntoTheirCellsAndPostalCodesMarked) {
  const FormDefinition form = Bundled("juminhyo-request");
  Result<PageLayout> layout = BuildPageLayout(form, 0, metrics_);
  ASSERT_TRUE(layout.ok());
  const auto lines = ItemsOf<LayoutLine>(*layout);
  for (const char* name : {"postal_code", "my_number"}) {
    const FieldDefinition& f = *form.FindField(name);
    const BoxMm& b = *f.box;
    int dividers = 0;
    for (const LayoutLine& l : lines) {
      const bool vertical = l.x0 == l.x1 && l.y0 == b.y && l.y1 == b.y + b.height;
      dividers += vertical && l.x0 > b.x && l.x0 < b.x + b.width;
    }
    EXPECT_EQ(dividers, *f.comb - 1) << name;
  }
  const auto texts = ItemsOf<LayoutText>(*layout);  // kept: TextNamed points into it
  const LayoutText* mark = TextNamed(texts, "〒");
  ASSERT_NE(mark, nullptr);
  EXPECT_LT(mark->x_mm, form.FindField("postal_code")->box->x);
}

TEST_F(FormLayoutTest, CheckboxesAndChoiceOptionsAreSquaresWithTheirLabelsBeside) {
  const FormDefinition form = Bundled("demand-bus-reservation");
  Result<PageLayout> layout = BuildPageLayout(form, 0, metrics_);
  ASSERT_TRUE(layout.ok());
  const auto outlines = ItemsOf<LayoutOutline>(*layout);
  const auto texts = ItemsOf<LayoutText>(*layout);
  std::vector<std::pair<BoxMm, std::string>> squares;
  for (const FieldDefinition& f : form.fields) {
    if (f.type == FieldType::kCheckbox) squares.emplace_back(*f.box, f.label);
    for (const ChoiceOption& o : f.options) squares.emplace_back(o.box, o.label);
  }
  ASSERT_EQ(squares.size(), 10u);
  for (const auto& [box, label] : squares) {
    // Captured by name: clang 14 cannot capture a structured binding.
    EXPECT_TRUE(
        std::any_of(outlines.begin(), outlines.end(),
                    [&square = box](const LayoutOutline& o) { return SameBox(o.box, square); }))
        << label;
    const LayoutText* text = TextNamed(texts, label);
    ASSERT_NE(text, nullptr) << label;
    EXPECT_EQ(text->align, TextAlign::kLeft);
    EXPECT_NEAR(text->x_mm, box.x + box.width + 1.5, 1e-9) << label << " sits beside its square";
  }
  // The choice names itself in its row's label column.
  EXPECT_NE(TextNamed(texts, "時間帯"), nullptr);
}

TEST_F(FormLayoutTest, TitleDepartmentIssuerAndPageNumbersAreTheFormsOwn) {
  const FormDefinition form = Bundled("kyufukin-application");
  LayoutOptions options;
  options.issuer = "塩尻市";
  Result<PageLayout> second = BuildPageLayout(form, 1, metrics_, options);
  ASSERT_TRUE(second.ok());
  const auto texts = ItemsOf<LayoutText>(*second);
  EXPECT_NE(TextNamed(texts, "物価高騰対応重点支援給付金 支給申請書"), nullptr);
  EXPECT_NE(TextNamed(texts, "塩尻市 福祉課"), nullptr);
  EXPECT_NE(TextNamed(texts, "2 / 2 枚目"), nullptr);
  EXPECT_EQ(second->page, 2);
  EXPECT_EQ(second->width_mm, 210);
  EXPECT_EQ(second->height_mm, 297);

  Result<PageLayout> plain = BuildPageLayout(Bundled("juminhyo-request"), 0, metrics_);
  ASSERT_TRUE(plain.ok());
  EXPECT_NE(TextNamed(ItemsOf<LayoutText>(*plain), "市民課"), nullptr)
      << "without an issuer the department stands alone";
  EXPECT_EQ(TextNamed(ItemsOf<LayoutText>(*plain), "1 / 1 枚目"), nullptr);
}

TEST_F(FormLayoutTest, ArucoMarkersFillTheirBoxes) {
  const FormDefinition form = Bundled("demand-bus-reservation");
  Result<PageLayout> layout = BuildPageLayout(form, 0, metrics_);
  ASSERT_TRUE(layout.ok());
  const auto codes = ItemsOf<LayoutCode>(*layout);
  ASSERT_EQ(codes.size(), 4u);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    EXPECT_EQ(codes[i].kind, LayoutCode::Kind::kArucoMarker);
    EXPECT_EQ(codes[i].id, form.pages[0].markers->items[i].id);
    EXPECT_TRUE(SameBox(codes[i].box, form.pages[0].markers->items[i].box));
    EXPECT_EQ(codes[i].modules.size, 6);
  }
  EXPECT_EQ(FindQrCode(*layout), nullptr) << "no QR code unless asked for";
}

TEST_F(FormLayoutTest, QrCodeSitsWithinFiftyMillimetresOfACornerClearOfEveryFieldAndMarker) {
  for (const char* id : {"juminhyo-request", "kyufukin-application", "demand-bus-reservation"}) {
    const FormDefinition form = Bundled(id);
    for (int p = 0; p < static_cast<int>(form.pages.size()); ++p) {
      LayoutOptions options;
      options.qr_payload = "adbridge-form:" + form.id + ":1:" + std::to_string(p + 1);
      Result<PageLayout> layout = BuildPageLayout(form, p, metrics_, options);
      ASSERT_TRUE(layout.ok()) << layout.status().message(Lang::kEn);
      const LayoutCode* qr = FindQrCode(*layout);
      ASSERT_NE(qr, nullptr);
      EXPECT_EQ(qr->payload, options.qr_payload);
      EXPECT_NEAR(qr->box.width, 25 * options.qr_module_mm, 1e-9);
      const double quiet = kQrQuietModules * options.qr_module_mm;
      const BoxMm zone{qr->box.x - quiet, qr->box.y - quiet, qr->box.width + 2 * quiet,
                       qr->box.height + 2 * quiet};
      const bool left = zone.x >= 0 && zone.x + zone.width <= kQrCornerMm;
      const bool right = zone.x >= form.pages[p].width_mm - kQrCornerMm &&
                         zone.x + zone.width <= form.pages[p].width_mm;
      const bool top = zone.y >= 0 && zone.y + zone.height <= kQrCornerMm;
      const bool bottom = zone.y >= form.pages[p].height_mm - kQrCornerMm &&
                          zone.y + zone.height <= form.pages[p].height_mm;
      EXPECT_TRUE((left || right) && (top || bottom)) << id << " p" << p + 1;
      EXPECT_GE(qr->box.x, kPrintMarginMm);
      EXPECT_GE(qr->box.y, kPrintMarginMm);
      for (const FieldDefinition& f : form.fields) {
        if (f.page != p + 1) continue;
        EXPECT_FALSE(Overlap(zone, FieldExtent(f))) << id << " " << f.name;
      }
      if (form.pages[p].markers.has_value()) {
        for (const MarkerItem& m : form.pages[p].markers->items) {
          EXPECT_FALSE(Overlap(zone, m.box)) << id << " marker " << m.id;
        }
      }
      for (const LayoutText& t : ItemsOf<LayoutText>(*layout)) {
        EXPECT_FALSE(Inside(t.x_mm, t.baseline_mm, zone)) << id << ": " << t.text;
      }
    }
  }
}

TEST_F(FormLayoutTest, APageWithNoCornerFreeForTheQrCodeIsRefused) {
  // Fields reaching into all four corners.
  const FormDefinition form = Parsed(R"({"id": "crowded", "version": 1, "title": "T",
    "pages": [{"size_mm": [210, 297], "reference": "p.png"}],
    "fields": [
      {"name": "a", "label": "A", "page": 1, "type": "text", "box_mm": [2, 2, 206, 45]},
      {"name": "b", "label": "B", "page": 1, "type": "text", "box_mm": [2, 250, 206, 45]}
    ]})");
  LayoutOptions options;
  options.qr_payload = "adbridge-form:crowded:1:1";
  Result<PageLayout> layout = BuildPageLayout(form, 0, metrics_, options);
  ASSERT_FALSE(layout.ok());
  EXPECT_EQ(layout.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(layout.status().message(Lang::kEn), HasSubstr("crowded page 1"));
  EXPECT_THAT(layout.status().message(Lang::kJa), HasSubstr("QR コード"));
  EXPECT_TRUE(BuildPageLayout(form, 0, metrics_).ok()) << "without a QR code it is laid out";
}

TEST_F(FormLayoutTest, BadRequestsAreRefusedWithTheirReason) {
  const FormDefinition form = Bundled("juminhyo-request");
  Result<PageLayout> missing = BuildPageLayout(form, 1, metrics_);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(Lang::kEn), HasSubstr("no page 2"));

  LayoutOptions tiny;
  tiny.qr_payload = "adbridge-form:juminhyo-request:1:1";
  tiny.qr_module_mm = 0.4;
  EXPECT_EQ(BuildPageLayout(form, 0, metrics_, tiny).status().code(), StatusCode::kInvalidArgument);

  LayoutOptions long_payload;
  long_payload.qr_payload = std::string(200, 'x');
  EXPECT_EQ(BuildPageLayout(form, 0, metrics_, long_payload).status().code(),
            StatusCode::kInvalidArgument);

  FormDefinition other_dictionary = Bundled("demand-bus-reservation");
  other_dictionary.pages[0].markers->dictionary = "DICT_9X9_1";
  EXPECT_EQ(BuildPageLayout(other_dictionary, 0, metrics_).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(FormLayoutTest, ARunOfCheckboxRowsIsHeadedOnceWhenAHeadingIsGiven) {
  const FormDefinition form = Bundled("kyufukin-application");
  LayoutOptions options;
  options.checkbox_row_heading = "該当するものに✓";
  Result<PageLayout> layout = BuildPageLayout(form, 0, metrics_, options);
  ASSERT_TRUE(layout.ok());
  int headings = 0;
  for (const LayoutText& t : ItemsOf<LayoutText>(*layout)) headings += t.text == "該当するものに✓";
  EXPECT_EQ(headings, 1) << "three consent rows, one heading";
  Result<PageLayout> bare = BuildPageLayout(form, 0, metrics_);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(TextNamed(ItemsOf<LayoutText>(*bare), "該当するものに✓"), nullptr);
}

TEST_F(FormLayoutTest, FieldExtentOfAChoiceCoversAllItsOptions) {
  const FormDefinition form = Bundled("juminhyo-request");
  const BoxMm e = FieldExtent(*form.FindField("purpose"));
  EXPECT_DOUBLE_EQ(e.x, 50);
  EXPECT_DOUBLE_EQ(e.y, 193);
  EXPECT_DOUBLE_EQ(e.width, 110);
  EXPECT_DOUBLE_EQ(e.height, 5);
  EXPECT_TRUE(SameBox(FieldExtent(*form.FindField("copies")), {48, 166.5, 20, 11}));
}

}  // namespace
}  // namespace adbridge::models
