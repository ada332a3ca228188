#include "output/script_template.h"

#include <array>
#include <utility>

#include "models/json_reader.h"

namespace adbridge::output {
namespace {

using Json = nlohmann::json;
using models::FieldType;
using models::JsonObjectReader;
using models::JsonPlace;
using models::Presence;

constexpr std::array<ScriptSectionId, 5> kSectionOrder = {
    ScriptSectionId::kGreeting, ScriptSectionId::kIdentityChecks, ScriptSectionId::kMessage,
    ScriptSectionId::kQuestions, ScriptSectionId::kClosing};

// The filter a field placed without one gets: dates and phone numbers as said or as printed,
// choices by label, checkboxes as はい/いいえ; nullptr (the value as stored) for the rest.
const ValueFilter* DefaultFilter(FieldType type, bool read_aloud) {
  switch (type) {
    case FieldType::kDate:
      return FindValueFilter(read_aloud ? "era_spoken" : "era");
    case FieldType::kPhone:
      return FindValueFilter(read_aloud ? "phone_spoken" : "phone");
    case FieldType::kChoice:
      return FindValueFilter("choice");
    case FieldType::kCheckbox:
      return FindValueFilter("check");
    default:
      return nullptr;
  }
}

class ScriptParser {
 public:
  explicit ScriptParser(const Template& common) : common_(common) {}

  // A text at `key`: its placeholders checked (ParseTemplateText), fields without a filter
  // given their type's, and, when read aloud, no sensitive field unmasked.
  Result<TemplateText> Text(std::string_view key, std::string_view text, bool read_aloud) const {
    ADB_ASSIGN_OR_RETURN(TemplateText parsed, ParseTemplateText(common_, key, text));
    for (TemplateText::Piece& piece : parsed.pieces) {
      if (!piece.placeholder || piece.placeholder->source != PlaceholderSource::kField) continue;
      Placeholder& placeholder = *piece.placeholder;
      const models::FieldDefinition& field = *common_.form.FindField(placeholder.name);
      if (placeholder.filter == nullptr) placeholder.filter = DefaultFilter(field.type, read_aloud);
      if (read_aloud && field.sensitive &&
          (placeholder.filter == nullptr || !placeholder.filter->masks)) {
        return SensitiveReadAloud(key, placeholder, field);
      }
    }
    return parsed;
  }

  // A section's items.
  Status Section(ScriptSectionId id, const Json& items, ScriptTemplateSection* out) const {
    const std::string key(ScriptSectionKey(id));
    if (!items.is_array() || (items.empty() && id != ScriptSectionId::kQuestions)) {
      return Fail(key, "項目を 1 つ以上並べた配列で書いてください",
                  "must be an array of one or more items");
    }
    out->id = id;
    for (size_t i = 0; i < items.size(); ++i) {
      ScriptTemplateItem item;
      ADB_RETURN_IF_ERROR(Item(id, key + "[" + std::to_string(i + 1) + "]", items[i], &item));
      out->items.push_back(std::move(item));
    }
    return Status::Ok();
  }

 private:
  Status Fail(std::string_view key, std::string_view ja, std::string_view en) const {
    const std::string where = common_.source_name + ": " + std::string(key) + ": ";
    return Status::InvalidArgument(where + std::string(ja), where + std::string(en));
  }

  Status SensitiveReadAloud(std::string_view key, const Placeholder& placeholder,
                            const models::FieldDefinition& field) const {
    return Fail(key,
                "読み上げる行に機微な項目「" + field.label + "」(" + field.name +
                    ") をそのまま入れています。masked4 で伏せるか、指示 (note) か答え (expect) "
                    "に移してください: " +
                    placeholder.written,
                "a line read aloud places the sensitive field \"" + field.label + "\" (" +
                    field.name +
                    ") in full; mask it with masked4, or move it to a note or an expected "
                    "answer: " +
                    placeholder.written);
  }

  JsonObjectReader Reader(const Json& object, const std::string& key) const {
    const std::string where = common_.source_name + ": " + key;
    return JsonObjectReader(object, JsonPlace{where, where});
  }

  Status Condition(const JsonObjectReader& reader, std::string_view name, std::string* out) const {
    ADB_RETURN_IF_ERROR(reader.String(name, Presence::kOptional, out));
    if (out->empty() || common_.form.FindField(*out) != nullptr || common_.values.count(*out) > 0) {
      return Status::Ok();
    }
    return reader.Fail(std::string(name) + ": 様式 " + common_.form.id +
                           " の項目にも values にも " + *out + " はありません",
                       std::string(name) + ": " + *out + " is neither a field of form " +
                           common_.form.id + " nor a values key");
  }

  // A line: a string, {"say"} or {"note"}.
  Status Line(const std::string& key, const Json& line, ScriptTemplateItem* out) const {
    if (line.is_string()) {
      out->kind = ScriptItemKind::kSay;
      ADB_ASSIGN_OR_RETURN(out->text, Text(key, line.get<std::string>(), true));
      return Status::Ok();
    }
    if (!line.is_object()) {
      return Fail(key, "行は文字列か {\"say\": …} / {\"note\": …} です",
                  "a line is a string or a {\"say\": …} / {\"note\": …} object");
    }
    const JsonObjectReader reader = Reader(line, key);
    ADB_RETURN_IF_ERROR(reader.RejectUnknownKeys({"say", "note", "when", "unless"}));
    const bool say = reader.Has("say");
    if (say == reader.Has("note")) {
      return reader.Fail("say (読み上げる) か note (指示) のどちらか一つを書いてください",
                         "give exactly one of say (read aloud) and note (an instruction)");
    }
    out->kind = say ? ScriptItemKind::kSay : ScriptItemKind::kNote;
    std::string text;
    ADB_RETURN_IF_ERROR(reader.String(say ? "say" : "note", Presence::kRequired, &text));
    ADB_ASSIGN_OR_RETURN(out->text, Text(key, text, say));
    ADB_RETURN_IF_ERROR(Condition(reader, "when", &out->when));
    return Condition(reader, "unless", &out->unless);
  }

  Status Ask(const std::string& key, const JsonObjectReader& reader,
             ScriptTemplateItem* out) const {
    ADB_RETURN_IF_ERROR(reader.RejectUnknownKeys({"ask", "expect", "when", "unless"}));
    out->kind = ScriptItemKind::kAsk;
    std::string ask, expect;
    ADB_RETURN_IF_ERROR(reader.String("ask", Presence::kRequired, &ask));
    ADB_RETURN_IF_ERROR(reader.String("expect", Presence::kRequired, &expect));
    ADB_ASSIGN_OR_RETURN(out->text, Text(key, ask, /*read_aloud=*/true));
    ADB_ASSIGN_OR_RETURN(out->expect, Text(key + ".expect", expect, /*read_aloud=*/false));
    ADB_RETURN_IF_ERROR(Condition(reader, "when", &out->when));
    return Condition(reader, "unless", &out->unless);
  }

  Status Question(const std::string& key, const JsonObjectReader& reader,
                  ScriptTemplateItem* out) const {
    ADB_RETURN_IF_ERROR(reader.RejectUnknownKeys({"question", "answer", "when", "unless"}));
    out->kind = ScriptItemKind::kQuestion;
    std::string question;
    ADB_RETURN_IF_ERROR(reader.String("question", Presence::kRequired, &question));
    ADB_ASSIGN_OR_RETURN(out->text, Text(key, question, /*read_aloud=*/false));
    const Json* answer = nullptr;
    ADB_RETURN_IF_ERROR(reader.Array("answer", Presence::kRequired, &answer));
    if (answer->empty()) {
      return reader.Fail("answer に答えの行を 1 つ以上書いてください",
                         "answer needs one or more lines");
    }
    for (size_t i = 0; i < answer->size(); ++i) {
      ScriptTemplateItem line;
      ADB_RETURN_IF_ERROR(
          Line(key + ".answer[" + std::to_string(i + 1) + "]", (*answer)[i], &line));
      out->answer.push_back(std::move(line));
    }
    ADB_RETURN_IF_ERROR(Condition(reader, "when", &out->when));
    return Condition(reader, "unless", &out->unless);
  }

  Status Item(ScriptSectionId section, const std::string& key, const Json& item,
              ScriptTemplateItem* out) const {
    if (section == ScriptSectionId::kIdentityChecks && item.is_object() && item.contains("ask")) {
      return Ask(key, Reader(item, key), out);
    }
    if (section == ScriptSectionId::kQuestions && item.is_object() && item.contains("question")) {
      return Question(key, Reader(item, key), out);
    }
    ADB_RETURN_IF_ERROR(Line(key, item, out));
    if (section == ScriptSectionId::kIdentityChecks && out->kind == ScriptItemKind::kSay) {
      return Fail(key, "identity_checks には {\"ask\", \"expect\"} か {\"note\"} を並べます",
                  "identity_checks holds {\"ask\", \"expect\"} items and notes");
    }
    if (section == ScriptSectionId::kQuestions && out->kind == ScriptItemKind::kSay) {
      return Fail(key, "questions には {\"question\", \"answer\"} か {\"note\"} を並べます",
                  "questions holds {\"question\", \"answer\"} items and notes");
    }
    return Status::Ok();
  }

  const Template& common_;
};

}  // namespace

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

Result<ScriptTemplate> ParseScriptTemplate(Template common) {
  ScriptTemplate script;
  script.common = std::move(common);
  const Template& t = script.common;
  const JsonPlace top{t.source_name, t.source_name};
  const JsonObjectReader reader(t.specific, top);
  ADB_RETURN_IF_ERROR(reader.RejectUnknownKeys(
      {"heading", "dial", "greeting", "identity_checks", "message", "questions", "closing"}));
  const ScriptParser parser(t);
  std::string text;
  ADB_RETURN_IF_ERROR(reader.String("heading", Presence::kRequired, &text));
  ADB_ASSIGN_OR_RETURN(script.heading, parser.Text("heading", text, /*read_aloud=*/false));
  text.clear();
  ADB_RETURN_IF_ERROR(reader.String("dial", Presence::kOptional, &text));
  ADB_ASSIGN_OR_RETURN(script.dial, parser.Text("dial", text, /*read_aloud=*/false));
  for (ScriptSectionId id : kSectionOrder) {
    const Json* items = nullptr;
    ADB_RETURN_IF_ERROR(reader.Array(ScriptSectionKey(id), Presence::kRequired, &items));
    ScriptTemplateSection section;
    ADB_RETURN_IF_ERROR(parser.Section(id, *items, &section));
    script.sections.push_back(std::move(section));
  }
  return script;
}

Result<ScriptTemplate> LoadScriptTemplate(std::string_view spec, const FormLookup& forms) {
  ADB_ASSIGN_OR_RETURN(const TemplateSource source, ReadTemplateSource(spec));
  ADB_ASSIGN_OR_RETURN(Template common,
                       ParseTemplate(source.json, source.name, TemplateKind::kScript, forms));
  return ParseScriptTemplate(std::move(common));
}

}  // namespace adbridge::output
