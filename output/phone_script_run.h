// `adbridge scripts` and the department page: the phone scripts of every verified record of a
// template's form in one municipality, in one file, PDF or text.
//
//   Result<ScriptRunSummary> run = GeneratePhoneScripts(store, "kyufukin-call", {}, "calls.pdf");
//
// Records are read, never changed: the municipality's verified documents of the template's
// form, in document order, and their fields. The template is checked against the newest registered version of
// the form, and against every older version that has records, before any script is made. A
// record whose stored value a filter refuses gets no script and is reported; the others are
// written. The run is audited "scripts.generated" with the template, form, format and counts;
// no personal data goes into the audit log.
//
// Thread-safety: as the Store it is given.
#ifndef ADBRIDGE_OUTPUT_PHONE_SCRIPT_RUN_H_
#define ADBRIDGE_OUTPUT_PHONE_SCRIPT_RUN_H_

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/status.h"
#include "models/store.h"
#include "output/letters.h"
#include "output/phone_script.h"

namespace adbridge::output {

enum class ScriptFileFormat { kPdf, kText };

// By the file name's extension, in any case: .pdf or .txt; nothing for any other.
std::optional<ScriptFileFormat> ScriptFileFormatFor(const std::filesystem::path& out);

struct ScriptRunOptions {
  // The municipality whose records are read.
  std::string tenant_code{models::kDefaultTenant};
  // Only records of this form; it must be the template's form.
  std::optional<std::string> form_id;
  // Who asked, for the audit event (a user of the web pages); none from the command line.
  std::optional<std::int64_t> user_id{};
  // Called after each record with how many are done of how many (progress on a terminal).
  std::function<void(std::size_t done, std::size_t total)> on_record;
};

struct VerifiedPhoneScripts {
  std::string template_id;
  std::string form_id;
  std::vector<PhoneScript> scripts;    // in document order
  std::vector<SkippedRecord> skipped;  // records whose script could not be made, and why
};

// The scripts of the verified records of the tenant's documents of the form the template `spec`
// (a bundled template's id or a .json file) names. Returns InvalidArgument when options.form_id
// is another form, or when the template does not load against a version of the form that has
// records (LoadScriptTemplate's errors); NotFound when the template cannot be read, its form is
// not registered or the tenant is unknown; the store's errors.
Result<VerifiedPhoneScripts> BuildVerifiedPhoneScripts(models::Store& store, std::string_view spec,
                                                       const ScriptRunOptions& options);

struct ScriptRunSummary {
  std::string template_id;
  std::string form_id;
  int scripts = 0;
  std::vector<SkippedRecord> skipped;
  bool written = false;  // false when no script was made (no file is written then)
};

// The bytes of one file holding every script: a PDF (PhoneScriptsPdf) or UTF-8 text.
Result<std::string> PhoneScriptsFile(const std::vector<PhoneScript>& scripts,
                                     ScriptFileFormat format);

// Audits "scripts.generated" for a file that was made: template, form, format and counts, by
// options.user_id when set.
Status AuditPhoneScripts(models::Store& store, const ScriptRunSummary& summary,
                         ScriptFileFormat format, const ScriptRunOptions& options);

// BuildVerifiedPhoneScripts, then the scripts written to `out` whole (output/output_file.h: an
// earlier file stays as it was until the new one is complete), then the audit event. Returns
// InvalidArgument for an extension other than .pdf and .txt; NotFound or Unavailable when
// `out`'s folder is missing or cannot be written, found before any record is read; and the
// errors above. Nothing is written or audited when it fails, or when no script was made.
Result<ScriptRunSummary> GeneratePhoneScripts(models::Store& store, std::string_view spec,
                                              const ScriptRunOptions& options,
                                              const std::filesystem::path& out);

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_PHONE_SCRIPT_RUN_H_
