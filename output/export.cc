#include "output/export.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

namespace adbridge::output {
namespace {

using models::DocumentWithFields;
using models::ExportEncoding;
using models::ExportFormat;
using models::FieldRecord;
using models::FormDefinition;

// CP932 has these characters under the code points Microsoft gave them; text typed on a Mac or
// converted from JIS-based Shift_JIS or EUC-JP has the JIS code points instead. Both mean the
// same character, and Windows shows the bytes below for them, so they are written the Windows
// way rather than refused (Windows itself reads 0x8160 back as U+FF5E, and so on).
// Nothing else is folded: ICU's fallback mappings would also turn one kanji into another
// (鷗 into 鴎), which must never happen silently to a resident's name.
constexpr std::pair<char32_t, char32_t> kJisToMicrosoft[] = {
    {0x301C, 0xFF5E},  // 〜 WAVE DASH -> ～ FULLWIDTH TILDE (0x8160)
    {0x2212, 0xFF0D},  // − MINUS SIGN -> － FULLWIDTH HYPHEN-MINUS (0x817C)
    {0x2016, 0x2225},  // ‖ DOUBLE VERTICAL LINE -> ∥ PARALLEL TO (0x8161)
    {0x2014, 0x2015},  // — EM DASH -> ― HORIZONTAL BAR (0x815C)
    {0x00A2, 0xFFE0},  // ¢ -> ￠ FULLWIDTH CENT SIGN (0x8191)
    {0x00A3, 0xFFE1},  // £ -> ￡ FULLWIDTH POUND SIGN (0x8192)
    {0x00AC, 0xFFE2},  // ¬ -> ￢ FULLWIDTH NOT SIGN (0x81CA)
    {0x00A6, 0xFFE4},  // ¦ -> ￤ FULLWIDTH BROKEN BAR (0xFA55)
};

char32_t ToMicrosoft(char32_t c) {
  for (const auto& [jis, microsoft] : kJisToMicrosoft) {
    if (c == jis) return microsoft;
  }
  return c;
}

constexpr char32_t kGeta = 0x3013;  // 〓, what Japanese printing puts for a missing character
constexpr char kGetaCp932[] = "\x81\xAC";

// The code points of `utf8`, with U+FFFD for each ill-formed sequence.
std::u32string CodePoints(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  const auto* s = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    out.push_back(c < 0 ? char32_t{0xFFFD} : static_cast<char32_t>(c));
  }
  return out;
}

bool IsValidUtf8(std::string_view utf8) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

void AppendUtf8(std::string& out, char32_t c) {
  char bytes[U8_MAX_LENGTH];
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(bytes, n, U8_MAX_LENGTH, static_cast<UChar32>(c), error);
  if (error) {
    out += "\uFFFD";  // not a Unicode scalar value
    return;
  }
  out.append(bytes, static_cast<std::size_t>(n));
}

std::string CodePointName(char32_t c) {
  char name[16];
  std::snprintf(name, sizeof name, "U+%04X", static_cast<unsigned>(c));
  return name;
}

// A plain decimal number (-5, +3, 0.25): Excel reads it as a number, never as a formula.
bool IsPlainNumber(std::string_view value) {
  std::size_t i = 0;
  if (i < value.size() && (value[i] == '-' || value[i] == '+')) ++i;
  bool digits = false;
  bool point = false;
  for (; i < value.size(); ++i) {
    if (value[i] >= '0' && value[i] <= '9') {
      digits = true;
    } else if (value[i] == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digits;
}

bool NeedsFormulaGuard(std::string_view value) {
  if (value.empty()) return false;
  switch (value.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return !IsPlainNumber(value);
    default:
      return false;
  }
}

// Each (document, column, character) once, in the order first met.
std::vector<Unmappable> Deduplicated(const std::vector<Unmappable>& all) {
  std::set<std::tuple<std::int64_t, std::string, char32_t>> seen;
  std::vector<Unmappable> once;
  for (const Unmappable& u : all) {
    if (seen.emplace(u.document_id, u.column, u.character).second) once.push_back(u);
  }
  return once;
}

nlohmann::ordered_json OptionalJson(const std::optional<std::string>& text) {
  return text ? nlohmann::ordered_json(*text) : nlohmann::ordered_json(nullptr);
}

}  // namespace

// ---- choosing the documents ----

Result<ExportBatch> SelectForExport(models::Store& store, const ExportSelection& selection) {
  ExportBatch batch;
  ADB_ASSIGN_OR_RETURN(std::vector<models::FormRecord> forms, store.ListForms());
  for (const models::FormRecord& form : forms) {
    if (form.id != selection.form_id) continue;
    Result<FormDefinition> definition =
        models::ParseFormDefinition(form.definition_json, form.id, {}, false);
    if (!definition.ok()) {
      return Status(StatusCode::kDataLoss, definition.status().text())
          .WithPrefix("v" + std::to_string(form.version) + ": ");
    }
    definition->version = form.version;
    batch.versions.push_back(*std::move(definition));
  }
  if (batch.versions.empty()) {
    return Status::NotFound("様式が登録されていません: " + selection.form_id,
                            "no such form is registered: " + selection.form_id);
  }
  std::sort(batch.versions.begin(), batch.versions.end(),
            [](const FormDefinition& a, const FormDefinition& b) { return a.version > b.version; });
  ADB_ASSIGN_OR_RETURN(batch.documents,
                       store.ListFormDocuments(selection.tenant_code, selection.form_id,
                                               models::ExportedStates(selection.status)));
  if (selection.only_new) {
    ADB_ASSIGN_OR_RETURN(
        std::set<std::int64_t> delivered,
        store.ListExportedDocumentIds(selection.tenant_code, selection.form_id, selection.status));
    std::erase_if(batch.documents,
                  [&](const DocumentWithFields& d) { return delivered.count(d.document.id) > 0; });
  }
  return batch;
}

// ---- options and messages ----

models::NewExport ExportToRecord(const ExportSelection& selection, const ExportOptions& options,
                                 const std::vector<models::DocumentWithFields>& documents,
                                 std::string requested_by, std::optional<std::int64_t> user_id,
                                 int replaced) {
  models::NewExport record;
  record.tenant_code = selection.tenant_code;
  record.form_id = selection.form_id;
  record.requested_by = std::move(requested_by);
  record.user_id = user_id;
  record.format = options.format;
  record.encoding = options.encoding;
  record.status = selection.status;
  record.only_new = selection.only_new;
  record.replaced_characters = replaced;
  for (const models::DocumentWithFields& d : documents) record.document_ids.push_back(d.document.id);
  return record;
}

Status CheckExportOptions(const ExportOptions& options) {
  if (options.format != ExportFormat::kJsonLines) return Status::Ok();
  if (options.encoding == ExportEncoding::kCp932) {
    return Status::InvalidArgument(
        "JSON Lines は常に UTF-8 です (JSON は UTF-8 と決まっています)。CP932 が要るなら "
        "--format csv を使ってください",
        "JSON Lines is always UTF-8 (JSON text is UTF-8 by definition); for CP932 use --format "
        "csv");
  }
  if (options.encoding == ExportEncoding::kUtf8Bom) {
    return Status::InvalidArgument(
        "JSON Lines には BOM を付けられません (JSON の規格 RFC 8259 が禁じ、多くの読み手が "
        "1 行目を読めなくなります)。--encoding utf-8 を使ってください",
        "JSON Lines cannot carry a BOM (RFC 8259 forbids it and many readers then fail on the "
        "first line); use --encoding utf-8");
  }
  return Status::Ok();
}

Text DescribeUnmappable(const Unmappable& u, bool replaced) {
  std::string character;
  AppendUtf8(character, u.character);
  const std::string id = std::to_string(u.document_id);
  const std::string code = CodePointName(u.character);
  const bool is_field = u.column != "source_name";
  const std::string where_ja = "文書 " + id + (is_field ? " の項目 " : " の ") + u.column;
  const std::string where_en = "document " + id + (is_field ? ", field " : ", ") + u.column;
  if (replaced) {
    return {
        where_ja + ": 「" + character + "」(" + code + ") は CP932 にないため〓にしました",
        where_en + ": " + character + " (" + code + ") is not in CP932; written as 〓 (U+3013)"};
  }
  return {where_ja + ": 「" + character + "」(" + code + ") は CP932 で書けません",
          where_en + ": " + character + " (" + code + ") cannot be written in CP932"};
}

std::string CsvCell(std::string_view value) {
  std::string cell;
  if (NeedsFormulaGuard(value)) cell += '\'';
  cell += value;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// ---- the writer ----

struct ExportWriter::Cp932 {
  struct Closer {
    void operator()(UConverter* converter) const { ucnv_close(converter); }
  };
  std::unique_ptr<UConverter, Closer> converter;
  // What the callback could not convert during the current Encode call.
  std::vector<char32_t> unconverted;

  // ICU calls this for each character the converter has no mapping for: it is remembered and
  // written as 〓.
  static void OnUnmappable(const void* context, UConverterFromUnicodeArgs* args,
                           const UChar* /*units*/, int32_t /*length*/, UChar32 code_point,
                           UConverterCallbackReason reason, UErrorCode* error) {
    if (reason != UCNV_UNASSIGNED && reason != UCNV_ILLEGAL && reason != UCNV_IRREGULAR) return;
    auto* self = static_cast<Cp932*>(const_cast<void*>(context));
    self->unconverted.push_back(static_cast<char32_t>(code_point));
    *error = U_ZERO_ERROR;
    ucnv_cbFromUWriteBytes(args, kGetaCp932, 2, 0, error);
  }
};

Result<ExportWriter> ExportWriter::Create(std::vector<FormDefinition> versions,
                                          ExportOptions options) {
  ADB_RETURN_IF_ERROR(CheckExportOptions(options));
  if (versions.empty()) {
    return Status::InvalidArgument("書き出す様式の定義がありません",
                                   "an export needs the form's definition");
  }
  for (const FormDefinition& version : versions) {
    if (version.id != versions.front().id) {
      return Status::InvalidArgument("一つの書き出しに別の様式が混ざっています: " + version.id,
                                     "one export mixes forms: " + version.id);
    }
  }
  std::unique_ptr<Cp932> cp932;
  if (options.encoding == ExportEncoding::kCp932) {
    cp932 = std::make_unique<Cp932>();
    UErrorCode error = U_ZERO_ERROR;
    // ICU's "windows-31j" is ibm-943_P15A-2003: Microsoft's own mapping (U+FF5E for 0x8160,
    // NEC and IBM extensions such as ① and 髙), unlike "ibm-943" (the JIS mapping).
    cp932->converter.reset(ucnv_open("windows-31j", &error));
    if (U_SUCCESS(error)) {
      ucnv_setFallback(cp932->converter.get(), false);
      ucnv_setFromUCallBack(cp932->converter.get(), &Cp932::OnUnmappable, cp932.get(), nullptr,
                            nullptr, &error);
    }
    if (U_FAILURE(error)) {
      return Status::Internal(
          std::string("CP932 の変換器を開けません: ") + u_errorName(error),
          std::string("cannot open the CP932 converter: ") + u_errorName(error));
    }
  }
  std::sort(versions.begin(), versions.end(),
            [](const FormDefinition& a, const FormDefinition& b) { return a.version > b.version; });
  return ExportWriter(std::move(versions), options, std::move(cp932));
}

ExportWriter::ExportWriter(std::vector<FormDefinition> versions, ExportOptions options,
                           std::unique_ptr<Cp932> cp932)
    : versions_(std::move(versions)), options_(options), cp932_(std::move(cp932)) {
  std::set<std::string> seen;
  for (const FormDefinition& version : versions_) {
    for (const models::FieldDefinition& field : version.fields) {
      if (seen.insert(field.name).second) field_columns_.push_back(field.name);
    }
  }
}

ExportWriter::ExportWriter(ExportWriter&&) noexcept = default;
ExportWriter& ExportWriter::operator=(ExportWriter&&) noexcept = default;
ExportWriter::~ExportWriter() = default;

bool ExportWriter::Encode(std::string_view utf8, std::string& out,
                          std::vector<char32_t>& unmappable) {
  if (!cp932_) {
    if (IsValidUtf8(utf8)) {
      out += utf8;
    } else {
      for (char32_t c : CodePoints(utf8)) AppendUtf8(out, c);
    }
    return true;
  }
  std::u16string units;
  units.reserve(utf8.size());
  for (char32_t c : CodePoints(utf8)) {
    c = ToMicrosoft(c);
    if (c <= 0xFFFF) {
      units.push_back(static_cast<char16_t>(c));
    } else {
      units.push_back(static_cast<char16_t>(U16_LEAD(c)));
      units.push_back(static_cast<char16_t>(U16_TRAIL(c)));
    }
  }
  // At most two bytes per UTF-16 unit: a CP932 character is one or two bytes, and 〓 (two
  // bytes) stands for one unit or for a surrogate pair.
  std::string bytes(units.size() * 2, '\0');
  UErrorCode error = U_ZERO_ERROR;
  cp932_->unconverted.clear();
  const int32_t n = ucnv_fromUChars(
      cp932_->converter.get(), bytes.data(), static_cast<int32_t>(bytes.size()),
      reinterpret_cast<const UChar*>(units.data()), static_cast<int32_t>(units.size()), &error);
  // The buffer is large enough and every unmappable character is handled by the callback, so
  // ICU has nothing left to fail on; should it fail all the same, the cell is not dropped
  // silently.
  if (U_FAILURE(error)) return false;
  out.append(bytes.data(), static_cast<std::size_t>(n));
  unmappable.insert(unmappable.end(), cp932_->unconverted.begin(), cp932_->unconverted.end());
  return true;
}

const FormDefinition* ExportWriter::VersionOf(const models::Document& document) const {
  for (const FormDefinition& version : versions_) {
    if (document.form_version && version.version == *document.form_version) return &version;
  }
  return nullptr;
}

std::vector<std::pair<std::string, std::string>> ExportWriter::Cells(
    const DocumentWithFields& d) const {
  std::map<std::string_view, const FieldRecord*> by_name;
  for (const FieldRecord& field : d.fields) by_name[field.name] = &field;
  std::vector<std::pair<std::string, std::string>> cells;
  cells.reserve(field_columns_.size() + 2);
  cells.emplace_back("document", std::to_string(d.document.id));
  cells.emplace_back("source_name", d.document.source_name);
  for (const std::string& column : field_columns_) {
    auto found = by_name.find(column);
    // An unreadable field has no value; a field the document has no reading of is empty too.
    const bool has_value = found != by_name.end() && found->second->value.has_value();
    cells.emplace_back(column, has_value ? *found->second->value : std::string());
  }
  return cells;
}

std::string ExportWriter::JsonLine(const DocumentWithFields& d) const {
  // The fields in the order of the document's own version of the form; a recorded field that
  // version does not list (none should exist) follows rather than being dropped.
  std::vector<const FieldRecord*> ordered;
  std::set<const FieldRecord*> placed;
  if (const FormDefinition* version = VersionOf(d.document)) {
    for (const models::FieldDefinition& definition : version->fields) {
      for (const FieldRecord& field : d.fields) {
        if (field.name == definition.name && placed.insert(&field).second) {
          ordered.push_back(&field);
        }
      }
    }
  }
  for (const FieldRecord& field : d.fields) {
    if (placed.insert(&field).second) ordered.push_back(&field);
  }
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  for (const FieldRecord* field : ordered) {
    fields[field->name] = {
        {"value", OptionalJson(field->value)},
        {"ocr_value", OptionalJson(field->ocr_value)},
        {"confidence", field->confidence ? nlohmann::ordered_json(*field->confidence)
                                         : nlohmann::ordered_json(nullptr)},
        {"state", models::FieldStateName(field->state)}};
  }
  const nlohmann::ordered_json line = {
      {"document", d.document.id},
      {"form", d.document.form_id.value_or("")},
      {"form_version", d.document.form_version ? nlohmann::ordered_json(*d.document.form_version)
                                               : nlohmann::ordered_json(nullptr)},
      {"source", models::DocumentSourceName(d.document.source)},
      {"source_name", d.document.source_name},
      {"state", models::DocumentStateName(d.document.state)},
      {"fields", std::move(fields)}};
  // Bad UTF-8 (a file name in another encoding) becomes U+FFFD rather than failing the export.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<Unmappable> ExportWriter::FindUnmappable(
    const std::vector<DocumentWithFields>& documents) {
  std::vector<Unmappable> found;
  if (!cp932_ || options_.format != ExportFormat::kCsv) return found;
  std::string discarded;
  std::vector<char32_t> characters;
  for (const DocumentWithFields& d : documents) {
    for (const auto& [column, value] : Cells(d)) {
      characters.clear();
      discarded.clear();
      Encode(value, discarded, characters);  // a failure to convert is reported by Write
      for (char32_t c : characters) found.push_back({d.document.id, column, c});
    }
  }
  return Deduplicated(found);
}

Result<std::vector<Unmappable>> ExportWriter::Write(
    const std::vector<DocumentWithFields>& documents, std::ostream& out,
    const std::function<void()>& on_document) {
  if (cp932_ && !options_.replace_unmappable) {
    const std::vector<Unmappable> unmappable = FindUnmappable(documents);
    if (!unmappable.empty()) {
      const Text first = DescribeUnmappable(unmappable.front(), false);
      const std::string count = std::to_string(unmappable.size());
      return Status::InvalidArgument(
          "CP932 で書けない文字が " + count + " 個あります。最初は " + first.ja,
          "characters CP932 cannot hold: " + count + "; the first: " + first.en);
    }
  }
  std::vector<Unmappable> replaced;
  std::vector<char32_t> characters;
  std::string buffer;
  if (options_.encoding == ExportEncoding::kUtf8Bom) out << "\xEF\xBB\xBF";
  if (options_.format == ExportFormat::kCsv) {
    // The header is ASCII (field names are [a-z0-9_]), the same bytes in every encoding.
    buffer = "document,source_name";
    for (const std::string& column : field_columns_) buffer += "," + column;
    // CRLF: what RFC 4180 specifies, what Excel writes, and what the municipal systems that
    // take CSV (many of them on Windows) expect.
    buffer += "\r\n";
    out << buffer;
  }
  for (const DocumentWithFields& d : documents) {
    buffer.clear();
    if (options_.format == ExportFormat::kCsv) {
      bool first = true;
      for (const auto& [column, value] : Cells(d)) {
        if (!first) buffer += ',';
        first = false;
        characters.clear();
        if (!Encode(CsvCell(value), buffer, characters)) {
          const std::string where = std::to_string(d.document.id) + " / " + column;
          return Status::Internal("CP932 に変換できません: 文書 " + where,
                                  "cannot convert to CP932: document " + where);
        }
        for (char32_t c : characters) replaced.push_back({d.document.id, column, c});
      }
      buffer += "\r\n";
    } else {
      buffer = JsonLine(d);
      buffer += '\n';
    }
    out << buffer;
    if (on_document) on_document();
  }
  out.flush();
  if (!out) {
    return Status::Unavailable("書き出しを最後まで書けませんでした",
                               "the export could not be written in full");
  }
  return Deduplicated(replaced);
}

}  // namespace adbridge::output
