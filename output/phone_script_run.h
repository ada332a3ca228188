// `adbridge scripts`: the phone scripts of every verified record of a template's form, written
// to one file, PDF or text as its name ends.
//
//   Result<ScriptRunSummary> run = GeneratePhoneScripts(store, "kyufukin-call", {}, "calls.pdf");
//
// Records are read, never changed: the verified documents of the template's form, in document
// order, and their fields. The template is checked against the newest registered version of
// the form, and against every older version that has records, before any script is made.
// The run is audited "scripts.generated" with the template, form, format and count; no
// personal data goes into the audit log.
//
// Thread-safety: as the Store it is given.
#ifndef ADBRIDGE_OUTPUT_PHONE_SCRIPT_RUN_H_
#define ADBRIDGE_OUTPUT_PHONE_SCRIPT_RUN_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/status.h"
#include "models/store.h"
#include "output/phone_script.h"
#include "output/script_template.h"

namespace adbridge::output {

enum class ScriptFileFormat { kPdf, kText };

// By the file name's extension, in any case: .pdf or .txt; nothing for any other.
std::optional<ScriptFileFormat> ScriptFileFormatFor(const std::filesystem::path& out);

// The scripts of the verified records of the form the template `spec` (a bundled template's id
// or a .json file) names. `form_id`, when given, must be that form. Returns InvalidArgument
// when it is not, or when the template does not load against a version of the form that has
// records (LoadScriptTemplate's errors); NotFound when the template cannot be read or its form
// is not registered; what BuildPhoneScript returns for a record it cannot fill.
struct VerifiedPhoneScripts {
  std::string template_id;
  std::string form_id;
  std::vector<PhoneScript> scripts;
};
Result<VerifiedPhoneScripts> BuildVerifiedPhoneScripts(models::Store& store, std::string_view spec,
                                                       const std::optional<std::string>& form_id);

struct ScriptRunSummary {
  std::string template_id;
  std::string form_id;
  int scripts = 0;
  bool written = false;  // false when there was no verified record (no file is written)
};

// BuildVerifiedPhoneScripts, then the scripts written to `out` (replacing it whole: written to
// a temporary file beside it and renamed, so a failed run leaves any earlier file as it was),
// then the audit event. Returns InvalidArgument for an extension other than .pdf and .txt,
// Unavailable when the file cannot be written, and the errors above; nothing is written or
// audited then.
Result<ScriptRunSummary> GeneratePhoneScripts(models::Store& store, std::string_view spec,
                                              const std::optional<std::string>& form_id,
                                              const std::filesystem::path& out);

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_PHONE_SCRIPT_RUN_H_
