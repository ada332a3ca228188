// Phone scripts: a script template filled with one verified record, and the scripts of a run
// written as plain text.
//
//   ADB_ASSIGN_OR_RETURN(ScriptTemplate t, LoadScriptTemplate("kyufukin-call", forms));
//   Result<PhoneScript> script = BuildPhoneScript(t, record);
//   std::string text = PhoneScriptsText({*script});
//
// A script keeps the template's sections with every placeholder replaced and every line whose
// when/unless condition fails left out.
//
// Thread-safety: pure functions over values.
#ifndef ADBRIDGE_OUTPUT_PHONE_SCRIPT_H_
#define ADBRIDGE_OUTPUT_PHONE_SCRIPT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "models/status.h"
#include "output/script_template.h"
#include "output/template.h"

namespace adbridge::output {

// A piece of a filled script; its texts are final.
struct ScriptItem {
  ScriptItemKind kind = ScriptItemKind::kSay;
  std::string text;                // kSay, kNote: the line; kAsk, kQuestion: what is asked
  std::string expect;              // kAsk: the expected answer (shown to the caller only)
  std::vector<ScriptItem> answer;  // kQuestion: kSay and kNote lines
};

struct ScriptSection {
  ScriptSectionId id = ScriptSectionId::kGreeting;
  std::vector<ScriptItem> items;  // empty when every line's condition failed
};

// One filled script.
struct PhoneScript {
  std::int64_t document_id = 0;
  std::string title;    // the template's title
  std::string heading;  // who is called (the resident's name), for the caller
  std::string dial;     // the number to call, as printed; empty when the template has none
  std::vector<ScriptSection> sections;
};

// What a field the record has no value for (left empty, or marked unreadable) shows, so that
// one missing answer does not keep a resident from being called.
inline constexpr std::string_view kNoValueText = "（記入なし）";

// Fills the template with `record`. Returns InvalidArgument naming the document and the field
// (never the value) when a stored value cannot be written by its filter.
Result<PhoneScript> BuildPhoneScript(const ScriptTemplate& script_template,
                                     const RecordValues& record);

// The scripts as UTF-8 text, one after another, each beginning with a form feed after the
// first, with the same content a printed script has: heading, number to dial, each section
// with its lines. Lines to read aloud are marked 「読」, instructions 「指示・読まない」, expected
// answers 「答え・読まない」, the resident's questions 「Ｑ」.
std::string PhoneScriptsText(const std::vector<PhoneScript>& scripts);

// Labels shared by the text and the printed script.
inline constexpr std::string_view kSayMark = "【読】";
inline constexpr std::string_view kNoteMark = "【指示・読まない】";
inline constexpr std::string_view kExpectMark = "【答え・読まない】";
inline constexpr std::string_view kQuestionMark = "【Ｑ】";
// "記録 17": how a script names its record.
std::string RecordLabel(std::int64_t document_id);
// "1. ごあいさつ": the heading of a section, numbered from 1 among the sections a script shows
// (an empty one is left out).
std::string SectionHeading(int number, ScriptSectionId id);
// The legend printed under every heading.
inline constexpr std::string_view kLegend =
    "【読】の行だけを読み上げます。【指示・読まない】【答え・読まない】【Ｑ】は読み上げません。";

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_PHONE_SCRIPT_H_
