// Fuzzes every field type's normaliser and validator (models/field_types.h) with what OCR, an
// operator's CSV or a reviewer may send: any bytes, for each type. The first byte picks the type
// and the field's rules. Beyond not crashing, what a user relies on is checked: a normalised
// value is in normal form (normalising it again changes nothing), so a value adbridge produced is
// never refused by Validate as "not normalised".
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "models/field_types.h"
#include "models/form_definition.h"

namespace {

using adbridge::models::FieldDefinition;
using adbridge::models::FieldType;

constexpr FieldType kTypes[] = {FieldType::kText,    FieldType::kKana,     FieldType::kDigits,
                                FieldType::kInteger, FieldType::kDate,     FieldType::kPostalCode,
                                FieldType::kPhone,   FieldType::kCheckbox, FieldType::kChoice};

// A field of `type` with the rules real forms give it; `rules` picks which apply.
FieldDefinition FieldFor(FieldType type, std::uint8_t rules) {
  FieldDefinition field;
  field.name = "fuzzed";
  field.label = "試験";
  field.type = type;
  field.required = (rules & 1) != 0;
  field.sensitive = (rules & 2) != 0;
  if (type == FieldType::kInteger && (rules & 4) != 0) {
    field.min = 1;
    field.max = 20;
  }
  if (type == FieldType::kDigits && (rules & 4) != 0) {
    field.length = 12;
    field.check = adbridge::models::CheckRule::kMyNumber;
  }
  if (type == FieldType::kDigits && (rules & 8) != 0) {
    field.length = 13;
    field.check = adbridge::models::CheckRule::kCorporateNumber;
  }
  if (type == FieldType::kText && (rules & 4) != 0) {
    field.pattern = "^[A-Z]{2}-[0-9]{4}$";  // as the demand bus form's reservation code
  }
  if (type == FieldType::kChoice) {
    field.options = {{"pension", "年金", {}}, {"other", "その他", {}}};
  }
  return field;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const FieldType type = kTypes[data[0] % std::size(kTypes)];
  const FieldDefinition field =
      FieldFor(type, static_cast<std::uint8_t>(data[0] / std::size(kTypes)));
  const std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);

  adbridge::Result<std::string> normalized = adbridge::models::Normalize(type, raw);
  if (normalized.ok()) {
    adbridge::Result<std::string> again = adbridge::models::Normalize(type, *normalized);
    if (!again.ok() || *again != *normalized) {
      std::fprintf(stderr, "type %s: normalising \"%s\" again gives %s\n",
                   std::string(adbridge::models::FieldTypeName(type)).c_str(), normalized->c_str(),
                   again.ok() ? again->c_str() : "an error");
      std::abort();
    }
  }
  (void)adbridge::models::Validate(field, raw);
  (void)adbridge::models::NormalizeAndValidate(field, raw);
  if (type == FieldType::kDigits) {
    (void)adbridge::models::IsValidMyNumber(raw);
    (void)adbridge::models::IsValidCorporateNumber(raw);
  }
  return 0;
}
