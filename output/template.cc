#include "output/template.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <span>
#include <system_error>
#include <utility>

#include "models/json_guard.h"
#include "models/json_reader.h"
#include "output/internal/embedded_templates.h"

namespace adbridge::output {
namespace {

using Json = nlohmann::json;
using models::JsonObjectReader;
using models::JsonPlace;
using models::Presence;

// Templates are a few kilobytes of prose; anything far larger or deeper is not one.
constexpr std::size_t kMaxTemplateBytes = std::size_t{256} << 10;
constexpr int kMaxJsonDepth = 8;
constexpr std::string_view kJsonSuffix = ".json";

// The built-in placeholders, with the field type their value has (for filter checks).
struct Builtin {
  std::string_view name;
  models::FieldType type;
};
constexpr std::array kBuiltins = {
    Builtin{"today", models::FieldType::kDate},
    Builtin{"document", models::FieldType::kInteger},
    Builtin{"form_title", models::FieldType::kText},
};

const Builtin* FindBuiltin(std::string_view name) {
  for (const Builtin& builtin : kBuiltins) {
    if (builtin.name == name) return &builtin;
  }
  return nullptr;
}

// [a-z][a-z0-9_]*, as field names are.
bool IsPlaceholderName(std::string_view name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool IsTemplateId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::string FilterNames() {
  std::string names;
  for (const ValueFilter& filter : ValueFilters()) {
    names += (names.empty() ? "" : ", ") + std::string(filter.name);
  }
  return names;
}

std::string TypeNames(std::span<const models::FieldType> types) {
  std::string names;
  for (models::FieldType type : types) {
    names += (names.empty() ? "" : ", ") + std::string(models::FieldTypeName(type));
  }
  return names;
}

bool FilterTakes(const ValueFilter& filter, models::FieldType type) {
  return filter.field_types.empty() ||
         std::find(filter.field_types.begin(), filter.field_types.end(), type) !=
             filter.field_types.end();
}

// "<template>: <key>: <reason>: <placeholder>".
Status BadPlaceholder(const Template& t, std::string_view key, std::string_view written,
                      const std::string& ja, const std::string& en) {
  const std::string where = t.source_name + ": " + std::string(key) + ": ";
  return Status::InvalidArgument(where + ja + ": " + std::string(written),
                                 where + en + ": " + std::string(written));
}

// Checks one placeholder's inside ("payment_date|era") against the template.
Result<Placeholder> ParsePlaceholder(const Template& t, std::string_view key,
                                     std::string_view inside, std::string_view written) {
  Placeholder placeholder;
  placeholder.written = std::string(written);
  std::string_view name = inside;
  std::string_view filter_name;
  if (const std::size_t bar = inside.find('|'); bar != std::string_view::npos) {
    name = inside.substr(0, bar);
    filter_name = Trim(inside.substr(bar + 1));
    if (filter_name.find('|') != std::string_view::npos) {
      return BadPlaceholder(t, key, written, "フィルターは 1 つだけ書けます",
                            "a placeholder takes one filter only");
    }
    if (filter_name.empty()) {
      return BadPlaceholder(t, key, written, "| の後にフィルター名がありません",
                            "no filter name after |");
    }
  }
  name = Trim(name);
  if (!IsPlaceholderName(name)) {
    return BadPlaceholder(t, key, written,
                          "名前は [a-z][a-z0-9_]* (項目名、values のキー、組み込みの名前) です",
                          "a name is [a-z][a-z0-9_]* (a field, a values key or a built-in)");
  }
  placeholder.name = std::string(name);

  // The type of the value, when known, for the filter check.
  std::optional<models::FieldType> type;
  if (const models::FieldDefinition* field = t.form.FindField(name)) {
    placeholder.source = PlaceholderSource::kField;
    type = field->type;
  } else if (t.values.count(placeholder.name) > 0) {
    placeholder.source = PlaceholderSource::kValue;
  } else if (const Builtin* builtin = FindBuiltin(name)) {
    placeholder.source = PlaceholderSource::kBuiltin;
    type = builtin->type;
  } else {
    return BadPlaceholder(
        t, key, written,
        "様式 " + t.form.id + " に項目 " + placeholder.name +
            " はなく、values のキーでも組み込みの名前 (today, document, form_title) でもありません",
        "form " + t.form.id + " has no field " + placeholder.name +
            ", and it is neither a values key nor a built-in (today, document, form_title)");
  }

  if (filter_name.empty()) return placeholder;
  placeholder.filter = FindValueFilter(filter_name);
  const std::string filter(filter_name);
  if (placeholder.filter == nullptr) {
    return BadPlaceholder(
        t, key, written,
        "知らないフィルターです: " + filter + " (使えるもの: " + FilterNames() + ")",
        "unknown filter " + filter + " (filters: " + FilterNames() + ")");
  }
  if (type && !FilterTakes(*placeholder.filter, *type)) {
    const std::string types = TypeNames(placeholder.filter->field_types);
    const std::string got(models::FieldTypeName(*type));
    return BadPlaceholder(t, key, written,
                          "フィルター " + filter + " は " + types + " の値に使います (" +
                              placeholder.name + " は " + got + ")",
                          "filter " + filter + " is for " + types + " values (" + placeholder.name +
                              " is " + got + ")");
  }
  if (placeholder.source == PlaceholderSource::kValue) {
    // A constant is known now: a filter that refuses it would refuse it on every letter.
    Result<std::string> applied = placeholder.filter->apply(t.values.at(placeholder.name), nullptr);
    if (!applied.ok()) {
      return BadPlaceholder(t, key, written,
                            "values の " + placeholder.name + " に使えません (" +
                                applied.status().message(Lang::kJa) + ")",
                            "does not fit values " + placeholder.name + " (" +
                                applied.status().message(Lang::kEn) + ")");
    }
  }
  return placeholder;
}

// Reads a required string member that is template text.
Status ReadText(const Template& t, const JsonObjectReader& reader, std::string_view key,
                std::string_view place, Presence presence, TemplateText* out) {
  std::string text;
  ADB_RETURN_IF_ERROR(reader.String(key, presence, &text));
  ADB_ASSIGN_OR_RETURN(*out, ParseTemplateText(t, place, text));
  return Status::Ok();
}

Result<std::string> BuiltinValue(const Template& t, std::string_view name,
                                 const RecordValues& record) {
  if (name == "today") return record.today;
  if (name == "document") return std::to_string(record.document_id);
  return t.form.title;
}

Result<std::string> PlaceholderValue(const Template& t, const Placeholder& placeholder,
                                     const RecordValues& record) {
  const std::string document = std::to_string(record.document_id);
  switch (placeholder.source) {
    case PlaceholderSource::kValue:
      return t.values.at(placeholder.name);
    case PlaceholderSource::kBuiltin:
      return BuiltinValue(t, placeholder.name, record);
    case PlaceholderSource::kField:
      break;
  }
  const models::FieldDefinition* field = t.form.FindField(placeholder.name);
  const std::string label = field != nullptr ? " (" + field->label + ")" : "";
  const auto found = record.fields.find(placeholder.name);
  if (found == record.fields.end() || !found->second) {
    return Status::InvalidArgument(
        "文書 " + document + ": 項目 " + placeholder.name + label + " が判読不能か記録がありません",
        "document " + document + ": field " + placeholder.name + label +
            " is unreadable or missing");
  }
  if (found->second->empty()) {
    return Status::InvalidArgument(
        "文書 " + document + ": 項目 " + placeholder.name + label + " が空です",
        "document " + document + ": field " + placeholder.name + label + " is empty");
  }
  return *found->second;
}

}  // namespace

std::string_view TemplateKindName(TemplateKind kind) {
  return kind == TemplateKind::kLetter ? "letter" : "script";
}

std::vector<std::string> BundledTemplateIds() {
  std::vector<std::string> ids;
  for (const internal::EmbeddedTemplate& file : internal::EmbeddedTemplates()) {
    std::string_view name = file.name;
    if (name.ends_with(kJsonSuffix)) name.remove_suffix(kJsonSuffix.size());
    ids.emplace_back(name);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<TemplateSource> ReadTemplateSource(std::string_view spec) {
  const std::string given(spec);
  if (spec.ends_with(kJsonSuffix) || spec.find('/') != std::string_view::npos) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(given, ec);
    if (!ec && size > kMaxTemplateBytes) {
      return Status::ResourceExhausted(
          given + ": 雛形として大きすぎます (" + std::to_string(size) + " バイト、上限 256 KiB)",
          given + ": too large for a template (" + std::to_string(size) +
              " bytes, at most 256 KiB)");
    }
    std::ifstream in(given, std::ios::binary);
    if (ec || !in) {
      return Status::NotFound("雛形のファイルを読めません: " + given,
                              "cannot read the template file: " + given);
    }
    std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return TemplateSource{given, std::move(json)};
  }
  for (const internal::EmbeddedTemplate& file : internal::EmbeddedTemplates()) {
    if (file.name == given + std::string(kJsonSuffix)) {
      return TemplateSource{std::string(file.name),
                            std::string(file.bytes.begin(), file.bytes.end())};
    }
  }
  std::string ids;
  for (const std::string& id : BundledTemplateIds()) ids += (ids.empty() ? "" : ", ") + id;
  return Status::NotFound(
      "雛形がありません: " + given + " (組み込みの雛形: " + ids +
          "。ファイルなら .json で終わるパス)",
      "no such template: " + given + " (bundled: " + ids + "; a file is a path ending in .json)");
}

Result<TemplateText> ParseTemplateText(const Template& t, std::string_view key,
                                       std::string_view text) {
  TemplateText parsed;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find("{{", at);
    const std::size_t stray_close = text.substr(0, open).find("}}", at);
    if (stray_close != std::string_view::npos) {
      return BadPlaceholder(t, key, text.substr(stray_close, 2),
                            "{{ のない }} があります (波かっこの閉じ忘れか開き忘れ)",
                            "}} without {{ (a brace missing)");
    }
    if (open == std::string_view::npos) {
      parsed.pieces.push_back({std::string(text.substr(at)), std::nullopt});
      break;
    }
    if (open > at) parsed.pieces.push_back({std::string(text.substr(at, open - at)), std::nullopt});
    const std::size_t close = text.find("}}", open + 2);
    const std::size_t next_open = text.find("{{", open + 2);
    if (close == std::string_view::npos || next_open < close) {
      const std::string_view rest =
          text.substr(open, std::min<std::size_t>(40, text.size() - open));
      return BadPlaceholder(t, key, rest, "{{ が }} で閉じられていません",
                            "{{ is not closed with }}");
    }
    const std::string_view written = text.substr(open, close + 2 - open);
    ADB_ASSIGN_OR_RETURN(
        Placeholder placeholder,
        ParsePlaceholder(t, key, text.substr(open + 2, close - open - 2), written));
    parsed.pieces.push_back({"", std::move(placeholder)});
    at = close + 2;
  }
  return parsed;
}

RecordValues RecordValuesOf(std::int64_t document_id, std::vector<models::FieldRecord> fields,
                            std::string today) {
  RecordValues record{document_id, {}, std::move(today)};
  for (models::FieldRecord& field : fields) {
    record.fields[field.name] =
        field.state == models::FieldState::kUnreadable ? std::nullopt : std::move(field.value);
  }
  return record;
}

Result<std::string> ExpandText(const Template& t, const TemplateText& text,
                               const RecordValues& record) {
  std::string out;
  for (const TemplateText::Piece& piece : text.pieces) {
    if (!piece.placeholder) {
      out += piece.literal;
      continue;
    }
    const Placeholder& placeholder = *piece.placeholder;
    ADB_ASSIGN_OR_RETURN(std::string value, PlaceholderValue(t, placeholder, record));
    if (placeholder.filter == nullptr) {
      out += value;
      continue;
    }
    const models::FieldDefinition* field = placeholder.source == PlaceholderSource::kField
                                               ? t.form.FindField(placeholder.name)
                                               : nullptr;
    Result<std::string> filtered = placeholder.filter->apply(value, field);
    if (!filtered.ok()) {
      const std::string document = std::to_string(record.document_id);
      // status() returns a copy: keep it, so that `why` does not refer to a destroyed one.
      const Status refused = filtered.status();
      const Text& why = refused.text();
      return Status(refused.code(),
                    {"文書 " + document + ": 項目 " + placeholder.name + ": " + why.ja,
                     "document " + document + ": field " + placeholder.name + ": " + why.en});
    }
    out += *filtered;
  }
  return out;
}

Result<Template> ParseTemplate(std::string_view json, std::string_view source_name,
                               TemplateKind expected, const FormLookup& forms) {
  Template t;
  t.source_name = std::string(source_name);
  const std::string source = t.source_name;
  if (json.size() > kMaxTemplateBytes) {
    return Status::ResourceExhausted(source + ": 雛形として大きすぎます (上限 256 KiB)",
                                     source + ": too large for a template (at most 256 KiB)");
  }
  ADB_RETURN_IF_ERROR(models::CheckJsonText(json, kMaxJsonDepth).WithPrefix(source + ": "));
  const Json document = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  const JsonPlace top{source, source};
  ADB_RETURN_IF_ERROR(JsonObjectReader::ExpectObject(document, top));
  const JsonObjectReader reader(document, top);

  ADB_RETURN_IF_ERROR(reader.String("id", Presence::kRequired, &t.id));
  if (!IsTemplateId(t.id)) {
    return reader.Fail("id は英小文字・数字・- で書いてください: " + t.id,
                       "id must use lower-case letters, digits and -: " + t.id);
  }
  std::string kind;
  ADB_RETURN_IF_ERROR(reader.String("kind", Presence::kRequired, &kind));
  if (kind != "letter" && kind != "script") {
    return reader.Fail("kind は letter か script です: " + kind,
                       "kind is letter or script: " + kind);
  }
  t.kind = kind == "letter" ? TemplateKind::kLetter : TemplateKind::kScript;
  if (t.kind != expected) {
    const std::string want(TemplateKindName(expected));
    return reader.Fail("kind が " + kind + " の雛形です。ここでは " + want + " の雛形が必要です",
                       "this is a " + kind + " template; a " + want + " template is needed here");
  }
  std::string form_id;
  ADB_RETURN_IF_ERROR(reader.String("form", Presence::kRequired, &form_id));
  Result<models::FormDefinition> form = forms(form_id);
  if (!form.ok()) return form.status().WithPrefix(source + ": form: ");
  t.form = *std::move(form);

  const Json* values = nullptr;
  ADB_RETURN_IF_ERROR(reader.Object("values", Presence::kOptional, &values));
  if (values != nullptr) {
    for (const auto& [key, value] : values->items()) {
      const std::string place = "values." + key;
      if (!IsPlaceholderName(key)) {
        return reader.Fail(place + ": キーは [a-z][a-z0-9_]* です",
                           place + ": a key is [a-z][a-z0-9_]*");
      }
      if (t.form.FindField(key) != nullptr || FindBuiltin(key) != nullptr) {
        return reader.Fail(place + ": 様式の項目か組み込みの名前と同じ名前は使えません",
                           place + ": the name of a form field or built-in cannot be reused");
      }
      if (!value.is_string()) {
        return reader.Fail(place + ": 値は文字列で書いてください (\"30000\" のように)",
                           place + ": a value is a string (such as \"30000\")");
      }
      t.values[key] = value.get<std::string>();
    }
  }
  ADB_RETURN_IF_ERROR(ReadText(t, reader, "title", "title", Presence::kRequired, &t.title));

  for (const auto& [key, value] : document.items()) {
    if (key != "id" && key != "kind" && key != "form" && key != "values" && key != "title") {
      t.specific[key] = value;
    }
  }
  return t;
}

Result<LetterTemplate> ParseLetterTemplate(Template common) {
  LetterTemplate letter;
  letter.common = std::move(common);
  const Template& t = letter.common;
  const JsonPlace top{t.source_name, t.source_name};
  const JsonObjectReader reader(t.specific, top);
  ADB_RETURN_IF_ERROR(
      reader.RejectUnknownKeys({"id", "kind", "form", "title", "values", "sender", "recipient",
                                "reference", "date", "body", "items", "contact"}));

  const Json* sender = nullptr;
  ADB_RETURN_IF_ERROR(reader.Object("sender", Presence::kRequired, &sender));
  {
    const JsonObjectReader s(*sender, {t.source_name + ": sender", t.source_name + ": sender"});
    ADB_RETURN_IF_ERROR(
        s.RejectUnknownKeys({"name", "department", "postal_code", "address", "phone", "hours"}));
    LetterTemplate::Sender& out = letter.sender;
    ADB_RETURN_IF_ERROR(ReadText(t, s, "name", "sender.name", Presence::kRequired, &out.name));
    ADB_RETURN_IF_ERROR(
        ReadText(t, s, "department", "sender.department", Presence::kRequired, &out.department));
    ADB_RETURN_IF_ERROR(
        ReadText(t, s, "postal_code", "sender.postal_code", Presence::kRequired, &out.postal_code));
    ADB_RETURN_IF_ERROR(
        ReadText(t, s, "address", "sender.address", Presence::kRequired, &out.address));
    ADB_RETURN_IF_ERROR(ReadText(t, s, "phone", "sender.phone", Presence::kRequired, &out.phone));
    ADB_RETURN_IF_ERROR(ReadText(t, s, "hours", "sender.hours", Presence::kOptional, &out.hours));
  }

  const Json* recipient = nullptr;
  ADB_RETURN_IF_ERROR(reader.Object("recipient", Presence::kRequired, &recipient));
  {
    const JsonObjectReader r(*recipient,
                             {t.source_name + ": recipient", t.source_name + ": recipient"});
    ADB_RETURN_IF_ERROR(r.RejectUnknownKeys({"postal_code", "address", "name"}));
    LetterTemplate::Recipient& out = letter.recipient;
    struct Wanted {
      std::string_view key;
      models::FieldType type;
      std::string* field;
      std::string_view filter;
      TemplateText* text;
    };
    for (const Wanted& wanted :
         {Wanted{"postal_code", models::FieldType::kPostalCode, &out.postal_code_field, "|postal",
                 &out.postal_code},
          Wanted{"address", models::FieldType::kText, &out.address_field, "", &out.address},
          Wanted{"name", models::FieldType::kText, &out.name_field, "|sama", &out.name}}) {
      std::string* const out_field = wanted.field;
      ADB_RETURN_IF_ERROR(r.String(wanted.key, Presence::kRequired, out_field));
      const models::FieldDefinition* field = t.form.FindField(*out_field);
      const std::string key(wanted.key);
      const std::string type(models::FieldTypeName(wanted.type));
      if (field == nullptr) {
        return r.Fail(key + ": 様式 " + t.form.id + " に項目 " + *out_field + " がありません",
                      key + ": form " + t.form.id + " has no field " + *out_field);
      }
      if (field->type != wanted.type) {
        return r.Fail(key + ": 項目 " + *out_field + " は " + type + " 型でなければなりません",
                      key + ": field " + *out_field + " must be of type " + type);
      }
      ADB_ASSIGN_OR_RETURN(
          *wanted.text, ParseTemplateText(t, "recipient." + key,
                                          "{{" + *out_field + std::string(wanted.filter) + "}}"));
    }
  }

  ADB_RETURN_IF_ERROR(
      ReadText(t, reader, "reference", "reference", Presence::kOptional, &letter.reference));
  ADB_RETURN_IF_ERROR(ReadText(t, reader, "date", "date", Presence::kRequired, &letter.date));

  const Json* body = nullptr;
  ADB_RETURN_IF_ERROR(reader.Array("body", Presence::kRequired, &body));
  if (body->empty()) {
    return reader.Fail("body に段落が 1 つもありません", "body has no paragraph");
  }
  for (std::size_t i = 0; i < body->size(); ++i) {
    const std::string key = "body[" + std::to_string(i) + "]";
    const Json& paragraph = (*body)[i];
    if (!paragraph.is_string() || paragraph.get_ref<const std::string&>().empty()) {
      return reader.Fail(key + " は空でない文字列です", key + " must be a non-empty string");
    }
    ADB_ASSIGN_OR_RETURN(TemplateText text,
                         ParseTemplateText(t, key, paragraph.get_ref<const std::string&>()));
    letter.body.push_back(std::move(text));
  }

  const Json* items = nullptr;
  ADB_RETURN_IF_ERROR(reader.Array("items", Presence::kOptional, &items));
  for (std::size_t i = 0; items != nullptr && i < items->size(); ++i) {
    const std::string key = "items[" + std::to_string(i) + "]";
    const JsonPlace place{t.source_name + ": " + key, t.source_name + ": " + key};
    ADB_RETURN_IF_ERROR(JsonObjectReader::ExpectObject((*items)[i], place));
    const JsonObjectReader item((*items)[i], place);
    ADB_RETURN_IF_ERROR(item.RejectUnknownKeys({"label", "value"}));
    LetterTemplate::Item out;
    ADB_RETURN_IF_ERROR(
        ReadText(t, item, "label", key + ".label", Presence::kRequired, &out.label));
    ADB_RETURN_IF_ERROR(
        ReadText(t, item, "value", key + ".value", Presence::kRequired, &out.value));
    letter.items.push_back(std::move(out));
  }
  ADB_RETURN_IF_ERROR(
      ReadText(t, reader, "contact", "contact", Presence::kRequired, &letter.contact));
  return letter;
}

Result<LetterTemplate> LoadLetterTemplate(std::string_view spec, const FormLookup& forms) {
  ADB_ASSIGN_OR_RETURN(TemplateSource source, ReadTemplateSource(spec));
  ADB_ASSIGN_OR_RETURN(Template common,
                       ParseTemplate(source.json, source.name, TemplateKind::kLetter, forms));
  return ParseLetterTemplate(std::move(common));
}

}  // namespace adbridge::output
