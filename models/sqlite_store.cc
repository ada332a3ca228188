// The SQLite implementation of Store: one connection per Store, every call serialised on a
// mutex, every change in one BEGIN IMMEDIATE transaction. Several processes (or several Store
// objects) may open the same file; SQLite's write lock and busy_timeout order their writes.
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <utility>

#include "models/internal/migrations.h"
#include "models/internal/sha256_name.h"
#include "models/internal/sqlite.h"
#include "models/store.h"

namespace adbridge::models {
namespace {

using internal::IsSha256Name;
using internal::SqliteDb;
using internal::Statement;
using internal::StatementCache;
using internal::Transaction;

constexpr std::string_view kDefaultTenantName = "既定の自治体";

// ---- SQL ----------------------------------------------------------------------------------

constexpr char kSelectTenantByCode[] = "SELECT id, code, name FROM tenants WHERE code = ?1";
constexpr char kInsertTenant[] =
    "INSERT INTO tenants (code, name) VALUES (?1, ?2) ON CONFLICT (code) DO NOTHING";

#define ADB_FORM_COLUMNS "SELECT id, version, title, department, definition_json, created_at "
constexpr char kSelectForm[] = ADB_FORM_COLUMNS "FROM forms WHERE id = ?1 AND version = ?2";
constexpr char kSelectNewestForm[] =
    ADB_FORM_COLUMNS "FROM forms WHERE id = ?1 ORDER BY version DESC LIMIT 1";
constexpr char kSelectAllForms[] = ADB_FORM_COLUMNS "FROM forms ORDER BY id, version";
#undef ADB_FORM_COLUMNS
constexpr char kSelectFormPages[] =
    "SELECT reference_sha256 FROM form_pages WHERE form_id = ?1 AND form_version = ?2 "
    "ORDER BY page";
constexpr char kSelectAllFormPages[] =
    "SELECT form_id, form_version, reference_sha256 FROM form_pages "
    "ORDER BY form_id, form_version, page";
constexpr char kInsertForm[] =
    "INSERT INTO forms (id, version, title, department, definition_json) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr char kInsertFormPage[] =
    "INSERT INTO form_pages (form_id, form_version, page, reference_sha256) "
    "VALUES (?1, ?2, ?3, ?4)";

constexpr char kSelectBlobSize[] = "SELECT size FROM blobs WHERE sha256 = ?1";
constexpr char kInsertBlob[] = "INSERT INTO blobs (sha256, size, media_type) VALUES (?1, ?2, ?3)";

constexpr char kSelectDocumentByOriginal[] =
    "SELECT id FROM documents WHERE tenant_id = ?1 AND original_sha256 = ?2";
constexpr char kInsertDocument[] =
    "INSERT INTO documents (tenant_id, source, source_name, original_sha256, media_type, "
    "original_size, form_id, form_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr char kInsertPage[] =
    "INSERT INTO pages (document_id, page_index, width_px, height_px, dpi) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

#define ADB_DOCUMENT_COLUMNS                                                                   \
  "SELECT d.id, t.code, d.source, d.source_name, d.original_sha256, d.media_type, d.form_id, " \
  "d.form_version, d.state, d.failure_reason, "                                                \
  "(SELECT count(*) FROM pages p WHERE p.document_id = d.id), d.created_at, d.updated_at "     \
  "FROM documents d JOIN tenants t ON t.id = d.tenant_id "
constexpr char kSelectDocument[] = ADB_DOCUMENT_COLUMNS "WHERE d.id = ?1";
constexpr char kSelectAllDocuments[] = ADB_DOCUMENT_COLUMNS "ORDER BY d.id";
constexpr char kSelectDocumentsInState[] = ADB_DOCUMENT_COLUMNS "WHERE d.state = ?1 ORDER BY d.id";
#undef ADB_DOCUMENT_COLUMNS

constexpr char kSelectUserExists[] = "SELECT 1 FROM users WHERE id = ?1";
constexpr char kInsertAudit[] =
    "INSERT INTO audit_log (user_id, action, document_id, field_id, detail_json) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr char kSelectRecentAudit[] =
    "SELECT id, at, user_id, action, document_id, field_id, detail_json FROM audit_log "
    "ORDER BY id DESC LIMIT ?1";

// ---- reading ----
#define ADB_NOW_SQL "strftime('%Y-%m-%dT%H:%M:%fZ','now')"
// Documents whose worker stopped (its lease ran out) too many times are not handed out again:
// whatever stops the worker would stop the next one too.
constexpr char kFailAbandoned[] =
    "UPDATE documents SET state = 'failed', failure_reason = ?1, lease_owner = NULL, "
    "lease_expires_at = NULL, updated_at = " ADB_NOW_SQL " "
    "WHERE state = 'processing' AND lease_expires_at < " ADB_NOW_SQL " AND attempts >= ?2 "
    "RETURNING id";
// One statement picks and takes the document, so two workers never get the same one. Fewer
// attempts first: a document that failed once waits behind the fresh ones.
constexpr char kClaimDocument[] =
    "UPDATE documents SET state = 'processing', lease_owner = ?1, "
    "lease_expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?2), attempts = attempts + 1, "
    "updated_at = " ADB_NOW_SQL " "
    "WHERE id = (SELECT id FROM documents WHERE source = 'scan' AND (state = 'received' OR "
    "  (state = 'processing' AND lease_expires_at < " ADB_NOW_SQL ")) "
    "  ORDER BY attempts, id LIMIT 1) "
    "RETURNING id";
constexpr char kSelectLease[] = "SELECT state, lease_owner, attempts FROM documents WHERE id = ?1";
constexpr char kSetDocumentRead[] =
    "UPDATE documents SET state = ?2, form_id = ?3, form_version = ?4, failure_reason = '', "
    "lease_owner = NULL, lease_expires_at = NULL, updated_at = " ADB_NOW_SQL " WHERE id = ?1";
constexpr char kReleaseDocument[] =
    "UPDATE documents SET state = ?2, failure_reason = ?3, lease_owner = NULL, "
    "lease_expires_at = NULL, updated_at = " ADB_NOW_SQL " WHERE id = ?1";
constexpr char kSetPageOutcome[] =
    "UPDATE pages SET form_page = ?3, outcome = ?4, note = ?5 "
    "WHERE document_id = ?1 AND page_index = ?2";
constexpr char kDeleteTasks[] = "DELETE FROM review_tasks WHERE document_id = ?1";
constexpr char kDeleteFields[] = "DELETE FROM fields WHERE document_id = ?1";
constexpr char kInsertField[] =
    "INSERT INTO fields (document_id, name, value, ocr_value, confidence, state, "
    "validation_error, snippet_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr char kInsertTask[] =
    "INSERT INTO review_tasks (document_id, field_id, kind, priority, reason) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr char kSelectFields[] =
    "SELECT id, document_id, name, value, ocr_value, confidence, state, validation_error, "
    "snippet_sha256 FROM fields WHERE document_id = ?1 ORDER BY id";
constexpr char kSelectPages[] =
    "SELECT page_index, form_page, outcome, note, width_px, height_px, dpi FROM pages "
    "WHERE document_id = ?1 ORDER BY page_index";
constexpr char kSelectTasks[] =
    "SELECT t.id, t.document_id, t.field_id, coalesce(f.name, ''), t.kind, t.state, t.priority, "
    "t.reason FROM review_tasks t LEFT JOIN fields f ON f.id = t.field_id "
    "WHERE t.document_id = ?1 ORDER BY t.id";
#undef ADB_NOW_SQL

// ---- helpers ------------------------------------------------------------------------------

// Audit details hold names people typed or files were called, which may not be UTF-8 (a
// CP932 file name); replacing bad bytes keeps the event rather than losing it to an exception.
std::string DumpJson(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool IsValidJson(std::string_view text) { return nlohmann::json::accept(text); }

// The same definition, ignoring layout: a file re-saved with other indentation is not a new
// form.
bool SameDefinition(const std::string& a, const std::string& b) {
  if (a == b) return true;
  nlohmann::json ja = nlohmann::json::parse(a, nullptr, /*allow_exceptions=*/false);
  nlohmann::json jb = nlohmann::json::parse(b, nullptr, /*allow_exceptions=*/false);
  if (ja.is_discarded() || jb.is_discarded()) return false;
  return ja == jb;
}

bool IsCodeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool IsFormIdChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

template <typename Pred>
bool AllOf(std::string_view text, Pred pred) {
  for (char c : text) {
    if (!pred(c)) return false;
  }
  return true;
}

std::optional<DocumentSource> ParseDocumentSource(std::string_view name) {
  if (name == DocumentSourceName(DocumentSource::kScan)) return DocumentSource::kScan;
  if (name == DocumentSourceName(DocumentSource::kPhone)) return DocumentSource::kPhone;
  return std::nullopt;
}

Status MalformedSha256(std::string_view what_ja, std::string_view what_en,
                       const std::string& value) {
  return Status::InvalidArgument(
      std::string(what_ja) + "は小文字16進の SHA-256 (64文字) でなければなりません: " + value,
      std::string(what_en) + " must be a lower-case hex SHA-256 (64 characters): " + value);
}

Tenant ReadTenant(const Statement& row) {
  return Tenant{.id = row.Int(0), .code = row.Text(1), .name = row.Text(2)};
}

FormRecord ReadForm(const Statement& row) {
  FormRecord form;
  form.id = row.Text(0);
  form.version = static_cast<int>(row.Int(1));
  form.title = row.Text(2);
  form.department = row.Text(3);
  form.definition_json = row.Text(4);
  form.created_at = row.Text(5);
  return form;
}

Result<Document> ReadDocument(const Statement& row) {
  Document doc;
  doc.id = row.Int(0);
  doc.tenant_code = row.Text(1);
  const std::string source = row.Text(2);
  const std::string state = row.Text(8);
  std::optional<DocumentSource> parsed_source = ParseDocumentSource(source);
  std::optional<DocumentState> parsed_state = ParseDocumentState(state);
  if (!parsed_source || !parsed_state) {
    // The CHECK constraints make this impossible unless the file was edited by hand.
    const std::string id = std::to_string(doc.id);
    return Status::DataLoss(
        "文書 " + id + " の source/state が不正です: " + source + "/" + state,
        "document " + id + " has an invalid source/state: " + source + "/" + state);
  }
  doc.source = *parsed_source;
  doc.source_name = row.Text(3);
  doc.original_sha256 = row.Text(4);
  doc.media_type = row.Text(5);
  doc.form_id = row.OptionalText(6);
  if (std::optional<std::int64_t> version = row.OptionalInt(7)) {
    doc.form_version = static_cast<int>(*version);
  }
  doc.state = *parsed_state;
  doc.failure_reason = row.Text(9);
  doc.page_count = static_cast<int>(row.Int(10));
  doc.created_at = row.Text(11);
  doc.updated_at = row.Text(12);
  return doc;
}

AuditEvent ReadAudit(const Statement& row) {
  AuditEvent event;
  event.id = row.Int(0);
  event.at = row.Text(1);
  event.user_id = row.OptionalInt(2);
  event.action = row.Text(3);
  event.document_id = row.OptionalInt(4);
  event.field_id = row.OptionalInt(5);
  event.detail_json = row.Text(6);
  return event;
}

// An event the store itself records (no user: the caller of these methods is the system).
AuditEvent SystemEvent(std::string action, std::optional<std::int64_t> document_id,
                       std::string detail_json) {
  AuditEvent event;
  event.action = std::move(action);
  event.document_id = document_id;
  event.detail_json = std::move(detail_json);
  return event;
}

std::string FormName(const std::string& id, int version) {
  return id + " v" + std::to_string(version);
}

// ---- the store ----------------------------------------------------------------------------

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(SqliteDb db) : db_(std::move(db)), statements_(db_.get()) {}

  Result<int> SchemaVersion() override {
    std::lock_guard lock(mu_);
    return internal::ReadSchemaVersion(db_.get());
  }

  Result<Tenant> EnsureTenant(const std::string& code, const std::string& name) override {
    std::lock_guard lock(mu_);
    return EnsureTenantLocked(code, name);
  }

  Result<Tenant> GetTenant(const std::string& code) override {
    std::lock_guard lock(mu_);
    ADB_ASSIGN_OR_RETURN(std::optional<Tenant> tenant, FindTenantLocked(code));
    if (!tenant) return UnknownTenant(code);
    return *std::move(tenant);
  }

  Result<FormRecord> AddForm(const FormRecord& form) override;

  Result<FormRecord> GetForm(const std::string& id, std::optional<int> version) override {
    std::lock_guard lock(mu_);
    ADB_ASSIGN_OR_RETURN(std::optional<FormRecord> found, FindFormLocked(id, version));
    if (!found) return UnknownForm(id, version);
    return *std::move(found);
  }

  Result<std::vector<FormRecord>> ListForms() override;

  Result<DocumentInsert> InsertDocument(const NewDocument& document) override;

  Result<Document> GetDocument(std::int64_t id) override {
    std::lock_guard lock(mu_);
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectDocument));
    stmt.BindInt(1, id);
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) {
      return Status::NotFound("文書がありません: " + std::to_string(id),
                              "no such document: " + std::to_string(id));
    }
    return ReadDocument(stmt);
  }

  Result<std::vector<Document>> ListDocuments(std::optional<DocumentState> state) override {
    std::lock_guard lock(mu_);
    ADB_ASSIGN_OR_RETURN(Statement stmt,
                         statements_.Get(state ? kSelectDocumentsInState : kSelectAllDocuments));
    if (state) stmt.BindText(1, DocumentStateName(*state));
    std::vector<Document> documents;
    for (;;) {
      ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      ADB_ASSIGN_OR_RETURN(Document doc, ReadDocument(stmt));
      documents.push_back(std::move(doc));
    }
    return documents;
  }

  Status RecordBlob(const std::string& sha256, std::int64_t size,
                    const std::string& media_type) override;

  Result<std::optional<Document>> ClaimDocument(const std::string& worker,
                                                int lease_seconds) override;
  Status RecordReading(const DocumentReading& reading) override;
  Result<DocumentState> ReleaseUnreadDocument(std::int64_t id, const std::string& worker,
                                              const std::string& reason,
                                              int max_attempts) override;
  Result<std::vector<FieldRecord>> ListFields(std::int64_t document_id) override;
  Result<std::vector<PageRecord>> ListPages(std::int64_t document_id) override;
  Result<std::vector<ReviewTask>> ListReviewTasks(std::int64_t document_id) override;

  Status AppendAudit(const AuditEvent& event) override {
    std::lock_guard lock(mu_);
    ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(db_.get()));
    ADB_RETURN_IF_ERROR(AppendAuditLocked(event));
    return tx.Commit();
  }

  Result<std::vector<AuditEvent>> RecentAudit(int limit) override {
    if (limit < 0) {
      return Status::InvalidArgument("件数は 0 以上でなければなりません",
                                     "the limit must not be negative");
    }
    std::lock_guard lock(mu_);
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectRecentAudit));
    stmt.BindInt(1, limit);
    std::vector<AuditEvent> events;
    for (;;) {
      ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      events.push_back(ReadAudit(stmt));
    }
    return events;
  }

  // Creates the default tenant; part of opening.
  Status EnsureDefaultTenant() {
    std::lock_guard lock(mu_);
    return EnsureTenantLocked(std::string(kDefaultTenant), std::string(kDefaultTenantName))
        .status();
  }

 private:
  static Status UnknownTenant(const std::string& code) {
    return Status::NotFound("自治体がありません: " + code, "no such tenant: " + code);
  }

  static Status UnknownForm(const std::string& id, std::optional<int> version) {
    const std::string name = version ? FormName(id, *version) : id;
    return Status::NotFound("様式が登録されていません: " + name,
                            "no such form is registered: " + name);
  }

  Result<std::optional<Tenant>> FindTenantLocked(const std::string& code);
  Result<Tenant> EnsureTenantLocked(const std::string& code, const std::string& name);
  Result<std::optional<FormRecord>> FindFormLocked(const std::string& id,
                                                   std::optional<int> version);
  Result<bool> BlobRecordedLocked(const std::string& sha256);
  Status AppendAuditLocked(const AuditEvent& event);
  // OK when `worker` holds document `id`; FailedPrecondition when not, NotFound when no such.
  Result<int> CheckLeaseLocked(std::int64_t id, const std::string& worker);

  std::mutex mu_;
  SqliteDb db_;
  // Declared after db_ so its statements are finalised before the connection closes.
  StatementCache statements_;
};

Result<std::optional<Tenant>> SqliteStore::FindTenantLocked(const std::string& code) {
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectTenantByCode));
  stmt.BindText(1, code);
  ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Tenant>();
  return std::optional<Tenant>(ReadTenant(stmt));
}

Result<Tenant> SqliteStore::EnsureTenantLocked(const std::string& code, const std::string& name) {
  if (code.empty() || !AllOf(code, IsCodeChar)) {
    return Status::InvalidArgument(
        "自治体コードは英小文字・数字・-・_ で書いてください: " + code,
        "a tenant code must use lower-case letters, digits, - and _: " + code);
  }
  if (name.empty()) {
    return Status::InvalidArgument("自治体名が空です: " + code,
                                   "the tenant name is empty: " + code);
  }
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(db_.get()));
  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertTenant));
    insert.BindText(1, code).BindText(2, name);
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  if (sqlite3_changes(db_.get()) > 0) {
    ADB_RETURN_IF_ERROR(AppendAuditLocked(
        SystemEvent("tenant.created", std::nullopt, DumpJson({{"code", code}, {"name", name}}))));
  }
  ADB_ASSIGN_OR_RETURN(std::optional<Tenant> tenant, FindTenantLocked(code));
  if (!tenant) {
    return Status::Internal("作った自治体が見つかりません: " + code,
                            "the tenant just created is missing: " + code);
  }
  ADB_RETURN_IF_ERROR(tx.Commit());
  return *std::move(tenant);
}

Result<std::optional<FormRecord>> SqliteStore::FindFormLocked(const std::string& id,
                                                              std::optional<int> version) {
  std::optional<FormRecord> form;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt,
                         statements_.Get(version ? kSelectForm : kSelectNewestForm));
    stmt.BindText(1, id);
    if (version) stmt.BindInt(2, *version);
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return form;
    form = ReadForm(stmt);
  }
  ADB_ASSIGN_OR_RETURN(Statement pages, statements_.Get(kSelectFormPages));
  pages.BindText(1, form->id).BindInt(2, form->version);
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, pages.Step());
    if (!row) break;
    form->reference_sha256.push_back(pages.Text(0));
  }
  return form;
}

Result<bool> SqliteStore::BlobRecordedLocked(const std::string& sha256) {
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectBlobSize));
  stmt.BindText(1, sha256);
  return stmt.Step();
}

Status SqliteStore::AppendAuditLocked(const AuditEvent& event) {
  if (event.action.empty()) {
    return Status::InvalidArgument("監査記録の action が空です", "an audit event needs an action");
  }
  if (!IsValidJson(event.detail_json)) {
    return Status::InvalidArgument("監査記録の detail_json が JSON ではありません: " + event.action,
                                   "an audit event's detail_json is not JSON: " + event.action);
  }
  if (event.user_id) {
    ADB_ASSIGN_OR_RETURN(Statement user, statements_.Get(kSelectUserExists));
    user.BindInt(1, *event.user_id);
    ADB_ASSIGN_OR_RETURN(bool exists, user.Step());
    if (!exists) {
      const std::string id = std::to_string(*event.user_id);
      return Status::NotFound("利用者がいません: " + id, "no such user: " + id);
    }
  }
  ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertAudit));
  insert.BindOptionalInt(1, event.user_id)
      .BindText(2, event.action)
      .BindOptionalInt(3, event.document_id)
      .BindOptionalInt(4, event.field_id)
      .BindText(5, event.detail_json);
  return insert.Run();
}

Result<FormRecord> SqliteStore::AddForm(const FormRecord& form) {
  const std::string name = FormName(form.id, form.version);
  if (form.id.empty() || !AllOf(form.id, IsFormIdChar)) {
    return Status::InvalidArgument(
        "様式 id は英小文字・数字・- で書いてください: " + form.id,
        "a form id must use lower-case letters, digits and -: " + form.id);
  }
  if (form.version < 1) {
    return Status::InvalidArgument("様式の版は 1 以上です: " + name,
                                   "a form version must be 1 or more: " + name);
  }
  if (!IsValidJson(form.definition_json)) {
    return Status::InvalidArgument("様式の定義が JSON ではありません: " + name,
                                   "the form definition is not JSON: " + name);
  }
  for (const std::string& sha256 : form.reference_sha256) {
    if (!IsSha256Name(sha256))
      return MalformedSha256("参照画像の名前", "a reference image name", sha256);
  }

  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(db_.get()));
  ADB_ASSIGN_OR_RETURN(std::optional<FormRecord> existing, FindFormLocked(form.id, form.version));
  if (existing) {
    if (SameDefinition(existing->definition_json, form.definition_json) &&
        existing->title == form.title && existing->department == form.department &&
        existing->reference_sha256 == form.reference_sha256) {
      return *std::move(existing);  // nothing changed; the transaction rolls back empty
    }
    return Status::AlreadyExists(
        "様式 " + name + " は別の内容で登録済みです。変更した様式には新しい版を付けてください。",
        "form " + name + " is registered with other content; give a changed form a new version.");
  }
  for (const std::string& sha256 : form.reference_sha256) {
    ADB_ASSIGN_OR_RETURN(bool recorded, BlobRecordedLocked(sha256));
    if (!recorded) {
      return Status::FailedPrecondition(
          "様式 " + name + " の参照画像がブロブとして記録されていません: " + sha256,
          "a reference image of form " + name + " is not recorded as a blob: " + sha256);
    }
  }
  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertForm));
    insert.BindText(1, form.id)
        .BindInt(2, form.version)
        .BindText(3, form.title)
        .BindText(4, form.department)
        .BindText(5, form.definition_json);
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  for (std::size_t i = 0; i < form.reference_sha256.size(); ++i) {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertFormPage));
    insert.BindText(1, form.id)
        .BindInt(2, form.version)
        .BindInt(3, static_cast<std::int64_t>(i) + 1)
        .BindText(4, form.reference_sha256[i]);
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  ADB_RETURN_IF_ERROR(AppendAuditLocked(SystemEvent(
      "form.registered", std::nullopt,
      DumpJson({{"form_id", form.id}, {"version", form.version}, {"title", form.title}}))));
  ADB_ASSIGN_OR_RETURN(std::optional<FormRecord> stored, FindFormLocked(form.id, form.version));
  if (!stored) {
    return Status::Internal("登録した様式が見つかりません: " + name,
                            "the form just registered is missing: " + name);
  }
  ADB_RETURN_IF_ERROR(tx.Commit());
  return *std::move(stored);
}

Result<std::vector<FormRecord>> SqliteStore::ListForms() {
  std::lock_guard lock(mu_);
  // Two reads must see the same forms; a read transaction gives them one snapshot.
  ADB_RETURN_IF_ERROR(
      internal::Exec(db_.get(), "BEGIN", {"読み取りを始められません", "cannot begin a read"}));
  struct EndRead {
    sqlite3* db;
    ~EndRead() { sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr); }
  } end_read{db_.get()};

  std::vector<FormRecord> forms;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectAllForms));
    for (;;) {
      ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      forms.push_back(ReadForm(stmt));
    }
  }
  // Both queries are ordered by (id, version), so one pass pairs pages with their forms.
  ADB_ASSIGN_OR_RETURN(Statement pages, statements_.Get(kSelectAllFormPages));
  std::size_t i = 0;
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, pages.Step());
    if (!row) break;
    const std::string form_id = pages.Text(0);
    const int version = static_cast<int>(pages.Int(1));
    while (i < forms.size() &&
           std::tie(forms[i].id, forms[i].version) < std::tie(form_id, version)) {
      ++i;
    }
    if (i < forms.size() && forms[i].id == form_id && forms[i].version == version) {
      forms[i].reference_sha256.push_back(pages.Text(2));
    }
  }
  return forms;
}

Status SqliteStore::RecordBlob(const std::string& sha256, std::int64_t size,
                               const std::string& media_type) {
  if (!IsSha256Name(sha256)) return MalformedSha256("ブロブ名", "a blob name", sha256);
  if (size < 0) {
    return Status::InvalidArgument("ブロブの大きさが負です: " + sha256,
                                   "a blob size is negative: " + sha256);
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(db_.get()));
  {
    ADB_ASSIGN_OR_RETURN(Statement existing, statements_.Get(kSelectBlobSize));
    existing.BindText(1, sha256);
    ADB_ASSIGN_OR_RETURN(bool found, existing.Step());
    if (found) {
      // Same name, same bytes: recording it again is a no-op, but a different size means the
      // caller is not describing the blob it thinks it is.
      const std::int64_t recorded = existing.Int(0);
      if (recorded != size) {
        return Status::InvalidArgument(
            "ブロブ " + sha256 + " は " + std::to_string(recorded) + " バイトで記録済みです (" +
                std::to_string(size) + " ではありません)",
            "blob " + sha256 + " is recorded with " + std::to_string(recorded) + " bytes, not " +
                std::to_string(size));
      }
      return Status::Ok();
    }
  }
  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertBlob));
    insert.BindText(1, sha256).BindInt(2, size).BindText(3, media_type);
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  return tx.Commit();
}

Result<DocumentInsert> SqliteStore::InsertDocument(const NewDocument& document) {
  if (!IsSha256Name(document.original_sha256)) {
    return MalformedSha256("原本の名前", "the original's name", document.original_sha256);
  }
  if (document.form_version && !document.form_id) {
    return Status::InvalidArgument("様式の版だけが指定され、様式 id がありません",
                                   "a form version was given without a form id");
  }
  if (document.original_size < 0) {
    return Status::InvalidArgument("原本の大きさが負です: " + document.source_name,
                                   "the original's size is negative: " + document.source_name);
  }
  for (const NewDocument::Page& page : document.pages) {
    if (page.width_px < 0 || page.height_px < 0 || page.dpi < 0) {
      return Status::InvalidArgument(
          "ページの大きさか解像度が負です: " + document.source_name,
          "a page size or resolution is negative: " + document.source_name);
    }
  }

  std::lock_guard lock(mu_);
  // IMMEDIATE: the duplicate check and the insert must see the same data, also against
  // another process inserting the same file at the same moment.
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(db_.get()));
  ADB_ASSIGN_OR_RETURN(std::optional<Tenant> tenant, FindTenantLocked(document.tenant_code));
  if (!tenant) return UnknownTenant(document.tenant_code);

  ADB_ASSIGN_OR_RETURN(bool recorded, BlobRecordedLocked(document.original_sha256));
  if (!recorded) {
    return Status::FailedPrecondition(
        "原本がブロブとして記録されていません: " + document.original_sha256,
        "the original is not recorded as a blob: " + document.original_sha256);
  }

  std::optional<int> form_version;
  if (document.form_id) {
    ADB_ASSIGN_OR_RETURN(std::optional<FormRecord> form,
                         FindFormLocked(*document.form_id, document.form_version));
    if (!form) return UnknownForm(*document.form_id, document.form_version);
    form_version = form->version;
  }

  const std::string detail =
      DumpJson({{"source_name", document.source_name}, {"sha256", document.original_sha256}});
  {
    ADB_ASSIGN_OR_RETURN(Statement existing, statements_.Get(kSelectDocumentByOriginal));
    existing.BindInt(1, tenant->id).BindText(2, document.original_sha256);
    ADB_ASSIGN_OR_RETURN(bool found, existing.Step());
    if (found) {
      const std::int64_t id = existing.Int(0);
      ADB_RETURN_IF_ERROR(AppendAuditLocked(SystemEvent("document.duplicate", id, detail)));
      ADB_RETURN_IF_ERROR(tx.Commit());
      return DocumentInsert{.document_id = id, .duplicate = true};
    }
  }

  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertDocument));
    insert.BindInt(1, tenant->id)
        .BindText(2, DocumentSourceName(document.source))
        .BindText(3, document.source_name)
        .BindText(4, document.original_sha256)
        .BindText(5, document.media_type)
        .BindInt(6, document.original_size)
        .BindOptionalText(7, document.form_id)
        .BindOptionalInt(8, form_version);
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  const std::int64_t id = sqlite3_last_insert_rowid(db_.get());
  for (std::size_t i = 0; i < document.pages.size(); ++i) {
    const NewDocument::Page& page = document.pages[i];
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertPage));
    insert.BindInt(1, id)
        .BindInt(2, static_cast<std::int64_t>(i))
        .BindInt(3, page.width_px)
        .BindInt(4, page.height_px)
        .BindInt(5, page.dpi);
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  ADB_RETURN_IF_ERROR(AppendAuditLocked(SystemEvent("document.ingested", id, detail)));
  ADB_RETURN_IF_ERROR(tx.Commit());
  return DocumentInsert{.document_id = id, .duplicate = false};
}

// ---- reading ----

// The attempts a crashed worker is allowed before its document is given up on.
constexpr int kMaxAbandonedAttempts = 3;

Result<std::optional<Document>> SqliteStore::ClaimDocument(const std::string& worker,
                                                           int lease_seconds) {
  if (worker.empty() || lease_seconds <= 0) {
    return Status::InvalidArgument("作業者名と 1 秒以上の貸出期間が必要です",
                                   "a worker name and a lease of at least one second are needed");
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(db_.get()));
  {
    ADB_ASSIGN_OR_RETURN(Statement abandon, statements_.Get(kFailAbandoned));
    abandon.BindText(1, Text{"読み取り中に作業が " + std::to_string(kMaxAbandonedAttempts) +
                                 " 回止まったため、読み取りをあきらめました",
                             "reading stopped " + std::to_string(kMaxAbandonedAttempts) +
                                 " times while this document was being read; given up"}
                            .In(DefaultLang()))
        .BindInt(2, kMaxAbandonedAttempts);
    std::vector<std::int64_t> abandoned;
    for (;;) {
      ADB_ASSIGN_OR_RETURN(bool row, abandon.Step());
      if (!row) break;
      abandoned.push_back(abandon.Int(0));
    }
    for (std::int64_t id : abandoned) {
      ADB_RETURN_IF_ERROR(AppendAuditLocked(SystemEvent("document.failed", id,
                                                        DumpJson({{"reason", "abandoned"}}))));
    }
  }
  std::optional<std::int64_t> claimed;
  {
    ADB_ASSIGN_OR_RETURN(Statement claim, statements_.Get(kClaimDocument));
    claim.BindText(1, worker).BindText(2, "+" + std::to_string(lease_seconds) + " seconds");
    ADB_ASSIGN_OR_RETURN(bool row, claim.Step());
    if (row) claimed = claim.Int(0);
  }
  if (!claimed) {
    ADB_RETURN_IF_ERROR(tx.Commit());
    return std::optional<Document>();
  }
  std::optional<Document> doc;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectDocument));
    stmt.BindInt(1, *claimed);
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Internal("取った文書が見つかりません", "the claimed document vanished");
    ADB_ASSIGN_OR_RETURN(doc, ReadDocument(stmt));
  }
  ADB_RETURN_IF_ERROR(tx.Commit());
  return doc;
}

Result<int> SqliteStore::CheckLeaseLocked(std::int64_t id, const std::string& worker) {
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectLease));
  stmt.BindInt(1, id);
  ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  const std::string name = std::to_string(id);
  if (!row) return Status::NotFound("文書がありません: " + name, "no such document: " + name);
  if (stmt.Text(0) != "processing" || stmt.OptionalText(1) != worker) {
    return Status::FailedPrecondition(
        "文書 " + name + " はこの作業者が読み取り中ではありません (" + worker + ")",
        "document " + name + " is not being read by this worker (" + worker + ")");
  }
  return static_cast<int>(stmt.Int(2));
}

Status SqliteStore::RecordReading(const DocumentReading& reading) {
  for (const DocumentReading::Field& field : reading.fields) {
    if (field.confidence < 0 || field.confidence > 1) {
      return Status::InvalidArgument("確信度は 0〜1 です: " + field.name,
                                     "a confidence is between 0 and 1: " + field.name);
    }
    if (field.snippet_sha256 && !IsSha256Name(*field.snippet_sha256)) {
      return MalformedSha256("切り出し画像の名前", "a snippet name", *field.snippet_sha256);
    }
  }
  if (!IsValidJson(reading.detail_json)) {
    return Status::InvalidArgument("読み取りの詳細が JSON ではありません",
                                   "the reading's detail is not JSON");
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(db_.get()));
  ADB_RETURN_IF_ERROR(CheckLeaseLocked(reading.document_id, reading.worker).status());
  if (reading.form_id) {
    ADB_ASSIGN_OR_RETURN(std::optional<FormRecord> form,
                         FindFormLocked(*reading.form_id, reading.form_version));
    if (!form) return UnknownForm(*reading.form_id, reading.form_version);
  }
  for (const DocumentReading::Field& field : reading.fields) {
    if (!field.snippet_sha256) continue;
    ADB_ASSIGN_OR_RETURN(bool recorded, BlobRecordedLocked(*field.snippet_sha256));
    if (!recorded) {
      return Status::FailedPrecondition(
          "項目 " + field.name + " の切り出し画像がブロブとして記録されていません",
          "the snippet of field " + field.name + " is not recorded as a blob");
    }
  }
  const std::int64_t id = reading.document_id;
  for (const char* sql : {kDeleteTasks, kDeleteFields}) {
    ADB_ASSIGN_OR_RETURN(Statement del, statements_.Get(sql));
    del.BindInt(1, id);
    ADB_RETURN_IF_ERROR(del.Run());
  }
  for (const DocumentReading::Page& page : reading.pages) {
    ADB_ASSIGN_OR_RETURN(Statement update, statements_.Get(kSetPageOutcome));
    update.BindInt(1, id).BindInt(2, page.page_index);
    if (page.form_page) {
      update.BindInt(3, *page.form_page);
    } else {
      update.BindNull(3);
    }
    update.BindText(4, PageOutcomeName(page.outcome)).BindText(5, page.note);
    ADB_RETURN_IF_ERROR(update.Run());
  }
  int open_tasks = 0;
  auto insert_task = [&](std::optional<std::int64_t> field_id, TaskKind kind, int priority,
                         const std::string& reason) -> Status {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertTask));
    insert.BindInt(1, id)
        .BindOptionalInt(2, field_id)
        .BindText(3, TaskKindName(kind))
        .BindInt(4, priority)
        .BindText(5, reason);
    ++open_tasks;
    return insert.Run();
  };
  for (const DocumentReading::Field& field : reading.fields) {
    {
      ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertField));
      insert.BindInt(1, id)
          .BindText(2, field.name)
          .BindText(3, field.ocr_value)
          .BindText(4, field.ocr_value)
          .BindDouble(5, field.confidence)
          .BindText(6, FieldStateName(field.auto_accept ? FieldState::kAutoAccepted
                                                        : FieldState::kNeedsReview))
          .BindText(7, field.validation_error)
          .BindOptionalText(8, field.snippet_sha256);
      ADB_RETURN_IF_ERROR(insert.Run());
    }
    if (!field.auto_accept) {
      ADB_RETURN_IF_ERROR(insert_task(sqlite3_last_insert_rowid(db_.get()), field.task_kind, 0,
                                      field.review_reason));
    }
  }
  for (const DocumentReading::Task& task : reading.tasks) {
    if (task.kind != TaskKind::kClassification) {
      return Status::InvalidArgument("項目のない作業は分類だけです",
                                     "only a classification task has no field");
    }
    ADB_RETURN_IF_ERROR(insert_task(std::nullopt, task.kind, task.priority, task.reason));
  }
  const DocumentState state = open_tasks > 0 ? DocumentState::kInReview : DocumentState::kVerified;
  {
    ADB_ASSIGN_OR_RETURN(Statement update, statements_.Get(kSetDocumentRead));
    update.BindInt(1, id)
        .BindText(2, DocumentStateName(state))
        .BindOptionalText(3, reading.form_id)
        .BindOptionalInt(4, reading.form_version);
    ADB_RETURN_IF_ERROR(update.Run());
  }
  ADB_RETURN_IF_ERROR(AppendAuditLocked(SystemEvent("document.read", id, reading.detail_json)));
  return tx.Commit();
}

Result<DocumentState> SqliteStore::ReleaseUnreadDocument(std::int64_t id,
                                                         const std::string& worker,
                                                         const std::string& reason,
                                                         int max_attempts) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(db_.get()));
  ADB_ASSIGN_OR_RETURN(int attempts, CheckLeaseLocked(id, worker));
  const DocumentState state =
      attempts >= max_attempts ? DocumentState::kFailed : DocumentState::kReceived;
  {
    ADB_ASSIGN_OR_RETURN(Statement update, statements_.Get(kReleaseDocument));
    update.BindInt(1, id).BindText(2, DocumentStateName(state)).BindText(3, reason);
    ADB_RETURN_IF_ERROR(update.Run());
  }
  ADB_RETURN_IF_ERROR(AppendAuditLocked(SystemEvent(
      state == DocumentState::kFailed ? "document.failed" : "document.retry", id,
      DumpJson({{"reason", reason}, {"attempts", attempts}}))));
  ADB_RETURN_IF_ERROR(tx.Commit());
  return state;
}

Result<std::vector<FieldRecord>> SqliteStore::ListFields(std::int64_t document_id) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectFields));
  stmt.BindInt(1, document_id);
  std::vector<FieldRecord> fields;
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    FieldRecord field;
    field.id = stmt.Int(0);
    field.document_id = stmt.Int(1);
    field.name = stmt.Text(2);
    field.value = stmt.OptionalText(3);
    field.ocr_value = stmt.OptionalText(4);
    if (!stmt.IsNull(5)) field.confidence = stmt.Double(5);
    std::optional<FieldState> state = ParseFieldState(stmt.Text(6));
    if (!state) {
      return Status::DataLoss("項目の状態が不正です: " + stmt.Text(6),
                              "a field has an invalid state: " + stmt.Text(6));
    }
    field.state = *state;
    field.validation_error = stmt.Text(7);
    field.snippet_sha256 = stmt.OptionalText(8);
    fields.push_back(std::move(field));
  }
  return fields;
}

Result<std::vector<PageRecord>> SqliteStore::ListPages(std::int64_t document_id) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectPages));
  stmt.BindInt(1, document_id);
  std::vector<PageRecord> pages;
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    PageRecord page;
    page.page_index = static_cast<int>(stmt.Int(0));
    if (std::optional<std::int64_t> form_page = stmt.OptionalInt(1)) {
      page.form_page = static_cast<int>(*form_page);
    }
    if (std::optional<std::string> outcome = stmt.OptionalText(2)) {
      page.outcome = ParsePageOutcome(*outcome);
    }
    page.note = stmt.Text(3);
    page.width_px = static_cast<int>(stmt.Int(4));
    page.height_px = static_cast<int>(stmt.Int(5));
    page.dpi = static_cast<int>(stmt.Int(6));
    pages.push_back(std::move(page));
  }
  return pages;
}

Result<std::vector<ReviewTask>> SqliteStore::ListReviewTasks(std::int64_t document_id) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectTasks));
  stmt.BindInt(1, document_id);
  std::vector<ReviewTask> tasks;
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ReviewTask task;
    task.id = stmt.Int(0);
    task.document_id = stmt.Int(1);
    task.field_id = stmt.OptionalInt(2);
    task.field_name = stmt.Text(3);
    std::optional<TaskKind> kind = ParseTaskKind(stmt.Text(4));
    std::optional<TaskState> state = ParseTaskState(stmt.Text(5));
    if (!kind || !state) {
      return Status::DataLoss("作業の種類か状態が不正です: " + stmt.Text(4) + "/" + stmt.Text(5),
                              "a task has an invalid kind or state: " + stmt.Text(4) + "/" +
                                  stmt.Text(5));
    }
    task.kind = *kind;
    task.state = *state;
    task.priority = static_cast<int>(stmt.Int(6));
    task.reason = stmt.Text(7);
    tasks.push_back(std::move(task));
  }
  return tasks;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path& path) {
  ADB_ASSIGN_OR_RETURN(SqliteDb db, internal::OpenDatabase(path));
  ADB_RETURN_IF_ERROR(internal::Migrate(db.get()).WithPrefix(path.string() + ": "));
  auto store = std::make_unique<SqliteStore>(std::move(db));
  ADB_RETURN_IF_ERROR(store->EnsureDefaultTenant());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace adbridge::models
