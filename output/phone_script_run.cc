#include "output/phone_script_run.h"

#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "models/cross_checks.h"
#include "models/form_definition.h"
#include "output/output_file.h"
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
                                                       const ScriptRunOptions& options) {
  ADB_ASSIGN_OR_RETURN(TemplateSource source, ReadTemplateSource(spec));
  TemplateVersions versions(store, std::move(source));
  // The newest version first: an unregistered form or a template that does not fit it is
  // reported before any record is read.
  ADB_ASSIGN_OR_RETURN(const ScriptTemplate* newest, versions.Get(std::nullopt));
  const Template& common = newest->common;
  if (options.form_id && *options.form_id != common.form.id) {
    return Status::InvalidArgument(common.source_name + ": 様式 " + common.form.id +
                                       " 用の雛形です (--form " + *options.form_id +
                                       " とは合いません)",
                                   common.source_name + ": the template is for form " +
                                       common.form.id + ", not " + *options.form_id);
  }
  ADB_ASSIGN_OR_RETURN(std::vector<models::DocumentWithFields> documents,
                       store.ListFormDocuments(options.tenant_code, common.form.id,
                                               {models::DocumentState::kVerified}));
  std::erase_if(documents, [](const models::DocumentWithFields& record) {
    return !record.document.form_version;
  });
  const std::string today = models::TodayInJapan();
  VerifiedPhoneScripts made{common.id, common.form.id, {}, {}};
  for (models::DocumentWithFields& record_fields : documents) {
    const models::Document& document = record_fields.document;
    ADB_ASSIGN_OR_RETURN(const ScriptTemplate* script_template,
                         versions.Get(*document.form_version));
    const RecordValues record =
        RecordValuesOf(document.id, std::move(record_fields.fields), today);
    Result<PhoneScript> script = BuildPhoneScript(*script_template, record);
    if (script.ok()) {
      made.scripts.push_back(*std::move(script));
    } else if (script.status().code() == StatusCode::kInvalidArgument) {
      made.skipped.push_back({document.id, script.status()});
    } else {
      return script.status();
    }
    if (options.on_record)
      options.on_record(made.scripts.size() + made.skipped.size(), documents.size());
  }
  return made;
}

Result<std::string> PhoneScriptsFile(const std::vector<PhoneScript>& scripts,
                                     ScriptFileFormat format) {
  if (format == ScriptFileFormat::kPdf) return PhoneScriptsPdf(scripts);
  return PhoneScriptsText(scripts);
}

Status AuditPhoneScripts(models::Store& store, const ScriptRunSummary& summary,
                         ScriptFileFormat format, const ScriptRunOptions& options) {
  models::AuditEvent event;
  event.action = "scripts.generated";
  event.user_id = options.user_id;
  event.detail_json = nlohmann::json{{"template", summary.template_id},
                                     {"form", summary.form_id},
                                     {"tenant", options.tenant_code},
                                     {"format", FormatName(format)},
                                     {"scripts", summary.scripts},
                                     {"skipped", summary.skipped.size()}}
                          .dump();
  return store.AppendAudit(event);
}

Result<ScriptRunSummary> GeneratePhoneScripts(models::Store& store, std::string_view spec,
                                              const ScriptRunOptions& options,
                                              const fs::path& out) {
  const std::optional<ScriptFileFormat> format = ScriptFileFormatFor(out);
  if (!format) {
    return Status::InvalidArgument(out.string() + ": 出力は .pdf か .txt のファイルです",
                                   out.string() + ": the output is a .pdf or .txt file");
  }
  // Opened first, so that a folder that cannot be written stops the run before any record is
  // read; removed again unless committed.
  ADB_ASSIGN_OR_RETURN(OutputFile file, OutputFile::Create(out));
  ADB_ASSIGN_OR_RETURN(VerifiedPhoneScripts made, BuildVerifiedPhoneScripts(store, spec, options));
  ScriptRunSummary summary{made.template_id, made.form_id, static_cast<int>(made.scripts.size()),
                           std::move(made.skipped), false};
  if (made.scripts.empty()) return summary;

  ADB_ASSIGN_OR_RETURN(const std::string bytes, PhoneScriptsFile(made.scripts, *format));
  file.stream() << bytes;
  ADB_RETURN_IF_ERROR(file.Sync());
  ADB_RETURN_IF_ERROR(AuditPhoneScripts(store, summary, *format, options));
  ADB_RETURN_IF_ERROR(file.Commit());
  summary.written = true;
  return summary;
}

}  // namespace adbridge::output
