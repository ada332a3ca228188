// Store: the database of an installation (forms, tenants, users, documents, pages, fields,
// review tasks and entries, the audit log). The SQLite implementation keeps it in
// DATA/adbridge.db (WAL, busy_timeout, foreign keys on); the schema is created and migrated by
// numbered migrations when the store opens, and a database newer than the program is refused.
//
//   Result<std::unique_ptr<Store>> store = OpenSqliteStore(data_dir / "adbridge.db");
//   Result<DocumentInsert> doc = (*store)->InsertDocument(new_document);
//
// Every method that changes state does so inside one transaction: it happens whole or not at
// all. Blobs a row names must already be in the BlobStore (the store never points to a blob
// that is not on disk).
//
// Thread-safety: a Store is safe for use from several threads (calls are serialised on its one
// connection); several processes may open the same database.
#ifndef ADBRIDGE_MODELS_STORE_H_
#define ADBRIDGE_MODELS_STORE_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/status.h"

namespace adbridge::models {

// The schema version this program creates and understands.
inline constexpr int kSchemaVersion = 6;

// The tenant every installation starts with; documents go to it unless another is named.
inline constexpr std::string_view kDefaultTenant = "default";

enum class DocumentState {
  kReceived,    // stored, not yet read
  kProcessing,  // a worker holds it
  kInReview,    // read; some fields wait for people
  kVerified,    // every field settled
  kFailed,      // could not be read; failure_reason says why
};
std::string_view DocumentStateName(DocumentState state);
std::optional<DocumentState> ParseDocumentState(std::string_view name);

enum class DocumentSource { kScan, kPhone };
std::string_view DocumentSourceName(DocumentSource source);

struct Tenant {
  std::int64_t id = 0;
  std::string code;  // e.g. "shiojiri"
  std::string name;  // e.g. "塩尻市"
};

// A registered form definition, one per (id, version).
struct FormRecord {
  std::string id;
  int version = 0;
  std::string title;
  std::string department;
  std::string definition_json;  // the definition as registered
  // SHA-256 of each page's reference image in the BlobStore, in page order.
  std::vector<std::string> reference_sha256;
  std::string created_at;  // ISO 8601 UTC
};

struct NewDocument {
  std::string tenant_code{kDefaultTenant};
  DocumentSource source = DocumentSource::kScan;
  std::string source_name;      // the file name as given
  std::string original_sha256;  // the original bytes, already in the BlobStore
  std::string media_type;       // "image/png", "image/jpeg", "image/tiff", "text/csv"
  std::int64_t original_size = 0;
  std::optional<std::string> form_id;  // when the front desk said which form it is
  std::optional<int> form_version;
  // One entry per page in the original file, in order.
  struct Page {
    int width_px = 0;
    int height_px = 0;
    int dpi = 0;  // 0 when the file does not say
  };
  std::vector<Page> pages;
};

struct DocumentInsert {
  std::int64_t document_id = 0;
  bool duplicate = false;  // the same original was already a document of the tenant
};

struct Document {
  std::int64_t id = 0;
  std::string tenant_code;
  DocumentSource source = DocumentSource::kScan;
  std::string source_name;
  std::string original_sha256;
  std::string media_type;
  std::optional<std::string> form_id;
  std::optional<int> form_version;
  DocumentState state = DocumentState::kReceived;
  std::string failure_reason;
  int page_count = 0;
  std::string created_at;
  std::string updated_at;
};

// How a field stands (the export's `state`).
enum class FieldState {
  kAutoAccepted,  // the machine's reading cleared the threshold and validated
  kNeedsReview,   // waits for a person
  kVerified,      // a person settled it
  kUnreadable,    // a person marked it unreadable
};
std::string_view FieldStateName(FieldState state);
std::optional<FieldState> ParseFieldState(std::string_view name);

enum class TaskKind {
  kField,           // one person checks or corrects one field
  kClassification,  // the front desk says which form (and page) a scan is
  kDoubleEntry,     // two people enter the field blind; agreement verifies it
  kGold,            // a known answer that measures a reviewer
};
std::string_view TaskKindName(TaskKind kind);
std::optional<TaskKind> ParseTaskKind(std::string_view name);

enum class TaskState { kOpen, kLeased, kDone, kEscalated };
std::string_view TaskStateName(TaskState state);
std::optional<TaskState> ParseTaskState(std::string_view name);

// What reading found on one page of a scan.
enum class PageOutcome {
  kIdentified,     // a page of the document's form, registered and read
  kBlank,          // no writing or print on it (a back side); skipped
  kUnknown,        // matches no registered form
  kAmbiguous,      // matches two forms equally
  kUnregistrable,  // its form was recognised but the page could not be aligned to it
  kExtra,          // a page its form does not have, or a second copy of one
};
std::string_view PageOutcomeName(PageOutcome outcome);
std::optional<PageOutcome> ParsePageOutcome(std::string_view name);

// A field as stored.
struct FieldRecord {
  std::int64_t id = 0;
  std::int64_t document_id = 0;
  std::string name;
  std::optional<std::string> value;      // none when unreadable
  std::optional<std::string> ocr_value;  // none for a phone record
  std::optional<double> confidence;      // 0..1; none for a phone record
  FieldState state = FieldState::kNeedsReview;
  std::string validation_error;          // why it failed validation, in the default language
  std::optional<std::string> snippet_sha256;
};

// One page of a document. Its image is page `source_index` of the file `source_sha256` (the
// document's original, or the original of a scan merged into it), turned clockwise by
// `rotation` degrees after decoding.
struct PageRecord {
  int page_index = 0;                // 0-based position in the document, contiguous 0..n-1
  std::optional<int> form_page;      // 1-based page of the form it was identified as
  std::optional<PageOutcome> outcome;  // none until read
  std::string note;                  // why, for pages not read (in the default language)
  int width_px = 0;                  // the page in its source file, before rotation
  int height_px = 0;
  int dpi = 0;
  std::string source_sha256;         // the file the image comes from, in the BlobStore
  int source_index = 0;              // 0-based page in that file
  int rotation = 0;                  // 0, 90, 180 or 270, clockwise
};

struct ReviewTask {
  std::int64_t id = 0;
  std::int64_t document_id = 0;
  std::optional<std::int64_t> field_id;
  std::string field_name;  // empty for a classification task
  TaskKind kind = TaskKind::kField;
  TaskState state = TaskState::kOpen;
  int priority = 0;
  std::string reason;  // why a person must look (in the default language)
};

// The result of reading one claimed document, recorded whole by Store::RecordReading.
struct DocumentReading {
  std::int64_t document_id = 0;
  std::string worker;  // the lease holder that claimed it
  std::optional<std::string> form_id;  // none when no page was identified
  std::optional<int> form_version;
  struct Page {
    int page_index = 0;
    std::optional<int> form_page;
    PageOutcome outcome = PageOutcome::kUnknown;
    std::string note;
  };
  std::vector<Page> pages;
  struct Field {
    std::string name;
    std::string ocr_value;  // the normalised reading (what a reviewer is shown pre-filled)
    double confidence = 0;
    bool auto_accept = false;  // true: the value stands; false: a review task is opened
    std::string validation_error;
    std::optional<std::string> snippet_sha256;  // already in the BlobStore and recorded
    TaskKind task_kind = TaskKind::kField;      // when not auto-accepted
    std::string review_reason;
    std::string field_type;     // the definition's type ("date"), so reviewers can ask by type
    bool on_site_only = false;  // never handed to a remote reviewer
  };
  std::vector<Field> fields;
  struct Task {  // tasks not bound to a field (classification)
    TaskKind kind = TaskKind::kClassification;
    std::string reason;
    int priority = 0;
  };
  std::vector<Task> tasks;
  std::string detail_json = "{}";  // what the audit event keeps (method, scores, timings)
};

// A document whose fields a person typed (a phone-intake record), stored whole by
// Store::InsertTypedDocument. There is no machine reading: no confidence, no snippet.
struct TypedDocument {
  NewDocument document;  // source kPhone, form_id set, no pages
  struct Field {
    std::string name;
    std::string typed_value;  // as the operator typed it (what a reviewer is shown pre-filled)
    std::string value;        // the normalised value; the typed one when it does not normalise
    bool accept = false;      // true: the value stands; false: a review task is opened
    std::string validation_error;
    TaskKind task_kind = TaskKind::kField;  // when not accepted
    std::string review_reason;              // the operator's note, or why it failed
    std::string field_type;                 // the definition's type ("date")
    bool on_site_only = false;
  };
  std::vector<Field> fields;
};

// ---- people ----

enum class Role { kAdmin, kSupervisor, kFrontdesk, kReviewer, kDepartment };
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct User {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string tenant_code;
  std::string name;  // the login name
  std::string display_name;
  Role role = Role::kReviewer;
  std::string password_hash;  // the KDF's encoded string (never logged, never sent)
  bool disabled = false;
  // The tenants whose review tasks this user works on: their own first, then every tenant
  // that granted them (reviewer_grants), in id order.
  std::vector<std::int64_t> review_tenant_ids;
};

struct NewUser {
  std::string name;
  std::string display_name;
  Role role = Role::kReviewer;
  std::string tenant_code{kDefaultTenant};
  std::string password_hash;
  std::vector<std::string> grant_tenant_codes;  // further tenants a reviewer works for
};

// A login session. The cookie holds a random token; the store keeps only its SHA-256.
struct Session {
  std::string token_sha256;
  std::int64_t user_id = 0;
  std::string csrf_token;  // sent back by the page on every state-changing request
  std::string created_at;
  std::string expires_at;
};

// ---- review ----

// What a person did to a task (review_entries.action).
enum class EntryAction {
  kSubmit,      // entered or confirmed a value
  kUnreadable,  // the writing cannot be read
  kSkip,        // gave it back to the queue
  kEscalate,    // asked a supervisor
  kDecide,      // a supervisor settled an escalated task or a disagreement
};
std::string_view EntryActionName(EntryAction action);
std::optional<EntryAction> ParseEntryAction(std::string_view name);

struct TaskEntry {
  std::int64_t id = 0;
  std::int64_t task_id = 0;
  std::int64_t user_id = 0;
  std::string user_name;
  EntryAction action = EntryAction::kSubmit;
  std::optional<std::string> value;
  std::string note;
  double seconds = 0;                // from the lease being taken to the entry
  std::optional<bool> gold_correct;  // for gold tasks: whether the entry matched the answer
  std::string created_at;
};

// A task with everything the review layer needs to show and settle it.
struct TaskDetail {
  ReviewTask task;  // id, document, field, kind, state, priority, reason
  std::int64_t tenant_id = 0;
  std::string tenant_code;
  DocumentSource source = DocumentSource::kScan;
  std::string form_id;  // empty for a document not yet identified
  int form_version = 0;
  std::string field_type;
  bool on_site_only = false;
  std::optional<std::string> ocr_value;  // the machine's reading (or the operator's typed value)
  std::optional<std::string> value;      // the field's current value
  std::optional<double> confidence;
  std::string validation_error;
  std::optional<std::string> snippet_sha256;
  std::optional<std::int64_t> lease_owner;
  std::string leased_at;
  std::string lease_expires_at;
  std::optional<std::string> gold_answer;  // gold tasks only; never shown to the reviewer
  std::vector<TaskEntry> entries;          // every entry on the task, oldest first
};

struct ClaimOptions {
  std::int64_t user_id = 0;
  int lease_seconds = 600;
  std::optional<std::string> field_type{};  // only tasks of this field type
  bool include_on_site_only = false;      // true only for supervisors on site
  // A task the user skipped is not handed back to them for this long.
  int skip_cooldown_seconds = 600;
};

// A settled decision about one task, applied whole by Store::SettleTask. The review layer
// decides (validation, double entry, gold); the store checks that the world is still as it
// was when the decision was made and writes the entry, the field, the task, the document's
// state and the audit event in one transaction.
struct TaskSettlement {
  std::int64_t task_id = 0;
  std::int64_t user_id = 0;
  // kLeased: `user_id` must hold the task's unexpired lease. kEscalated: the task must be
  // escalated (a supervisor decides).
  TaskState expected_state = TaskState::kLeased;
  // The number of submit entries the decision was based on (double entry compares with them).
  int expected_submits = 0;
  EntryAction action = EntryAction::kSubmit;
  std::optional<std::string> value{};
  std::string note;
  std::optional<bool> gold_correct{};
  TaskState new_state = TaskState::kDone;  // kOpen returns it to the queue (lease cleared)
  bool skipped = false;                    // the user is not handed this task again at once
  // When set, the field takes this state and value (a gold task never changes its field).
  std::optional<FieldState> field_state{};
  std::optional<std::string> field_value{};
  std::string audit_action;  // e.g. "review.submit"
  std::string audit_detail_json = "{}";
};

struct QueueDepth {
  std::string tenant_code;
  std::string form_id;
  std::string field_type;
  int open = 0;
  int leased = 0;
  int escalated = 0;
};

struct ReviewerActivity {
  std::int64_t user_id = 0;
  std::string name;
  std::string display_name;
  int entries = 0;      // submits, unreadables, escalations and decisions (not skips)
  double seconds = 0;   // time spent on those
  int gold_total = 0;
  int gold_correct = 0;
};

// ---- exports ----

// How an export is written, and which documents it takes (`adbridge export`).
enum class ExportFormat { kCsv, kJsonLines };
std::string_view ExportFormatName(ExportFormat format);  // "csv", "jsonl"
std::optional<ExportFormat> ParseExportFormat(std::string_view name);

enum class ExportEncoding { kUtf8, kUtf8Bom, kCp932 };
std::string_view ExportEncodingName(ExportEncoding encoding);  // "utf-8", "utf-8-bom", "cp932"
std::optional<ExportEncoding> ParseExportEncoding(std::string_view name);

enum class ExportStatus {
  kVerified,  // verified documents only
  kAny,       // documents in review too, with their machine readings
};
std::string_view ExportStatusName(ExportStatus status);  // "verified", "any"
std::optional<ExportStatus> ParseExportStatus(std::string_view name);
// The document states an export of `status` takes.
std::vector<DocumentState> ExportedStates(ExportStatus status);

// A document with its fields (in the order they were recorded), as an export reads it.
struct DocumentWithFields {
  Document document;
  std::vector<FieldRecord> fields;
};

// An export that was written whole, recorded by Store::RecordExport.
struct NewExport {
  std::string tenant_code{kDefaultTenant};
  std::string form_id;
  std::string requested_by;  // the user's login name, or "os:<login>" for the OS account
  std::optional<std::int64_t> user_id{};
  ExportFormat format = ExportFormat::kCsv;
  ExportEncoding encoding = ExportEncoding::kUtf8;
  ExportStatus status = ExportStatus::kVerified;
  bool only_new = false;
  std::vector<std::int64_t> document_ids;  // every document the export held
  int replaced_characters = 0;             // characters written as 〓 (kept in the audit event)
};

struct ExportRecord {
  std::int64_t id = 0;
  std::string tenant_code;
  std::string form_id;
  std::string requested_by;
  std::optional<std::int64_t> user_id;
  ExportFormat format = ExportFormat::kCsv;
  ExportEncoding encoding = ExportEncoding::kUtf8;
  ExportStatus status = ExportStatus::kVerified;
  bool only_new = false;
  int document_count = 0;
  std::string created_at;  // ISO 8601 UTC
};

struct AuditEvent {
  std::optional<std::int64_t> user_id;
  std::string action;  // e.g. "document.ingested", "form.registered"
  std::optional<std::int64_t> document_id;
  std::string detail_json = "{}";
  std::optional<std::int64_t> field_id;  // the field an action was about (review actions)
  // Set by the store when reading the log; ignored by AppendAudit.
  std::int64_t id = 0;
  std::string at;  // ISO 8601 UTC with milliseconds
};

// ---- letters ----

// A letter batch: one PDF for the print room holding one letter for each of its documents.
struct LetterBatch {
  std::int64_t id = 0;
  std::string tenant_code;
  std::string template_id;  // the template's id (or file name) the letters were made from
  std::string form_id;
  bool large_print = false;
  std::string requested_by;  // a user's login name, or "os:<login>" for the command line
  std::optional<std::int64_t> user_id;
  std::string pdf_sha256;  // the PDF, in the BlobStore
  int letter_count = 0;
  int page_count = 0;
  std::string created_at;
};

// Where one document's letter is in its batch's PDF.
struct LetterRecord {
  std::int64_t document_id = 0;
  std::int64_t batch_id = 0;
  int first_page = 1;  // 1-based page of the PDF
  int page_count = 1;
};

// A batch to record with Store::RecordLetterBatch.
struct NewLetterBatch {
  std::string tenant_code{kDefaultTenant};
  std::string template_id;
  std::string form_id;
  bool large_print = false;
  std::string requested_by;
  std::optional<std::int64_t> user_id{};
  std::string pdf_sha256;  // already in the BlobStore and recorded
  int page_count = 0;
  struct Letter {
    std::int64_t document_id = 0;
    int first_page = 1;
    int page_count = 1;
  };
  std::vector<Letter> letters;  // in the PDF's order
};

class Store {
 public:
  virtual ~Store() = default;

  // The schema version of the open database.
  virtual Result<int> SchemaVersion() = 0;

  // Tenants. EnsureTenant creates the tenant if it does not exist and returns it.
  virtual Result<Tenant> EnsureTenant(const std::string& code, const std::string& name) = 0;
  // Returns NotFound when there is no tenant with that code.
  virtual Result<Tenant> GetTenant(const std::string& code) = 0;

  // Registers a form version. Registering the same (id, version) with the same definition
  // again is a no-op that returns the existing record; with a different definition it is
  // AlreadyExists (a changed form needs a new version).
  virtual Result<FormRecord> AddForm(const FormRecord& form) = 0;
  // The newest version when `version` is empty. Returns NotFound if there is none.
  virtual Result<FormRecord> GetForm(const std::string& id, std::optional<int> version) = 0;
  // Every registered version, ordered by id then version.
  virtual Result<std::vector<FormRecord>> ListForms() = 0;

  // Creates a document in state kReceived with its pages and an audit event, or, when the
  // tenant already has a document with the same original (or whose pages come from that file,
  // as after a merge), returns that one with duplicate set. Its pages come from the original.
  // Returns NotFound for an unknown tenant or form, FailedPrecondition when the original is not
  // recorded as a blob.
  virtual Result<DocumentInsert> InsertDocument(const NewDocument& document) = 0;
  // Returns NotFound when there is no such document.
  virtual Result<Document> GetDocument(std::int64_t id) = 0;
  // Documents in id order; all when `state` is empty.
  virtual Result<std::vector<Document>> ListDocuments(std::optional<DocumentState> state) = 0;

  // Stores a typed document in one transaction: the document as InsertDocument does (the same
  // original again is the existing document, with duplicate set, and nothing else changes),
  // its fields with a review task for each one not accepted, and its state: in_review when a
  // task is open, verified otherwise. Audited "document.ingested" like a scan. Errors as
  // InsertDocument's, and InvalidArgument for a document without a form, with pages, or with a
  // field_type that is not a field type's name.
  virtual Result<DocumentInsert> InsertTypedDocument(const TypedDocument& typed) = 0;

  // Records that a blob is on disk (called after BlobStore::Put, before rows point to it).
  virtual Status RecordBlob(const std::string& sha256, std::int64_t size,
                            const std::string& media_type) = 0;

  // ---- reading (the OCR workers) ----

  // Claims the oldest waiting document for `worker` for `lease_seconds`: a received one, or
  // one whose worker's lease ran out (a crashed worker). It becomes processing and its attempt
  // count goes up, in one statement, so two workers never claim the same document. Returns
  // nullopt when nothing is waiting.
  virtual Result<std::optional<Document>> ClaimDocument(const std::string& worker,
                                                        int lease_seconds) = 0;

  // Records what reading a claimed document found, in one transaction: its form, each page's
  // outcome, the fields (replacing any earlier reading) and a review task for every field not
  // auto-accepted and for every task listed. The document becomes in_review when a task is
  // open and verified otherwise. Returns FailedPrecondition when `worker` no longer holds the
  // document (its lease ran out and another worker took it), NotFound for an unknown
  // document or form, FailedPrecondition for a snippet not recorded as a blob,
  // InvalidArgument for a field_type that is not a field type's name (empty is allowed).
  virtual Status RecordReading(const DocumentReading& reading) = 0;

  // A worker could not read a claimed document. While its attempts are fewer than
  // `max_attempts` it goes back to received (to be tried again after the others); then it
  // becomes failed with `reason`. Returns the state it is left in; FailedPrecondition when
  // `worker` no longer holds it.
  virtual Result<DocumentState> ReleaseUnreadDocument(std::int64_t id, const std::string& worker,
                                                      const std::string& reason,
                                                      int max_attempts) = 0;

  // After a restart, when no worker can still be alive (the data folder's start-up recovery
  // holds it alone): every document left processing by a worker that died goes back to
  // received at once instead of waiting for its lease to run out, in one transaction, each
  // audited "document.lease_released" (with its former worker). A document whose attempts
  // reached `max_attempts` becomes failed instead, so a file that ends the program every time
  // it is read cannot stop the rest. Returns how many were released or failed.
  virtual Result<int> ReleaseAbandonedDocuments(int max_attempts) = 0;

  // The fields of a document in the form's order (the order they were recorded).
  virtual Result<std::vector<FieldRecord>> ListFields(std::int64_t document_id) = 0;
  // The pages of a document in document order (page_index 0..n-1).
  virtual Result<std::vector<PageRecord>> ListPages(std::int64_t document_id) = 0;
  // The review tasks of a document, oldest first.
  virtual Result<std::vector<ReviewTask>> ListReviewTasks(std::int64_t document_id) = 0;

  // ---- people and sessions ----

  // Creates a user (and their grants), audited "user.added" (without the hash). Returns
  // AlreadyExists for a taken name, NotFound for an unknown tenant (of the user or of a grant;
  // tenants are not created here), InvalidArgument for an empty name or password hash.
  virtual Result<User> AddUser(const NewUser& user) = 0;
  // Returns NotFound when there is no such user.
  virtual Result<User> GetUser(std::int64_t id) = 0;
  virtual Result<User> GetUserByName(const std::string& name) = 0;
  // Users of one tenant (all when empty), by id.
  virtual Result<std::vector<User>> ListUsers(std::optional<std::int64_t> tenant_id) = 0;

  // Stores a new session that lasts `ttl_seconds` (its created_at and expires_at are set by
  // the store), and clears away sessions that have expired. Returns InvalidArgument for a
  // token that is not a SHA-256, a CSRF token shorter than 32 characters or a ttl below one
  // second, NotFound for an unknown user, AlreadyExists for a token already in use.
  virtual Status CreateSession(const Session& session, int ttl_seconds) = 0;
  // The session and its user, when the session exists, has not expired and its user is not
  // disabled; nullopt otherwise.
  virtual Result<std::optional<std::pair<Session, User>>> FindSession(
      const std::string& token_sha256) = 0;
  // Ends a session (logout). Ending one that does not exist is not an error.
  virtual Status DeleteSession(const std::string& token_sha256) = 0;

  // Failed logins, counted per key (a login name, a client address) to throttle guessing.
  // Failures older than a day are forgotten.
  virtual Status RecordLoginFailure(const std::string& key) = 0;
  virtual Result<int> CountLoginFailures(const std::string& key, int within_seconds) = 0;
  virtual Status ClearLoginFailures(const std::string& key) = 0;

  // ---- the review queue ----

  // Leases the next task to the user, in one transaction: expired leases return to the queue
  // first; then the open field or double-entry task of a tenant the user works for, highest
  // priority, earliest due, oldest first, that the user has not already entered a value for
  // (double entry needs two different people) and did not skip within the cooldown. An
  // on_site_only task only when the options allow it. Audits "review.claim". Returns nullopt
  // when there is nothing for the user.
  // Details: "entered a value" counts submit and unreadable entries. A lapsed lease is audited
  // "review.lease_expired" (with its former owner); a lapsed gold task is closed (done), not
  // queued, since it was made for that one user. Returns NotFound for an unknown user,
  // PermissionDenied for a disabled one, InvalidArgument for a lease below one second or a
  // negative cooldown.
  virtual Result<std::optional<TaskDetail>> ClaimTask(const ClaimOptions& options) = 0;
  // Creates a gold task from a field a person verified, of a tenant the user works for, that
  // the user never entered a value for, and leases it to the user (audited "review.claim" like
  // any other). Returns nullopt when there is no such field.
  // Details: the field must have a value and a snippet (what the reviewer reads the answer
  // from), and the user must not hold a task on it. The field is picked at random; the task
  // copies the type, on-site flag and reason of the field's own task, so that it looks like any
  // other, and gold_answer is the field's value. The options' field type and on-site rule apply
  // as in ClaimTask. Errors as in ClaimTask.
  virtual Result<std::optional<TaskDetail>> ClaimGoldTask(const ClaimOptions& options) = 0;
  // Returns NotFound when there is no such task.
  virtual Result<TaskDetail> GetTask(std::int64_t task_id) = 0;
  // Applies a decision (see TaskSettlement). Returns the document's state afterwards: it
  // becomes verified when no field or classification task of it is open, leased or
  // escalated. Returns FailedPrecondition when the task is no longer as expected (the lease ran
  // out or passed to someone else, the task was settled, another entry arrived), NotFound for
  // an unknown task.
  // Details: the entry's seconds run from the lease being taken (0 for an escalated task).
  // When the document becomes verified that is audited "document.verified". Returns NotFound
  // for an unknown user, InvalidArgument for a settlement that cannot be applied: an expected
  // state other than leased or escalated, new_state leased for a task that is not, a
  // field_state for a classification or gold task, a field_value without a field_state, an
  // empty audit_action or a detail that is not JSON.
  virtual Result<DocumentState> SettleTask(const TaskSettlement& settlement) = 0;
  // Escalated tasks of these tenants (any kind), the longest waiting (escalated earliest)
  // first.
  virtual Result<std::vector<TaskDetail>> ListEscalatedTasks(
      const std::vector<std::int64_t>& tenant_ids) = 0;
  // Unsettled field and double-entry tasks of these tenants, counted by tenant, form and field
  // type, in that order. A lease that ran out counts as open (the next claim returns it).
  virtual Result<std::vector<QueueDepth>> CountQueue(
      const std::vector<std::int64_t>& tenant_ids) = 0;
  // Each user's entries since `since` (ISO 8601 UTC) on tasks of these tenants; one user only
  // when `user_id` is set. Users with no entries are left out. `since` may carry an offset
  // ("2026-11-21T00:00:00+09:00"); InvalidArgument when it is not a time. By user id.
  virtual Result<std::vector<ReviewerActivity>> CountActivity(
      const std::vector<std::int64_t>& tenant_ids, const std::string& since,
      std::optional<std::int64_t> user_id) = 0;

  // ---- exports ----

  // The documents of form `form_id` (every version) of one tenant whose state is one of
  // `states`, in id order, each with its fields, read in one snapshot (so a document and its
  // fields agree even while reviewers settle tasks). Returns NotFound for an unknown tenant.
  virtual Result<std::vector<DocumentWithFields>> ListFormDocuments(
      const std::string& tenant_code, const std::string& form_id,
      const std::vector<DocumentState>& states) = 0;
  // Records an export that was written whole, in one transaction: the export, the documents it
  // held, and the audit event "export.created" (counts and options, never a value). Returns
  // the record. Returns NotFound for an unknown tenant, user or document; InvalidArgument for
  // an empty requested_by, a document listed twice, or a document that is not of the tenant
  // and form or not in a state the export's status takes.
  virtual Result<ExportRecord> RecordExport(const NewExport& export_request) = 0;
  // The documents that earlier exports of form `form_id` in the tenant delivered, for an
  // export of `status` with --new: an export of verified documents counts only exports of
  // verified documents (a document delivered in review by an "any" export is still new to
  // them once verified); an "any" export counts every export. Returns NotFound for an unknown
  // tenant.
  virtual Result<std::set<std::int64_t>> ListExportedDocumentIds(const std::string& tenant_code,
                                                                 const std::string& form_id,
                                                                 ExportStatus status) = 0;
  // The exports of one tenant, newest first; of one form only when `form_id` is set. Returns
  // NotFound for an unknown tenant.
  virtual Result<std::vector<ExportRecord>> ListExports(
      const std::string& tenant_code, const std::optional<std::string>& form_id) = 0;

  // ---- letters ----

  // The verified documents of the tenant and form (any version) that have no letter yet, in id
  // order. Returns NotFound for an unknown tenant.
  virtual Result<std::vector<Document>> ListDocumentsAwaitingLetter(
      const std::string& tenant_code, const std::string& form_id) = 0;
  // Records a batch and one letter per document in one transaction, audited "letters.printed"
  // with its counts (no personal data). A document can have one letter only: when any of the
  // batch's documents already has one (another run recorded it first), nothing is recorded and
  // FailedPrecondition names those documents. Also FailedPrecondition when a document is not
  // verified, is of another tenant or form, or the PDF is not recorded as a blob; NotFound for
  // an unknown tenant, user or document; InvalidArgument for a batch without letters, a
  // malformed PDF name, an empty template or requester, a document listed twice, or pages that
  // overlap or lie outside the PDF's page count. Returns the batch as stored.
  virtual Result<LetterBatch> RecordLetterBatch(const NewLetterBatch& batch) = 0;
  // Returns NotFound when there is no such batch.
  virtual Result<LetterBatch> GetLetterBatch(std::int64_t batch_id) = 0;
  // The letter batches of one tenant, newest first. Returns NotFound for an unknown tenant.
  virtual Result<std::vector<LetterBatch>> ListLetterBatches(const std::string& tenant_code) = 0;
  // The letters of a batch in page order (empty for an unknown batch).
  virtual Result<std::vector<LetterRecord>> ListLetters(std::int64_t batch_id) = 0;

  // ---- the front desk's fixes ----
  //
  // A fix corrects what the scanner got wrong. It is only allowed on a scan no person has
  // worked on yet and nobody is reading: state received, in_review or failed, and no review
  // task with an entry other than a skip or with a reviewer's unexpired lease. Every fix:
  //  - returns NotFound for an unknown document or one of another tenant than `tenant_code`
  //    (so ids of other municipalities cannot be probed), FailedPrecondition for a document
  //    being read (読み取り中です), verified, a phone record, or with review work begun
  //    (確認作業が始まっています), InvalidArgument for bad arguments, NotFound for an unknown
  //    user;
  //  - happens in one transaction with one audit event per document ("document.form_assigned",
  //    "document.page_rotated", "document.page_removed", "document.split", "document.merged")
  //    by `user_id`, its detail naming the page, degrees, form or other document;
  //  - sends the document(s) back to be read again: state received, attempts 0, no failure
  //    reason, page outcomes and form pages cleared, fields and review tasks (with their skips)
  //    deleted, and a form the machine had found forgotten (a form a person said is kept).

  // The front desk says which form a document is (an unidentified or misidentified scan); it
  // is then read as that form. `version` empty: the newest. NotFound for an unknown form.
  virtual Status AssignForm(std::int64_t document_id, const std::string& tenant_code,
                            const std::string& form_id, std::optional<int> version,
                            std::int64_t user_id) = 0;
  // Turns one page clockwise by `degrees` (90, 180 or 270) more. InvalidArgument for other
  // degrees or a page the document does not have.
  virtual Status RotatePage(std::int64_t document_id, const std::string& tenant_code,
                            int page_index, int degrees, std::int64_t user_id) = 0;
  // Takes a page (a blank back side) out of the document; the original file keeps it and the
  // pages after it move up. FailedPrecondition for the only page, InvalidArgument for a page
  // the document does not have.
  virtual Status RemovePage(std::int64_t document_id, const std::string& tenant_code,
                            int page_index, std::int64_t user_id) = 0;
  // Pages [first_page, n) become a new document, in state received; returns its id. `piece` is
  // the new document's original: a file holding exactly those pages, already in the BlobStore
  // and recorded (ingest::EncodePagesAsTiff makes it, with each page's rotation applied, so the
  // new pages have rotation 0). Its tenant must be `tenant_code` and its pages as many as are
  // split off (InvalidArgument otherwise); its form_id is ignored (the piece is identified
  // again). FailedPrecondition when first_page is 0 or n or more, or the piece is not recorded.
  virtual Result<std::int64_t> SplitDocument(std::int64_t document_id,
                                             const std::string& tenant_code, int first_page,
                                             const NewDocument& piece, std::int64_t user_id) = 0;
  // Appends the pages of `from_id` to `into_id` (they keep their source and rotation) and
  // removes `from_id`; its original stays as the source of those pages, so uploading it again
  // finds `into_id`. Both documents must be the tenant's and fixable. InvalidArgument when they
  // are the same document; FailedPrecondition when an export already delivered `from_id`.
  virtual Status MergeDocuments(std::int64_t into_id, std::int64_t from_id,
                                const std::string& tenant_code, std::int64_t user_id) = 0;
  // Documents of one tenant, newest (highest id) first, at most `limit`, only those in `state`
  // when it is set. NotFound for an unknown tenant, InvalidArgument for a limit below 1.
  virtual Result<std::vector<Document>> ListTenantDocuments(const std::string& tenant_code,
                                                            std::optional<DocumentState> state,
                                                            int limit) = 0;

  // Appends to the audit log, which can never be changed or deleted.
  virtual Status AppendAudit(const AuditEvent& event) = 0;
  // The newest `limit` events, newest first (for tests and the supervisor page).
  virtual Result<std::vector<AuditEvent>> RecentAudit(int limit) = 0;
};

// Opens (creating if needed) the SQLite database at `path`, applies pending migrations, and
// creates the default tenant. Returns FailedPrecondition when the database's schema is newer
// than this program, DataLoss when the file is not a database, Unavailable when it cannot be
// opened (permissions, disk).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path& path);

// Opens the PostgreSQL database `uri` names ("postgresql://user@host:5432/adbridge"), applies
// pending migrations and creates the default tenant, as OpenSqliteStore. Several processes on
// several machines may open the same database. Returns Unavailable when the server cannot be
// reached, InvalidArgument for a malformed `uri`, FailedPrecondition for a newer schema.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_STORE_H_
