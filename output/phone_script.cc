#include "output/phone_script.h"

namespace adbridge::output {
namespace {

class ScriptFiller {
 public:
  ScriptFiller(const ScriptTemplate& script_template, const RecordValues& record)
      : template_(script_template.common), record_(record) {}

  // True when the item's when/unless let it into the script.
  bool Keeps(const ScriptTemplateItem& item) const {
    return (item.when.empty() || IsSet(item.when)) && (item.unless.empty() || !IsSet(item.unless));
  }

  // The text with its placeholders filled; a field without a value shows kNoValueText.
  Result<std::string> Fill(const TemplateText& text) const {
    std::string out;
    for (const TemplateText::Piece& piece : text.pieces) {
      if (!piece.placeholder) {
        out += piece.literal;
        continue;
      }
      if (piece.placeholder->source == PlaceholderSource::kField &&
          Value(piece.placeholder->name) == nullptr) {
        out += kNoValueText;
        continue;
      }
      ADB_ASSIGN_OR_RETURN(const std::string filled,
                           ExpandText(template_, TemplateText{{piece}}, record_));
      out += filled;
    }
    return out;
  }

  Result<ScriptItem> FillItem(const ScriptTemplateItem& item) const {
    ScriptItem filled;
    filled.kind = item.kind;
    ADB_ASSIGN_OR_RETURN(filled.text, Fill(item.text));
    ADB_ASSIGN_OR_RETURN(filled.expect, Fill(item.expect));
    for (const ScriptTemplateItem& line : item.answer) {
      if (!Keeps(line)) continue;
      ADB_ASSIGN_OR_RETURN(ScriptItem answer, FillItem(line));
      filled.answer.push_back(std::move(answer));
    }
    return filled;
  }

 private:
  // The record's non-empty value of a field, or nullptr.
  const std::string* Value(const std::string& field) const {
    const auto it = record_.fields.find(field);
    if (it == record_.fields.end() || !it->second || it->second->empty()) return nullptr;
    return &*it->second;
  }

  bool IsSet(const std::string& name) const {
    const auto constant = template_.values.find(name);
    const std::string* value = constant != template_.values.end() ? &constant->second : Value(name);
    return value != nullptr && !value->empty() && *value != "false";
  }

  const Template& template_;
  const RecordValues& record_;
};

void AppendItem(std::string& out, const ScriptItem& item, std::string_view indent) {
  switch (item.kind) {
    case ScriptItemKind::kSay:
      out += std::string(indent) + std::string(kSayMark) + item.text + "\n";
      break;
    case ScriptItemKind::kNote:
      out += std::string(indent) + std::string(kNoteMark) + item.text + "\n";
      break;
    case ScriptItemKind::kAsk:
      out += std::string(indent) + std::string(kSayMark) + item.text + "\n";
      out += std::string(indent) + "　　" + std::string(kExpectMark) + item.expect + "\n";
      break;
    case ScriptItemKind::kQuestion:
      out += std::string(indent) + std::string(kQuestionMark) + item.text + "\n";
      for (const ScriptItem& line : item.answer) AppendItem(out, line, "　　");
      break;
  }
}

}  // namespace

std::string RecordLabel(std::int64_t document_id) { return "記録 " + std::to_string(document_id); }

std::string SectionHeading(int number, ScriptSectionId id) {
  return std::to_string(number) + ". " + ScriptSectionTitle(id).ja;
}

Result<PhoneScript> BuildPhoneScript(const ScriptTemplate& script_template,
                                     const RecordValues& record) {
  const ScriptFiller filler(script_template, record);
  PhoneScript script;
  script.document_id = record.document_id;
  ADB_ASSIGN_OR_RETURN(script.title, filler.Fill(script_template.common.title));
  ADB_ASSIGN_OR_RETURN(script.heading, filler.Fill(script_template.heading));
  ADB_ASSIGN_OR_RETURN(script.dial, filler.Fill(script_template.dial));
  for (const ScriptTemplateSection& section : script_template.sections) {
    ScriptSection filled{section.id, {}};
    for (const ScriptTemplateItem& item : section.items) {
      if (!filler.Keeps(item)) continue;
      ADB_ASSIGN_OR_RETURN(ScriptItem line, filler.FillItem(item));
      filled.items.push_back(std::move(line));
    }
    script.sections.push_back(std::move(filled));
  }
  return script;
}

std::string PhoneScriptsText(const std::vector<PhoneScript>& scripts) {
  std::string out;
  for (const PhoneScript& script : scripts) {
    if (!out.empty()) out += "\f";
    out += "電話台本　" + script.title + "\n";
    out += RecordLabel(script.document_id) + "　お相手: " + script.heading + "\n";
    if (!script.dial.empty()) out += "発信先: " + script.dial + "\n";
    out += std::string(kLegend) + "\n";
    int number = 0;
    for (const ScriptSection& section : script.sections) {
      if (section.items.empty()) continue;
      out += "\n" + SectionHeading(++number, section.id) + "\n";
      for (const ScriptItem& item : section.items) AppendItem(out, item, "");
    }
  }
  return out;
}

}  // namespace adbridge::output
