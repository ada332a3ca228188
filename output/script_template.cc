#include "output/script_template.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <nlohmann/json.hpp>

#include "models/field_types.h"
#include "output/internal/placeholders.h"
#include "output/resident_values.h"

namespace adbridge::output {
namespace {

using nlohmann::json;

constexpr size_t kMaxTemplateBytes = 256 * 1024;

constexpr std::array<ScriptSectionId, 5> kSectionOrder = {
    ScriptSectionId::kGreeting, ScriptSectionId::kIdentityChecks, ScriptSectionId::kMessage,
    ScriptSectionId::kQuestions, ScriptSectionId::kClosing};

// Where something is in a template, put in front of a reason.
struct Place {
  std::string ja;
  std::string en;

  Place Item(ScriptSectionId section, size_t index) const {
    const std::string key(ScriptSectionKey(section));
    const std::string n = std::to_string(index + 1);
    return {ja + ": " + key + " の " + n + " 番目", en + ": " + key + " item " + n};
  }
  Place Key(std::string_view key) const {
    return {ja + ": " + std::string(key), en + ": " + std::string(key)};
  }
  Status Fail(std::string_view why_ja, std::string_view why_en) const {
    return Status::InvalidArgument(ja + ": " + std::string(why_ja),
                                   en + ": " + std::string(why_en));
  }
  // The same error with this place in front, in each language.
  Status Prefix(const Status& status) const {
    return Status(status.code(),
                  {ja + ": " + status.message(Lang::kJa), en + ": " + status.message(Lang::kEn)});
  }
};

std::string JsonTypeJa(const json& value) {
  if (value.is_string()) return "文字列";
  if (value.is_number()) return "数";
  if (value.is_boolean()) return "真偽値";
  if (value.is_array()) return "配列";
  if (value.is_object()) return "オブジェクト";
  return "null";
}

Status RejectUnknownKeys(const json& object, std::initializer_list<std::string_view> known,
                         const Place& place) {
  for (const auto& [key, value] : object.items()) {
    bool found = false;
    std::string list;
    for (std::string_view k : known) {
      found = found || k == key;
      list += (list.empty() ? "" : ", ") + std::string(k);
    }
    if (!found) {
      return place.Fail("知らないキー \"" + key + "\" があります（使えるのは " + list + "）",
                        "unknown key \"" + key + "\" (known: " + list + ")");
    }
  }
  return Status::Ok();
}

// A string member; a required one must be present and non-empty.
Status ReadString(const json& object, std::string_view key, bool required, const Place& place,
                  std::string* out) {
  const auto it = object.find(key);
  if (it == object.end()) {
    if (!required) return Status::Ok();
    return place.Fail("\"" + std::string(key) + "\" がありません",
                      "\"" + std::string(key) + "\" is missing");
  }
  if (!it->is_string()) {
    return place.Fail(
        "\"" + std::string(key) + "\" は文字列です（" + JsonTypeJa(*it) + "ではなく）",
        "\"" + std::string(key) + "\" must be a string");
  }
  *out = it->get<std::string>();
  if (required && out->empty()) {
    return place.Fail("\"" + std::string(key) + "\" が空です",
                      "\"" + std::string(key) + "\" is empty");
  }
  return Status::Ok();
}

// Checks a text's placeholders are well formed, so that errors name the place they are in.
Status CheckPlaceholderSyntax(std::string_view text, const Place& place) {
  const Result<std::vector<internal::TextPiece>> pieces = internal::SplitPlaceholders(text);
  return pieces.ok() ? Status::Ok() : place.Prefix(pieces.status());
}

Status ParseLine(const json& item, const Place& place, ScriptItem* out) {
  if (item.is_string()) {
    out->kind = ScriptItemKind::kSay;
    out->text = item.get<std::string>();
  } else if (item.is_object()) {
    ADB_RETURN_IF_ERROR(RejectUnknownKeys(item, {"say", "note", "when", "unless"}, place));
    const bool say = item.contains("say");
    if (say == item.contains("note")) {
      return place.Fail("行には \"say\"（読み上げる）か \"note\"（指示）のどちらか一つを書きます",
                        "a line has exactly one of \"say\" (read aloud) and \"note\" (an "
                        "instruction)");
    }
    out->kind = say ? ScriptItemKind::kSay : ScriptItemKind::kNote;
    ADB_RETURN_IF_ERROR(ReadString(item, say ? "say" : "note", true, place, &out->text));
    ADB_RETURN_IF_ERROR(ReadString(item, "when", false, place, &out->when));
    ADB_RETURN_IF_ERROR(ReadString(item, "unless", false, place, &out->unless));
  } else {
    return place.Fail("行は文字列か {\"say\"} / {\"note\"} です",
                      "a line is a string or a {\"say\"} / {\"note\"} object");
  }
  if (out->text.empty()) return place.Fail("行が空です", "the line is empty");
  return CheckPlaceholderSyntax(out->text, place);
}

Status ParseItem(const json& item, ScriptSectionId section, const Place& place, ScriptItem* out) {
  if (section == ScriptSectionId::kIdentityChecks && item.is_object() && item.contains("ask")) {
    ADB_RETURN_IF_ERROR(RejectUnknownKeys(item, {"ask", "expect", "when", "unless"}, place));
    out->kind = ScriptItemKind::kAsk;
    ADB_RETURN_IF_ERROR(ReadString(item, "ask", true, place, &out->text));
    ADB_RETURN_IF_ERROR(ReadString(item, "expect", true, place, &out->expect));
    ADB_RETURN_IF_ERROR(ReadString(item, "when", false, place, &out->when));
    ADB_RETURN_IF_ERROR(ReadString(item, "unless", false, place, &out->unless));
    ADB_RETURN_IF_ERROR(CheckPlaceholderSyntax(out->text, place));
    return CheckPlaceholderSyntax(out->expect, place);
  }
  if (section == ScriptSectionId::kQuestions && item.is_object() && item.contains("question")) {
    ADB_RETURN_IF_ERROR(RejectUnknownKeys(item, {"question", "answer", "when", "unless"}, place));
    out->kind = ScriptItemKind::kQuestion;
    ADB_RETURN_IF_ERROR(ReadString(item, "question", true, place, &out->text));
    ADB_RETURN_IF_ERROR(ReadString(item, "when", false, place, &out->when));
    ADB_RETURN_IF_ERROR(ReadString(item, "unless", false, place, &out->unless));
    ADB_RETURN_IF_ERROR(CheckPlaceholderSyntax(out->text, place));
    const auto answer = item.find("answer");
    if (answer == item.end() || !answer->is_array() || answer->empty()) {
      return place.Fail("\"answer\" には答えの行を一つ以上並べます",
                        "\"answer\" must be an array of one or more lines");
    }
    for (size_t i = 0; i < answer->size(); ++i) {
      const Place line_place{place.ja + " answer " + std::to_string(i + 1),
                             place.en + " answer " + std::to_string(i + 1)};
      ScriptItem line;
      ADB_RETURN_IF_ERROR(ParseLine((*answer)[i], line_place, &line));
      out->answer.push_back(std::move(line));
    }
    return Status::Ok();
  }
  ADB_RETURN_IF_ERROR(ParseLine(item, place, out));
  if (section == ScriptSectionId::kIdentityChecks && out->kind == ScriptItemKind::kSay) {
    return place.Fail("identity_checks には {\"ask\", \"expect\"} か {\"note\"} を並べます",
                      "identity_checks holds {\"ask\", \"expect\"} items and notes");
  }
  if (section == ScriptSectionId::kQuestions && out->kind == ScriptItemKind::kSay) {
    return place.Fail("questions には {\"question\", \"answer\"} か {\"note\"} を並べます",
                      "questions holds {\"question\", \"answer\"} items and notes");
  }
  return Status::Ok();
}

Status ParseValues(const json& values, const Place& place, ScriptTemplate* out) {
  if (!values.is_object()) {
    return place.Fail("\"values\" はオブジェクトです", "\"values\" must be an object");
  }
  for (const auto& [name, entry] : values.items()) {
    const Place value_place = place.Key("values." + name);
    if (!internal::SplitPlaceholders("{{" + name + "}}").ok()) {
      return value_place.Fail("名前は英小文字・数字・_ です", "a name is [a-z][a-z0-9_]*");
    }
    if (!entry.is_object()) {
      return value_place.Fail("{\"type\", \"value\"} で書きます",
                              "must be an object {\"type\", \"value\"}");
    }
    ADB_RETURN_IF_ERROR(RejectUnknownKeys(entry, {"type", "value", "label"}, value_place));
    models::FieldDefinition field;
    field.name = name;
    std::string type_name;
    ADB_RETURN_IF_ERROR(ReadString(entry, "type", true, value_place, &type_name));
    const std::optional<models::FieldType> type = models::ParseFieldType(type_name);
    if (!type || *type == models::FieldType::kChoice) {
      return value_place.Fail("知らない型です: " + type_name + "（choice は使えません）",
                              "unknown type: " + type_name + " (choice is not available)");
    }
    field.type = *type;
    field.label = name;
    ADB_RETURN_IF_ERROR(ReadString(entry, "label", false, value_place, &field.label));
    std::string raw;
    ADB_RETURN_IF_ERROR(ReadString(entry, "value", true, value_place, &raw));
    Result<std::string> normalised = models::NormalizeAndValidate(field, raw);
    if (!normalised.ok()) return value_place.Prefix(normalised.status());
    out->values.emplace_back(std::move(field), *std::move(normalised));
  }
  return Status::Ok();
}

bool IsTemplateId(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// --- checking against the form ---

// What a name in a template stands for.
struct Resolved {
  const models::FieldDefinition* field = nullptr;
  bool from_form = false;
};

Resolved Resolve(const ScriptTemplate& script, const models::FormDefinition& form,
                 std::string_view name) {
  if (const models::FieldDefinition* field = form.FindField(name)) return {field, true};
  if (const auto* value = script.FindValue(name)) return {&value->first, false};
  return {};
}

Status UnknownName(const Place& place, std::string_view written, std::string_view name,
                   std::string_view form_id) {
  return place.Fail(std::string(written) + " の \"" + std::string(name) + "\" は様式 " +
                        std::string(form_id) + " の項目にもテンプレートの values にもありません",
                    std::string(written) + ": \"" + std::string(name) +
                        "\" is neither a field of form " + std::string(form_id) +
                        " nor one of the template's values");
}

Status CheckText(const ScriptTemplate& script, const models::FormDefinition& form,
                 std::string_view text, bool read_aloud, const Place& place) {
  const Result<std::vector<internal::TextPiece>> pieces = internal::SplitPlaceholders(text);
  if (!pieces.ok()) return place.Prefix(pieces.status());
  for (const internal::TextPiece& piece : *pieces) {
    if (!piece.placeholder) continue;
    const Resolved resolved = Resolve(script, form, piece.name);
    if (resolved.field == nullptr) return UnknownName(place, piece.text, piece.name, form.id);
    const models::FieldDefinition& field = *resolved.field;
    const ValueFilter* filter = nullptr;
    if (!piece.filter.empty()) {
      filter = FindValueFilter(piece.filter);
      if (filter == nullptr) {
        std::string known;
        for (const ValueFilter& f : ValueFilters()) {
          known += (known.empty() ? "" : ", ") + std::string(f.name);
        }
        return place.Fail(
            piece.text + " のフィルター \"" + piece.filter + "\" はありません（使えるのは " +
                known + "）",
            piece.text + ": no filter \"" + piece.filter + "\" (known: " + known + ")");
      }
      if (std::find(filter->field_types.begin(), filter->field_types.end(), field.type) ==
          filter->field_types.end()) {
        const std::string type(models::FieldTypeName(field.type));
        return place.Fail(piece.text + " のフィルター " + piece.filter + " は「" + field.label +
                              "」(" + field.name + ") の型 " + type + " には使えません",
                          piece.text + ": the filter " + piece.filter +
                              " does not write a field of type " + type + " (" + field.name + ")");
      }
    }
    if (read_aloud && resolved.from_form && field.sensitive &&
        (filter == nullptr || !filter->masks)) {
      return place.Fail(
          piece.text + " は読み上げる行に機微な項目「" + field.label + "」(" + field.name +
              ") をそのまま入れています。masked4 "
              "で伏せるか、指示（note）か答え（expect）に移してください",
          piece.text + " puts the sensitive field \"" + field.label + "\" (" + field.name +
              ") in full into a line read aloud; mask it with masked4, or move it to a note or "
              "an expected answer");
    }
  }
  return Status::Ok();
}

Status CheckCondition(const ScriptTemplate& script, const models::FormDefinition& form,
                      const ScriptItem& item, const Place& place) {
  for (const std::string* name : {&item.when, &item.unless}) {
    if (!name->empty() && Resolve(script, form, *name).field == nullptr) {
      return UnknownName(place, name == &item.when ? "when" : "unless", *name, form.id);
    }
  }
  return Status::Ok();
}

Status CheckItem(const ScriptTemplate& script, const models::FormDefinition& form,
                 const ScriptItem& item, const Place& place) {
  ADB_RETURN_IF_ERROR(CheckCondition(script, form, item, place));
  switch (item.kind) {
    case ScriptItemKind::kSay:
      return CheckText(script, form, item.text, /*read_aloud=*/true, place);
    case ScriptItemKind::kNote:
      return CheckText(script, form, item.text, /*read_aloud=*/false, place);
    case ScriptItemKind::kAsk:
      ADB_RETURN_IF_ERROR(CheckText(script, form, item.text, /*read_aloud=*/true, place));
      return CheckText(script, form, item.expect, /*read_aloud=*/false, place.Key("expect"));
    case ScriptItemKind::kQuestion:
      ADB_RETURN_IF_ERROR(CheckText(script, form, item.text, /*read_aloud=*/false, place));
      for (size_t i = 0; i < item.answer.size(); ++i) {
        ADB_RETURN_IF_ERROR(
            CheckItem(script, form, item.answer[i], place.Key("answer " + std::to_string(i + 1))));
      }
      return Status::Ok();
  }
  return Status::Ok();
}

}  // namespace

const std::pair<models::FieldDefinition, std::string>* ScriptTemplate::FindValue(
    std::string_view name) const {
  for (const auto& value : values) {
    if (value.first.name == name) return &value;
  }
  return nullptr;
}

std::string_view ScriptSectionKey(ScriptSectionId id) {
  switch (id) {
    case ScriptSectionId::kGreeting:
      return "greeting";
    case ScriptSectionId::kIdentityChecks:
      return "identity_checks";
    case ScriptSectionId::kMessage:
      return "message";
    case ScriptSectionId::kQuestions:
      return "questions";
    case ScriptSectionId::kClosing:
      return "closing";
  }
  return "";
}

Text ScriptSectionTitle(ScriptSectionId id) {
  switch (id) {
    case ScriptSectionId::kGreeting:
      return {"ごあいさつ", "Greeting"};
    case ScriptSectionId::kIdentityChecks:
      return {"ご本人の確認", "Identity check"};
    case ScriptSectionId::kMessage:
      return {"ご用件", "Message"};
    case ScriptSectionId::kQuestions:
      return {"よくあるご質問", "Questions the resident may ask"};
    case ScriptSectionId::kClosing:
      return {"終わりのごあいさつ", "Closing"};
  }
  return {};
}

Result<ScriptTemplate> ParseScriptTemplate(std::string_view text, std::string_view source_name) {
  const Place place{std::string(source_name), std::string(source_name)};
  if (text.size() > kMaxTemplateBytes) {
    return Status::ResourceExhausted(place.ja + ": テンプレートが大きすぎます（256 KiB まで）",
                                     place.en + ": the template is too large (256 KiB at most)");
  }
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    return place.Fail("JSON として読めません（" + std::to_string(e.byte) + " バイト目）",
                      "not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
  if (!root.is_object()) {
    return place.Fail("JSON オブジェクトではありません", "not a JSON object");
  }
  ADB_RETURN_IF_ERROR(
      RejectUnknownKeys(root,
                        {"id", "kind", "form", "title", "values", "heading", "dial", "greeting",
                         "identity_checks", "message", "questions", "closing"},
                        place));
  ScriptTemplate script;
  script.source_name = std::string(source_name);
  std::string kind;
  ADB_RETURN_IF_ERROR(ReadString(root, "kind", true, place, &kind));
  if (kind != "script") {
    return place.Fail(
        "\"kind\" が \"script\" ではありません（電話台本のテンプレートではありません）",
        "\"kind\" is not \"script\" (not a phone-script template)");
  }
  ADB_RETURN_IF_ERROR(ReadString(root, "id", true, place, &script.id));
  if (!IsTemplateId(script.id)) {
    return place.Fail("\"id\" は英小文字・数字・- です", "\"id\" is [a-z0-9-]+");
  }
  ADB_RETURN_IF_ERROR(ReadString(root, "form", true, place, &script.form_id));
  ADB_RETURN_IF_ERROR(ReadString(root, "title", true, place, &script.title));
  if (const auto values = root.find("values"); values != root.end()) {
    ADB_RETURN_IF_ERROR(ParseValues(*values, place, &script));
  }
  ADB_RETURN_IF_ERROR(ReadString(root, "heading", true, place, &script.heading));
  ADB_RETURN_IF_ERROR(CheckPlaceholderSyntax(script.heading, place.Key("heading")));
  ADB_RETURN_IF_ERROR(ReadString(root, "dial", false, place, &script.dial));
  ADB_RETURN_IF_ERROR(CheckPlaceholderSyntax(script.dial, place.Key("dial")));
  for (ScriptSectionId id : kSectionOrder) {
    const std::string key(ScriptSectionKey(id));
    const auto section = root.find(key);
    const bool may_be_empty = id == ScriptSectionId::kQuestions;
    if (section == root.end() || !section->is_array() || (section->empty() && !may_be_empty)) {
      return place.Fail("\"" + key + "\" には行を一つ以上並べます（配列）",
                        "\"" + key + "\" must be an array of one or more items");
    }
    ScriptSection parsed{id, {}};
    for (size_t i = 0; i < section->size(); ++i) {
      ScriptItem item;
      ADB_RETURN_IF_ERROR(ParseItem((*section)[i], id, place.Item(id, i), &item));
      parsed.items.push_back(std::move(item));
    }
    script.sections.push_back(std::move(parsed));
  }
  return script;
}

Result<ScriptTemplate> LoadScriptTemplate(const std::filesystem::path& file) {
  const std::string path = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Status::NotFound("テンプレート " + path + " を読めません",
                            "cannot read template " + path);
  }
  // One byte past the limit is enough for ParseScriptTemplate to refuse a file that is too large.
  std::string text(kMaxTemplateBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    return Status::NotFound("テンプレート " + path + " を読めません",
                            "cannot read template " + path);
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  return ParseScriptTemplate(text, file.filename().string());
}

Status CheckScriptTemplate(const ScriptTemplate& script, const models::FormDefinition& form) {
  const Place place{script.source_name, script.source_name};
  if (script.form_id != form.id) {
    return place.Fail(
        "様式 " + script.form_id + " 用のテンプレートで、様式 " + form.id + " には使えません",
        "the template is for form " + script.form_id + ", not " + form.id);
  }
  for (const auto& [field, value] : script.values) {
    if (form.FindField(field.name) != nullptr) {
      return place.Key("values." + field.name)
          .Fail("様式に同じ名前の項目があります", "the form has a field of the same name");
    }
  }
  ADB_RETURN_IF_ERROR(CheckText(script, form, script.heading, false, place.Key("heading")));
  ADB_RETURN_IF_ERROR(CheckText(script, form, script.dial, false, place.Key("dial")));
  for (const ScriptSection& section : script.sections) {
    for (size_t i = 0; i < section.items.size(); ++i) {
      ADB_RETURN_IF_ERROR(CheckItem(script, form, section.items[i], place.Item(section.id, i)));
    }
  }
  return Status::Ok();
}

}  // namespace adbridge::output
