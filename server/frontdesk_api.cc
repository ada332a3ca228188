#include "server/frontdesk_api.h"

#include <charconv>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "ingest/document_pages.h"
#include "ingest/scan_ingestor.h"
#include "models/utf8.h"

namespace adbridge::server {
namespace {

using Json = nlohmann::json;

constexpr int kDefaultListLimit = 200;
constexpr int kMaxListLimit = 1000;
constexpr int kDefaultPreviewWidth = 240;
constexpr int kMaxPreviewWidth = 1600;
constexpr std::size_t kMaxSourceNameBytes = 255;

bool WorksTheFrontDesk(const models::User& user) {
  return HasRole(user, {models::Role::kFrontdesk, models::Role::kSupervisor, models::Role::kAdmin});
}

// A whole number in [min, max] from a path part or query value, or nullopt.
std::optional<int> WholeNumber(std::string_view text, int min, int max) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

// Query parameter `name` as a whole number in [min, max]; `fallback` when absent or empty.
Result<int> QueryNumber(const Exchange& ex, const char* name, int fallback, int min, int max) {
  const std::optional<std::string> text = ex.Query(name);
  if (!text || text->empty()) return fallback;
  if (std::optional<int> value = WholeNumber(*text, min, max)) return *value;
  const std::string range = std::to_string(min) + "〜" + std::to_string(max);
  return Status::InvalidArgument(
      std::string(name) + " は " + range + " の整数です",
      std::string(name) + " is a whole number from " + std::to_string(min) + " to " +
          std::to_string(max));
}

// The name an upload is stored under: the file's own name (a browser may send a path), valid
// UTF-8 without control characters, at most 255 bytes.
Result<std::string> SourceName(const std::optional<std::string>& given) {
  if (!given || given->empty()) {
    return Status::InvalidArgument("ファイル名 (name) がありません", "\"name\" is missing");
  }
  std::string name = *given;
  const std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name = name.substr(slash + 1);
  const std::optional<std::u32string> decoded = models::DecodeUtf8(name);
  bool control = false;
  if (decoded) {
    for (char32_t c : *decoded) control = control || c < 0x20 || c == 0x7f;
  }
  if (name.empty() || name == "." || name == ".." || !decoded || control ||
      name.size() > kMaxSourceNameBytes) {
    return Status::InvalidArgument(
        "ファイル名 (name) は 255 バイトまでの、制御文字のない UTF-8 の名前です",
        "\"name\" must be a file name of at most 255 bytes of UTF-8 without control characters");
  }
  return name;
}

Status NoSuchDocument(std::int64_t id) {
  return Status::NotFound("文書 " + std::to_string(id) + " はありません",
                          "there is no document " + std::to_string(id));
}

// A page index member of a body ("first_page"), or InvalidArgument naming it.
Result<int> PageMember(const Json& body, const char* name) {
  ADB_ASSIGN_OR_RETURN(std::optional<std::int64_t> value, IntMember(body, name));
  if (!value || *value < 0 || *value > 100000) {
    return Status::InvalidArgument(std::string("「") + name + "」(0 から始まるページ番号) が必要です",
                                   std::string("\"") + name + "\" (a page number from 0) is required");
  }
  return static_cast<int>(*value);
}

}  // namespace

FrontdeskApi::FrontdeskApi(models::Store& store, const models::BlobStore& blobs,
                           ingest::ImageLimits limits)
    : store_(store), blobs_(blobs), limits_(limits) {}

std::vector<std::string> FrontdeskApi::Endpoints() const {
  return {"POST /api/documents/upload",
          "GET /api/forms",
          "GET /api/frontdesk/documents",
          "GET /api/frontdesk/documents/ID",
          "POST /api/documents/ID/form",
          "POST /api/documents/ID/split",
          "POST /api/documents/ID/merge",
          "GET /api/documents/ID/pages/N/preview.png",
          "POST /api/documents/ID/pages/N/rotate",
          "POST /api/documents/ID/pages/N/remove"};
}

bool FrontdeskApi::Route(Exchange& ex, const std::vector<std::string>& parts) {
  const bool get = ex.method == "GET";
  const bool post = ex.method == "POST";
  const std::size_t n = parts.size();
  if (n < 2 || parts[0] != "api") return false;

  // Which endpoint, before the role is checked, so that the role's refusal is a 403 only for
  // paths that exist.
  std::function<void()> answer;
  if (n == 3 && parts[1] == "documents" && parts[2] == "upload" && post) {
    answer = [&] { Upload(ex); };
  } else if (n == 2 && parts[1] == "forms" && get) {
    answer = [&] { Forms(ex); };
  } else if (n == 3 && parts[1] == "frontdesk" && parts[2] == "documents" && get) {
    answer = [&] { ListDocuments(ex); };
  } else if (n == 4 && parts[1] == "frontdesk" && parts[2] == "documents" && get) {
    if (std::optional<std::int64_t> id = ParseId(parts[3])) {
      answer = [&ex, this, id = *id] { Detail(ex, id); };
    }
  } else if (n == 4 && parts[1] == "documents" && post &&
             (parts[3] == "form" || parts[3] == "split" || parts[3] == "merge")) {
    if (std::optional<std::int64_t> id = ParseId(parts[2])) {
      answer = [&ex, this, id = *id, fix = parts[3]] { Fix(ex, id, fix); };
    }
  } else if (n == 6 && parts[1] == "documents" && parts[3] == "pages") {
    const std::optional<std::int64_t> id = ParseId(parts[2]);
    const std::optional<int> page = WholeNumber(parts[4], 0, 100000);
    if (id && page) {
      if (get && parts[5] == "preview.png") {
        answer = [&ex, this, id = *id, page = *page] { Preview(ex, id, page); };
      } else if (post && (parts[5] == "rotate" || parts[5] == "remove")) {
        answer = [&ex, this, id = *id, page = *page, fix = parts[5]] {
          FixPage(ex, id, page, fix);
        };
      }
    }
  }
  if (!answer) return false;
  // The form chooser's list is no secret to the departments either.
  const bool forms = parts[1] == "forms";
  if (forms ? !HasRole(*ex.user, {models::Role::kFrontdesk, models::Role::kSupervisor,
                                  models::Role::kAdmin, models::Role::kDepartment})
            : !WorksTheFrontDesk(*ex.user)) {
    ex.Fail(RoleRefused());
    return true;
  }
  answer();
  return true;
}

void FrontdeskApi::Upload(Exchange& ex) {
  Result<std::string> name = SourceName(ex.Query("name"));
  if (!name.ok()) return ex.Fail(name.status());
  Result<std::string> body = ReadBody(ex.request, static_cast<std::size_t>(limits_.max_bytes));
  if (!body.ok()) return ex.Fail(body.status());
  ingest::IngestOptions options;
  options.tenant_code = ex.user->tenant_code;
  options.limits = limits_;
  ingest::ScanIngestor ingestor(store_, blobs_, options);
  Result<ingest::IngestedScan> scan = ingestor.IngestBytes(
      std::span(reinterpret_cast<const std::uint8_t*>(body->data()), body->size()), *name);
  if (!scan.ok()) return ex.Fail(scan.status().WithPrefix(*name + ": "));

  models::AuditEvent uploaded;
  uploaded.user_id = ex.user->id;
  uploaded.action = "document.uploaded";
  uploaded.document_id = scan->document_id;
  uploaded.detail_json =
      Json({{"source_name", *name}, {"bytes", body->size()}, {"duplicate", scan->duplicate}})
          .dump();
  if (Status audited = store_.AppendAudit(uploaded); !audited.ok()) return ex.Fail(audited);

  Result<models::Document> document = store_.GetDocument(scan->document_id);
  if (!document.ok()) return ex.Fail(document.status());
  std::map<std::string, std::string> titles;
  Result<Json> row = DocumentRow(*document, titles);
  if (!row.ok()) return ex.Fail(row.status());
  ex.Ok({{"document", *row}, {"duplicate", scan->duplicate}});
}

void FrontdeskApi::ListDocuments(Exchange& ex) {
  std::optional<models::DocumentState> state;
  if (std::optional<std::string> text = ex.Query("state"); text && !text->empty()) {
    state = models::ParseDocumentState(*text);
    if (!state) {
      return ex.Fail(Status::InvalidArgument("文書の状態 " + *text + " はありません",
                                             "there is no document state " + *text));
    }
  }
  Result<int> limit = QueryNumber(ex, "limit", kDefaultListLimit, 1, kMaxListLimit);
  if (!limit.ok()) return ex.Fail(limit.status());
  Result<std::vector<models::Document>> documents =
      store_.ListTenantDocuments(ex.user->tenant_code, state, *limit);
  if (!documents.ok()) return ex.Fail(documents.status());
  std::map<std::string, std::string> titles;
  Json rows = Json::array();
  for (const models::Document& document : *documents) {
    Result<Json> row = DocumentRow(document, titles);
    if (!row.ok()) return ex.Fail(row.status());
    rows.push_back(std::move(*row));
  }
  ex.Ok({{"documents", rows}});
}

void FrontdeskApi::Detail(Exchange& ex, std::int64_t id) {
  Result<models::Document> document = OwnDocument(*ex.user, id);
  if (!document.ok()) return ex.Fail(document.status());
  Result<Json> detail = DocumentDetail(*document);
  if (!detail.ok()) return ex.Fail(detail.status());
  ex.Ok(*detail);
}

void FrontdeskApi::Preview(Exchange& ex, std::int64_t id, int page_index) {
  Result<int> width = QueryNumber(ex, "width", kDefaultPreviewWidth, 16, kMaxPreviewWidth);
  if (!width.ok()) return ex.Fail(width.status());
  Result<models::Document> document = OwnDocument(*ex.user, id);
  if (!document.ok()) return ex.Fail(document.status());
  Result<std::vector<models::PageRecord>> pages = store_.ListPages(id);
  if (!pages.ok()) return ex.Fail(pages.status());
  if (page_index >= static_cast<int>(pages->size())) {
    return ex.Fail(Status::NotFound(
        "文書 " + std::to_string(id) + " に " + std::to_string(page_index + 1) + " 枚目はありません",
        "document " + std::to_string(id) + " has no page " + std::to_string(page_index + 1)));
  }
  // Only the asked page's source is decoded.
  Result<std::vector<ingest::GreyPage>> image =
      ingest::LoadDocumentPages(blobs_, {(*pages)[page_index]}, limits_);
  if (!image.ok()) return ex.Fail(image.status());
  Result<std::vector<std::uint8_t>> png = ingest::EncodePagePreviewPng(image->front(), *width);
  if (!png.ok()) return ex.Fail(png.status());
  ex.SendBytes("image/png", std::span<const std::uint8_t>(*png));
}

void FrontdeskApi::Forms(Exchange& ex) {
  Result<std::vector<models::FormRecord>> forms = store_.ListForms();
  if (!forms.ok()) return ex.Fail(forms.status());
  // The newest version of each form (ListForms orders by id, then version).
  Json rows = Json::array();
  for (std::size_t i = 0; i < forms->size(); ++i) {
    const models::FormRecord& form = (*forms)[i];
    if (i + 1 < forms->size() && (*forms)[i + 1].id == form.id) continue;
    rows.push_back({{"id", form.id},
                    {"version", form.version},
                    {"title", form.title},
                    {"department", form.department}});
  }
  ex.Ok({{"forms", rows}});
}

void FrontdeskApi::Fix(Exchange& ex, std::int64_t id, const std::string& fix) {
  Result<Json> body = ReadJsonBody(ex.request, kMaxJsonBodyBytes);
  if (!body.ok()) return ex.Fail(body.status());
  const std::string& tenant = ex.user->tenant_code;
  std::optional<std::int64_t> new_document;
  Status done;
  if (fix == "form") {
    Result<std::optional<std::string>> form_id = StringMember(*body, "form_id");
    if (!form_id.ok()) return ex.Fail(form_id.status());
    Result<std::optional<std::int64_t>> version = IntMember(*body, "version");
    if (!version.ok()) return ex.Fail(version.status());
    if (!*form_id || (*form_id)->empty()) {
      return ex.Fail(
          Status::InvalidArgument("様式 (form_id) がありません", "\"form_id\" is missing"));
    }
    if (*version && (**version < 1 || **version > 1000000)) {
      return ex.Fail(Status::InvalidArgument("版 (version) は 1 以上の整数です",
                                             "\"version\" is a whole number from 1"));
    }
    std::optional<int> v;
    if (*version) v = static_cast<int>(**version);
    done = store_.AssignForm(id, tenant, **form_id, v, ex.user->id);
  } else if (fix == "split") {
    Result<int> first_page = PageMember(*body, "first_page");
    if (!first_page.ok()) return ex.Fail(first_page.status());
    Result<std::int64_t> piece = ingest::SplitScannedDocument(store_, blobs_, id, tenant,
                                                              *first_page, ex.user->id, limits_);
    done = piece.status();
    if (piece.ok()) new_document = *piece;
  } else {
    Result<std::optional<std::int64_t>> from = IntMember(*body, "from");
    if (!from.ok()) return ex.Fail(from.status());
    if (!*from || **from < 1) {
      return ex.Fail(Status::InvalidArgument("合わせる文書 (from) の番号がありません",
                                             "\"from\", the document to merge in, is missing"));
    }
    done = store_.MergeDocuments(id, **from, tenant, ex.user->id);
  }
  if (!done.ok()) return ex.Fail(done);
  Result<models::Document> document = OwnDocument(*ex.user, id);
  if (!document.ok()) return ex.Fail(document.status());
  Result<Json> detail = DocumentDetail(*document);
  if (!detail.ok()) return ex.Fail(detail.status());
  if (new_document) (*detail)["new_document"] = *new_document;
  ex.Ok(*detail);
}

void FrontdeskApi::FixPage(Exchange& ex, std::int64_t id, int page_index,
                           const std::string& fix) {
  Result<Json> body = ReadJsonBody(ex.request, kMaxJsonBodyBytes);
  if (!body.ok()) return ex.Fail(body.status());
  Status done;
  if (fix == "rotate") {
    Result<std::optional<std::int64_t>> degrees = IntMember(*body, "degrees");
    if (!degrees.ok()) return ex.Fail(degrees.status());
    if (!*degrees || (**degrees != 90 && **degrees != 180 && **degrees != 270)) {
      return ex.Fail(Status::InvalidArgument("回転 (degrees) は 90、180、270 のどれかです",
                                             "\"degrees\" is 90, 180 or 270"));
    }
    done = store_.RotatePage(id, ex.user->tenant_code, page_index, static_cast<int>(**degrees),
                             ex.user->id);
  } else {
    done = store_.RemovePage(id, ex.user->tenant_code, page_index, ex.user->id);
  }
  if (!done.ok()) return ex.Fail(done);
  Detail(ex, id);
}

Result<models::Document> FrontdeskApi::OwnDocument(const models::User& user, std::int64_t id) {
  Result<models::Document> document = store_.GetDocument(id);
  if (!document.ok()) {
    if (document.status().code() == StatusCode::kNotFound) return NoSuchDocument(id);
    return document.status();
  }
  if (document->tenant_code != user.tenant_code) return NoSuchDocument(id);
  return document;
}

Result<Json> FrontdeskApi::DocumentRow(const models::Document& d,
                                       std::map<std::string, std::string>& titles) {
  Json title = nullptr;
  if (d.form_id) {
    const std::string key = *d.form_id + "@" + std::to_string(d.form_version.value_or(0));
    auto found = titles.find(key);
    if (found == titles.end()) {
      Result<models::FormRecord> form = store_.GetForm(*d.form_id, d.form_version);
      found = titles.emplace(key, form.ok() ? form->title : *d.form_id).first;
    }
    title = found->second;
  }
  ADB_ASSIGN_OR_RETURN(std::vector<models::ReviewTask> tasks, store_.ListReviewTasks(d.id));
  int open = 0;
  for (const models::ReviewTask& task : tasks) {
    if (task.state != models::TaskState::kDone) ++open;
  }
  return Json{{"id", d.id},
              {"state", models::DocumentStateName(d.state)},
              {"source", models::DocumentSourceName(d.source)},
              {"source_name", d.source_name},
              {"form_id", OptionalText(d.form_id)},
              {"form_version", d.form_version ? Json(*d.form_version) : Json(nullptr)},
              {"form_title", title},
              {"pages", d.page_count},
              {"failure_reason", d.failure_reason},
              {"open_tasks", open},
              {"created_at", d.created_at},
              {"updated_at", d.updated_at}};
}

Result<Json> FrontdeskApi::DocumentDetail(const models::Document& d) {
  std::map<std::string, std::string> titles;
  ADB_ASSIGN_OR_RETURN(Json row, DocumentRow(d, titles));
  ADB_ASSIGN_OR_RETURN(std::vector<models::PageRecord> pages, store_.ListPages(d.id));
  ADB_ASSIGN_OR_RETURN(std::vector<models::ReviewTask> tasks, store_.ListReviewTasks(d.id));
  const std::string base = "/api/documents/" + std::to_string(d.id) + "/pages/";
  Json page_rows = Json::array();
  for (const models::PageRecord& page : pages) {
    page_rows.push_back(
        {{"index", page.page_index},
         {"outcome", page.outcome ? Json(models::PageOutcomeName(*page.outcome)) : Json(nullptr)},
         {"note", page.note},
         {"form_page", page.form_page ? Json(*page.form_page) : Json(nullptr)},
         {"rotation", page.rotation},
         {"width", page.width_px},
         {"height", page.height_px},
         {"preview_url", base + std::to_string(page.page_index) + "/preview.png"}});
  }
  Json classification = nullptr;
  for (const models::ReviewTask& task : tasks) {
    if (task.kind != models::TaskKind::kClassification) continue;
    classification = {{"id", task.id},
                      {"state", models::TaskStateName(task.state)},
                      {"reason", task.reason}};
  }
  Json form = nullptr;
  if (d.form_id) {
    form = {{"id", *d.form_id},
            {"version", d.form_version ? Json(*d.form_version) : Json(nullptr)},
            {"title", row["form_title"]}};
  }
  return Json{{"document", row},
              {"pages", page_rows},
              {"form", form},
              {"classification", classification}};
}

}  // namespace adbridge::server
