#include "ingest/phone_intake.h"

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "ingest/form_registry.h"
#include "ingest/internal/file_bytes.h"
#include "models/cross_checks.h"
#include "models/field_types.h"
#include "models/form_definition.h"
#include "models/utf8.h"

namespace adbridge::ingest {
namespace {

using models::FieldDefinition;
using models::FormDefinition;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kFormColumn = "form";
constexpr std::string_view kReceivedAtColumn = "received_at";
constexpr std::string_view kOperatorColumn = "operator";
constexpr std::string_view kNoteColumn = "note";
constexpr std::string_view kUncertainColumn = "uncertain";

bool IsOptionalColumn(std::string_view name) {
  return name == kReceivedAtColumn || name == kOperatorColumn || name == kNoteColumn ||
         name == kUncertainColumn;
}

struct ConverterCloser {
  void operator()(UConverter* converter) const { ucnv_close(converter); }
};

Status NotCp932(std::size_t offset) {
  const std::string at = std::to_string(offset);
  return Status::InvalidArgument(
      "UTF-8 でも CP932 でもありません (" + at + " バイト目)",
      "the file is neither UTF-8 nor CP932 (at byte offset " + at + ")");
}

// CP932 bytes to UTF-8; the offset of the first byte that is not CP932 on failure.
Result<std::string> DecodeCp932(std::string_view bytes) {
  UErrorCode error = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> converter(ucnv_open("windows-31j", &error));
  if (U_FAILURE(error)) {
    return Status::Internal("CP932 の変換器を開けません", "cannot open the CP932 converter");
  }
  ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr,
                      &error);
  std::u16string utf16(bytes.size() + 1, u'\0');
  const char* source = bytes.data();
  UChar* target = reinterpret_cast<UChar*>(utf16.data());
  ucnv_toUnicode(converter.get(), &target, target + utf16.size(), &source,
                 bytes.data() + bytes.size(), nullptr, /*flush=*/true, &error);
  if (U_FAILURE(error)) {
    char invalid[8];
    int8_t invalid_length = sizeof invalid;
    UErrorCode ignored = U_ZERO_ERROR;
    ucnv_getInvalidChars(converter.get(), invalid, &invalid_length, &ignored);
    const std::size_t consumed = static_cast<std::size_t>(source - bytes.data());
    return NotCp932(consumed - std::min<std::size_t>(consumed, invalid_length));
  }
  utf16.resize(static_cast<std::size_t>(target - reinterpret_cast<UChar*>(utf16.data())));
  std::string utf8(utf16.size() * 3, '\0');
  std::int32_t length = 0;
  error = U_ZERO_ERROR;
  u_strToUTF8(utf8.data(), static_cast<std::int32_t>(utf8.size()), &length,
              reinterpret_cast<const UChar*>(utf16.data()),
              static_cast<std::int32_t>(utf16.size()), &error);
  if (U_FAILURE(error)) {
    return Status::Internal("CP932 を UTF-8 にできません", "cannot turn CP932 into UTF-8");
  }
  utf8.resize(static_cast<std::size_t>(length));
  return utf8;
}

// A cell as a CSV writer quotes it.
void AppendCell(std::string& out, const std::string& cell) {
  if (cell.find_first_of(",\"\r\n") == std::string::npos) {
    out += cell;
    return;
  }
  out += '"';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendRow(std::string& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    AppendCell(out, cells[i]);
  }
  out += "\r\n";
}

// Field names in an `uncertain` cell: separated by ASCII spaces or ideographic spaces.
// `cell` without the spaces an operator typed around it: ASCII white space, U+00A0 and the
// ideographic space U+3000 (what a Japanese keyboard types in full-width mode).
void TrimCell(std::string& cell) {
  auto space_at_start = [&](std::string_view text) -> std::size_t {
    if (text.empty()) return 0;
    if (text[0] == ' ' || text[0] == '\t' || text[0] == '\r' || text[0] == '\n') return 1;
    if (text.starts_with("\xC2\xA0")) return 2;
    if (text.starts_with("\xE3\x80\x80")) return 3;
    return 0;
  };
  auto space_at_end = [&](std::string_view text) -> std::size_t {
    if (text.empty()) return 0;
    const char last = text.back();
    if (last == ' ' || last == '\t' || last == '\r' || last == '\n') return 1;
    if (text.ends_with("\xC2\xA0")) return 2;
    if (text.ends_with("\xE3\x80\x80")) return 3;
    return 0;
  };
  std::string_view text = cell;
  while (std::size_t n = space_at_start(text)) text.remove_prefix(n);
  while (std::size_t n = space_at_end(text)) text.remove_suffix(n);
  if (text.size() != cell.size()) cell = std::string(text);
}

std::vector<std::string> SplitNames(const std::string& cell) {
  std::string spaced = cell;
  for (std::size_t at; (at = spaced.find("\u3000")) != std::string::npos;) {
    spaced.replace(at, 3, " ");
  }
  std::vector<std::string> names;
  std::string current;
  for (char c : spaced) {
    if (c == ' ' || c == '\t') {
      if (!current.empty()) names.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) names.push_back(std::move(current));
  return names;
}

bool Digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return false;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

int Number(std::string_view text, std::size_t at, std::size_t count) {
  int n = 0;
  for (std::size_t i = at; i < at + count; ++i) n = n * 10 + (text[i] - '0');
  return n;
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

Text RowError(std::string ja, std::string en) { return {std::move(ja), std::move(en)}; }

// The reason a field goes to review, with the operator's note after it when there is one.
Text WithNote(Text reason, const std::string& note) {
  if (note.empty()) return reason;
  return {reason.ja + " / 電話受付のメモ: " + note, reason.en + " / operator's note: " + note};
}

}  // namespace

Result<std::string> DecodePhoneCsv(std::span<const std::uint8_t> bytes) {
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    const std::string at = std::to_string(nul);
    return Status::InvalidArgument(
        at + " バイト目に NUL バイトがあります。UTF-16 や Excel のファイルではなく、CSV (UTF-8 か "
             "CP932) で保存してください",
        "a NUL byte at byte " + at +
            ": save the file as CSV in UTF-8 or CP932, not as UTF-16 or an Excel workbook");
  }
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  if (models::DecodeUtf8(text)) return std::string(text);
  return DecodeCp932(text);
}

CsvParse ParseCsv(std::string_view text) {
  CsvParse parse;
  std::size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    CsvRecord record;
    record.line = line;
    std::string cell;
    bool stray = false;
    bool ended = false;
    while (!ended) {
      if (i < text.size() && text[i] == '"') {
        ++i;
        bool closed = false;
        while (i < text.size()) {
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              cell += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (text[i] == '\n') ++line;
          cell += text[i++];
        }
        if (!closed) {
          parse.unterminated_line = record.line;
          return parse;
        }
        // After the closing quote only a comma or the line's end may follow.
        while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          stray = true;
          cell += text[i++];
        }
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          if (text[i] == '"') stray = true;
          cell += text[i++];
        }
      }
      record.cells.push_back(std::move(cell));
      cell.clear();
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == '\r') ++i;
      if (i < text.size() && text[i] == '\n') ++i;
      ++line;
      ended = true;
    }
    if (stray) parse.stray_quote_lines.push_back(record.line);
    parse.records.push_back(std::move(record));
  }
  return parse;
}

bool IsPhoneReceivedAt(std::string_view t) {
  if (!Digits(t, 0, 4) || t.size() < 16 || t[4] != '-' || !Digits(t, 5, 2) || t[7] != '-' ||
      !Digits(t, 8, 2) || (t[10] != 'T' && t[10] != ' ') || !Digits(t, 11, 2) || t[13] != ':' ||
      !Digits(t, 14, 2)) {
    return false;
  }
  const int year = Number(t, 0, 4), month = Number(t, 5, 2), day = Number(t, 8, 2);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  if (day > kDays[month - 1] + (month == 2 && IsLeapYear(year) ? 1 : 0)) return false;
  if (Number(t, 11, 2) > 23 || Number(t, 14, 2) > 59) return false;
  std::string_view rest = t.substr(16);
  if (rest.starts_with(":")) {
    if (!Digits(rest, 1, 2) || Number(rest, 1, 2) > 59) return false;
    rest.remove_prefix(3);
  }
  if (rest.empty() || rest == "Z") return true;
  return rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && Digits(rest, 1, 2) &&
         rest[3] == ':' && Digits(rest, 4, 2) && Number(rest, 1, 2) <= 14 &&
         Number(rest, 4, 2) <= 59;
}

PhoneIntake::PhoneIntake(models::Store& store, const models::BlobStore& blobs,
                         PhoneIntakeOptions options)
    : store_(store), blobs_(blobs), options_(std::move(options)) {
  if (options_.today.empty()) options_.today = models::TodayInJapan();
}

Result<PhoneIntakeReport> PhoneIntake::IngestFile(const std::filesystem::path& file) {
  ADB_ASSIGN_OR_RETURN(std::vector<std::uint8_t> bytes,
                       internal::ReadFileBytes(file, kMaxPhoneFileBytes));
  return IngestBytes(bytes, file.string());
}

Result<PhoneIntakeReport> PhoneIntake::IngestBytes(std::span<const std::uint8_t> bytes,
                                                   std::string_view source_name) {
  ADB_RETURN_IF_ERROR(internal::CheckSourceName(source_name));
  ADB_ASSIGN_OR_RETURN(std::string text, DecodePhoneCsv(bytes));
  CsvParse parse = ParseCsv(text);
  for (CsvRecord& record : parse.records) {
    for (std::string& cell : record.cells) TrimCell(cell);
  }
  if (parse.records.empty()) {
    return Status::InvalidArgument("見出し行がありません", "the file has no header row");
  }
  const std::vector<std::string> header = parse.records.front().cells;
  std::map<std::string, std::size_t> column_of;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (!column_of.emplace(header[c], c).second) {
      return Status::InvalidArgument("列 " + header[c] + " が 2 回あります",
                                     "the column " + header[c] + " appears twice");
    }
  }
  if (!column_of.count(std::string(kFormColumn))) {
    return Status::InvalidArgument("form 列がありません", "the file has no form column");
  }
  const std::size_t form_column = column_of.at(std::string(kFormColumn));

  PhoneIntakeReport report;
  std::set<int> stray(parse.stray_quote_lines.begin(), parse.stray_quote_lines.end());
  std::vector<const CsvRecord*> rows;
  for (std::size_t r = 1; r < parse.records.size(); ++r) {
    const CsvRecord& record = parse.records[r];
    if (record.cells.size() == 1 && record.cells[0].empty()) continue;  // a blank line
    if (stray.count(record.line)) {
      report.errors.push_back(
          {record.line, RowError("引用符の外に \" があるか、閉じた引用符の後に文字があります",
                                 "a \" outside quotes, or characters after a closing quote")});
      continue;
    }
    if (record.cells.size() != header.size()) {
      const std::string n = std::to_string(record.cells.size());
      const std::string m = std::to_string(header.size());
      report.errors.push_back({record.line, RowError("列が " + n + " 個あります (見出しは " +
                                                         m + " 個)",
                                                     n + " cells where the header has " + m)});
      continue;
    }
    rows.push_back(&record);
  }

  // The forms the rows name, each loaded once.
  std::map<std::string, std::optional<FormDefinition>> forms;
  for (const CsvRecord* row : rows) {
    const std::string& id = row->cells[form_column];
    if (forms.count(id)) continue;
    Result<FormDefinition> form = LoadRegisteredForm(store_, blobs_, id, std::nullopt);
    if (form.ok()) {
      forms.emplace(id, *std::move(form));
    } else if (form.status().code() == StatusCode::kNotFound) {
      forms.emplace(id, std::nullopt);
    } else {
      return form.status();
    }
  }
  std::string known_ids;
  std::string unknown_ids;
  for (const auto& [id, form] : forms) {
    std::string& list = form ? known_ids : unknown_ids;
    list += (list.empty() ? "" : ", ") + id;
  }
  if (!rows.empty() && known_ids.empty()) {
    return Status::NotFound("登録されていない様式です: " + unknown_ids,
                            "no such form: " + unknown_ids);
  }
  // With no row to store (each one refused), there is no form to judge the columns by.
  for (const std::string& name : known_ids.empty() ? std::vector<std::string>{} : header) {
    if (name == kFormColumn || IsOptionalColumn(name)) continue;
    bool known = false;
    for (const auto& [id, form] : forms) known = known || (form && form->FindField(name));
    if (!known) {
      return Status::InvalidArgument(
          "列 " + name + " は様式 " + known_ids + " の項目ではありません",
          "the column " + name + " is not a field of the form " + known_ids);
    }
  }

  auto cell_of = [&](const CsvRecord& row, std::string_view column) -> std::string {
    auto found = column_of.find(std::string(column));
    return found == column_of.end() ? std::string() : row.cells[found->second];
  };

  for (const CsvRecord* row : rows) {
    const std::string& form_id = row->cells[form_column];
    const std::optional<FormDefinition>& form = forms.at(form_id);
    if (!form) {
      report.errors.push_back({row->line, RowError("登録されていない様式です: " + form_id,
                                                   "no such form: " + form_id)});
      continue;
    }
    std::optional<Text> refusal;
    for (std::size_t c = 0; c < header.size() && !refusal; ++c) {
      const std::string& name = header[c];
      if (name == kFormColumn || IsOptionalColumn(name)) continue;
      if (!form->FindField(name) && !row->cells[c].empty()) {
        refusal = RowError("列 " + name + " は様式 " + form_id + " の項目ではありません",
                           "the column " + name + " is not a field of the form " + form_id);
      }
    }
    const std::vector<std::string> uncertain = SplitNames(cell_of(*row, kUncertainColumn));
    for (const std::string& name : uncertain) {
      if (!refusal && !form->FindField(name)) {
        refusal = RowError("uncertain の " + name + " は様式 " + form_id + " の項目ではありません",
                           "uncertain names " + name + ", which is not a field of the form " +
                               form_id);
      }
    }
    const std::string received_at = cell_of(*row, kReceivedAtColumn);
    if (!refusal && !received_at.empty() && !IsPhoneReceivedAt(received_at)) {
      refusal = RowError("received_at が日時ではありません: " + received_at,
                         "received_at is not a time: " + received_at);
    }
    if (refusal) {
      report.errors.push_back({row->line, *std::move(refusal)});
      continue;
    }

    // Each field of the form as a scan's reading would be judged: its own rules, then the
    // cross-field checks among those that passed.
    const std::string note = cell_of(*row, kNoteColumn);
    models::TypedDocument typed;
    std::map<std::string, std::string> valid_values;
    std::vector<Status> validations;
    for (const FieldDefinition& field : form->fields) {
      models::TypedDocument::Field f;
      f.name = field.name;
      f.typed_value = cell_of(*row, field.name);
      f.field_type = std::string(models::FieldTypeName(field.type));
      f.on_site_only = field.on_site_only;
      Result<std::string> value = models::NormalizeAndValidate(field, f.typed_value);
      if (value.ok()) {
        f.value = *value;
        valid_values[field.name] = *value;
      } else {
        Result<std::string> normalized = models::Normalize(field.type, f.typed_value);
        f.value = normalized.ok() ? *normalized : f.typed_value;
        f.validation_error = value.status().message();
      }
      validations.push_back(value.status());
      typed.fields.push_back(std::move(f));
    }
    std::map<std::string, Text> cross_reasons;
    for (const models::CrossCheckIssue& issue :
         models::CheckCrossFields(*form, valid_values, options_.today)) {
      for (const std::string& name : issue.fields) cross_reasons.emplace(name, issue.reason);
    }
    const std::set<std::string> unsure(uncertain.begin(), uncertain.end());
    for (std::size_t i = 0; i < typed.fields.size(); ++i) {
      models::TypedDocument::Field& f = typed.fields[i];
      const FieldDefinition& field = form->fields[i];
      f.task_kind = field.double_entry ? models::TaskKind::kDoubleEntry : models::TaskKind::kField;
      Text reason;
      if (!validations[i].ok()) {
        reason = WithNote({"検証で不合格: " + validations[i].message(Lang::kJa),
                           "fails validation: " + validations[i].message(Lang::kEn)},
                          note);
      } else if (auto cross = cross_reasons.find(f.name); cross != cross_reasons.end()) {
        reason = WithNote(cross->second, note);
      } else if (unsure.count(f.name)) {
        reason = note.empty() ? Text{"電話受付者が確かでないとした項目です",
                                     "the operator was not sure of this field"}
                              : Text{note, note};
      } else if (field.double_entry) {
        reason = WithNote({"二重入力の項目です (2 人の入力が一致して確定します)",
                           "a double-entry field (two people's entries must agree)"},
                          note);
      } else {
        f.accept = true;
      }
      f.review_reason = reason.In(DefaultLang());
    }

    // The row under the header, as UTF-8 CSV: the same record is the same original whatever
    // encoding or line ends the file came in.
    std::string original;
    AppendRow(original, header);
    AppendRow(original, row->cells);
    const std::span<const std::uint8_t> original_bytes(
        reinterpret_cast<const std::uint8_t*>(original.data()), original.size());
    ADB_ASSIGN_OR_RETURN(std::string sha256, blobs_.Put(original_bytes));
    ADB_RETURN_IF_ERROR(
        store_.RecordBlob(sha256, static_cast<std::int64_t>(original.size()), "text/csv"));
    typed.document.tenant_code = options_.tenant_code;
    typed.document.source = models::DocumentSource::kPhone;
    typed.document.source_name = std::string(source_name) + ":" + std::to_string(row->line);
    typed.document.original_sha256 = sha256;
    typed.document.media_type = "text/csv";
    typed.document.original_size = static_cast<std::int64_t>(original.size());
    typed.document.form_id = form->id;
    typed.document.form_version = form->version;
    ADB_ASSIGN_OR_RETURN(models::DocumentInsert inserted, store_.InsertTypedDocument(typed));
    ADB_ASSIGN_OR_RETURN(models::Document document, store_.GetDocument(inserted.document_id));
    report.records.push_back(
        {row->line, inserted.document_id, inserted.duplicate, document.state});
  }
  if (parse.unterminated_line) {
    report.errors.push_back(
        {*parse.unterminated_line,
         RowError("引用符が閉じていません (ここからファイルの終わりまで読めません)",
                  "a quote is never closed (nothing from here to the end of the file is read)")});
  }
  return report;
}

}  // namespace adbridge::ingest
