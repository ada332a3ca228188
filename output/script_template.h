// A phone-script template: what a caller says to a resident about one verified record of a
// form, section by section, with the record's values put in by placeholders.
//
//   Result<ScriptTemplate> t = ParseScriptTemplate(json_text, "kyufukin-call.json");
//   ADB_RETURN_IF_ERROR(CheckScriptTemplate(*t, form));  // before any script is made
//
// The format (README.md, "Phone scripts"):
//
//   { "id": "kyufukin-call", "kind": "script", "form": "kyufukin-application",
//     "title": "給付金の申請受付確認",
//     "values":   { "amount": { "type": "integer", "value": "30000" } },
//     "heading":  "{{applicant_name}}（{{applicant_kana}}）",
//     "dial":     "{{phone}}",
//     "greeting": [ "こちらは塩尻市役所 福祉課でございます。", { "note": "…" } ],
//     "identity_checks": [ { "ask": "生年月日をお聞かせいただけますか。",
//                            "expect": "{{birth_date|era_spoken}}" } ],
//     "message":  [ "支給額は{{amount|yen_spoken}}でございます。",
//                   { "say": "車いすのまま乗れる車両を手配いたします。", "when": "wheelchair" } ],
//     "questions": [ { "question": "いつ振り込まれますか。", "answer": [ "…" ] } ],
//     "closing":  [ "失礼いたします。" ] }
//
// A line is a string or {"say": …} (read aloud to the resident) or {"note": …} (an
// instruction to the caller, never read aloud); "when" / "unless" name a field or value: the
// line is kept only when it is set and not "false" (when), or only when it is not (unless).
// `identity_checks` holds {"ask", "expect"} items (the question is read aloud; the expected
// answer is shown to the caller only) and notes; `questions` holds {"question", "answer"}
// items (what the resident may ask, and the lines to answer with) and notes.
// `heading` and `dial` are shown to the caller only (the resident's name, the number to call).
//
// A placeholder is {{name}} or {{name|filter}}: `name` is a field of the form or one of the
// template's own `values` (typed like fields, normalised by the field rules when loaded);
// `filter` is one of output/resident_values.h's. Without a filter a value is written for its
// type: in lines read aloud a date with era_spoken and a phone number with phone_spoken, in
// what the caller reads a date with era and a phone number with phone; a choice shows its
// label and a checkbox はい/いいえ; anything else as stored.
//
// Thread-safety: plain values.
#ifndef ADBRIDGE_OUTPUT_SCRIPT_TEMPLATE_H_
#define ADBRIDGE_OUTPUT_SCRIPT_TEMPLATE_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "models/form_definition.h"
#include "models/status.h"

namespace adbridge::output {

// Who a piece of a script is for.
enum class ScriptItemKind {
  kSay,       // read aloud to the resident
  kNote,      // an instruction to the caller, never read aloud
  kAsk,       // an identity question read aloud, with the answer the caller expects
  kQuestion,  // a question the resident may ask, with the lines to answer it
};

struct ScriptItem {
  ScriptItemKind kind = ScriptItemKind::kSay;
  std::string text;                // kSay, kNote: the line; kAsk, kQuestion: what is asked
  std::string expect;              // kAsk: the expected answer (shown to the caller only)
  std::vector<ScriptItem> answer;  // kQuestion: kSay and kNote lines
  std::string when;                // keep only when this field or value is set (not "false")
  std::string unless;              // keep only when it is not
};

// The sections of a script, in the order they are said.
enum class ScriptSectionId { kGreeting, kIdentityChecks, kMessage, kQuestions, kClosing };

struct ScriptSection {
  ScriptSectionId id = ScriptSectionId::kGreeting;
  std::vector<ScriptItem> items;
};

struct ScriptTemplate {
  std::string source_name;  // the file (or bundled name) it was read from, for messages
  std::string id;
  std::string form_id;
  std::string title;
  // The template's own values (an amount, a payment date, the office's number), each a field
  // definition (name, type) with its normalised value.
  std::vector<std::pair<models::FieldDefinition, std::string>> values;
  std::string heading;
  std::string dial;
  std::vector<ScriptSection> sections;  // all five, in ScriptSectionId order

  // The template value of that name (its definition and normalised value), or nullptr.
  const std::pair<models::FieldDefinition, std::string>* FindValue(std::string_view name) const;
};

// The key a section has in the template ("identity_checks"), for messages and parsing.
std::string_view ScriptSectionKey(ScriptSectionId id);
// How the section is headed on a script: {"ご本人の確認", "Identity check"}.
Text ScriptSectionTitle(ScriptSectionId id);

// Parses a script template. `source_name` names it in error messages. Returns InvalidArgument
// naming the source, the section and item, and the reason: not JSON, not an object, a missing
// or mistyped key, a key the format does not have, a kind other than "script", an item of a
// kind its section does not take, a placeholder that is not closed or names no filter after
// "|", a value whose type is unknown or that fails its type's rules.
// Returns ResourceExhausted for text over 256 KiB.
Result<ScriptTemplate> ParseScriptTemplate(std::string_view json, std::string_view source_name);

// Reads and parses a template file; errors name it by its file name. Returns NotFound (with the
// path) when it cannot be read, ResourceExhausted when it is over 256 KiB, else as
// ParseScriptTemplate.
Result<ScriptTemplate> LoadScriptTemplate(const std::filesystem::path& file);

// Checks the template against the definition of the form it is for, before any script is made.
// Returns InvalidArgument naming the template, the section (and item) and the placeholder when:
// the template is for another form; a placeholder or when/unless names neither a field of the
// form nor a template value; a filter does not exist or does not write that field's type; or a
// line read aloud (say, ask, an answer) places a field the form marks `sensitive` without a
// filter that masks it (masked4) — a script never reads personal data out in full to whoever
// answers the phone.
Status CheckScriptTemplate(const ScriptTemplate& script, const models::FormDefinition& form);

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_SCRIPT_TEMPLATE_H_
