// Templates for what adbridge sends back to residents: letters and phone scripts. A template is
// a JSON file (docs/templates.md is the format) naming the form whose records it answers, with
// texts that hold placeholders: {{applicant_name}}, {{payment_date|era}}.
//
//   ADB_ASSIGN_OR_RETURN(LetterTemplate letter, LoadLetterTemplate("kyufukin-decision", forms));
//   RecordValues record{.document_id = 17, .fields = {...}, .today = "2025-06-02"};
//   ADB_ASSIGN_OR_RETURN(std::string title, ExpandText(letter.common, letter.common.title,
//   record));
//
// A placeholder names a field of the form, a key of the template's `values` (constants such as
// the amount paid), or a built-in: `today` (the day the letters are made, YYYY-MM-DD),
// `document` (the record's number) and `form_title`. An optional filter
// (output/resident_values.h: era, yen, sama, postal, phone, masked4, choice, check, ...) writes
// the value as a resident reads it. Loading checks every placeholder, so a template that would
// fail on the first record is refused before any record is touched; expanding fails only on a
// record whose field is empty or unreadable (or a value its filter refuses), naming the document
// and the field.
//
// The common part (ParseTemplate, ParseTemplateText, ExpandText) serves every kind; each kind
// reads its own keys from Template::specific (ParseLetterTemplate for letters).
//
// Thread-safety: parsed templates are plain values; concurrent reads are safe.
#ifndef ADBRIDGE_OUTPUT_TEMPLATE_H_
#define ADBRIDGE_OUTPUT_TEMPLATE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/form_definition.h"
#include "models/status.h"
#include "models/store.h"
#include "output/resident_values.h"

namespace adbridge::output {

enum class TemplateKind { kLetter, kScript };
std::string_view TemplateKindName(TemplateKind kind);  // "letter", "script"

// Where a placeholder's value comes from.
enum class PlaceholderSource { kField, kValue, kBuiltin };

struct Placeholder {
  std::string name;  // a field name, a `values` key or a built-in
  PlaceholderSource source = PlaceholderSource::kField;
  const ValueFilter* filter = nullptr;  // none when the value is used as stored
  std::string written;                  // as in the file, "{{payment_date|era}}", for messages
};

// A text of a template, split into literal pieces and placeholders.
struct TemplateText {
  struct Piece {
    std::string literal;  // used when `placeholder` is empty
    std::optional<Placeholder> placeholder;
  };
  std::vector<Piece> pieces;
};

// The keys every kind has.
struct Template {
  std::string id;           // [a-z0-9-]+
  std::string source_name;  // how messages name it: a file name, or the bundled id + ".json"
  TemplateKind kind = TemplateKind::kLetter;
  models::FormDefinition form;  // the form the template answers, as registered
  TemplateText title;
  std::map<std::string, std::string> values;  // constants, in normalised form ("30000")
  // The kind's own keys (every top-level key but the common ones), for the kind's parser.
  nlohmann::json specific = nlohmann::json::object();
};

// The form a template names, as registered. Returns NotFound for a form that is not.
using FormLookup = std::function<Result<models::FormDefinition>(const std::string& form_id)>;

// A template's JSON text and the name messages give it.
struct TemplateSource {
  std::string name;  // "kyufukin-decision.json", or the path given
  std::string json;
};

// The ids of the templates compiled into the program (models/templates/), sorted.
std::vector<std::string> BundledTemplateIds();

// `spec` is a path to a .json file (it ends in ".json" or holds a '/') or the id of a bundled
// template. Returns NotFound for a file that cannot be read or an id that is not bundled (the
// message lists the bundled ids), ResourceExhausted for a file over 256 KiB.
Result<TemplateSource> ReadTemplateSource(std::string_view spec);

// Parses the common keys and checks them: id, kind (`expected`), form (looked up with
// `forms`), title, values, and every placeholder of the title. Returns InvalidArgument naming
// the template, the key and, for a placeholder, the placeholder itself: malformed JSON (with
// its line and column), a repeated key, a missing or mistyped key, a kind other than
// `expected`, a malformed id, a values key that is malformed or shadows a field or built-in,
// an unknown field or filter, a filter that does not fit the field's type or refuses a
// constant, unclosed braces. NotFound (naming the template) for a form that is not registered;
// ResourceExhausted for JSON nested deeper than any template needs.
Result<Template> ParseTemplate(std::string_view json, std::string_view source_name,
                               TemplateKind expected, const FormLookup& forms);

// Splits `text` into literal pieces and placeholders and checks each placeholder against the
// template's form, values and the filter table. `key` names where the text is
// ("body[2]"), for messages. Errors as ParseTemplate's for placeholders.
Result<TemplateText> ParseTemplateText(const Template& t, std::string_view key,
                                       std::string_view text);

// A record as templates see it.
struct RecordValues {
  std::int64_t document_id = 0;
  // The normalised value of each field by name; nullopt for a field marked unreadable.
  std::map<std::string, std::optional<std::string>> fields;
  std::string today;  // YYYY-MM-DD (models::TodayInJapan())
};

// A stored document's fields as templates see them (a field marked unreadable has no value).
RecordValues RecordValuesOf(std::int64_t document_id, std::vector<models::FieldRecord> fields,
                            std::string today);

// The text with every placeholder replaced by its (filtered) value. Returns InvalidArgument
// naming the document and the field (never its value) when a field it places is absent, empty
// or unreadable, or the field's filter refuses the value.
Result<std::string> ExpandText(const Template& t, const TemplateText& text,
                               const RecordValues& record);

// ---- letters ----

struct LetterTemplate {
  Template common;
  // Who sends it: printed top right, and the address for replies.
  struct Sender {
    TemplateText name;        // "塩尻市長"
    TemplateText department;  // "健康福祉部 福祉課"
    TemplateText postal_code;
    TemplateText address;
    TemplateText phone;
    TemplateText hours;  // optional: empty when not given
  } sender;
  // The fields the envelope window shows (names of fields of the form): a postal_code field,
  // a text field for the address and one for the name; and how each is printed: "〒399-0738",
  // the address as verified, "山田 太郎 様".
  struct Recipient {
    std::string postal_code_field;
    std::string address_field;
    std::string name_field;
    TemplateText postal_code;  // {{<postal_code_field>|postal}}
    TemplateText address;      // {{<address_field>}}
    TemplateText name;         // {{<name_field>|sama}}
  } recipient;
  TemplateText reference;          // optional, top right above the date: "塩福第{{document}}号"
  TemplateText date;               // right-aligned: "{{today|era}}"
  std::vector<TemplateText> body;  // paragraphs
  struct Item {
    TemplateText label;
    TemplateText value;
  };
  std::vector<Item> items;  // the record's key facts, as a small table
  TemplateText contact;     // the line at the foot: whom to ask
};

// Reads the letter keys of a template of kind letter: sender, recipient, reference, date, body,
// items, contact.
// Returns InvalidArgument naming the template and key for an unknown key, a missing or
// mistyped one, an empty body, a recipient field the form does not have or of the wrong type,
// and for every bad placeholder (as ParseTemplate).
Result<LetterTemplate> ParseLetterTemplate(Template common);

// ReadTemplateSource + ParseTemplate (kind letter) + ParseLetterTemplate.
Result<LetterTemplate> LoadLetterTemplate(std::string_view spec, const FormLookup& forms);

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_TEMPLATE_H_
