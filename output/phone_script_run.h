// `adbridge scripts`: the phone scripts of every verified record of a template's form, written
// to one file, PDF or text as its name ends.
//
//   ADB_ASSIGN_OR_RETURN(ScriptTemplate t, ParseScriptTemplate(json, "kyufukin-call.json"));
//   Result<ScriptRunSummary> run = GeneratePhoneScripts(store, t, {}, "calls.pdf");
//
// Records are read, never changed: the verified documents of the form (every version of it
// that has records, the template checked against each), in document order, and their fields.
// The run is audited "scripts.generated" with the template, form, format and count; no
// personal data goes into the audit log.
//
// Thread-safety: as the Store it is given.
#ifndef ADBRIDGE_OUTPUT_PHONE_SCRIPT_RUN_H_
#define ADBRIDGE_OUTPUT_PHONE_SCRIPT_RUN_H_

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/status.h"
#include "models/store.h"
#include "output/phone_script.h"
#include "output/script_template.h"

namespace adbridge::output {

enum class ScriptFileFormat { kPdf, kText };

// By the file name's extension, in any case: .pdf or .txt; nothing for any other.
std::optional<ScriptFileFormat> ScriptFileFormatFor(const std::filesystem::path& out);

// The scripts of the verified records of the template's form. `form_id`, when given, must be
// the template's form. Returns InvalidArgument when it is not, or when the template fails
// CheckScriptTemplate against a version of the form that has records; NotFound when the form is
// not registered; what BuildPhoneScript returns for a record it cannot fill.
Result<std::vector<PhoneScript>> BuildVerifiedPhoneScripts(
    models::Store& store, const ScriptTemplate& script_template,
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
Result<ScriptRunSummary> GeneratePhoneScripts(models::Store& store,
                                              const ScriptTemplate& script_template,
                                              const std::optional<std::string>& form_id,
                                              const std::filesystem::path& out);

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_PHONE_SCRIPT_RUN_H_
