// Fuzzes the form definition parser (models/form_definition.h) on arbitrary bytes: a broken or
// hostile definition must be refused with an error, never crash or hang the program. A
// definition that parses is then used as adbridge uses one: each field's extent, its rules on an
// empty value, and the cross-field checks.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "models/cross_checks.h"
#include "models/field_types.h"
#include "models/form_definition.h"
#include "models/form_layout.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace adbridge::models;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  // The bundled forms' folder, so their reference image names resolve as they do on disk.
  static const std::filesystem::path forms = adbridge::fuzz::SourceDir() / "models" / "forms";
  adbridge::Result<FormDefinition> form = ParseFormDefinition(json, "fuzz.json", forms);
  if (!form.ok()) return 0;
  std::map<std::string, std::string> values;
  for (const FieldDefinition& field : form->fields) {
    (void)FieldExtent(field);
    (void)form->AcceptConfidenceFor(field);
    (void)Validate(field, "");
    if (form->FindField(field.name) != &field) {
      adbridge::fuzz::SetupFailed("FindField does not find " + field.name);
    }
    values[field.name] = "";
  }
  (void)CheckCrossFields(*form, values, "2026-11-21");
  return 0;
}
