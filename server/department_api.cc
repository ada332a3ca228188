#include "server/department_api.h"

#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <span>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "ingest/form_registry.h"
#include "output/export.h"
#include "output/letter_batch.h"
#include "output/letters.h"
#include "output/phone_script_run.h"
#include "output/template.h"

namespace adbridge::server {
namespace {

using Json = nlohmann::json;
using models::Role;

constexpr std::int64_t kDefaultRecordLimit = 50;
constexpr std::int64_t kMaxRecordLimit = 500;

// Reading is for department users, admins and supervisors; making exports, letters and
// scripts for department users and admins.
bool MayRead(const models::User& user) {
  return HasRole(user, {Role::kDepartment, Role::kAdmin, Role::kSupervisor});
}
bool MayMake(const models::User& user) { return HasRole(user, {Role::kDepartment, Role::kAdmin}); }

// Now in Japan as "20261121-0930", for file names a clerk sorts by.
std::string JapanStamp() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(9);
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M", &tm);
  return text;
}

// A form's title as a file name: characters file systems refuse become '_'.
std::string FileNamePart(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool refused = c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' ||
                         c == '<' || c == '>' || c == '|' || static_cast<unsigned char>(c) < 0x20;
    out += refused ? '_' : c;
  }
  return out;
}

// The bundled template a request's body names in "template". Over HTTP only bundled templates
// are taken: a path would let a caller read files of the server.
Result<std::string> BundledTemplate(const Json& body) {
  ADB_ASSIGN_OR_RETURN(std::optional<std::string> id, StringMember(body, "template"));
  if (!id || id->empty()) {
    return Status::InvalidArgument("雛形 (template) を指定してください", "\"template\" is missing");
  }
  const std::vector<std::string> bundled = output::BundledTemplateIds();
  if (std::find(bundled.begin(), bundled.end(), *id) == bundled.end()) {
    return Status::NotFound("雛形 " + *id + " はありません", "there is no template " + *id);
  }
  return *id;
}

// The form `form_id` as registered (newest version), for a 404 that names it.
Status CheckFormExists(models::Store& store, const std::string& form_id) {
  Result<models::FormRecord> form = store.GetForm(form_id, std::nullopt);
  if (form.ok()) return Status::Ok();
  if (form.status().code() != StatusCode::kNotFound) return form.status();
  return Status::NotFound("様式 " + form_id + " はありません", "there is no form " + form_id);
}

Result<models::ExportStatus> ParseStatusText(const std::optional<std::string>& text) {
  if (!text || text->empty()) return models::ExportStatus::kVerified;
  std::optional<models::ExportStatus> status = models::ParseExportStatus(*text);
  if (!status) {
    return Status::InvalidArgument("status は verified か any です: " + *text,
                                   "status is verified or any: " + *text);
  }
  return *status;
}

// A query parameter that counts records: `fallback` when absent, else a whole number from
// `min` to `max`.
Result<std::int64_t> ParseCount(const std::optional<std::string>& text, const char* name,
                                std::int64_t fallback, std::int64_t min, std::int64_t max) {
  if (!text || text->empty()) return fallback;
  std::int64_t value = -1;
  const std::string& t = *text;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || end != t.data() + t.size() || value < min || value > max) {
    const std::string range = std::to_string(min) + " .. " + std::to_string(max);
    return Status::InvalidArgument(std::string(name) + " は " + range + " の整数です: " + t,
                                   std::string(name) + " is a whole number in " + range + ": " +
                                       t);
  }
  return value;
}

std::string Lowercase(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

Json ExportJson(const models::ExportRecord& e) {
  return {{"id", e.id},
          {"form", e.form_id},
          {"format", models::ExportFormatName(e.format)},
          {"encoding", models::ExportEncodingName(e.encoding)},
          {"status", models::ExportStatusName(e.status)},
          {"new", e.only_new},
          {"documents", e.document_count},
          {"requested_by", e.requested_by},
          {"created_at", e.created_at}};
}

Json BatchJson(const models::LetterBatch& b) {
  return {{"id", b.id},
          {"template", b.template_id},
          {"form", b.form_id},
          {"large_print", b.large_print},
          {"letters", b.letter_count},
          {"pages", b.page_count},
          {"requested_by", b.requested_by},
          {"created_at", b.created_at},
          {"download_url", "/api/department/letters/batches/" + std::to_string(b.id) + ".pdf"}};
}

// "/api/department/letters/batches/12.pdf" -> 12
std::optional<std::int64_t> BatchIdOf(std::string_view file) {
  if (!file.ends_with(".pdf")) return std::nullopt;
  file.remove_suffix(4);
  return ParseId(file);
}

}  // namespace

DepartmentApi::DepartmentApi(models::Store& store, const models::BlobStore& blobs)
    : store_(store), blobs_(blobs) {}

std::vector<std::string> DepartmentApi::Endpoints() const {
  return {"GET /api/department/forms",
          "GET /api/department/records",
          "POST /api/department/exports",
          "GET /api/department/exports",
          "POST /api/department/letters",
          "POST /api/department/scripts",
          "GET /api/department/letters/batches",
          "GET /api/department/letters/batches/ID.pdf"};
}

bool DepartmentApi::Route(Exchange& ex, const std::vector<std::string>& parts) {
  if (parts.size() < 3 || parts[1] != "department") return false;
  const bool get = ex.method == "GET";
  const bool post = ex.method == "POST";
  const std::string& what = parts[2];
  if (parts.size() == 3) {
    if (get && what == "forms") return Forms(ex), true;
    if (get && what == "records") return Records(ex), true;
    if (post && what == "exports") return Export(ex), true;
    if (get && what == "exports") return Exports(ex), true;
    if (post && what == "letters") return Letters(ex), true;
    if (post && what == "scripts") return Scripts(ex), true;
  }
  if (what == "letters" && parts.size() >= 4 && parts[3] == "batches" && get) {
    if (parts.size() == 4) return LetterBatches(ex), true;
    if (parts.size() == 5) {
      if (std::optional<std::int64_t> id = BatchIdOf(parts[4])) {
        return LetterBatchPdf(ex, *id), true;
      }
    }
  }
  return false;
}

void DepartmentApi::Forms(Exchange& ex) {
  if (!MayRead(*ex.user)) return ex.Fail(RoleRefused());
  const std::string& tenant = ex.user->tenant_code;
  Result<std::vector<models::FormRecord>> registered = store_.ListForms();
  if (!registered.ok()) return ex.Fail(registered.status());
  // The newest version of each form.
  std::map<std::string, models::FormRecord> newest;
  for (models::FormRecord& form : *registered) {
    auto [it, added] = newest.try_emplace(form.id, form);
    if (!added && form.version > it->second.version) it->second = std::move(form);
  }
  Result<std::vector<models::Document>> documents = store_.ListDocuments(std::nullopt);
  if (!documents.ok()) return ex.Fail(documents.status());

  Json forms = Json::array();
  for (const auto& [id, form] : newest) {
    std::set<std::int64_t> verified;
    int in_review = 0;
    for (const models::Document& d : *documents) {
      if (d.tenant_code != tenant || d.form_id != id) continue;
      if (d.state == models::DocumentState::kVerified) verified.insert(d.id);
      if (d.state == models::DocumentState::kInReview) ++in_review;
    }
    Result<std::set<std::int64_t>> exported =
        store_.ListExportedDocumentIds(tenant, id, models::ExportStatus::kVerified);
    if (!exported.ok()) return ex.Fail(exported.status());
    const auto fresh = std::count_if(verified.begin(), verified.end(),
                                     [&](std::int64_t d) { return !exported->count(d); });
    Result<std::vector<models::ExportRecord>> exports = store_.ListExports(tenant, id);
    if (!exports.ok()) return ex.Fail(exports.status());
    forms.push_back({{"id", id},
                     {"version", form.version},
                     {"title", form.title},
                     {"department", form.department},
                     {"verified", verified.size()},
                     {"in_review", in_review},
                     {"new", fresh},
                     {"last_export", exports->empty() ? Json(nullptr)
                                                      : ExportJson(exports->front())}});
  }

  Json templates = Json::array();
  for (const std::string& id : output::BundledTemplateIds()) {
    Result<output::TemplateSource> source = output::ReadTemplateSource(id);
    if (!source.ok()) return ex.Fail(source.status());
    const Json parsed = Json::parse(source->json, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_object()) continue;
    templates.push_back({{"id", id},
                         {"kind", parsed.value("kind", "")},
                         {"form", parsed.value("form", "")},
                         {"title", parsed.value("title", "")}});
  }
  ex.Ok({{"forms", forms}, {"templates", templates}});
}

void DepartmentApi::Records(Exchange& ex) {
  if (!MayRead(*ex.user)) return ex.Fail(RoleRefused());
  const std::optional<std::string> form_id = ex.Query("form");
  if (!form_id || form_id->empty()) {
    return ex.Fail(Status::InvalidArgument("様式 (form) を指定してください", "\"form\" is missing"));
  }
  Result<models::ExportStatus> status = ParseStatusText(ex.Query("status"));
  if (!status.ok()) return ex.Fail(status.status());
  Result<std::int64_t> limit =
      ParseCount(ex.Query("limit"), "limit", kDefaultRecordLimit, 1, kMaxRecordLimit);
  if (!limit.ok()) return ex.Fail(limit.status());
  Result<std::int64_t> offset =
      ParseCount(ex.Query("offset"), "offset", 0, 0, std::numeric_limits<std::int32_t>::max());
  if (!offset.ok()) return ex.Fail(offset.status());
  const std::optional<std::string> only_new = ex.Query("new");
  const std::string query = Lowercase(ex.Query("q").value_or(""));

  if (Status exists = CheckFormExists(store_, *form_id); !exists.ok()) return ex.Fail(exists);
  // The records an export with the same choices would hold.
  output::ExportSelection selection;
  selection.tenant_code = ex.user->tenant_code;
  selection.form_id = *form_id;
  selection.status = *status;
  selection.only_new = only_new && (*only_new == "1" || *only_new == "true");
  Result<output::ExportBatch> batch = output::SelectForExport(store_, selection);
  if (!batch.ok()) return ex.Fail(batch.status());
  Result<output::ExportWriter> writer = output::ExportWriter::Create(batch->versions, {});
  if (!writer.ok()) return ex.Fail(writer.status());

  const bool sees_on_site = SeesOnSiteOnly(*ex.user);
  // Whether the caller sees `name`'s values: the newest version that has the field says; a
  // field no version knows is masked (nothing says it may be shown).
  auto masked = [&](const std::string& name) {
    if (sees_on_site) return false;
    for (const models::FormDefinition& version : batch->versions) {
      const models::FieldDefinition* field = version.FindField(name);
      if (field != nullptr) return field->on_site_only;
    }
    return true;
  };
  Json columns = Json::array();
  for (const std::string& name : writer->field_columns()) {
    std::string label = name;
    for (const models::FormDefinition& version : batch->versions) {
      if (const models::FieldDefinition* field = version.FindField(name)) {
        label = field->label;
        break;
      }
    }
    columns.push_back({{"name", name}, {"label", label}, {"masked", masked(name)}});
  }

  Json records = Json::array();
  std::int64_t matched = 0;
  for (const models::DocumentWithFields& d : batch->documents) {
    Json fields = Json::object();
    // The search sees what the table shows: a masked value can never be found by guessing it.
    bool found = query.empty() || Lowercase(d.document.source_name).find(query) != std::string::npos;
    for (const models::FieldRecord& f : d.fields) {
      const bool hidden = masked(f.name);
      fields[f.name] = {{"value", hidden ? Json(kMaskedValue) : OptionalText(f.value)},
                        {"state", models::FieldStateName(f.state)}};
      if (!found && !hidden && f.value && Lowercase(*f.value).find(query) != std::string::npos) {
        found = true;
      }
    }
    if (!found) continue;
    const std::int64_t position = matched++;
    if (position < *offset || position >= *offset + *limit) continue;
    records.push_back({{"id", d.document.id},
                       {"state", models::DocumentStateName(d.document.state)},
                       {"source", models::DocumentSourceName(d.document.source)},
                       {"source_name", d.document.source_name},
                       {"updated_at", d.document.updated_at},
                       {"fields", fields}});
  }
  ex.Ok({{"form", *form_id},
         {"title", batch->versions.front().title},
         {"columns", columns},
         {"total", matched},
         {"offset", *offset},
         {"limit", *limit},
         {"records", records}});
}

void DepartmentApi::Export(Exchange& ex) {
  if (!MayMake(*ex.user)) return ex.Fail(RoleRefused());
  Result<Json> body = ReadJsonBody(ex.request, kMaxJsonBodyBytes);
  if (!body.ok()) return ex.Fail(body.status());
  Result<std::optional<std::string>> form_id = StringMember(*body, "form");
  Result<std::optional<std::string>> format = StringMember(*body, "format");
  Result<std::optional<std::string>> encoding = StringMember(*body, "encoding");
  Result<std::optional<std::string>> status_text = StringMember(*body, "status");
  Result<bool> only_new = BoolMember(*body, "new");
  Result<bool> replace = BoolMember(*body, "replace_unmappable");
  for (const Status& s : {form_id.status(), format.status(), encoding.status(),
                          status_text.status(), only_new.status(), replace.status()}) {
    if (!s.ok()) return ex.Fail(s);
  }
  if (!*form_id || (*form_id)->empty()) {
    return ex.Fail(Status::InvalidArgument("様式 (form) を指定してください", "\"form\" is missing"));
  }
  output::ExportOptions options;
  if (*format) {
    std::optional<models::ExportFormat> parsed = models::ParseExportFormat(**format);
    if (!parsed) {
      return ex.Fail(Status::InvalidArgument("format は csv か jsonl です: " + **format,
                                             "format is csv or jsonl: " + **format));
    }
    options.format = *parsed;
  }
  if (*encoding) {
    std::optional<models::ExportEncoding> parsed = models::ParseExportEncoding(**encoding);
    if (!parsed) {
      return ex.Fail(Status::InvalidArgument(
          "encoding は utf-8、utf-8-bom、cp932 のどれかです: " + **encoding,
          "encoding is one of utf-8, utf-8-bom, cp932: " + **encoding));
    }
    options.encoding = *parsed;
  }
  options.replace_unmappable = *replace;
  if (Status checked = output::CheckExportOptions(options); !checked.ok()) return ex.Fail(checked);
  Result<models::ExportStatus> status = ParseStatusText(*status_text);
  if (!status.ok()) return ex.Fail(status.status());
  if (Status exists = CheckFormExists(store_, **form_id); !exists.ok()) return ex.Fail(exists);

  output::ExportSelection selection;
  selection.tenant_code = ex.user->tenant_code;
  selection.form_id = **form_id;
  selection.status = *status;
  selection.only_new = *only_new;
  Result<output::ExportBatch> batch = output::SelectForExport(store_, selection);
  if (!batch.ok()) return ex.Fail(batch.status());
  if (batch->documents.empty()) {
    return ex.Fail(Status::FailedPrecondition(
        selection.only_new ? "前回の書き出しの後に新しくなった記録はありません。何も書き出していません"
                           : "書き出す記録がありません。何も書き出していません",
        selection.only_new ? "no record is new since the last export; nothing was exported"
                           : "there is no record to export; nothing was exported"));
  }
  Result<output::ExportWriter> writer = output::ExportWriter::Create(batch->versions, options);
  if (!writer.ok()) return ex.Fail(writer.status());

  // Every character CP932 cannot hold is named before anything is written.
  if (!options.replace_unmappable) {
    const std::vector<output::Unmappable> unmappable = writer->FindUnmappable(batch->documents);
    if (!unmappable.empty()) {
      std::string ja;
      std::string en;
      Json where = Json::array();
      for (const output::Unmappable& u : unmappable) {
        const Text text = output::DescribeUnmappable(u, false);
        ja += text.ja + "。";
        en += text.en + "; ";
        char code[16];
        std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(u.character));
        where.push_back({{"document", u.document_id}, {"field", u.column}, {"character", code}});
      }
      Json error = ErrorJson(Status::InvalidArgument(
          ja + "CP932 で書けない文字があるため、何も書き出していません。〓 に置き換えて書き出すには"
               "「書けない文字を〓にする」を選んでください",
          en + "nothing was exported: CP932 cannot hold these characters; choose to replace "
               "them with 〓 (replace_unmappable) to export anyway"));
      error["unmappable"] = where;
      return ex.Send(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, error);
    }
  }

  std::ostringstream file;
  Result<std::vector<output::Unmappable>> replaced = writer->Write(batch->documents, file);
  if (!replaced.ok()) return ex.Fail(replaced.status());
  const models::NewExport record =
      output::ExportToRecord(selection, options, batch->documents, ex.user->name, ex.user->id,
                             static_cast<int>(replaced->size()));
  Result<models::ExportRecord> recorded = store_.RecordExport(record);
  if (!recorded.ok()) return ex.Fail(recorded.status());

  const bool csv = options.format == models::ExportFormat::kCsv;
  const std::string charset =
      options.encoding == models::ExportEncoding::kCp932 ? "Shift_JIS" : "utf-8";
  const std::string content_type =
      (csv ? "text/csv" : "application/jsonl") + std::string("; charset=") + charset;
  const std::string name = FileNamePart(batch->versions.front().title) + "_" + JapanStamp() +
                           (selection.only_new ? "_新着" : "") + (csv ? ".csv" : ".jsonl");
  ex.response.set("X-Adbridge-Export", std::to_string(recorded->id));
  ex.response.set("X-Adbridge-Documents", std::to_string(recorded->document_count));
  ex.response.set("X-Adbridge-Replaced", std::to_string(replaced->size()));
  ex.SendBytes(content_type, file.view(), name);
}

void DepartmentApi::Exports(Exchange& ex) {
  if (!MayRead(*ex.user)) return ex.Fail(RoleRefused());
  std::optional<std::string> form_id = ex.Query("form");
  if (form_id && form_id->empty()) form_id.reset();
  Result<std::vector<models::ExportRecord>> exports =
      store_.ListExports(ex.user->tenant_code, form_id);
  if (!exports.ok()) return ex.Fail(exports.status());
  Json rows = Json::array();
  for (const models::ExportRecord& e : *exports) rows.push_back(ExportJson(e));
  ex.Ok({{"exports", rows}});
}

void DepartmentApi::Letters(Exchange& ex) {
  if (!MayMake(*ex.user)) return ex.Fail(RoleRefused());
  Result<Json> body = ReadJsonBody(ex.request, kMaxJsonBodyBytes);
  if (!body.ok()) return ex.Fail(body.status());
  Result<bool> large_print = BoolMember(*body, "large_print");
  if (!large_print.ok()) return ex.Fail(large_print.status());
  Result<std::string> spec = BundledTemplate(*body);
  if (!spec.ok()) return ex.Fail(spec.status());

  const output::FormLookup forms = [&](const std::string& form_id) {
    return ingest::LoadRegisteredForm(store_, blobs_, form_id, std::nullopt);
  };
  Result<output::LetterTemplate> letter = output::LoadLetterTemplate(*spec, forms);
  if (!letter.ok()) return ex.Fail(letter.status());
  output::LetterBatchRequest request;
  request.tenant_code = ex.user->tenant_code;
  request.requested_by = ex.user->name;
  request.user_id = ex.user->id;
  request.large_print = *large_print;
  Result<output::MadeLetterBatch> made =
      output::MakeLetterBatch(store_, blobs_, *letter, request);
  if (!made.ok()) return ex.Fail(made.status());
  Json skipped = Json::array();
  for (const output::SkippedRecord& s : made->skipped) {
    skipped.push_back({{"document", s.document_id},
                       {"reason", s.reason.message(Lang::kJa)},
                       {"reason_en", s.reason.message(Lang::kEn)}});
  }
  ex.Ok({{"batch", made->batch ? BatchJson(*made->batch) : Json(nullptr)},
         {"skipped", skipped}});
}

void DepartmentApi::LetterBatches(Exchange& ex) {
  if (!MayRead(*ex.user)) return ex.Fail(RoleRefused());
  Result<std::vector<models::LetterBatch>> batches =
      store_.ListLetterBatches(ex.user->tenant_code);
  if (!batches.ok()) return ex.Fail(batches.status());
  Json rows = Json::array();
  for (const models::LetterBatch& b : *batches) rows.push_back(BatchJson(b));
  ex.Ok({{"batches", rows}});
}

void DepartmentApi::LetterBatchPdf(Exchange& ex, std::int64_t batch_id) {
  if (!MayRead(*ex.user)) return ex.Fail(RoleRefused());
  const std::string id = std::to_string(batch_id);
  const Status not_found =
      Status::NotFound("手紙の束 " + id + " はありません", "there is no letter batch " + id);
  Result<models::LetterBatch> batch = store_.GetLetterBatch(batch_id);
  if (!batch.ok()) {
    return ex.Fail(batch.status().code() == StatusCode::kNotFound ? not_found : batch.status());
  }
  // Another municipality's batch is answered as if there were none.
  if (batch->tenant_code != ex.user->tenant_code) return ex.Fail(not_found);
  Result<std::vector<std::uint8_t>> pdf = blobs_.Get(batch->pdf_sha256);
  if (!pdf.ok()) return ex.Fail(pdf.status());
  if (Status audited = output::AuditBatchHandout(
          store_, *batch, output::BatchHandout::kDownloaded, ex.user->name, ex.user->id);
      !audited.ok()) {
    return ex.Fail(audited);
  }
  ex.SendBytes("application/pdf", std::span<const std::uint8_t>(*pdf),
               "手紙_" + batch->template_id + "_" + id + ".pdf");
}

void DepartmentApi::Scripts(Exchange& ex) {
  if (!MayMake(*ex.user)) return ex.Fail(RoleRefused());
  Result<Json> body = ReadJsonBody(ex.request, kMaxJsonBodyBytes);
  if (!body.ok()) return ex.Fail(body.status());
  Result<std::optional<std::string>> format_text = StringMember(*body, "format");
  if (!format_text.ok()) return ex.Fail(format_text.status());
  output::ScriptFileFormat format = output::ScriptFileFormat::kPdf;
  if (*format_text && **format_text == "text") {
    format = output::ScriptFileFormat::kText;
  } else if (*format_text && **format_text != "pdf") {
    return ex.Fail(Status::InvalidArgument("format は pdf か text です: " + **format_text,
                                           "format is pdf or text: " + **format_text));
  }
  Result<std::string> spec = BundledTemplate(*body);
  if (!spec.ok()) return ex.Fail(spec.status());

  output::ScriptRunOptions options;
  options.tenant_code = ex.user->tenant_code;
  options.user_id = ex.user->id;
  Result<output::VerifiedPhoneScripts> made =
      output::BuildVerifiedPhoneScripts(store_, *spec, options);
  if (!made.ok()) return ex.Fail(made.status());
  if (made->scripts.empty()) {
    std::string ja = "電話台本を作れる確認済みの記録がありません";
    std::string en = "no verified record can have a phone script";
    for (const output::SkippedRecord& s : made->skipped) {
      ja += "。" + s.reason.message(Lang::kJa);
      en += "; " + s.reason.message(Lang::kEn);
    }
    return ex.Fail(Status::FailedPrecondition(ja, en));
  }
  Result<std::string> file = output::PhoneScriptsFile(made->scripts, format);
  if (!file.ok()) return ex.Fail(file.status());
  const output::ScriptRunSummary summary{made->template_id, made->form_id,
                                         static_cast<int>(made->scripts.size()), made->skipped,
                                         true};
  if (Status audited = output::AuditPhoneScripts(store_, summary, format, options);
      !audited.ok()) {
    return ex.Fail(audited);
  }
  const bool pdf = format == output::ScriptFileFormat::kPdf;
  ex.response.set("X-Adbridge-Scripts", std::to_string(summary.scripts));
  ex.response.set("X-Adbridge-Skipped", std::to_string(summary.skipped.size()));
  ex.SendBytes(pdf ? "application/pdf" : "text/plain; charset=utf-8", *file,
               "電話台本_" + made->template_id + "_" + JapanStamp() + (pdf ? ".pdf" : ".txt"));
}

}  // namespace adbridge::server
