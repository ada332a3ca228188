#include "output/phone_script.h"

#include "output/internal/placeholders.h"
#include "output/resident_values.h"

namespace adbridge::output {
namespace {

using models::FieldType;

// The filter a placeholder without one gets: dates and phone numbers as said or as printed,
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

class ScriptFiller {
 public:
  ScriptFiller(const ScriptTemplate& script_template, const models::FormDefinition& form,
               const ScriptRecord& record)
      : template_(script_template), form_(form), record_(record) {}

  // The value and definition a name stands for; the value is nullptr when the record has none.
  std::pair<const models::FieldDefinition*, const std::string*> Lookup(
      std::string_view name) const {
    if (const models::FieldDefinition* field = form_.FindField(name)) {
      const auto it = record_.values.find(field->name);
      return {field, it == record_.values.end() ? nullptr : &it->second};
    }
    if (const auto* value = template_.FindValue(name)) return {&value->first, &value->second};
    return {nullptr, nullptr};
  }

  // True when the item's when/unless let it into the script.
  bool Keeps(const ScriptItem& item) const {
    return (item.when.empty() || IsSet(item.when)) && (item.unless.empty() || !IsSet(item.unless));
  }

  Result<std::string> Fill(std::string_view text, bool read_aloud, std::string_view place) const {
    ADB_ASSIGN_OR_RETURN(const std::vector<internal::TextPiece> pieces,
                         internal::SplitPlaceholders(text));
    std::string out;
    for (const internal::TextPiece& piece : pieces) {
      if (!piece.placeholder) {
        out += piece.text;
        continue;
      }
      const auto [field, value] = Lookup(piece.name);
      if (field == nullptr) return Unchecked(piece.text);
      if (value == nullptr || value->empty()) {
        out += kNoValueText;
        continue;
      }
      const ValueFilter* filter = piece.filter.empty() ? DefaultFilter(field->type, read_aloud)
                                                       : FindValueFilter(piece.filter);
      if (!piece.filter.empty() && filter == nullptr) return Unchecked(piece.text);
      if (filter == nullptr) {
        out += *value;
        continue;
      }
      Result<std::string> written = filter->apply(*value, field);
      if (!written.ok()) {
        const std::string where =
            template_.source_name + ": " + std::string(place) + ": " + piece.text + ": ";
        const Status& status = written.status();
        return Status(status.code(),
                      {RecordLabel(record_.document_id) + ": " + where + status.message(Lang::kJa),
                       "record " + std::to_string(record_.document_id) + ": " + where +
                           status.message(Lang::kEn)});
      }
      out += *written;
    }
    return out;
  }

  Result<ScriptItem> FillItem(const ScriptItem& item, std::string_view place) const {
    ScriptItem filled;
    filled.kind = item.kind;
    const bool read_aloud = item.kind == ScriptItemKind::kSay || item.kind == ScriptItemKind::kAsk;
    ADB_ASSIGN_OR_RETURN(filled.text, Fill(item.text, read_aloud, place));
    if (item.kind == ScriptItemKind::kAsk) {
      ADB_ASSIGN_OR_RETURN(filled.expect, Fill(item.expect, false, place));
    }
    for (size_t i = 0; i < item.answer.size(); ++i) {
      if (!Keeps(item.answer[i])) continue;
      ADB_ASSIGN_OR_RETURN(
          ScriptItem line,
          FillItem(item.answer[i], std::string(place) + " answer " + std::to_string(i + 1)));
      filled.answer.push_back(std::move(line));
    }
    return filled;
  }

 private:
  bool IsSet(std::string_view name) const {
    const std::string* value = Lookup(name).second;
    return value != nullptr && !value->empty() && *value != "false";
  }

  Status Unchecked(std::string_view written) const {
    return Status::FailedPrecondition(
        template_.source_name + ": " + std::string(written) + " は様式に照らして検査されていません",
        template_.source_name + ": " + std::string(written) + " was not checked against the form");
  }

  const ScriptTemplate& template_;
  const models::FormDefinition& form_;
  const ScriptRecord& record_;
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
                                     const models::FormDefinition& form,
                                     const ScriptRecord& record) {
  const ScriptFiller filler(script_template, form, record);
  PhoneScript script;
  script.document_id = record.document_id;
  script.title = script_template.title;
  ADB_ASSIGN_OR_RETURN(script.heading, filler.Fill(script_template.heading, false, "heading"));
  ADB_ASSIGN_OR_RETURN(script.dial, filler.Fill(script_template.dial, false, "dial"));
  for (const ScriptSection& section : script_template.sections) {
    ScriptSection filled{section.id, {}};
    for (size_t i = 0; i < section.items.size(); ++i) {
      if (!filler.Keeps(section.items[i])) continue;
      const std::string place =
          std::string(ScriptSectionKey(section.id)) + " " + std::to_string(i + 1);
      ADB_ASSIGN_OR_RETURN(ScriptItem item, filler.FillItem(section.items[i], place));
      filled.items.push_back(std::move(item));
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
