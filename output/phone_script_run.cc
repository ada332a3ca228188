#include "output/phone_script_run.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "models/cross_checks.h"
#include "models/form_definition.h"
#include "output/phone_script_pdf.h"

namespace adbridge::output {
namespace {

namespace fs = std::filesystem;

// The template parsed against each version of its form that is asked for, once each.
class TemplateVersions {
 public:
  TemplateVersions(models::Store& store, TemplateSource source)
      : store_(store), source_(std::move(source)) {}

  // The template against `version` of `form_id`; the newest version when none is given.
  Result<const ScriptTemplate*> Get(std::optional<int> version) {
    const int key = version.value_or(0);
    if (auto it = parsed_.find(key); it != parsed_.end()) return &it->second;
    const FormLookup forms = [&](const std::string& form_id) -> Result<models::FormDefinition> {
      ADB_ASSIGN_OR_RETURN(const models::FormRecord record, store_.GetForm(form_id, version));
      return models::ParseFormDefinition(record.definition_json, record.id, {},
                                         /*check_references=*/false);
    };
    ADB_ASSIGN_OR_RETURN(Template common,
                         ParseTemplate(source_.json, source_.name, TemplateKind::kScript, forms));
    ADB_ASSIGN_OR_RETURN(ScriptTemplate script, ParseScriptTemplate(std::move(common)));
    return &parsed_.emplace(key, std::move(script)).first->second;
  }

 private:
  models::Store& store_;
  const TemplateSource source_;
  std::map<int, ScriptTemplate> parsed_;  // by form version; 0 for the newest
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

Result<VerifiedPhoneScripts> BuildVerifiedPhoneScripts(models::Store& store, std::string_view spec,
                                                       const std::optional<std::string>& form_id) {
  ADB_ASSIGN_OR_RETURN(TemplateSource source, ReadTemplateSource(spec));
  TemplateVersions versions(store, std::move(source));
  // The newest version first: an unregistered form or a template that does not fit it is
  // reported before any record is read.
  ADB_ASSIGN_OR_RETURN(const ScriptTemplate* newest, versions.Get(std::nullopt));
  const Template& common = newest->common;
  if (form_id && *form_id != common.form.id) {
    return Status::InvalidArgument(
        common.source_name + ": 様式 " + common.form.id + " 用の雛形です (--form " + *form_id +
            " とは合いません)",
        common.source_name + ": the template is for form " + common.form.id + ", not " + *form_id);
  }
  ADB_ASSIGN_OR_RETURN(const std::vector<models::Document> documents,
                       store.ListDocuments(models::DocumentState::kVerified));
  const std::string today = models::TodayInJapan();
  VerifiedPhoneScripts made{common.id, common.form.id, {}};
  for (const models::Document& document : documents) {
    if (document.form_id != common.form.id || !document.form_version) continue;
    ADB_ASSIGN_OR_RETURN(const ScriptTemplate* script_template,
                         versions.Get(*document.form_version));
    ADB_ASSIGN_OR_RETURN(const std::vector<models::FieldRecord> fields,
                         store.ListFields(document.id));
    RecordValues record{document.id, {}, today};
    for (const models::FieldRecord& field : fields) record.fields[field.name] = field.value;
    ADB_ASSIGN_OR_RETURN(PhoneScript script, BuildPhoneScript(*script_template, record));
    made.scripts.push_back(std::move(script));
  }
  return made;
}

Result<ScriptRunSummary> GeneratePhoneScripts(models::Store& store, std::string_view spec,
                                              const std::optional<std::string>& form_id,
                                              const fs::path& out) {
  const std::optional<ScriptFileFormat> format = ScriptFileFormatFor(out);
  if (!format) {
    return Status::InvalidArgument(out.string() + ": 出力は .pdf か .txt のファイルです",
                                   out.string() + ": the output is a .pdf or .txt file");
  }
  ADB_ASSIGN_OR_RETURN(const VerifiedPhoneScripts made,
                       BuildVerifiedPhoneScripts(store, spec, form_id));
  const std::vector<PhoneScript>& scripts = made.scripts;
  ScriptRunSummary summary{made.template_id, made.form_id, static_cast<int>(scripts.size()), false};
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
      {"template", summary.template_id},
      {"form", summary.form_id},
      {"format", FormatName(*format)},
      {"scripts",
       summary.scripts}}.dump();
  ADB_RETURN_IF_ERROR(store.AppendAudit(event));
  return summary;
}

}  // namespace adbridge::output
