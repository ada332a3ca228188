#include "models/form_definition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace adbridge::models {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const fs::path kDataDir = fs::path(ADBRIDGE_SOURCE_DIR) / "tests" / "data" / "forms";

// A valid one-page definition around `fields` (the inside of the "fields" array), with
// `top` spliced in among the top-level keys.
std::string Definition(std::string_view fields, std::string_view top = "") {
  return std::string(R"({"id": "t", "version": 1, "title": "T", )") + std::string(top) +
         R"("pages": [{"size_mm": [210, 297], "reference": "p1.png"}], "fields": [)" +
         std::string(fields) + "]}";
}

// A valid definition whose one page is `page` (a JSON object).
std::string WithPage(std::string_view page) {
  return std::string(R"({"id": "t", "version": 1, "title": "T", "pages": [)") + std::string(page) +
         R"(], "fields": [{"name": "a", "label": "A", "page": 1, "type": "text",
             "box_mm": [10, 10, 50, 10]}]})";
}

// A single text field "a" on page 1 with `extra` keys added.
std::string TextField(std::string_view extra = "") {
  std::string field = R"({"name": "a", "label": "A", "page": 1, "type": "text",
                          "box_mm": [10, 10, 50, 10])";
  if (!extra.empty()) field += ", " + std::string(extra);
  return field + "}";
}

Result<FormDefinition> Parse(std::string_view json) {
  return ParseFormDefinition(json, "test.json", "/nonexistent", /*check_references=*/false);
}

class FormDefinitionTest : public ::testing::Test {
 protected:
  FormDefinitionTest() {
    std::string pattern = (fs::temp_directory_path() / "form_definition_test.XXXXXX").string();
    const char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    dir_ = pattern;
  }
  ~FormDefinitionTest() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void WriteFile(const fs::path& path, std::string_view content) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
  }

  fs::path dir_;
};

TEST_F(FormDefinitionTest, SpecExampleLoadsWithEveryValue) {
  Result<FormDefinition> form = LoadFormDefinition(kDataDir / "juminhyo-request.json");
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);

  EXPECT_EQ(form->id, "juminhyo-request");
  EXPECT_EQ(form->version, 1);
  EXPECT_EQ(form->title, "住民票の写し等交付請求書");
  EXPECT_EQ(form->department, "市民課");
  EXPECT_FALSE(form->accept_confidence.has_value());

  ASSERT_EQ(form->pages.size(), 1u);
  const PageDefinition& page = form->pages[0];
  EXPECT_EQ(page.width_mm, 210);
  EXPECT_EQ(page.height_mm, 297);
  EXPECT_EQ(page.reference, "juminhyo-request.p1.png");
  EXPECT_EQ(page.reference_path, kDataDir / "juminhyo-request.p1.png");
  EXPECT_FALSE(page.markers.has_value());

  ASSERT_EQ(form->fields.size(), 9u);
  std::vector<std::string> names;
  for (const FieldDefinition& field : form->fields) names.push_back(field.name);
  EXPECT_THAT(
      names, ::testing::ElementsAre("applicant_name", "applicant_kana", "birth_date", "postal_code",
                                    "phone", "copies", "purpose", "needs_mynumber", "my_number"));

  const FieldDefinition& name = form->fields[0];
  EXPECT_EQ(name.label, "氏名");
  EXPECT_EQ(name.page, 1);
  EXPECT_EQ(name.type, FieldType::kText);
  ASSERT_TRUE(name.box.has_value());
  EXPECT_EQ(name.box->x, 48.0);
  EXPECT_EQ(name.box->y, 52.5);
  EXPECT_EQ(name.box->width, 110.0);
  EXPECT_EQ(name.box->height, 14.0);
  EXPECT_EQ(name.lang, "jpn");
  EXPECT_TRUE(name.required);
  EXPECT_TRUE(name.sensitive);
  EXPECT_FALSE(name.on_site_only);
  EXPECT_FALSE(name.double_entry);

  const FieldDefinition& kana = form->fields[1];
  EXPECT_EQ(kana.type, FieldType::kKana);
  EXPECT_EQ(kana.lang, "jpn");  // the default
  EXPECT_FALSE(kana.required);
  EXPECT_FALSE(kana.sensitive);
  EXPECT_EQ(kana.box->y, 40.0);

  EXPECT_EQ(form->fields[2].type, FieldType::kDate);
  EXPECT_TRUE(form->fields[2].required);
  EXPECT_EQ(form->fields[3].type, FieldType::kPostalCode);
  EXPECT_EQ(form->fields[3].box->width, 50.0);
  EXPECT_EQ(form->fields[4].type, FieldType::kPhone);
  EXPECT_EQ(form->fields[4].box->x, 110.0);

  const FieldDefinition& copies = form->fields[5];
  EXPECT_EQ(copies.type, FieldType::kInteger);
  EXPECT_EQ(copies.min, 1);
  EXPECT_EQ(copies.max, 20);
  EXPECT_FALSE(copies.length.has_value());
  EXPECT_FALSE(copies.pattern.has_value());
  EXPECT_FALSE(copies.comb.has_value());

  const FieldDefinition& purpose = form->fields[6];
  EXPECT_EQ(purpose.type, FieldType::kChoice);
  EXPECT_FALSE(purpose.box.has_value());
  ASSERT_EQ(purpose.options.size(), 3u);
  EXPECT_EQ(purpose.options[0].value, "pension");
  EXPECT_EQ(purpose.options[0].label, "年金");
  EXPECT_EQ(purpose.options[0].box.x, 50.0);
  EXPECT_EQ(purpose.options[0].box.y, 170.0);
  EXPECT_EQ(purpose.options[0].box.width, 5.0);
  EXPECT_EQ(purpose.options[0].box.height, 5.0);
  EXPECT_EQ(purpose.options[1].value, "employment");
  EXPECT_EQ(purpose.options[1].label, "就職");
  EXPECT_EQ(purpose.options[1].box.x, 80.0);
  EXPECT_EQ(purpose.options[2].value, "other");
  EXPECT_EQ(purpose.options[2].label, "その他");
  EXPECT_EQ(purpose.options[2].box.x, 110.0);

  const FieldDefinition& checkbox = form->fields[7];
  EXPECT_EQ(checkbox.type, FieldType::kCheckbox);
  EXPECT_EQ(checkbox.box->width, 5.0);

  const FieldDefinition& my_number = form->fields[8];
  EXPECT_EQ(my_number.type, FieldType::kDigits);
  EXPECT_EQ(my_number.length, 12);
  EXPECT_EQ(my_number.check, CheckRule::kMyNumber);
  EXPECT_TRUE(my_number.on_site_only);
  EXPECT_TRUE(my_number.sensitive);  // implied by on_site_only

  // Every field falls back to the default threshold: neither field nor form sets one.
  for (const FieldDefinition& field : form->fields) {
    EXPECT_EQ(form->AcceptConfidenceFor(field), kDefaultAcceptConfidence) << field.name;
  }
}

TEST_F(FormDefinitionTest, AcceptConfidenceFallsBackFromFieldToFormToDefault) {
  Result<FormDefinition> form = Parse(Definition(
      TextField(R"("accept_confidence": 0.99)") + "," +
          R"({"name": "b", "label": "B", "page": 1, "type": "kana", "box_mm": [10, 30, 50, 10]})",
      R"("accept_confidence": 0.75, )"));
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  EXPECT_EQ(form->accept_confidence, 0.75);
  EXPECT_EQ(form->AcceptConfidenceFor(*form->FindField("a")), 0.99);
  EXPECT_EQ(form->AcceptConfidenceFor(*form->FindField("b")), 0.75);

  Result<FormDefinition> plain = Parse(Definition(TextField()));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->AcceptConfidenceFor(plain->fields[0]), kDefaultAcceptConfidence);
}

TEST_F(FormDefinitionTest, FindFieldReturnsTheFieldByNameOrNull) {
  Result<FormDefinition> form = LoadFormDefinition(kDataDir / "juminhyo-request.json");
  ASSERT_TRUE(form.ok());
  const FieldDefinition* copies = form->FindField("copies");
  ASSERT_NE(copies, nullptr);
  EXPECT_EQ(copies->label, "必要枚数");
  EXPECT_EQ(form->FindField("no_such_field"), nullptr);
  EXPECT_EQ(form->FindField(""), nullptr);
}

TEST(FormDefinitionNamesTest, EveryFieldTypeNameRoundTrips) {
  for (FieldType type : {FieldType::kText, FieldType::kKana, FieldType::kDigits,
                         FieldType::kInteger, FieldType::kDate, FieldType::kPostalCode,
                         FieldType::kPhone, FieldType::kCheckbox, FieldType::kChoice}) {
    EXPECT_EQ(ParseFieldType(FieldTypeName(type)), type) << FieldTypeName(type);
  }
  EXPECT_EQ(FieldTypeName(FieldType::kPostalCode), "postal_code");
  EXPECT_EQ(ParseFieldType("Text"), std::nullopt);
  EXPECT_EQ(ParseFieldType(""), std::nullopt);
}

TEST(FormDefinitionNamesTest, EveryCheckRuleNameRoundTrips) {
  EXPECT_EQ(CheckRuleName(CheckRule::kMyNumber), "mynumber");
  EXPECT_EQ(CheckRuleName(CheckRule::kCorporateNumber), "corporate_number");
  EXPECT_EQ(ParseCheckRule("mynumber"), CheckRule::kMyNumber);
  EXPECT_EQ(ParseCheckRule("corporate_number"), CheckRule::kCorporateNumber);
  EXPECT_EQ(ParseCheckRule("luhn"), std::nullopt);
}

TEST_F(FormDefinitionTest, BoxOffThePageIsExplainedInBothLanguages) {
  Result<FormDefinition> form =
      ParseFormDefinition(Definition(R"({"name": "postal_code", "label": "郵便番号", "page": 1,
                     "type": "postal_code", "box_mm": [180, 86, 50, 12]})"),
                          "juminhyo.json", "/nonexistent", false);
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(
      form.status().message(Lang::kJa),
      "juminhyo.json: 項目 \"postal_code\": box_mm が用紙 (210×297 mm) の外にはみ出しています");
  EXPECT_EQ(form.status().message(Lang::kEn),
            "juminhyo.json: field \"postal_code\": box_mm lies outside the 210×297 mm page");
}

TEST_F(FormDefinitionTest, BoxesMayTouchThePageEdges) {
  Result<FormDefinition> form = Parse(Definition(
      R"({"name": "a", "label": "A", "page": 1, "type": "text", "box_mm": [0, 0, 210, 297]},
         {"name": "b", "label": "B", "page": 1, "type": "text", "box_mm": [200.1, 287.1, 9.9, 9.9]})"));
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  EXPECT_EQ(form->fields[1].box->x, 200.1);
}

TEST_F(FormDefinitionTest, FieldsOnLaterPagesAreCheckedAgainstTheirOwnPage) {
  const std::string two_pages =
      R"({"id": "t", "version": 1, "title": "T", "pages": [
           {"size_mm": [210, 297], "reference": "p1.png"},
           {"size_mm": [148, 210], "reference": "p2.png"}], "fields": [
           {"name": "a", "label": "A", "page": 2, "type": "text", "box_mm": [100, 10, 48, 10]},
           {"name": "b", "label": "B", "page": 2, "type": "text", "box_mm": [150, 10, 40, 10]}]})";
  Result<FormDefinition> form = Parse(two_pages);
  ASSERT_FALSE(form.ok());
  EXPECT_THAT(form.status().message(Lang::kEn),
              AllOf(HasSubstr("field \"b\""), HasSubstr("outside the 148×210 mm page")));
}

TEST_F(FormDefinitionTest, OnSiteOnlyMakesAFieldSensitive) {
  Result<FormDefinition> form = Parse(Definition(TextField(R"("on_site_only": true)")));
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  EXPECT_TRUE(form->fields[0].on_site_only);
  EXPECT_TRUE(form->fields[0].sensitive);
}

TEST_F(FormDefinitionTest, OptionalFieldKeysAreRead) {
  Result<FormDefinition> form = Parse(Definition(
      TextField(R"("lang": "jpn+eng", "double_entry": true, "pattern": "^[0-9]+$",
                   "comb": 8, "sensitive": false)") +
      R"(, {"name": "v", "label": "V", "page": 1, "type": "text", "box_mm": [10, 30, 20, 80],
            "lang": "jpn_vert"})"));
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  const FieldDefinition& a = form->fields[0];
  EXPECT_EQ(a.lang, "jpn+eng");
  EXPECT_TRUE(a.double_entry);
  EXPECT_EQ(a.pattern, "^[0-9]+$");
  EXPECT_EQ(a.comb, 8);
  EXPECT_FALSE(a.sensitive);
  EXPECT_EQ(form->fields[1].lang, "jpn_vert");
}

TEST_F(FormDefinitionTest, CheckRulesImplyTheirLength) {
  Result<FormDefinition> form = Parse(Definition(
      R"({"name": "a", "label": "A", "page": 1, "type": "digits", "box_mm": [10, 10, 50, 10],
          "check": "mynumber"},
         {"name": "b", "label": "B", "page": 1, "type": "digits", "box_mm": [10, 30, 50, 10],
          "check": "corporate_number", "length": 13})"));
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  EXPECT_EQ(form->fields[0].check, CheckRule::kMyNumber);
  EXPECT_EQ(form->fields[0].length, 12);
  EXPECT_EQ(form->fields[1].check, CheckRule::kCorporateNumber);
  EXPECT_EQ(form->fields[1].length, 13);
}

TEST_F(FormDefinitionTest, ChoiceMayHaveABoxAroundItsOptions) {
  Result<FormDefinition> form = Parse(Definition(
      R"({"name": "c", "label": "C", "page": 1, "type": "choice", "box_mm": [40, 160, 100, 20],
          "options": [{"value": "x", "label": "X", "box_mm": [50, 170, 5, 5]}]})"));
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  ASSERT_TRUE(form->fields[0].box.has_value());
  EXPECT_EQ(form->fields[0].box->width, 100);
  ASSERT_EQ(form->fields[0].options.size(), 1u);
}

TEST_F(FormDefinitionTest, MarkersAreReadWithTheirDictionaryAndBoxes) {
  Result<FormDefinition> form = Parse(WithPage(
      R"({"size_mm": [210, 297], "reference": "p1.png", "markers": {
           "dictionary": "DICT_4X4_50", "items": [
             {"id": 0, "box_mm": [5, 5, 10, 10]}, {"id": 49, "box_mm": [195, 282, 10, 10]}]}})"));
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  ASSERT_TRUE(form->pages[0].markers.has_value());
  const PageMarkers& markers = *form->pages[0].markers;
  EXPECT_EQ(markers.dictionary, "DICT_4X4_50");
  ASSERT_EQ(markers.items.size(), 2u);
  EXPECT_EQ(markers.items[0].id, 0);
  EXPECT_EQ(markers.items[1].id, 49);
  EXPECT_EQ(markers.items[1].box.x, 195);
  EXPECT_EQ(markers.items[1].box.height, 10);
}

TEST_F(FormDefinitionTest, ReferenceIsResolvedBesideTheDefinition) {
  WriteFile(dir_ / "img" / "p1.png", "png");
  Result<FormDefinition> form = ParseFormDefinition(
      WithPage(R"({"size_mm": [210, 297], "reference": "./img//p1.png"})"), "t.json", dir_);
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  EXPECT_EQ(form->pages[0].reference, "./img//p1.png");
  EXPECT_EQ(form->pages[0].reference_path, dir_ / "img" / "p1.png");
}

TEST_F(FormDefinitionTest, MissingReferenceImageNamesTheFile) {
  Result<FormDefinition> form = ParseFormDefinition(
      WithPage(R"({"size_mm": [210, 297], "reference": "missing.p1.png"})"), "t.json", dir_);
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(form.status().message(Lang::kEn),
              AllOf(StartsWith("t.json: page 1: "), HasSubstr((dir_ / "missing.p1.png").string()),
                    HasSubstr("does not exist")));
  EXPECT_THAT(form.status().message(Lang::kJa), HasSubstr("missing.p1.png"));
}

TEST_F(FormDefinitionTest, ReferenceThatIsAFolderIsMissing) {
  fs::create_directories(dir_ / "pages.png");
  Result<FormDefinition> form = ParseFormDefinition(
      WithPage(R"({"size_mm": [210, 297], "reference": "pages.png"})"), "t.json", dir_);
  ASSERT_FALSE(form.ok());
  EXPECT_THAT(form.status().message(Lang::kEn), HasSubstr("does not exist"));
}

TEST_F(FormDefinitionTest, ReferencesAreNotCheckedWhenTheCallerSaysSo) {
  Result<FormDefinition> form =
      ParseFormDefinition(WithPage(R"({"size_mm": [210, 297], "reference": "missing.png"})"),
                          "t.json", dir_, /*check_references=*/false);
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  EXPECT_EQ(form->pages[0].reference_path, dir_ / "missing.png");
}

TEST_F(FormDefinitionTest, ReferenceMayNotLeaveTheDefinitionsFolderEvenWhenTheFileExists) {
  WriteFile(dir_ / "outside.png", "png");
  WriteFile(dir_ / "forms" / "inside.png", "png");
  for (std::string_view reference :
       {"../outside.png", "inside/../../outside.png", "./../outside.png", "a/../inside.png"}) {
    Result<FormDefinition> form = ParseFormDefinition(
        WithPage(R"({"size_mm": [210, 297], "reference": ")" + std::string(reference) + "\"}"),
        "t.json", dir_ / "forms");
    ASSERT_FALSE(form.ok()) << reference;
    EXPECT_EQ(form.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(form.status().message(Lang::kEn),
                AllOf(HasSubstr("page 1"), HasSubstr("must not contain \"..\"")))
        << reference;
  }
  Result<FormDefinition> absolute =
      ParseFormDefinition(WithPage(R"({"size_mm": [210, 297], "reference": ")" +
                                   (dir_ / "outside.png").string() + "\"}"),
                          "t.json", dir_ / "forms");
  ASSERT_FALSE(absolute.ok());
  EXPECT_THAT(absolute.status().message(Lang::kEn),
              AllOf(HasSubstr("page 1"), HasSubstr("not an absolute path")));
}

TEST_F(FormDefinitionTest, MalformedJsonReportsLineAndColumn) {
  Result<FormDefinition> form = Parse("{\n  \"id\": \"t\",\n  \"version\": ,\n}");
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(form.status().message(Lang::kEn),
              AllOf(StartsWith("test.json: malformed JSON at line 3, column 14 (byte offset 28)"),
                    HasSubstr("unexpected ','")));
  EXPECT_THAT(form.status().message(Lang::kJa), HasSubstr("3 行 14 列"));
}

TEST_F(FormDefinitionTest, TruncatedJsonReportsTheEnd) {
  const std::string text = R"({"id": "t", "version": 1)";
  Result<FormDefinition> form = Parse(text);
  ASSERT_FALSE(form.ok());
  EXPECT_THAT(form.status().message(Lang::kEn),
              HasSubstr("line 1, column " + std::to_string(text.size() + 1)));
}

TEST_F(FormDefinitionTest, EmptyInputIsMalformedJson) {
  Result<FormDefinition> form = Parse("");
  ASSERT_FALSE(form.ok());
  EXPECT_THAT(form.status().message(Lang::kEn), HasSubstr("malformed JSON at line 1, column 1"));
}

TEST_F(FormDefinitionTest, InvalidUtf8IsMalformedJson) {
  Result<FormDefinition> form = Parse(Definition(TextField(), "\"department\": \"\xff\xfe\", "));
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(form.status().message(Lang::kEn), HasSubstr("malformed JSON at line 1"));
}

TEST_F(FormDefinitionTest, TrailingTextAfterTheDocumentIsMalformed) {
  Result<FormDefinition> form = Parse(Definition(TextField()) + " {}");
  ASSERT_FALSE(form.ok());
  EXPECT_THAT(form.status().message(Lang::kEn), HasSubstr("malformed JSON"));
}

TEST_F(FormDefinitionTest, DeeplyNestedArraysAreRefusedWithoutCrashing) {
  const std::string deep(100000, '[');
  Result<FormDefinition> form = Parse(deep);
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(form.status().message(Lang::kEn),
              AllOf(StartsWith("test.json: "), HasSubstr("nests deeper")));
}

TEST_F(FormDefinitionTest, DeeplyNestedValueInsideAFieldIsRefusedWithoutCrashing) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += R"({"a":)";
  deep += "1";
  deep += std::string(100000, '}');
  Result<FormDefinition> form = Parse(Definition(TextField(R"("pattern": )" + deep)));
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(form.status().message(Lang::kEn), HasSubstr("nests deeper"));
}

TEST_F(FormDefinitionTest, DefinitionOverOneMebibyteIsRefused) {
  std::string huge = Definition(TextField());
  huge += std::string((1 << 20) - huge.size() + 1, ' ');
  Result<FormDefinition> form = Parse(huge);
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(form.status().message(Lang::kEn),
              AllOf(StartsWith("test.json: "), HasSubstr("too large")));
}

TEST_F(FormDefinitionTest, DefinitionOfExactlyOneMebibyteIsRead) {
  std::string big = Definition(TextField());
  big += std::string((1 << 20) - big.size(), ' ');
  Result<FormDefinition> form = Parse(big);
  EXPECT_TRUE(form.ok()) << form.status().message(Lang::kEn);
}

std::string ManyFields(int count) {
  std::string fields;
  for (int i = 0; i < count; ++i) {
    if (i > 0) fields += ",";
    fields += R"({"name": "f)" + std::to_string(i) +
              R"(", "label": "F", "page": 1, "type": "checkbox", "box_mm": [1, 1, 5, 5]})";
  }
  return Definition(fields);
}

TEST_F(FormDefinitionTest, FiveHundredFieldsAreAccepted) {
  Result<FormDefinition> form = Parse(ManyFields(500));
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  EXPECT_EQ(form->fields.size(), 500u);
}

TEST_F(FormDefinitionTest, MoreThanFiveHundredFieldsAreRefused) {
  Result<FormDefinition> form = Parse(ManyFields(501));
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(form.status().message(Lang::kEn),
              AllOf(HasSubstr("fields has 501 entries"), HasSubstr("limit of 500")));
}

TEST_F(FormDefinitionTest, LoadNamesErrorsByTheFileName) {
  WriteFile(dir_ / "p1.png", "png");
  WriteFile(dir_ / "broken.json", Definition(TextField(R"("requried": true)")));
  Result<FormDefinition> form = LoadFormDefinition(dir_ / "broken.json");
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(form.status().message(Lang::kEn), AllOf(StartsWith("broken.json: field \"a\": "),
                                                      HasSubstr("unknown key \"requried\"")));
}

TEST_F(FormDefinitionTest, LoadResolvesReferencesBesideTheFile) {
  WriteFile(dir_ / "f.json", WithPage(R"({"size_mm": [210, 297], "reference": "f.p1.png"})"));
  Result<FormDefinition> missing = LoadFormDefinition(dir_ / "f.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(Lang::kEn), HasSubstr((dir_ / "f.p1.png").string()));

  WriteFile(dir_ / "f.p1.png", "png");
  Result<FormDefinition> form = LoadFormDefinition(dir_ / "f.json");
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  EXPECT_EQ(form->pages[0].reference_path, dir_ / "f.p1.png");
}

TEST_F(FormDefinitionTest, LoadOfAMissingFileIsNotFoundNamingThePath) {
  Result<FormDefinition> form = LoadFormDefinition(dir_ / "absent.json");
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(form.status().message(Lang::kEn), HasSubstr((dir_ / "absent.json").string()));
  EXPECT_THAT(form.status().message(Lang::kJa), HasSubstr((dir_ / "absent.json").string()));
}

TEST_F(FormDefinitionTest, LoadOfAFolderIsNotFound) {
  Result<FormDefinition> form = LoadFormDefinition(dir_);
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kNotFound);
}

TEST_F(FormDefinitionTest, LoadOfAnOversizedFileIsRefusedBeforeReadingIt) {
  WriteFile(dir_ / "huge.json", std::string((1 << 20) + 10, ' '));
  Result<FormDefinition> form = LoadFormDefinition(dir_ / "huge.json");
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(form.status().message(Lang::kEn), HasSubstr("huge.json"));
}

// One broken definition and what its English message must say: the place (field, page, key)
// and the reason.
struct BrokenCase {
  std::string_view title;  // the test's name
  std::string json;
  std::vector<std::string> says;
};

// The "…" parts of a message, quotes included.
std::vector<std::string> QuotedParts(const std::string& message) {
  std::vector<std::string> parts;
  std::size_t open = message.find('"');
  while (open != std::string::npos) {
    const std::size_t close = message.find('"', open + 1);
    if (close == std::string::npos) break;
    parts.push_back(message.substr(open, close - open + 1));
    open = message.find('"', close + 1);
  }
  return parts;
}

// Names the case in test output instead of dumping its bytes.
void PrintTo(const BrokenCase& c, std::ostream* os) { *os << c.title; }

class BrokenDefinitionTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenDefinitionTest, IsRefusedNamingThePlaceAndReason) {
  const BrokenCase& c = GetParam();
  Result<FormDefinition> form = Parse(c.json);
  ASSERT_FALSE(form.ok()) << "accepted: " << c.json;
  EXPECT_EQ(form.status().code(), StatusCode::kInvalidArgument) << form.status().message(Lang::kEn);
  const Status status = form.status();  // status() returns a copy; keep it alive
  const std::string& en = status.message(Lang::kEn);
  EXPECT_THAT(en, StartsWith("test.json: "));
  for (const std::string& part : c.says) EXPECT_THAT(en, HasSubstr(part));
  // The Japanese message is its own text naming the same things: whatever the English one
  // quotes (names, keys, values) it quotes too.
  const std::string& ja = status.message(Lang::kJa);
  EXPECT_THAT(ja, StartsWith("test.json: "));
  EXPECT_NE(ja, en);
  for (const std::string& quoted : QuotedParts(en)) EXPECT_THAT(ja, HasSubstr(quoted));
}

std::string ChoiceField(std::string_view options) {
  return R"({"name": "c", "label": "C", "page": 1, "type": "choice", "options": )" +
         std::string(options) + "}";
}

std::string DigitsField(std::string_view extra) {
  return R"({"name": "d", "label": "D", "page": 1, "type": "digits", "box_mm": [10, 10, 50, 10], )" +
         std::string(extra) + "}";
}

std::string Markers(std::string_view markers) {
  return WithPage(R"({"size_mm": [210, 297], "reference": "p1.png", "markers": )" +
                  std::string(markers) + "}");
}

const BrokenCase kBrokenCases[] = {
    // The document and its top-level keys.
    {"DocumentThatIsAnArray", "[1, 2]", {"must be a JSON object", "not an array"}},
    {"RepeatedKey", R"({"id": "a", "id": "b"})", {"key \"id\" appears twice"}},
    {"MissingId", R"({"version": 1, "title": "T", "pages": [], "fields": []})", {"id is missing"}},
    {"IdWithCapitals", R"({"id": "Tx", "version": 1})", {"id \"Tx\"", "[a-z0-9-]+"}},
    {"IdWithSpace", R"({"id": "a b", "version": 1})", {"id \"a b\"", "[a-z0-9-]+"}},
    {"IdAsNumber", R"({"id": 7, "version": 1})", {"id must be a string, not an integer"}},
    {"MissingVersion", R"({"id": "t", "title": "T"})", {"version is missing"}},
    {"VersionZero", R"({"id": "t", "version": 0})", {"version must be an integer ≥ 1"}},
    {"VersionAsString",
     R"({"id": "t", "version": "1"})",
     {"version must be an integer, not a string"}},
    {"VersionWithFraction",
     R"({"id": "t", "version": 1.5})",
     {"version must be an integer, not the number 1.5"}},
    {"VersionBeyondInt", R"({"id": "t", "version": 99999999999})", {"version must be"}},
    {"VersionBeyondLongLong",
     R"({"id": "t", "version": 18446744073709551615})",
     {"version is too large"}},
    {"MissingTitle", R"({"id": "t", "version": 1})", {"title is missing"}},
    {"EmptyTitle", R"({"id": "t", "version": 1, "title": ""})", {"title must not be empty"}},
    {"DepartmentAsArray",
     R"({"id": "t", "version": 1, "title": "T", "department": []})",
     {"department must be a string, not an array"}},
    {"MisspelledTopLevelKey",
     R"({"id": "t", "version": 1, "titel": "T"})",
     {"unknown key \"titel\"", "known keys: id, version, title"}},
    {"FormAcceptConfidenceAboveOne",
     Definition(TextField(), R"("accept_confidence": 1.5, )"),
     {"accept_confidence must be between 0 and 1"}},
    {"FormAcceptConfidenceAsString",
     Definition(TextField(), R"("accept_confidence": "0.9", )"),
     {"accept_confidence must be a number, not a string"}},
    {"MissingPages",
     R"({"id": "t", "version": 1, "title": "T", "fields": []})",
     {"pages is missing"}},
    {"PagesAsObject",
     R"({"id": "t", "version": 1, "title": "T", "pages": {}})",
     {"pages must be an array"}},
    {"NoPages",
     R"({"id": "t", "version": 1, "title": "T", "pages": [], "fields": []})",
     {"pages is empty"}},
    {"MissingFields",
     R"({"id": "t", "version": 1, "title": "T", "pages": [{"size_mm": [210, 297], "reference": "p"}]})",
     {"fields is missing"}},
    {"NoFields", Definition(""), {"fields is empty"}},

    // Pages.
    {"PageThatIsAString", WithPage(R"("p1.png")"), {"page 1", "must be a JSON object"}},
    {"PageWithoutSize", WithPage(R"({"reference": "p1.png"})"), {"page 1", "size_mm is missing"}},
    {"PageSizeWithThreeNumbers",
     WithPage(R"({"size_mm": [210, 297, 1], "reference": "p"})"),
     {"page 1", "size_mm must be [width, height]"}},
    {"PageSizeWithAString",
     WithPage(R"({"size_mm": [210, "297"], "reference": "p"})"),
     {"page 1", "size_mm must be [width, height]"}},
    {"PageSizeZero",
     WithPage(R"({"size_mm": [0, 297], "reference": "p"})"),
     {"page 1", "size_mm needs a positive width and height"}},
    {"PageWithoutReference",
     WithPage(R"({"size_mm": [210, 297]})"),
     {"page 1", "reference is missing"}},
    {"PageWithEmptyReference",
     WithPage(R"({"size_mm": [210, 297], "reference": ""})"),
     {"page 1", "reference must not be empty"}},
    {"ReferenceThatIsAFolderName",
     WithPage(R"({"size_mm": [210, 297], "reference": "img/"})"),
     {"page 1", "does not name a file"}},
    {"ReferenceWithAControlCharacter",
     WithPage(R"({"size_mm": [210, 297], "reference": "p1.png\u0000/x"})"),
     {"page 1", "control character"}},
    {"MisspelledPageKey",
     WithPage(R"({"size_mm": [210, 297], "refrence": "p"})"),
     {"page 1", "unknown key \"refrence\""}},

    // Markers.
    {"MarkersAsArray", Markers("[]"), {"page 1", "markers must be an object"}},
    {"UnknownDictionary",
     Markers(R"({"dictionary": "DICT_9X9_50", "items": []})"),
     {"page 1 markers", "\"DICT_9X9_50\" is not a known ArUco dictionary", "DICT_4X4_50"}},
    {"MarkersWithoutItems",
     Markers(R"({"dictionary": "DICT_4X4_50"})"),
     {"page 1 markers", "items is missing"}},
    {"MarkersWithNoItems",
     Markers(R"({"dictionary": "DICT_4X4_50", "items": []})"),
     {"page 1 markers", "items is empty"}},
    {"MarkerIdBeyondTheDictionary",
     Markers(R"({"dictionary": "DICT_4X4_50", "items": [{"id": 50, "box_mm": [5, 5, 10, 10]}]})"),
     {"page 1 marker #1", "id 50 is outside DICT_4X4_50 (0 to 49)"}},
    {"NegativeMarkerId",
     Markers(R"({"dictionary": "DICT_5X5_100", "items": [{"id": -1, "box_mm": [5, 5, 10, 10]}]})"),
     {"page 1 marker #1", "id -1 is outside DICT_5X5_100"}},
    {"MarkerIdUsedTwice",
     Markers(R"({"dictionary": "DICT_6X6_50", "items": [{"id": 3, "box_mm": [5, 5, 10, 10]},
                                                        {"id": 3, "box_mm": [50, 5, 10, 10]}]})"),
     {"page 1 marker #2", "id 3 is used twice"}},
    {"MarkerOffThePage",
     Markers(R"({"dictionary": "DICT_4X4_100", "items": [{"id": 1, "box_mm": [205, 5, 10, 10]}]})"),
     {"page 1 marker #1", "box_mm lies outside the 210×297 mm page"}},
    {"MarkerWithoutBox",
     Markers(R"({"dictionary": "DICT_4X4_50", "items": [{"id": 1}]})"),
     {"page 1 marker #1", "box_mm is missing"}},
    {"MisspelledMarkerKey",
     Markers(R"({"dictionary": "DICT_4X4_50", "items": [{"id": 1, "box": [5, 5, 1, 1]}]})"),
     {"page 1 marker #1", "unknown key \"box\""}},

    // Fields: shape, name, label, type, page.
    {"FieldThatIsAString", Definition(R"("a")"), {"field #1", "must be a JSON object"}},
    {"FieldWithoutName",
     Definition(R"({"label": "A", "page": 1, "type": "text",
                                        "box_mm": [1, 1, 5, 5]})"),
     {"field #1", "name is missing"}},
    {"FieldNameWithCapitals",
     Definition(R"({"name": "Postal", "label": "A", "page": 1, "type": "text",
                    "box_mm": [1, 1, 5, 5]})"),
     {"field \"Postal\"", "[a-z][a-z0-9_]*"}},
    {"FieldNameStartingWithADigit",
     Definition(R"({"name": "1st", "label": "A", "page": 1, "type": "text",
                    "box_mm": [1, 1, 5, 5]})"),
     {"field \"1st\"", "must match [a-z][a-z0-9_]*"}},
    {"FieldNameUsedTwice",
     Definition(TextField() + "," + TextField()),
     {"field \"a\"", "name is used by another field"}},
    {"FieldWithoutLabel",
     Definition(R"({"name": "a", "page": 1, "type": "text", "box_mm": [1, 1, 5, 5]})"),
     {"field \"a\"", "label is missing"}},
    {"FieldWithEmptyLabel",
     Definition(R"({"name": "a", "label": "", "page": 1, "type": "text", "box_mm": [1, 1, 5, 5]})"),
     {"field \"a\"", "label must not be empty"}},
    {"FieldWithoutType",
     Definition(R"({"name": "a", "label": "A", "page": 1, "box_mm": [1, 1, 5, 5]})"),
     {"field \"a\"", "type is missing"}},
    {"FieldOfUnknownType",
     Definition(R"({"name": "a", "label": "A", "page": 1, "type": "txt", "box_mm": [1, 1, 5, 5]})"),
     {"field \"a\"", "type \"txt\" is not a known type",
      "text, kana, digits, integer, date, postal_code, phone, checkbox, choice"}},
    {"FieldWithoutPage",
     Definition(R"({"name": "a", "label": "A", "type": "text", "box_mm": [1, 1, 5, 5]})"),
     {"field \"a\"", "page is missing"}},
    {"FieldOnAPageThatDoesNotExist",
     Definition(
         R"({"name": "a", "label": "A", "page": 2, "type": "text", "box_mm": [1, 1, 5, 5]})"),
     {"field \"a\"", "page 2 does not exist: the form has 1 page(s)"}},
    {"FieldOnPageZero",
     Definition(
         R"({"name": "a", "label": "A", "page": 0, "type": "text", "box_mm": [1, 1, 5, 5]})"),
     {"field \"a\"", "page 0 does not exist"}},
    {"FieldPageAsString",
     Definition(
         R"({"name": "a", "label": "A", "page": "1", "type": "text", "box_mm": [1, 1, 5, 5]})"),
     {"field \"a\"", "page must be an integer, not a string"}},
    {"MisspelledFieldKey",
     Definition(TextField(R"("requried": true)")),
     {"field \"a\"", "unknown key \"requried\"", "required"}},

    // Boxes.
    {"FieldWithoutBox",
     Definition(R"({"name": "a", "label": "A", "page": 1, "type": "text"})"),
     {"field \"a\"", "box_mm is missing"}},
    {"BoxWithThreeNumbers",
     Definition(R"({"name": "a", "label": "A", "page": 1, "type": "text", "box_mm": [1, 1, 5]})"),
     {"field \"a\"", "box_mm must be [x, y, width, height], four numbers"}},
    {"BoxAsObject",
     Definition(R"({"name": "a", "label": "A", "page": 1, "type": "text", "box_mm": {"x": 1}})"),
     {"field \"a\"", "box_mm must be an array"}},
    {"BoxWithZeroWidth",
     Definition(
         R"({"name": "a", "label": "A", "page": 1, "type": "text", "box_mm": [1, 1, 0, 5]})"),
     {"field \"a\"", "box_mm needs a positive width and height"}},
    {"BoxWithNegativeHeight",
     Definition(
         R"({"name": "a", "label": "A", "page": 1, "type": "text", "box_mm": [1, 9, 5, -5]})"),
     {"field \"a\"", "box_mm needs a positive width and height"}},
    {"BoxLeftOfThePage",
     Definition(
         R"({"name": "a", "label": "A", "page": 1, "type": "text", "box_mm": [-1, 1, 5, 5]})"),
     {"field \"a\"", "box_mm lies outside the 210×297 mm page"}},
    {"BoxBelowThePage",
     Definition(R"({"name": "a", "label": "A", "page": 1, "type": "text",
                    "box_mm": [1, 290, 5, 7.5]})"),
     {"field \"a\"", "box_mm lies outside the 210×297 mm page"}},

    // lang, booleans, accept_confidence, pattern.
    {"UnknownLang",
     Definition(TextField(R"("lang": "jpn+kor")")),
     {"field \"a\"", "\"kor\" is not a known Tesseract language", "jpn, eng, jpn_vert"}},
    {"LangWithEmptyPart",
     Definition(TextField(R"("lang": "jpn+")")),
     {"field \"a\"", "\"\" is not a known Tesseract language"}},
    {"EmptyLang",
     Definition(TextField(R"("lang": "")")),
     {"field \"a\"", "is not a known Tesseract language"}},
    {"LangNamedTwice",
     Definition(TextField(R"("lang": "eng+eng")")),
     {"field \"a\"", "names \"eng\" twice"}},
    {"LangAsArray",
     Definition(TextField(R"("lang": ["jpn"])")),
     {"field \"a\"", "lang must be a string, not an array"}},
    {"RequiredAsString",
     Definition(TextField(R"("required": "yes")")),
     {"field \"a\"", "required must be true or false, not a string"}},
    {"SensitiveAsNumber",
     Definition(TextField(R"("sensitive": 1)")),
     {"field \"a\"", "sensitive must be true or false"}},
    {"OnSiteOnlyAsNull",
     Definition(TextField(R"("on_site_only": null)")),
     {"field \"a\"", "on_site_only must be true or false, not null"}},
    {"DoubleEntryAsString",
     Definition(TextField(R"("double_entry": "true")")),
     {"field \"a\"", "double_entry must be true or false"}},
    {"FieldAcceptConfidenceBelowZero",
     Definition(TextField(R"("accept_confidence": -0.1)")),
     {"field \"a\"", "accept_confidence must be between 0 and 1"}},
    {"PatternThatDoesNotCompile",
     Definition(TextField(R"("pattern": "([0-9]")")),
     {"field \"a\"", "pattern \"([0-9]\" is not a valid ECMAScript regular expression"}},
    {"EmptyPattern",
     Definition(TextField(R"("pattern": "")")),
     {"field \"a\"", "pattern must not be empty"}},
    {"PatternTooLong",
     Definition(TextField(R"("pattern": ")" + std::string(2000, '(') + "\"")),
     {"field \"a\"", "pattern is longer than the limit"}},
    {"PatternAsNumber",
     Definition(TextField(R"("pattern": 5)")),
     {"field \"a\"", "pattern must be a string"}},

    // min/max, length, check.
    {"MinAboveMax",
     Definition(R"({"name": "n", "label": "N", "page": 1, "type": "integer",
                    "box_mm": [1, 1, 5, 5], "min": 5, "max": 1})"),
     {"field \"n\"", "min (5) is greater than max (1)"}},
    {"MinOnAText",
     Definition(TextField(R"("min": 1)")),
     {"field \"a\"", "min applies only to integer fields"}},
    {"MaxOnDigits",
     Definition(DigitsField(R"("max": 1)")),
     {"field \"d\"", "max applies only to integer fields"}},
    {"MinWithFraction",
     Definition(R"({"name": "n", "label": "N", "page": 1, "type": "integer",
                    "box_mm": [1, 1, 5, 5], "min": 0.5})"),
     {"field \"n\"", "min must be an integer, not the number 0.5"}},
    {"LengthZero",
     Definition(DigitsField(R"("length": 0)")),
     {"field \"d\"", "length must be from 1 to 1000, not 0"}},
    {"LengthOnAText",
     Definition(TextField(R"("length": 3)")),
     {"field \"a\"", "length applies only to digits fields"}},
    {"LengthAsString",
     Definition(DigitsField(R"("length": "12")")),
     {"field \"d\"", "length must be an integer, not a string"}},
    {"UnknownCheck",
     Definition(DigitsField(R"("check": "luhn")")),
     {"field \"d\"", "check \"luhn\" is not a known check", "mynumber, corporate_number"}},
    {"CheckOnAText",
     Definition(TextField(R"("check": "mynumber")")),
     {"field \"a\"", "check applies only to digits fields"}},
    {"MyNumberOfElevenDigits",
     Definition(DigitsField(R"("check": "mynumber", "length": 11)")),
     {"field \"d\"", "check mynumber needs length 12, not 11"}},
    {"CorporateNumberOfTwelveDigits",
     Definition(DigitsField(R"("check": "corporate_number", "length": 12)")),
     {"field \"d\"", "check corporate_number needs length 13, not 12"}},

    // Choices.
    {"ChoiceWithoutOptions",
     Definition(R"({"name": "c", "label": "C", "page": 1, "type": "choice"})"),
     {"field \"c\"", "options is missing"}},
    {"ChoiceWithNoOptions", Definition(ChoiceField("[]")), {"field \"c\"", "options is empty"}},
    {"OptionsAsObject", Definition(ChoiceField("{}")), {"field \"c\"", "options must be an array"}},
    {"OptionThatIsAString",
     Definition(ChoiceField(R"(["x"])")),
     {"field \"c\" option #1", "must be a JSON object"}},
    {"OptionWithoutValue",
     Definition(ChoiceField(R"([{"label": "X", "box_mm": [1, 1, 5, 5]}])")),
     {"field \"c\" option #1", "value is missing"}},
    {"OptionWithoutLabel",
     Definition(ChoiceField(R"([{"value": "x", "box_mm": [1, 1, 5, 5]}])")),
     {"field \"c\" option \"x\"", "label is missing"}},
    {"OptionWithoutBox",
     Definition(ChoiceField(R"([{"value": "x", "label": "X"}])")),
     {"field \"c\" option \"x\"", "box_mm is missing"}},
    {"OptionOffThePage",
     Definition(ChoiceField(R"([{"value": "x", "label": "X", "box_mm": [1, 295, 5, 5]}])")),
     {"field \"c\" option \"x\"", "box_mm lies outside the 210×297 mm page"}},
    {"OptionValuesRepeated",
     Definition(ChoiceField(R"([{"value": "x", "label": "X", "box_mm": [1, 1, 5, 5]},
                               {"value": "x", "label": "Y", "box_mm": [9, 1, 5, 5]}])")),
     {"field \"c\" option \"x\"", "value \"x\" is used by two options"}},
    {"MisspelledOptionKey",
     Definition(ChoiceField(R"([{"value": "x", "lable": "X", "box_mm": [1, 1, 5, 5]}])")),
     {"field \"c\" option \"x\"", "unknown key \"lable\""}},
    {"OptionsOnAText",
     Definition(TextField(R"("options": [])")),
     {"field \"a\"", "options applies only to choice fields"}},

    // comb.
    {"CombZero",
     Definition(TextField(R"("comb": 0)")),
     {"field \"a\"", "comb must be an integer from 1 to 1000, not 0"}},
    {"CombWithFraction",
     Definition(TextField(R"("comb": 7.5)")),
     {"field \"a\"", "comb must be an integer, not the number 7.5"}},
    {"CombOnACheckbox",
     Definition(R"({"name": "b", "label": "B", "page": 1, "type": "checkbox",
                    "box_mm": [1, 1, 5, 5], "comb": 2})"),
     {"field \"b\"", "comb applies only to text/kana/digits/postal_code/phone/integer/date"}},
    {"CombOnAChoice",
     Definition(R"({"name": "c", "label": "C", "page": 1, "type": "choice", "comb": 2,
                    "options": [{"value": "x", "label": "X", "box_mm": [1, 1, 5, 5]}]})"),
     {"field \"c\"", "comb applies only to"}},
};

INSTANTIATE_TEST_SUITE_P(FormDefinitionRefuses, BrokenDefinitionTest,
                         ::testing::ValuesIn(kBrokenCases),
                         [](const ::testing::TestParamInfo<BrokenCase>& info) {
                           return std::string(info.param.title);
                         });

// ---- cross_checks ----------------------------------------------------------------------------

constexpr char kNameAndKana[] = R"({"name": "kana", "label": "フリガナ", "page": 1, "type": "kana",
       "box_mm": [10, 10, 50, 10]},
    {"name": "name", "label": "氏名", "page": 1, "type": "text", "box_mm": [10, 30, 50, 10]},
    {"name": "born", "label": "生年月日", "page": 1, "type": "date", "box_mm": [10, 50, 50, 10]})";

TEST(CrossChecksDefinitionTest, ChecksAreReadWithTheirFieldsInOrder) {
  Result<FormDefinition> form = Parse(Definition(
      kNameAndKana, R"("cross_checks": [{"rule": "kana_reading", "fields": ["kana", "name"]},
                                        {"rule": "past_date", "fields": ["born"]}], )"));
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  ASSERT_EQ(form->cross_checks.size(), 2u);
  EXPECT_EQ(form->cross_checks[0].rule, CrossCheckRule::kKanaReading);
  EXPECT_EQ(form->cross_checks[0].fields, (std::vector<std::string>{"kana", "name"}));
  EXPECT_EQ(CrossCheckRuleName(form->cross_checks[1].rule), "past_date");
}

TEST(CrossChecksDefinitionTest, MistakesAreRefusedNamingTheCheckAndTheReason) {
  struct Case {
    const char* checks;
    const char* says;
  } cases[] = {
      {R"([{"rule": "kana_match", "fields": ["kana", "name"]}])", "there is no rule"},
      {R"([{"rule": "kana_reading", "fields": ["kana"]}])", "takes 2 field(s)"},
      {R"([{"rule": "kana_reading", "fields": ["kana", "nmae"]}])", "names no field"},
      {R"([{"rule": "kana_reading", "fields": ["name", "kana"]}])", "needs a kana field"},
      {R"([{"rule": "past_date", "fields": ["born"], "today": "x"}])", "today"},
      {R"({"rule": "past_date"})", "cross_checks"},
  };
  for (const Case& c : cases) {
    Result<FormDefinition> form =
        Parse(Definition(kNameAndKana, std::string(R"("cross_checks": )") + c.checks + ", "));
    ASSERT_EQ(form.status().code(), StatusCode::kInvalidArgument) << c.checks;
    EXPECT_THAT(form.status().message(Lang::kEn), HasSubstr(c.says)) << c.checks;
    EXPECT_THAT(form.status().message(Lang::kEn), HasSubstr("test.json")) << c.checks;
  }
}

TEST(CrossChecksDefinitionTest, BundledFormsCheckKanaPostalCodeAndBirthDate) {
  for (const char* id : {"juminhyo-request", "kyufukin-application"}) {
    Result<FormDefinition> form = LoadFormDefinition(
        fs::path(ADBRIDGE_SOURCE_DIR) / "models" / "forms" / (std::string(id) + ".json"));
    ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
    std::set<CrossCheckRule> rules;
    for (const CrossCheck& check : form->cross_checks) rules.insert(check.rule);
    EXPECT_EQ(rules.size(), 3u) << id;
  }
}

}  // namespace
}  // namespace adbridge::models
