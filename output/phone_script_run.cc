#include "output/phone_script_run.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "models/form_definition.h"
#include "output/phone_script_pdf.h"

namespace adbridge::output {
namespace {

namespace fs = std::filesystem;

// The form's definitions by version, each checked against the template once.
class FormVersions {
 public:
  FormVersions(models::Store& store, const ScriptTemplate& script_template)
      : store_(store), template_(script_template) {}

  Result<const models::FormDefinition*> Get(int version) {
    if (auto it = forms_.find(version); it != forms_.end()) return &it->second;
    ADB_ASSIGN_OR_RETURN(const models::FormRecord record,
                         store_.GetForm(template_.form_id, version));
    ADB_ASSIGN_OR_RETURN(models::FormDefinition form,
                         models::ParseFormDefinition(record.definition_json, record.id, {},
                                                     /*check_references=*/false));
    ADB_RETURN_IF_ERROR(CheckScriptTemplate(template_, form));
    return &forms_.emplace(version, std::move(form)).first->second;
  }

 private:
  models::Store& store_;
  const ScriptTemplate& template_;
  std::map<int, models::FormDefinition> forms_;
};

Status WriteWhole(const fs::path& out, const std::string& bytes) {
  const fs::path temp = out.string() + ".tmp-" + std::to_string(::getpid());
  auto fail = [&](int error) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    return Status::Unavailable(out.string() + " に書き込めません（" + std::strerror(error) + "）",
                               "cannot write " + out.string() + " (" + std::strerror(error) + ")");
  };
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    if (!file) return fail(errno);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.flush();
    if (!file) return fail(errno);
  }
  std::error_code error;
  fs::rename(temp, out, error);
  if (error) return fail(error.value());
  return Status::Ok();
}

std::string_view FormatName(ScriptFileFormat format) {
  return format == ScriptFileFormat::kPdf ? "pdf" : "txt";
}

}  // namespace

std::optional<ScriptFileFormat> ScriptFileFormatFor(const fs::path& out) {
  std::string extension = out.extension().string();
  for (char& c : extension) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (extension == ".pdf") return ScriptFileFormat::kPdf;
  if (extension == ".txt") return ScriptFileFormat::kText;
  return std::nullopt;
}

Result<std::vector<PhoneScript>> BuildVerifiedPhoneScripts(
    models::Store& store, const ScriptTemplate& script_template,
    const std::optional<std::string>& form_id) {
  if (form_id && *form_id != script_template.form_id) {
    return Status::InvalidArgument(script_template.source_name + ": 様式 " +
                                       script_template.form_id + " 用のテンプレートです（--form " +
                                       *form_id + " とは合いません）",
                                   script_template.source_name + ": the template is for form " +
                                       script_template.form_id + ", not " + *form_id);
  }
  FormVersions forms(store, script_template);
  // The newest version is checked even when no record uses it, so an unknown form or a
  // template that does not fit is reported before anything else.
  ADB_ASSIGN_OR_RETURN(const models::FormRecord newest,
                       store.GetForm(script_template.form_id, std::nullopt));
  ADB_RETURN_IF_ERROR(forms.Get(newest.version).status());

  ADB_ASSIGN_OR_RETURN(const std::vector<models::Document> documents,
                       store.ListDocuments(models::DocumentState::kVerified));
  std::vector<PhoneScript> scripts;
  for (const models::Document& document : documents) {
    if (document.form_id != script_template.form_id || !document.form_version) continue;
    ADB_ASSIGN_OR_RETURN(const models::FormDefinition* form, forms.Get(*document.form_version));
    ADB_ASSIGN_OR_RETURN(const std::vector<models::FieldRecord> fields,
                         store.ListFields(document.id));
    ScriptRecord record{document.id, {}};
    for (const models::FieldRecord& field : fields) {
      if (field.value) record.values[field.name] = *field.value;
    }
    ADB_ASSIGN_OR_RETURN(PhoneScript script, BuildPhoneScript(script_template, *form, record));
    scripts.push_back(std::move(script));
  }
  return scripts;
}

Result<ScriptRunSummary> GeneratePhoneScripts(models::Store& store,
                                              const ScriptTemplate& script_template,
                                              const std::optional<std::string>& form_id,
                                              const fs::path& out) {
  const std::optional<ScriptFileFormat> format = ScriptFileFormatFor(out);
  if (!format) {
    return Status::InvalidArgument(out.string() + ": 出力は .pdf か .txt のファイルです",
                                   out.string() + ": the output is a .pdf or .txt file");
  }
  ADB_ASSIGN_OR_RETURN(const std::vector<PhoneScript> scripts,
                       BuildVerifiedPhoneScripts(store, script_template, form_id));
  ScriptRunSummary summary{script_template.id, script_template.form_id,
                           static_cast<int>(scripts.size()), false};
  if (scripts.empty()) return summary;

  std::string bytes;
  if (*format == ScriptFileFormat::kPdf) {
    ADB_ASSIGN_OR_RETURN(bytes, PhoneScriptsPdf(scripts));
  } else {
    bytes = PhoneScriptsText(scripts);
  }
  ADB_RETURN_IF_ERROR(WriteWhole(out, bytes));
  summary.written = true;

  models::AuditEvent event;
  event.action = "scripts.generated";
  event.detail_json = nlohmann::json{
      {"template", script_template.id},
      {"form", script_template.form_id},
      {"format", FormatName(*format)},
      {"scripts",
       summary.scripts}}.dump();
  ADB_RETURN_IF_ERROR(store.AppendAudit(event));
  return summary;
}

}  // namespace adbridge::output
