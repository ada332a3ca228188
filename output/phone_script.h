// Phone scripts: a script template filled with one verified record, and the scripts of a run
// written as plain text.
//
//   ADB_RETURN_IF_ERROR(CheckScriptTemplate(script_template, form));
//   Result<PhoneScript> script = BuildPhoneScript(script_template, form, {17, values});
//   std::string text = PhoneScriptsText({*script});
//
// A script keeps the template's sections with every placeholder replaced and every line whose
// when/unless condition fails left out. Lines read aloud have their values written for reading
// (era_spoken, phone_spoken by default); what the caller alone reads (heading, number to dial,
// notes, expected answers, the resident's questions) has them written as printed.
//
// Thread-safety: pure functions over values.
#ifndef ADBRIDGE_OUTPUT_PHONE_SCRIPT_H_
#define ADBRIDGE_OUTPUT_PHONE_SCRIPT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/form_definition.h"
#include "models/status.h"
#include "output/script_template.h"

namespace adbridge::output {

// A verified record: its document id and its fields' values by name. A field without a value
// (marked unreadable) is absent; an empty optional field is "".
struct ScriptRecord {
  std::int64_t document_id = 0;
  std::map<std::string, std::string> values;
};

// One filled script. Items are ScriptItems whose texts are final and whose when/unless are
// empty.
struct PhoneScript {
  std::int64_t document_id = 0;
  std::string title;    // the template's title
  std::string heading;  // who is called (the resident's name), for the caller
  std::string dial;     // the number to call, as printed; empty when the template has none
  std::vector<ScriptSection> sections;
};

// What a placeholder whose value is missing or empty shows, instead of calling its filter.
inline constexpr std::string_view kNoValueText = "（記入なし）";

// Fills `script_template` (already checked against `form` with CheckScriptTemplate) with
// `record`. Returns InvalidArgument naming the document, the template's place and the field
// (never the value) when a stored value cannot be written by its filter.
Result<PhoneScript> BuildPhoneScript(const ScriptTemplate& script_template,
                                     const models::FormDefinition& form,
                                     const ScriptRecord& record);

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
