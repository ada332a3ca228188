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
#include <string>
#include <vector>

#include "models/status.h"

namespace adbridge::models {

// The schema version this program creates and understands.
inline constexpr int kSchemaVersion = 1;

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
  // tenant already has a document with the same original, returns that one with duplicate set.
  // Returns NotFound for an unknown tenant or form, FailedPrecondition when the original is not
  // recorded as a blob.
  virtual Result<DocumentInsert> InsertDocument(const NewDocument& document) = 0;
  // Returns NotFound when there is no such document.
  virtual Result<Document> GetDocument(std::int64_t id) = 0;
  // Documents in id order; all when `state` is empty.
  virtual Result<std::vector<Document>> ListDocuments(std::optional<DocumentState> state) = 0;

  // Records that a blob is on disk (called after BlobStore::Put, before rows point to it).
  virtual Status RecordBlob(const std::string& sha256, std::int64_t size,
                            const std::string& media_type) = 0;

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

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_STORE_H_
