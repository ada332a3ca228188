// A form definition: where each field of a paper form is and what it holds
// (../shared/spec/form-definition.md is the contract).
//
//   Result<FormDefinition> form = LoadFormDefinition("models/forms/juminhyo-request.json");
//   if (!form.ok()) { std::cerr << form.status().message() << "\n"; return 1; }
//   for (const FieldDefinition& field : form->fields) { ... }
//
// Coordinates are millimetres from the top-left corner of the printed page.
// Thread-safety: plain values.
#ifndef ADBRIDGE_MODELS_FORM_DEFINITION_H_
#define ADBRIDGE_MODELS_FORM_DEFINITION_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/status.h"

namespace adbridge::models {

enum class FieldType {
  kText,
  kKana,
  kDigits,
  kInteger,
  kDate,
  kPostalCode,
  kPhone,
  kCheckbox,
  kChoice,
};

// The spec's name of a type ("postal_code"), and back.
std::string_view FieldTypeName(FieldType type);
std::optional<FieldType> ParseFieldType(std::string_view name);

// A named check-digit rule for `digits` fields.
enum class CheckRule { kMyNumber, kCorporateNumber };
std::string_view CheckRuleName(CheckRule rule);
std::optional<CheckRule> ParseCheckRule(std::string_view name);

// [x, y, width, height] in millimetres from the page's top-left corner.
struct BoxMm {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

struct ChoiceOption {
  std::string value;
  std::string label;
  BoxMm box;
};

struct MarkerItem {
  int id = 0;
  BoxMm box;
};

// ArUco markers printed on a page.
struct PageMarkers {
  std::string dictionary;  // e.g. "DICT_4X4_50"
  std::vector<MarkerItem> items;
};

struct PageDefinition {
  double width_mm = 0;
  double height_mm = 0;
  // The reference image as the definition names it, relative to the definition file.
  std::string reference;
  // Where the reference image is on disk: resolved against the definition's folder when
  // parsed from a file, or the blob's path when loaded from a registered form whose blobs are
  // files (empty when they are in a database).
  std::filesystem::path reference_path;
  // The reference image's blob when loaded from a registered form (read it with
  // BlobStore::Get); empty when parsed from a file.
  std::string reference_sha256;
  std::optional<PageMarkers> markers;
};

struct FieldDefinition {
  std::string name;
  std::string label;
  int page = 1;  // 1-based
  FieldType type = FieldType::kText;
  std::optional<BoxMm> box;  // absent only for kChoice
  std::string lang = "jpn";
  bool required = false;
  bool sensitive = false;
  bool on_site_only = false;
  bool double_entry = false;
  // A reviewer may deliberately confirm a value that fails the field's rules (an address
  // written in an unusual way); without it such a value is refused.
  bool confirm_invalid = false;
  std::optional<double> accept_confidence;
  std::optional<std::string> pattern;
  std::optional<long long> min;
  std::optional<long long> max;
  std::optional<int> length;
  std::optional<CheckRule> check;
  std::vector<ChoiceOption> options;  // kChoice only
  std::optional<int> comb;            // number of character cells
};

// A rule that relates two fields of a form (or one field to today), checked after each field
// validated on its own. A reading that breaks one goes to a person.
enum class CrossCheckRule {
  kKanaReading,   // fields [kana, name]: the kana is a plausible reading of the name
  kPostalArea,    // fields [postal_code, address]: the code belongs to the address's prefecture
  kPastDate,      // fields [date]: the date is not after today (a date of birth)
};
std::string_view CrossCheckRuleName(CrossCheckRule rule);

struct CrossCheck {
  CrossCheckRule rule = CrossCheckRule::kPastDate;
  std::vector<std::string> fields;  // field names, in the order the rule defines
};

struct FormDefinition {
  std::string id;
  int version = 1;
  std::string title;
  std::string department;
  std::vector<PageDefinition> pages;
  std::vector<FieldDefinition> fields;
  std::optional<double> accept_confidence;
  std::vector<CrossCheck> cross_checks;

  // Returns nullptr when the form has no field of that name.
  const FieldDefinition* FindField(std::string_view name) const;
  // The field's own threshold, else the form's, else kDefaultAcceptConfidence.
  double AcceptConfidenceFor(const FieldDefinition& field) const;
};

inline constexpr double kDefaultAcceptConfidence = 0.9;

// Parses and validates a definition. `source_name` names it in error messages (usually the
// file name); `base_dir` is where relative reference image paths are resolved. When
// `check_references` is true, a reference image that does not exist is an error.
//
// Returns InvalidArgument with a message that names the source, the field (or top-level key)
// and the reason: malformed JSON (with its line, column and byte offset), a key written twice
// or not in the spec (a typo), a missing or mistyped key, an unknown type, a box off the page, a
// page number out of range, a duplicate or malformed name, a choice without options, a missing
// reference image or one outside `base_dir` (absolute or with ".."), bounds that make no sense
// (min > max). Returns ResourceExhausted for input beyond what any real form needs: more than
// 1 MiB, more than 500 fields, or JSON nested more than 16 deep.
//
// Filled in while parsing: a field that is on_site_only is also sensitive; a `check` rule sets
// `length` to the digits it is defined over (12 for mynumber, 13 for corporate_number).
Result<FormDefinition> ParseFormDefinition(std::string_view json, std::string_view source_name,
                                           const std::filesystem::path& base_dir,
                                           bool check_references = true);

// Reads and parses a definition file; reference images are resolved beside it, and errors
// name the file by its file name. Returns NotFound (with the path) when the file cannot be read,
// ResourceExhausted when it is over 1 MiB, else as ParseFormDefinition.
Result<FormDefinition> LoadFormDefinition(const std::filesystem::path& file);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_FORM_DEFINITION_H_
