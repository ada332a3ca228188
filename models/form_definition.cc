#include "models/form_definition.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "models/json_guard.h"
#include "models/json_reader.h"

namespace adbridge::models {
namespace {

using Json = nlohmann::json;

// Limits that keep a hostile or mistaken file from costing more than a real form ever needs.
constexpr std::size_t kMaxDefinitionBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxFields = 500;
// The deepest well-formed definition nests 6 levels (fields → field → options → option →
// box_mm); anything far deeper is not a form definition.
constexpr int kMaxJsonDepth = 16;
// std::regex compiles recursively, one level per group; a bounded pattern bounds the stack.
constexpr std::size_t kMaxPatternBytes = 1024;
// Upper bounds that keep `length` and `comb` meaningful and within int.
constexpr long long kMaxCharacters = 1000;
// Boxes are compared with a little slack so that 200.1 + 9.9 still fits a 210 mm page.
constexpr double kToleranceMm = 1e-6;

struct FieldTypeEntry {
  FieldType type;
  std::string_view name;
};
constexpr FieldTypeEntry kFieldTypes[] = {
    {FieldType::kText, "text"},     {FieldType::kKana, "kana"},
    {FieldType::kDigits, "digits"}, {FieldType::kInteger, "integer"},
    {FieldType::kDate, "date"},     {FieldType::kPostalCode, "postal_code"},
    {FieldType::kPhone, "phone"},   {FieldType::kCheckbox, "checkbox"},
    {FieldType::kChoice, "choice"},
};

struct CheckRuleEntry {
  CheckRule rule;
  std::string_view name;
  int length;  // the number of digits the rule is defined over
};
constexpr CheckRuleEntry kCheckRules[] = {
    {CheckRule::kMyNumber, "mynumber", 12},
    {CheckRule::kCorporateNumber, "corporate_number", 13},
};

// OpenCV's predefined ArUco dictionaries and how many markers each holds.
struct ArucoDictionary {
  std::string_view name;
  int size;
};
constexpr ArucoDictionary kArucoDictionaries[] = {
    {"DICT_4X4_50", 50},        {"DICT_4X4_100", 100},         {"DICT_4X4_250", 250},
    {"DICT_4X4_1000", 1000},    {"DICT_5X5_50", 50},           {"DICT_5X5_100", 100},
    {"DICT_5X5_250", 250},      {"DICT_5X5_1000", 1000},       {"DICT_6X6_50", 50},
    {"DICT_6X6_100", 100},      {"DICT_6X6_250", 250},         {"DICT_6X6_1000", 1000},
    {"DICT_7X7_50", 50},        {"DICT_7X7_100", 100},         {"DICT_7X7_250", 250},
    {"DICT_7X7_1000", 1000},    {"DICT_ARUCO_ORIGINAL", 1024}, {"DICT_APRILTAG_16h5", 30},
    {"DICT_APRILTAG_25h9", 35}, {"DICT_APRILTAG_36h10", 2320}, {"DICT_APRILTAG_36h11", 587},
};

// The Tesseract traineddata adbridge installs.
constexpr std::string_view kTesseractLangs[] = {"jpn", "eng", "jpn_vert"};

template <typename Range, typename NameOf>
std::string JoinNames(const Range& range, NameOf name_of) {
  std::string out;
  for (const auto& entry : range) {
    if (!out.empty()) out += ", ";
    out += name_of(entry);
  }
  return out;
}

std::string KnownFieldTypes() {
  return JoinNames(kFieldTypes, [](const FieldTypeEntry& e) { return std::string(e.name); });
}

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// 210 → "210", 52.5 → "52.5".
std::string FormatNumber(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [a-z0-9-]+
bool IsValidFormId(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

// [a-z][a-z0-9_]*
bool IsValidFieldName(std::string_view name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '_') return false;
  }
  return true;
}

bool CanHaveComb(FieldType type) {
  switch (type) {
    case FieldType::kText:
    case FieldType::kKana:
    case FieldType::kDigits:
    case FieldType::kPostalCode:
    case FieldType::kPhone:
    case FieldType::kInteger:
    case FieldType::kDate:
      return true;
    case FieldType::kCheckbox:
    case FieldType::kChoice:
      return false;
  }
  return false;
}

// The page a box must fit on, for messages: "210×297 mm".
struct PageSize {
  double width = 0;
  double height = 0;
  std::string Describe() const { return FormatNumber(width) + "×" + FormatNumber(height); }
};

// Reads `key` (present) as an array of exactly `count` numbers.
Status ReadNumbers(const JsonObjectReader& reader, std::string_view key, std::size_t count,
                   std::string_view shape_ja, std::string_view shape_en, std::vector<double>* out) {
  const Json* array = nullptr;
  ADB_RETURN_IF_ERROR(reader.Array(key, Presence::kRequired, &array));
  const std::string k(key);
  const Status wrong_shape =
      reader.Fail(k + " は " + std::string(shape_ja) + " でなければなりません",
                  k + " must be " + std::string(shape_en));
  if (array->size() != count) return wrong_shape;
  out->clear();
  for (const Json& n : *array) {
    if (!n.is_number()) return wrong_shape;
    out->push_back(n.get<double>());
  }
  return Status::Ok();
}

// Reads the box at `key` ([x, y, width, height]) and checks that it lies wholly on the page.
// `box` is left empty when an optional key is absent.
Status ReadBox(const JsonObjectReader& reader, std::string_view key, Presence presence,
               const PageSize& page, std::optional<BoxMm>* box) {
  if (!reader.Has(key)) {
    if (presence == Presence::kOptional) return Status::Ok();
    const std::string k(key);
    return reader.Fail(k + " がありません (必須です)", k + " is missing (it is required)");
  }
  std::vector<double> n;
  ADB_RETURN_IF_ERROR(ReadNumbers(reader, key, 4, "[x, y, 幅, 高さ] の 4 つの数値",
                                  "[x, y, width, height], four numbers", &n));
  const BoxMm b{n[0], n[1], n[2], n[3]};
  const std::string k(key);
  if (b.width <= 0 || b.height <= 0) {
    return reader.Fail(k + " の幅と高さは正の数でなければなりません",
                       k + " needs a positive width and height");
  }
  if (b.x < -kToleranceMm || b.y < -kToleranceMm || b.x + b.width > page.width + kToleranceMm ||
      b.y + b.height > page.height + kToleranceMm) {
    return reader.Fail(k + " が用紙 (" + page.Describe() + " mm) の外にはみ出しています",
                       k + " lies outside the " + page.Describe() + " mm page");
  }
  *box = b;
  return Status::Ok();
}

Status ReadAcceptConfidence(const JsonObjectReader& reader, std::optional<double>* out) {
  ADB_RETURN_IF_ERROR(reader.Number("accept_confidence", Presence::kOptional, out));
  if (out->has_value() && (**out < 0.0 || **out > 1.0)) {
    return reader.Fail("accept_confidence は 0 以上 1 以下でなければなりません (" +
                           FormatNumber(**out) + " が書かれています)",
                       "accept_confidence must be between 0 and 1, not " + FormatNumber(**out));
  }
  return Status::Ok();
}

// Checks that `reference` stays inside the definition's folder and resolves it.
Status ResolveReference(const JsonObjectReader& reader, const std::string& reference,
                        const std::filesystem::path& base_dir, bool check_references,
                        std::filesystem::path* resolved) {
  for (unsigned char c : reference) {
    if (c < 0x20 || c == 0x7f) {
      return reader.Fail("reference に制御文字が含まれています",
                         "reference contains a control character");
    }
  }
  const std::filesystem::path relative(reference);
  if (relative.has_root_path()) {
    return reader.Fail(
        "reference " + Quoted(reference) +
            " は定義ファイルのフォルダからの相対パスでなければなりません",
        "reference " + Quoted(reference) +
            " must be a path relative to the definition's folder, not an absolute path");
  }
  for (const std::filesystem::path& part : relative) {
    if (part == "..") {
      return reader.Fail("reference " + Quoted(reference) +
                             " に \"..\" は使えません (定義ファイルのフォルダの外は参照できません)",
                         "reference " + Quoted(reference) +
                             " must not contain \"..\": a definition may only use images in its "
                             "own folder");
    }
  }
  if (relative.filename().empty() || relative.filename() == ".") {
    return reader.Fail("reference " + Quoted(reference) + " がファイルを指していません",
                       "reference " + Quoted(reference) + " does not name a file");
  }
  *resolved = (base_dir / relative).lexically_normal();
  if (check_references) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(*resolved, error)) {
      return reader.Fail("参照画像 " + resolved->string() + " がありません",
                         "reference image " + resolved->string() + " does not exist");
    }
  }
  return Status::Ok();
}

Result<PageMarkers> ParseMarkers(const Json& value, const JsonPlace& page_place,
                                 const PageSize& page) {
  const JsonPlace place{page_place.ja + " の markers", page_place.en + " markers"};
  ADB_RETURN_IF_ERROR(JsonObjectReader::ExpectObject(value, place));
  const JsonObjectReader reader(value, place);
  ADB_RETURN_IF_ERROR(reader.RejectUnknownKeys({"dictionary", "items"}));

  PageMarkers markers;
  ADB_RETURN_IF_ERROR(reader.String("dictionary", Presence::kRequired, &markers.dictionary));
  const ArucoDictionary* dictionary = nullptr;
  for (const ArucoDictionary& d : kArucoDictionaries) {
    if (d.name == markers.dictionary) dictionary = &d;
  }
  if (dictionary == nullptr) {
    const std::string known =
        JoinNames(kArucoDictionaries, [](const ArucoDictionary& d) { return std::string(d.name); });
    return reader.Fail("dictionary " + Quoted(markers.dictionary) +
                           " は ArUco の辞書名ではありません (使える辞書: " + known + ")",
                       "dictionary " + Quoted(markers.dictionary) +
                           " is not a known ArUco dictionary (known: " + known + ")");
  }

  const Json* items = nullptr;
  ADB_RETURN_IF_ERROR(reader.Array("items", Presence::kRequired, &items));
  if (items->empty()) {
    return reader.Fail("items が空です (マーカーを 1 つ以上書いてください)",
                       "items is empty (list at least one marker)");
  }
  std::set<long long> seen;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string number = std::to_string(i + 1);
    const JsonPlace item_place{page_place.ja + " のマーカー " + number + " 番目",
                               page_place.en + " marker #" + number};
    ADB_RETURN_IF_ERROR(JsonObjectReader::ExpectObject((*items)[i], item_place));
    const JsonObjectReader item((*items)[i], item_place);
    ADB_RETURN_IF_ERROR(item.RejectUnknownKeys({"id", "box_mm"}));
    std::optional<long long> id;
    ADB_RETURN_IF_ERROR(item.Integer("id", Presence::kRequired, &id));
    if (*id < 0 || *id >= dictionary->size) {
      const std::string last = std::to_string(dictionary->size - 1);
      return item.Fail("id " + std::to_string(*id) + " は " + markers.dictionary + " の範囲 (0〜" +
                           last + ") の外です",
                       "id " + std::to_string(*id) + " is outside " + markers.dictionary +
                           " (0 to " + last + ")");
    }
    if (!seen.insert(*id).second) {
      return item.Fail("id " + std::to_string(*id) + " が同じページで 2 回使われています",
                       "id " + std::to_string(*id) + " is used twice on the same page");
    }
    MarkerItem marker;
    marker.id = static_cast<int>(*id);
    std::optional<BoxMm> box;
    ADB_RETURN_IF_ERROR(ReadBox(item, "box_mm", Presence::kRequired, page, &box));
    marker.box = *box;
    markers.items.push_back(marker);
  }
  return markers;
}

Result<PageDefinition> ParsePage(const Json& value, std::size_t number,
                                 std::string_view source_name,
                                 const std::filesystem::path& base_dir, bool check_references) {
  const std::string n = std::to_string(number);
  const JsonPlace place{std::string(source_name) + ": ページ " + n,
                        std::string(source_name) + ": page " + n};
  ADB_RETURN_IF_ERROR(JsonObjectReader::ExpectObject(value, place));
  const JsonObjectReader reader(value, place);
  ADB_RETURN_IF_ERROR(reader.RejectUnknownKeys({"size_mm", "reference", "markers"}));

  PageDefinition page;
  std::vector<double> size;
  ADB_RETURN_IF_ERROR(ReadNumbers(reader, "size_mm", 2, "[幅, 高さ] の 2 つの数値",
                                  "[width, height], two numbers", &size));
  if (size[0] <= 0 || size[1] <= 0) {
    return reader.Fail("size_mm の幅と高さは正の数でなければなりません",
                       "size_mm needs a positive width and height");
  }
  page.width_mm = size[0];
  page.height_mm = size[1];

  ADB_RETURN_IF_ERROR(reader.String("reference", Presence::kRequired, &page.reference));
  ADB_RETURN_IF_ERROR(
      ResolveReference(reader, page.reference, base_dir, check_references, &page.reference_path));

  const Json* markers = nullptr;
  ADB_RETURN_IF_ERROR(reader.Object("markers", Presence::kOptional, &markers));
  if (markers != nullptr) {
    ADB_ASSIGN_OR_RETURN(page.markers,
                         ParseMarkers(*markers, place, {page.width_mm, page.height_mm}));
  }
  return page;
}

// "jpn", "jpn+eng": known codes joined by '+', each at most once.
Status CheckLang(const JsonObjectReader& reader, const std::string& lang) {
  const std::string known =
      JoinNames(kTesseractLangs, [](std::string_view code) { return std::string(code); });
  std::set<std::string> seen;
  std::size_t start = 0;
  while (true) {
    const std::size_t plus = lang.find('+', start);
    const std::string code =
        lang.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
    bool is_known = false;
    for (std::string_view k : kTesseractLangs) is_known = is_known || k == code;
    if (!is_known) {
      return reader.Fail("lang " + Quoted(lang) + " の " + Quoted(code) +
                             " は Tesseract の言語コードではありません (使えるコード: " + known +
                             "、\"+\" でつなぐ)",
                         "lang " + Quoted(lang) + ": " + Quoted(code) +
                             " is not a known Tesseract language (known: " + known +
                             ", joined by \"+\")");
    }
    if (!seen.insert(code).second) {
      return reader.Fail("lang " + Quoted(lang) + " に " + Quoted(code) + " が 2 回あります",
                         "lang " + Quoted(lang) + " names " + Quoted(code) + " twice");
    }
    if (plus == std::string::npos) return Status::Ok();
    start = plus + 1;
  }
}

Status CheckPattern(const JsonObjectReader& reader, const std::string& pattern) {
  if (pattern.empty()) {
    return reader.Fail("pattern が空です", "pattern must not be empty");
  }
  if (pattern.size() > kMaxPatternBytes) {
    return reader.Fail(
        "pattern が長すぎます (上限 " + std::to_string(kMaxPatternBytes) + " バイト)",
        "pattern is longer than the limit of " + std::to_string(kMaxPatternBytes) + " bytes");
  }
  try {
    const std::regex compiled(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    return reader.Fail(
        "pattern " + Quoted(pattern) + " は正規表現 (ECMAScript) として不正です: " + error.what(),
        "pattern " + Quoted(pattern) +
            " is not a valid ECMAScript regular expression: " + error.what());
  }
  return Status::Ok();
}

// Fails when `key` is present on a field whose type does not take it.
Status OnlyFor(const JsonObjectReader& reader, std::string_view key, bool allowed,
               std::string_view types) {
  if (!reader.Has(key) || allowed) return Status::Ok();
  const std::string k(key);
  const std::string t(types);
  return reader.Fail(k + " は " + t + " 型の項目にだけ使えます",
                     k + " applies only to " + t + " fields");
}

Status ParseOptions(const JsonObjectReader& reader, const JsonPlace& field_place,
                    const PageSize& page, std::vector<ChoiceOption>* options) {
  const Json* array = nullptr;
  ADB_RETURN_IF_ERROR(reader.Array("options", Presence::kRequired, &array));
  if (array->empty()) {
    return reader.Fail("options が空です (choice には選択肢が必要です)",
                       "options is empty (a choice needs options)");
  }
  std::set<std::string> values;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const Json& value = (*array)[i];
    const std::string number = std::to_string(i + 1);
    JsonPlace place{field_place.ja + " の選択肢 " + number + " 番目",
                    field_place.en + " option #" + number};
    ADB_RETURN_IF_ERROR(JsonObjectReader::ExpectObject(value, place));
    const auto named = value.find("value");
    if (named != value.end() && named->is_string() &&
        !named->get_ref<const std::string&>().empty()) {
      const std::string& v = named->get_ref<const std::string&>();
      place = {field_place.ja + " の選択肢 " + Quoted(v), field_place.en + " option " + Quoted(v)};
    }
    const JsonObjectReader option_reader(value, place);
    ADB_RETURN_IF_ERROR(option_reader.RejectUnknownKeys({"value", "label", "box_mm"}));
    ChoiceOption option;
    ADB_RETURN_IF_ERROR(option_reader.String("value", Presence::kRequired, &option.value));
    ADB_RETURN_IF_ERROR(option_reader.String("label", Presence::kRequired, &option.label));
    std::optional<BoxMm> box;
    ADB_RETURN_IF_ERROR(ReadBox(option_reader, "box_mm", Presence::kRequired, page, &box));
    option.box = *box;
    if (!values.insert(option.value).second) {
      return option_reader.Fail(
          "value " + Quoted(option.value) + " が 2 つの選択肢で使われています",
          "value " + Quoted(option.value) + " is used by two options");
    }
    options->push_back(std::move(option));
  }
  return Status::Ok();
}

Result<FieldDefinition> ParseField(const Json& value, std::size_t index,
                                   std::string_view source_name,
                                   const std::vector<PageDefinition>& pages) {
  const std::string source(source_name);
  const std::string number = std::to_string(index + 1);
  JsonPlace place{source + ": 項目 " + number + " 番目", source + ": field #" + number};
  ADB_RETURN_IF_ERROR(JsonObjectReader::ExpectObject(value, place));
  // Name the field as its author does whenever the name is there to use, even a malformed one.
  const auto named = value.find("name");
  if (named != value.end() && named->is_string() && !named->get_ref<const std::string&>().empty()) {
    const std::string& name = named->get_ref<const std::string&>();
    place = {source + ": 項目 " + Quoted(name), source + ": field " + Quoted(name)};
  }
  const JsonObjectReader reader(value, place);
  ADB_RETURN_IF_ERROR(reader.RejectUnknownKeys(
      {"name", "label", "page", "box_mm", "type", "lang", "required", "sensitive", "on_site_only",
       "double_entry", "confirm_invalid", "accept_confidence", "pattern", "min", "max", "length",
       "check", "options", "comb"}));

  FieldDefinition field;
  ADB_RETURN_IF_ERROR(reader.String("name", Presence::kRequired, &field.name));
  if (!IsValidFieldName(field.name)) {
    return reader.Fail(
        "name " + Quoted(field.name) +
            " は [a-z][a-z0-9_]* (小文字で始まり、小文字・数字・_ のみ) でなければなりません",
        "name " + Quoted(field.name) +
            " must match [a-z][a-z0-9_]* (a lower-case letter, then lower-case "
            "letters, digits and _)");
  }
  ADB_RETURN_IF_ERROR(reader.String("label", Presence::kRequired, &field.label));

  std::string type_name;
  ADB_RETURN_IF_ERROR(reader.String("type", Presence::kRequired, &type_name));
  const std::optional<FieldType> type = ParseFieldType(type_name);
  if (!type.has_value()) {
    return reader.Fail(
        "type " + Quoted(type_name) + " は不明な型です (使える型: " + KnownFieldTypes() + ")",
        "type " + Quoted(type_name) + " is not a known type (known: " + KnownFieldTypes() + ")");
  }
  field.type = *type;

  std::optional<long long> page;
  ADB_RETURN_IF_ERROR(reader.Integer("page", Presence::kRequired, &page));
  const long long page_count = static_cast<long long>(pages.size());
  if (*page < 1 || *page > page_count) {
    return reader.Fail("page " + std::to_string(*page) + " はありません (この様式は " +
                           std::to_string(page_count) + " ページです)",
                       "page " + std::to_string(*page) + " does not exist: the form has " +
                           std::to_string(page_count) + " page(s)");
  }
  field.page = static_cast<int>(*page);
  const PageDefinition& on_page = pages[static_cast<std::size_t>(*page - 1)];
  const PageSize page_size{on_page.width_mm, on_page.height_mm};

  // A choice is read from its options' boxes; a box around them all is optional.
  ADB_RETURN_IF_ERROR(
      ReadBox(reader, "box_mm",
              field.type == FieldType::kChoice ? Presence::kOptional : Presence::kRequired,
              page_size, &field.box));

  ADB_RETURN_IF_ERROR(reader.String("lang", Presence::kOptional, &field.lang));
  ADB_RETURN_IF_ERROR(CheckLang(reader, field.lang));

  ADB_RETURN_IF_ERROR(reader.Bool("required", &field.required));
  ADB_RETURN_IF_ERROR(reader.Bool("sensitive", &field.sensitive));
  ADB_RETURN_IF_ERROR(reader.Bool("on_site_only", &field.on_site_only));
  ADB_RETURN_IF_ERROR(reader.Bool("double_entry", &field.double_entry));
  ADB_RETURN_IF_ERROR(reader.Bool("confirm_invalid", &field.confirm_invalid));
  // What only supervisors on site may see is personal data by definition.
  if (field.on_site_only) field.sensitive = true;

  ADB_RETURN_IF_ERROR(ReadAcceptConfidence(reader, &field.accept_confidence));

  if (reader.Has("pattern")) {
    std::string pattern;
    ADB_RETURN_IF_ERROR(reader.String("pattern", Presence::kOptional, &pattern));
    ADB_RETURN_IF_ERROR(CheckPattern(reader, pattern));
    field.pattern = std::move(pattern);
  }

  const bool is_integer = field.type == FieldType::kInteger;
  ADB_RETURN_IF_ERROR(OnlyFor(reader, "min", is_integer, "integer"));
  ADB_RETURN_IF_ERROR(OnlyFor(reader, "max", is_integer, "integer"));
  ADB_RETURN_IF_ERROR(reader.Integer("min", Presence::kOptional, &field.min));
  ADB_RETURN_IF_ERROR(reader.Integer("max", Presence::kOptional, &field.max));
  if (field.min.has_value() && field.max.has_value() && *field.min > *field.max) {
    return reader.Fail("min (" + std::to_string(*field.min) + ") が max (" +
                           std::to_string(*field.max) + ") より大きくなっています",
                       "min (" + std::to_string(*field.min) + ") is greater than max (" +
                           std::to_string(*field.max) + ")");
  }

  const bool is_digits = field.type == FieldType::kDigits;
  ADB_RETURN_IF_ERROR(OnlyFor(reader, "length", is_digits, "digits"));
  ADB_RETURN_IF_ERROR(OnlyFor(reader, "check", is_digits, "digits"));
  std::optional<long long> length;
  ADB_RETURN_IF_ERROR(reader.Integer("length", Presence::kOptional, &length));
  if (length.has_value()) {
    if (*length < 1 || *length > kMaxCharacters) {
      return reader.Fail("length は 1 以上 " + std::to_string(kMaxCharacters) +
                             " 以下でなければなりません (" + std::to_string(*length) +
                             " が書かれています)",
                         "length must be from 1 to " + std::to_string(kMaxCharacters) + ", not " +
                             std::to_string(*length));
    }
    field.length = static_cast<int>(*length);
  }
  if (reader.Has("check")) {
    std::string check_name;
    ADB_RETURN_IF_ERROR(reader.String("check", Presence::kOptional, &check_name));
    const CheckRuleEntry* rule = nullptr;
    for (const CheckRuleEntry& entry : kCheckRules) {
      if (entry.name == check_name) rule = &entry;
    }
    if (rule == nullptr) {
      const std::string known =
          JoinNames(kCheckRules, [](const CheckRuleEntry& e) { return std::string(e.name); });
      return reader.Fail(
          "check " + Quoted(check_name) + " は不明な検査です (使える検査: " + known + ")",
          "check " + Quoted(check_name) + " is not a known check (known: " + known + ")");
    }
    // The rule is defined over a fixed number of digits, so it fixes the length too.
    if (field.length.has_value() && *field.length != rule->length) {
      const std::string want = std::to_string(rule->length);
      return reader.Fail("check " + check_name + " の length は " + want +
                             " でなければなりません (" + std::to_string(*field.length) +
                             " が書かれています)",
                         "check " + check_name + " needs length " + want + ", not " +
                             std::to_string(*field.length));
    }
    field.check = rule->rule;
    field.length = rule->length;
  }

  ADB_RETURN_IF_ERROR(OnlyFor(reader, "comb", CanHaveComb(field.type),
                              "text/kana/digits/postal_code/phone/integer/date"));
  std::optional<long long> comb;
  ADB_RETURN_IF_ERROR(reader.Integer("comb", Presence::kOptional, &comb));
  if (comb.has_value()) {
    if (*comb < 1 || *comb > kMaxCharacters) {
      return reader.Fail("comb は 1 以上 " + std::to_string(kMaxCharacters) +
                             " 以下の整数でなければなりません (" + std::to_string(*comb) +
                             " が書かれています)",
                         "comb must be an integer from 1 to " + std::to_string(kMaxCharacters) +
                             ", not " + std::to_string(*comb));
    }
    field.comb = static_cast<int>(*comb);
  }

  ADB_RETURN_IF_ERROR(OnlyFor(reader, "options", field.type == FieldType::kChoice, "choice"));
  if (field.type == FieldType::kChoice) {
    ADB_RETURN_IF_ERROR(ParseOptions(reader, place, page_size, &field.options));
  }
  return field;
}

// Each rule's name in the definition, and the types its fields must have, in order.
struct CrossCheckEntry {
  CrossCheckRule rule;
  std::string_view name;
  std::vector<std::vector<FieldType>> field_types;
};
const std::array<CrossCheckEntry, 3> kCrossCheckRules = {{
    {CrossCheckRule::kKanaReading, "kana_reading", {{FieldType::kKana}, {FieldType::kText}}},
    {CrossCheckRule::kPostalArea, "postal_area", {{FieldType::kPostalCode}, {FieldType::kText}}},
    {CrossCheckRule::kPastDate, "past_date", {{FieldType::kDate}}},
}};

Status ParseCrossChecks(const JsonObjectReader& reader, FormDefinition& form) {
  const Json* array = nullptr;
  ADB_RETURN_IF_ERROR(reader.Array("cross_checks", Presence::kOptional, &array));
  if (array == nullptr) return Status::Ok();
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string number = std::to_string(i + 1);
    const JsonPlace place{reader.place().ja + ": cross_checks の " + number + " 番目",
                          reader.place().en + ": cross_checks #" + number};
    ADB_RETURN_IF_ERROR(JsonObjectReader::ExpectObject((*array)[i], place));
    const JsonObjectReader check_reader((*array)[i], place);
    ADB_RETURN_IF_ERROR(check_reader.RejectUnknownKeys({"rule", "fields"}));
    std::string rule_name;
    ADB_RETURN_IF_ERROR(check_reader.String("rule", Presence::kRequired, &rule_name));
    const CrossCheckEntry* entry = nullptr;
    for (const CrossCheckEntry& candidate : kCrossCheckRules) {
      if (candidate.name == rule_name) entry = &candidate;
    }
    if (entry == nullptr) {
      return check_reader.Fail(
          "rule " + Quoted(rule_name) + " はありません (kana_reading, postal_area, past_date)",
          "there is no rule " + Quoted(rule_name) + " (kana_reading, postal_area, past_date)");
    }
    const Json* fields = nullptr;
    ADB_RETURN_IF_ERROR(check_reader.Array("fields", Presence::kRequired, &fields));
    const std::string want = std::to_string(entry->field_types.size());
    if (fields->size() != entry->field_types.size()) {
      return check_reader.Fail(rule_name + " には項目が " + want + " つ必要です",
                               rule_name + " takes " + want + " field(s)");
    }
    CrossCheck check{entry->rule, {}};
    for (std::size_t f = 0; f < fields->size(); ++f) {
      const Json& name = (*fields)[f];
      const FieldDefinition* field =
          name.is_string() ? form.FindField(name.get_ref<const std::string&>()) : nullptr;
      if (field == nullptr) {
        return check_reader.Fail("fields に書かれた項目がありません: " + name.dump(),
                                 "fields names no field of this form: " + name.dump());
      }
      const std::vector<FieldType>& allowed = entry->field_types[f];
      if (std::find(allowed.begin(), allowed.end(), field->type) == allowed.end()) {
        const std::string type(FieldTypeName(allowed.front()));
        return check_reader.Fail(rule_name + " の " + std::to_string(f + 1) + " 番目の項目は " +
                                     type + " 型でなければなりません: " + field->name,
                                 rule_name + " needs a " + type + " field in place " +
                                     std::to_string(f + 1) + ": " + field->name);
      }
      check.fields.push_back(field->name);
    }
    form.cross_checks.push_back(std::move(check));
  }
  return Status::Ok();
}

Result<FormDefinition> ParseDocument(const Json& document, std::string_view source_name,
                                     const std::filesystem::path& base_dir, bool check_references) {
  const std::string source(source_name);
  if (!document.is_object()) {
    const Text got = JsonTypeName(document);
    return Status::InvalidArgument(
        source + ": 定義全体は JSON オブジェクト {…} でなければなりません (" + got.ja +
            "が書かれています)",
        source + ": the definition must be a JSON object {…}, not " + got.en);
  }
  const JsonObjectReader reader(document, {source, source});
  ADB_RETURN_IF_ERROR(reader.RejectUnknownKeys({"id", "version", "title", "department", "pages",
                                                "fields", "accept_confidence", "cross_checks"}));

  FormDefinition form;
  ADB_RETURN_IF_ERROR(reader.String("id", Presence::kRequired, &form.id));
  if (!IsValidFormId(form.id)) {
    return reader.Fail("id " + Quoted(form.id) +
                           " は [a-z0-9-]+ (小文字・数字・ハイフンのみ) でなければなりません",
                       "id " + Quoted(form.id) +
                           " must match [a-z0-9-]+ (lower-case letters, digits and hyphens)");
  }
  std::optional<long long> version;
  ADB_RETURN_IF_ERROR(reader.Integer("version", Presence::kRequired, &version));
  if (*version < 1 || *version > INT_MAX) {
    return reader.Fail("version は 1 以上の整数でなければなりません (" + std::to_string(*version) +
                           " が書かれています)",
                       "version must be an integer ≥ 1, not " + std::to_string(*version));
  }
  form.version = static_cast<int>(*version);
  ADB_RETURN_IF_ERROR(reader.String("title", Presence::kRequired, &form.title));
  ADB_RETURN_IF_ERROR(reader.String("department", Presence::kOptional, &form.department));
  ADB_RETURN_IF_ERROR(ReadAcceptConfidence(reader, &form.accept_confidence));

  const Json* pages = nullptr;
  ADB_RETURN_IF_ERROR(reader.Array("pages", Presence::kRequired, &pages));
  if (pages->empty()) {
    return reader.Fail("pages が空です (1 ページ以上必要です)",
                       "pages is empty (a form has at least one page)");
  }
  for (std::size_t i = 0; i < pages->size(); ++i) {
    ADB_ASSIGN_OR_RETURN(PageDefinition page,
                         ParsePage((*pages)[i], i + 1, source_name, base_dir, check_references));
    form.pages.push_back(std::move(page));
  }

  const Json* fields = nullptr;
  ADB_RETURN_IF_ERROR(reader.Array("fields", Presence::kRequired, &fields));
  if (fields->empty()) {
    return reader.Fail("fields が空です (項目が 1 つ以上必要です)",
                       "fields is empty (a form has at least one field)");
  }
  if (fields->size() > kMaxFields) {
    const std::string count = std::to_string(fields->size());
    const std::string limit = std::to_string(kMaxFields);
    return Status::ResourceExhausted(
        source + ": fields に " + count + " 項目あります (上限 " + limit + " 項目)",
        source + ": fields has " + count + " entries, more than the limit of " + limit);
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < fields->size(); ++i) {
    ADB_ASSIGN_OR_RETURN(FieldDefinition field,
                         ParseField((*fields)[i], i, source_name, form.pages));
    if (!names.insert(field.name).second) {
      return Status::InvalidArgument(
          source + ": 項目 " + Quoted(field.name) + ": name が他の項目と重複しています",
          source + ": field " + Quoted(field.name) + ": name is used by another field");
    }
    form.fields.push_back(std::move(field));
  }
  ADB_RETURN_IF_ERROR(ParseCrossChecks(reader, form));
  return form;
}

}  // namespace

std::string_view CrossCheckRuleName(CrossCheckRule rule) {
  for (const CrossCheckEntry& entry : kCrossCheckRules) {
    if (entry.rule == rule) return entry.name;
  }
  return "unknown";
}

std::string_view FieldTypeName(FieldType type) {
  for (const FieldTypeEntry& entry : kFieldTypes) {
    if (entry.type == type) return entry.name;
  }
  return "unknown";
}

std::optional<FieldType> ParseFieldType(std::string_view name) {
  for (const FieldTypeEntry& entry : kFieldTypes) {
    if (entry.name == name) return entry.type;
  }
  return std::nullopt;
}

std::string_view CheckRuleName(CheckRule rule) {
  for (const CheckRuleEntry& entry : kCheckRules) {
    if (entry.rule == rule) return entry.name;
  }
  return "unknown";
}

std::optional<CheckRule> ParseCheckRule(std::string_view name) {
  for (const CheckRuleEntry& entry : kCheckRules) {
    if (entry.name == name) return entry.rule;
  }
  return std::nullopt;
}

const FieldDefinition* FormDefinition::FindField(std::string_view name) const {
  for (const FieldDefinition& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

double FormDefinition::AcceptConfidenceFor(const FieldDefinition& field) const {
  if (field.accept_confidence.has_value()) return *field.accept_confidence;
  if (accept_confidence.has_value()) return *accept_confidence;
  return kDefaultAcceptConfidence;
}

Result<FormDefinition> ParseFormDefinition(std::string_view json, std::string_view source_name,
                                           const std::filesystem::path& base_dir,
                                           bool check_references) {
  const std::string source(source_name);
  if (json.size() > kMaxDefinitionBytes) {
    const std::string size = std::to_string(json.size());
    const std::string limit = std::to_string(kMaxDefinitionBytes);
    return Status::ResourceExhausted(
        source + ": 定義が大きすぎます (" + size + " バイト、上限 " + limit + " バイト)",
        source + ": the definition is too large (" + size + " bytes, the limit is " + limit + ")");
  }
  // Syntax, depth and repeated keys first, so no DOM is ever built from a hostile text.
  ADB_RETURN_IF_ERROR(CheckJsonText(json, kMaxJsonDepth).WithPrefix(source + ": "));
  const Json document = Json::parse(json, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return Status::Internal(source + ": 検査済みの JSON を読めませんでした",
                            source + ": JSON that passed the syntax check failed to parse");
  }
  return ParseDocument(document, source_name, base_dir, check_references);
}

Result<FormDefinition> LoadFormDefinition(const std::filesystem::path& file) {
  const std::string path = file.string();
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    return Status::NotFound("定義ファイル " + path + " を読めません (ありません)",
                            "cannot read definition file " + path + ": no such file");
  }
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  if (!error && size > kMaxDefinitionBytes) {
    const std::string limit = std::to_string(kMaxDefinitionBytes);
    return Status::ResourceExhausted(
        "定義ファイル " + path + " が大きすぎます (" + std::to_string(size) + " バイト、上限 " +
            limit + " バイト)",
        "definition file " + path + " is too large (" + std::to_string(size) +
            " bytes, the limit is " + limit + ")");
  }
  // Read at most one byte past the limit, so a file that grew meanwhile is still refused by
  // ParseFormDefinition without being loaded whole.
  std::ifstream in(file, std::ios::binary);
  std::string text(kMaxDefinitionBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad() || (!in && !in.eof())) {
    return Status::NotFound("定義ファイル " + path + " を読めません",
                            "cannot read definition file " + path);
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  return ParseFormDefinition(text, file.filename().string(), file.parent_path());
}

}  // namespace adbridge::models
