// A phone-script template: what a caller says to a resident about one verified record of a
// form, section by section. It is a template of kind "script" (output/template.h: id, form,
// title, values and {{placeholder|filter}} texts, checked against the form when loaded), with
// these keys of its own:
//
//   "heading":  "{{applicant_name}}（{{applicant_kana}}）",   who is called, for the caller
//   "dial":     "{{phone}}",                                  the number to call (optional)
//   "greeting": [ "こちらは塩尻市役所 福祉課でございます。", { "note": "…" } ],
//   "identity_checks": [ { "ask": "生年月日をお聞かせいただけますか。",
//                          "expect": "{{birth_date}}" }, { "note": "…" } ],
//   "message":  [ "支給額は{{amount|yen_spoken}}でございます。",
//                 { "say": "車いすのまま乗れる車両を手配いたします。", "when": "wheelchair" } ],
//   "questions": [ { "question": "いつ振り込まれますか。", "answer": [ "…" ] } ],
//   "closing":  [ "失礼いたします。" ]
//
// A line is a string or {"say": …} (read aloud to the resident) or {"note": …} (an
// instruction to the caller, never read aloud). "when" / "unless" name a field or value: the
// line is kept only when it is filled in and not "false" (when), or only when it is not
// (unless). `identity_checks` holds {"ask", "expect"} items (the question is read aloud; the
// expected answer is shown to the caller only) and notes; `questions` holds
// {"question", "answer"} items (what the resident may ask, and the lines to answer with) and
// notes. Every section but `questions` has at least one item.
//
// A field placed without a filter is written for its type: a date with era_spoken in a line
// read aloud and with era elsewhere, a phone number likewise with phone_spoken or phone, a
// choice by its label and a checkbox as はい/いいえ. Template values have no type: give them a
// filter.
//
// The rule that a script never reads personal data out in full to whoever answers the phone
// is enforced here: a line read aloud (say, ask, an answer) that places a field the form marks
// `sensitive` without a filter that masks it (masked4) is refused when the template is loaded.
//
//   ADB_ASSIGN_OR_RETURN(ScriptTemplate t, LoadScriptTemplate("kyufukin-call", forms));
//
// Thread-safety: parsed templates are plain values; concurrent reads are safe.
#ifndef ADBRIDGE_OUTPUT_SCRIPT_TEMPLATE_H_
#define ADBRIDGE_OUTPUT_SCRIPT_TEMPLATE_H_

#include <string>
#include <string_view>
#include <vector>

#include "models/status.h"
#include "output/template.h"

namespace adbridge::output {

// Who a piece of a script is for.
enum class ScriptItemKind {
  kSay,       // read aloud to the resident
  kNote,      // an instruction to the caller, never read aloud
  kAsk,       // an identity question read aloud, with the answer the caller expects
  kQuestion,  // a question the resident may ask, with the lines to answer it
};

// The sections of a script, in the order they are said.
enum class ScriptSectionId { kGreeting, kIdentityChecks, kMessage, kQuestions, kClosing };

// The key a section has in the template ("identity_checks").
std::string_view ScriptSectionKey(ScriptSectionId id);
// How the section is headed on a script: {"ご本人の確認", "Identity check"}.
Text ScriptSectionTitle(ScriptSectionId id);

struct ScriptTemplateItem {
  ScriptItemKind kind = ScriptItemKind::kSay;
  TemplateText text;                       // kSay, kNote: the line; kAsk, kQuestion: what is asked
  TemplateText expect;                     // kAsk: the expected answer
  std::vector<ScriptTemplateItem> answer;  // kQuestion: kSay and kNote lines
  std::string when;    // keep only when this field or value is filled in (and not "false")
  std::string unless;  // keep only when it is not
};

struct ScriptTemplateSection {
  ScriptSectionId id = ScriptSectionId::kGreeting;
  std::vector<ScriptTemplateItem> items;
};

struct ScriptTemplate {
  Template common;
  TemplateText heading;
  TemplateText dial;                            // no pieces when the template has none
  std::vector<ScriptTemplateSection> sections;  // all five, in ScriptSectionId order
};

// Reads the script keys of a template of kind script. Returns InvalidArgument naming the
// template, the key (greeting[2], questions[1].answer[1]) and, for a placeholder, the
// placeholder: an unknown, missing or mistyped key; an empty section other than questions; an
// item of a kind its section does not take; a line with both or neither of say and note;
// when/unless naming neither a field nor a value; a bad placeholder (as ParseTemplate); and a
// sensitive field placed in a line read aloud without a masking filter.
Result<ScriptTemplate> ParseScriptTemplate(Template common);

// ReadTemplateSource(spec) + ParseTemplate (kind script) + ParseScriptTemplate. `spec` is a
// bundled template's id or a path to a .json file.
Result<ScriptTemplate> LoadScriptTemplate(std::string_view spec, const FormLookup& forms);

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_SCRIPT_TEMPLATE_H_
