#include "models/internal/migrations.h"

#include <array>
#include <string>

#include "models/internal/postgres.h"
#include "models/internal/sql.h"
#include "models/store.h"

namespace adbridge::models::internal {
namespace {

// Conventions of the schema:
// - Tables are STRICT, so a value of the wrong type is refused rather than stored.
// - Times are ISO 8601 UTC text with milliseconds ("2024-04-01T09:30:00.123Z"), which sorts in
//   time order as text. kNow is the default everywhere.
// - Enumerations are TEXT with a CHECK listing the values, so a bad state is refused by the
//   database whatever code wrote it.
// - Blob columns reference blobs(sha256): a row can only name a blob already recorded, and a
//   blob is recorded only after BlobStore::Put made it durable.
#define ADB_NOW "(strftime('%Y-%m-%dT%H:%M:%fZ','now'))"
#define ADB_SHA256_CHECK(column) "(length(" column ") = 64 AND " column " NOT GLOB '*[^0-9a-f]*')"

constexpr char kMigration1[] =
    "CREATE TABLE tenants ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE CHECK (code <> '' AND code NOT GLOB '*[^a-z0-9_-]*'),"
    "  name TEXT NOT NULL CHECK (name <> ''),"
    "  created_at TEXT NOT NULL DEFAULT " ADB_NOW
    ") STRICT;"

    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
    "  name TEXT NOT NULL UNIQUE CHECK (name <> ''),"
    "  display_name TEXT NOT NULL DEFAULT '',"
    "  role TEXT NOT NULL"
    "    CHECK (role IN ('admin','supervisor','frontdesk','reviewer','department')),"
    "  password_hash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
    "  created_at TEXT NOT NULL DEFAULT " ADB_NOW
    ") STRICT;"
    "CREATE INDEX users_by_tenant ON users(tenant_id);"

    // A reviewer works for their own tenant and for every tenant that granted them.
    "CREATE TABLE reviewer_grants ("
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
    "  created_at TEXT NOT NULL DEFAULT " ADB_NOW ","
    "  PRIMARY KEY (user_id, tenant_id)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX reviewer_grants_by_tenant ON reviewer_grants(tenant_id);"

    "CREATE TABLE blobs ("
    "  sha256 TEXT PRIMARY KEY CHECK " ADB_SHA256_CHECK("sha256") ","
    "  size INTEGER NOT NULL CHECK (size >= 0),"
    "  media_type TEXT NOT NULL,"
    "  created_at TEXT NOT NULL DEFAULT " ADB_NOW
    ") STRICT, WITHOUT ROWID;"

    // Form ids follow spec/form-definition.md ([a-z0-9-]+, version >= 1).
    "CREATE TABLE forms ("
    "  id TEXT NOT NULL CHECK (id <> '' AND id NOT GLOB '*[^a-z0-9-]*'),"
    "  version INTEGER NOT NULL CHECK (version >= 1),"
    "  title TEXT NOT NULL,"
    "  department TEXT NOT NULL DEFAULT '',"
    "  definition_json TEXT NOT NULL CHECK (json_valid(definition_json)),"
    "  created_at TEXT NOT NULL DEFAULT " ADB_NOW ","
    "  PRIMARY KEY (id, version)"
    ") STRICT, WITHOUT ROWID;"

    // `page` is 1-based, as the `page` of a field in a form definition.
    "CREATE TABLE form_pages ("
    "  form_id TEXT NOT NULL,"
    "  form_version INTEGER NOT NULL,"
    "  page INTEGER NOT NULL CHECK (page >= 1),"
    "  reference_sha256 TEXT NOT NULL REFERENCES blobs(sha256),"
    "  PRIMARY KEY (form_id, form_version, page),"
    "  FOREIGN KEY (form_id, form_version) REFERENCES forms(id, version) ON DELETE CASCADE"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX form_pages_by_reference ON form_pages(reference_sha256);"

    // A form is known either completely (id and version) or not at all: when a caller names
    // only the id, the store resolves the newest version before inserting, so the composite
    // foreign key (which SQLite skips when any column is NULL) always applies.
    // lease_owner is a processing worker's name (host:pid:thread), not a user.
    "CREATE TABLE documents ("
    "  id INTEGER PRIMARY KEY,"
    "  tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
    "  source TEXT NOT NULL CHECK (source IN ('scan','phone')),"
    "  source_name TEXT NOT NULL,"
    "  original_sha256 TEXT NOT NULL REFERENCES blobs(sha256),"
    "  media_type TEXT NOT NULL,"
    "  original_size INTEGER NOT NULL CHECK (original_size >= 0),"
    "  form_id TEXT,"
    "  form_version INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'received'"
    "    CHECK (state IN ('received','processing','in_review','verified','failed')),"
    "  failure_reason TEXT NOT NULL DEFAULT '',"
    "  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
    "  lease_owner TEXT,"
    "  lease_expires_at TEXT,"
    "  created_at TEXT NOT NULL DEFAULT " ADB_NOW ","
    "  updated_at TEXT NOT NULL DEFAULT " ADB_NOW ","
    "  UNIQUE (tenant_id, original_sha256),"
    "  CHECK ((form_id IS NULL) = (form_version IS NULL)),"
    "  CHECK (state <> 'processing' OR (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL)),"
    "  FOREIGN KEY (form_id, form_version) REFERENCES forms(id, version)"
    ") STRICT;"
    // Serves the worker's claim (next received document, or an expired lease) and the lists.
    "CREATE INDEX documents_by_state ON documents(state, lease_expires_at, id);"
    "CREATE INDEX documents_by_tenant_state ON documents(tenant_id, state, id);"
    "CREATE INDEX documents_by_form ON documents(form_id, form_version, state);"
    "CREATE INDEX documents_by_original ON documents(original_sha256);"

    // page_index is the 0-based position in the original file; form_page the 1-based page of
    // the form it was matched to (NULL until identified).
    "CREATE TABLE pages ("
    "  id INTEGER PRIMARY KEY,"
    "  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  page_index INTEGER NOT NULL CHECK (page_index >= 0),"
    "  form_page INTEGER CHECK (form_page IS NULL OR form_page >= 1),"
    "  width_px INTEGER NOT NULL CHECK (width_px >= 0),"
    "  height_px INTEGER NOT NULL CHECK (height_px >= 0),"
    "  dpi INTEGER NOT NULL DEFAULT 0 CHECK (dpi >= 0),"
    "  image_sha256 TEXT REFERENCES blobs(sha256),"
    "  UNIQUE (document_id, page_index)"
    ") STRICT;"
    "CREATE INDEX pages_by_image ON pages(image_sha256) WHERE image_sha256 IS NOT NULL;"

    // value / ocr_value are NULL when there is none (a phone record has no OCR reading; an
    // unreadable field has no value), which is not the same as an empty reading.
    "CREATE TABLE fields ("
    "  id INTEGER PRIMARY KEY,"
    "  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL CHECK (name GLOB '[a-z]*' AND name NOT GLOB '*[^a-z0-9_]*'),"
    "  value TEXT,"
    "  ocr_value TEXT,"
    "  confidence REAL CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),"
    "  state TEXT NOT NULL"
    "    CHECK (state IN ('auto_accepted','needs_review','verified','unreadable')),"
    "  validation_error TEXT NOT NULL DEFAULT '',"
    "  snippet_sha256 TEXT REFERENCES blobs(sha256),"
    "  updated_at TEXT NOT NULL DEFAULT " ADB_NOW ","
    "  UNIQUE (document_id, name)"
    ") STRICT;"
    "CREATE INDEX fields_by_state ON fields(state, document_id);"

    // due_at is never NULL (a task without a deadline is due when created) so that the queue
    // order "priority (high first), due date, id" is served by one index without sorting
    // NULLs. Field-bound kinds must name their field.
    "CREATE TABLE review_tasks ("
    "  id INTEGER PRIMARY KEY,"
    "  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  field_id INTEGER REFERENCES fields(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('field','classification','double_entry','gold')),"
    "  state TEXT NOT NULL DEFAULT 'open'"
    "    CHECK (state IN ('open','leased','done','escalated')),"
    "  priority INTEGER NOT NULL DEFAULT 0,"
    "  due_at TEXT NOT NULL DEFAULT " ADB_NOW ","
    "  lease_owner INTEGER REFERENCES users(id),"
    "  lease_expires_at TEXT,"
    "  created_at TEXT NOT NULL DEFAULT " ADB_NOW ","
    "  updated_at TEXT NOT NULL DEFAULT " ADB_NOW ","
    "  CHECK (kind NOT IN ('field','double_entry') OR field_id IS NOT NULL),"
    "  CHECK (state <> 'leased' OR (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))"
    ") STRICT;"
    "CREATE INDEX review_tasks_next ON review_tasks(state, priority DESC, due_at, id);"
    "CREATE INDEX review_tasks_by_document ON review_tasks(document_id, state);"
    "CREATE INDEX review_tasks_by_field ON review_tasks(field_id) WHERE field_id IS NOT NULL;"
    "CREATE INDEX review_tasks_by_lease_owner ON review_tasks(lease_owner)"
    "  WHERE lease_owner IS NOT NULL;"

    "CREATE TABLE review_entries ("
    "  id INTEGER PRIMARY KEY,"
    "  task_id INTEGER NOT NULL REFERENCES review_tasks(id) ON DELETE CASCADE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  action TEXT NOT NULL CHECK (action IN ('submit','unreadable','skip','escalate','decide')),"
    "  value TEXT,"
    "  created_at TEXT NOT NULL DEFAULT " ADB_NOW
    ") STRICT;"
    "CREATE INDEX review_entries_by_task ON review_entries(task_id);"
    "CREATE INDEX review_entries_by_user ON review_entries(user_id, created_at);"

    // Append-only: triggers refuse every UPDATE and DELETE, whoever issues them.
    // AUTOINCREMENT so ids only grow. document_id and field_id carry no foreign key on
    // purpose: the record of what happened must outlive a document that is later removed (and
    // must not stop its removal).
    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  at TEXT NOT NULL DEFAULT " ADB_NOW ","
    "  user_id INTEGER REFERENCES users(id),"
    "  action TEXT NOT NULL CHECK (action <> ''),"
    "  document_id INTEGER,"
    "  field_id INTEGER,"
    "  detail_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail_json))"
    ") STRICT;"
    "CREATE INDEX audit_log_by_document ON audit_log(document_id) WHERE document_id IS NOT NULL;"
    "CREATE INDEX audit_log_by_user ON audit_log(user_id, at) WHERE user_id IS NOT NULL;"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN"
    "  SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed');"
    "END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN"
    "  SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted');"
    "END;";

// Reading (issue 3): what each page turned out to be, why a person must look at a task, and
// the index the OCR workers claim waiting documents by.
constexpr char kMigration2[] =
    "ALTER TABLE pages ADD COLUMN outcome TEXT CHECK (outcome IS NULL OR outcome IN "
    "  ('identified','blank','unknown','ambiguous','unregistrable','extra'));"
    "ALTER TABLE pages ADD COLUMN note TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE review_tasks ADD COLUMN reason TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX documents_waiting ON documents(state, attempts, id);";

// Review (issue 4): sessions and login throttling, what a reviewer may ask the queue for
// (field type, on-site-only), leases with their start, skips, gold answers, and entries with
// their time, note and gold result. Existing tasks take their field's type from the form
// definition they were read with.
// A task carries its document's tenant (which never changes) so that the queue can be walked
// per tenant: review_tasks_queue serves "the next open task of tenant T" without passing over
// the tasks of every other tenant, which a reviewer of a small municipality sharing a telework
// centre with a large one would otherwise do on every claim.
constexpr char kMigration3[] =
    "CREATE TABLE sessions ("
    "  token_sha256 TEXT PRIMARY KEY CHECK " ADB_SHA256_CHECK("token_sha256") ","
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  csrf_token TEXT NOT NULL CHECK (length(csrf_token) >= 32),"
    "  created_at TEXT NOT NULL DEFAULT " ADB_NOW ","
    "  expires_at TEXT NOT NULL"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX sessions_by_user ON sessions(user_id);"
    "CREATE INDEX sessions_by_expiry ON sessions(expires_at);"

    "CREATE TABLE login_failures ("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL,"
    "  at TEXT NOT NULL DEFAULT " ADB_NOW
    ") STRICT;"
    "CREATE INDEX login_failures_by_key ON login_failures(key, at);"

    "ALTER TABLE review_tasks ADD COLUMN field_type TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE review_tasks ADD COLUMN on_site_only INTEGER NOT NULL DEFAULT 0"
    "  CHECK (on_site_only IN (0, 1));"
    "ALTER TABLE review_tasks ADD COLUMN leased_at TEXT;"
    "ALTER TABLE review_tasks ADD COLUMN skipped_by INTEGER REFERENCES users(id);"
    "ALTER TABLE review_tasks ADD COLUMN skipped_at TEXT;"
    "ALTER TABLE review_tasks ADD COLUMN gold_answer TEXT;"
    "ALTER TABLE review_tasks ADD COLUMN tenant_id INTEGER REFERENCES tenants(id);"
    "UPDATE review_tasks SET tenant_id ="
    "  (SELECT d.tenant_id FROM documents d WHERE d.id = review_tasks.document_id);"
    "CREATE INDEX review_tasks_queue ON review_tasks(state, tenant_id, priority DESC, due_at, id);"
    "CREATE INDEX review_tasks_leases ON review_tasks(state, lease_expires_at)"
    "  WHERE state = 'leased';"

    "ALTER TABLE review_entries ADD COLUMN note TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE review_entries ADD COLUMN seconds REAL NOT NULL DEFAULT 0"
    "  CHECK (seconds >= 0);"
    "ALTER TABLE review_entries ADD COLUMN gold_correct INTEGER"
    "  CHECK (gold_correct IS NULL OR gold_correct IN (0, 1));"

    "UPDATE review_tasks SET"
    "  field_type = coalesce((SELECT json_extract(def.value, '$.type')"
    "    FROM fields f JOIN documents d ON d.id = f.document_id"
    "    JOIN forms fm ON fm.id = d.form_id AND fm.version = d.form_version,"
    "    json_each(fm.definition_json, '$.fields') def"
    "    WHERE f.id = review_tasks.field_id AND json_extract(def.value, '$.name') = f.name), ''),"
    "  on_site_only = coalesce((SELECT json_extract(def.value, '$.on_site_only') IS 1"
    "    FROM fields f JOIN documents d ON d.id = f.document_id"
    "    JOIN forms fm ON fm.id = d.form_id AND fm.version = d.form_version,"
    "    json_each(fm.definition_json, '$.fields') def"
    "    WHERE f.id = review_tasks.field_id AND json_extract(def.value, '$.name') = f.name), 0)"
    "  WHERE field_id IS NOT NULL;";

// Output (issue 5): what left adbridge. An export records who asked, when, in which format,
// and exactly which documents it held, so that "what is new since the last export" is a set
// difference, not a guess from times. A letter batch is one PDF for the print room (kept as a
// blob, so a lost file can be printed again); each letter row names the document it answers,
// and a document has at most one: the primary key is what keeps a resident from getting the
// same letter twice, whatever two runs do at once.
constexpr char kMigration4[] =
    "CREATE TABLE exports ("
    "  id INTEGER PRIMARY KEY,"
    "  tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
    "  form_id TEXT NOT NULL,"
    "  requested_by TEXT NOT NULL CHECK (requested_by <> ''),"
    "  user_id INTEGER REFERENCES users(id),"
    "  format TEXT NOT NULL CHECK (format IN ('csv','jsonl')),"
    "  encoding TEXT NOT NULL CHECK (encoding IN ('utf-8','utf-8-bom','cp932')),"
    "  status_filter TEXT NOT NULL CHECK (status_filter IN ('verified','any')),"
    "  only_new INTEGER NOT NULL DEFAULT 0 CHECK (only_new IN (0, 1)),"
    "  document_count INTEGER NOT NULL CHECK (document_count >= 0),"
    "  created_at TEXT NOT NULL DEFAULT " ADB_NOW
    ") STRICT;"
    "CREATE INDEX exports_by_form ON exports(tenant_id, form_id, id);"
    "CREATE TABLE export_documents ("
    "  export_id INTEGER NOT NULL REFERENCES exports(id),"
    "  document_id INTEGER NOT NULL REFERENCES documents(id),"
    "  PRIMARY KEY (export_id, document_id)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX export_documents_by_document ON export_documents(document_id);"

    "CREATE TABLE letter_batches ("
    "  id INTEGER PRIMARY KEY,"
    "  tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
    "  template TEXT NOT NULL CHECK (template <> ''),"
    "  form_id TEXT,"
    "  large_print INTEGER NOT NULL DEFAULT 0 CHECK (large_print IN (0, 1)),"
    "  requested_by TEXT NOT NULL CHECK (requested_by <> ''),"
    "  user_id INTEGER REFERENCES users(id),"
    "  pdf_sha256 TEXT NOT NULL REFERENCES blobs(sha256),"
    "  letter_count INTEGER NOT NULL CHECK (letter_count >= 0),"
    "  page_count INTEGER NOT NULL CHECK (page_count >= 0),"
    "  created_at TEXT NOT NULL DEFAULT " ADB_NOW
    ") STRICT;"
    "CREATE TABLE letters ("
    "  document_id INTEGER PRIMARY KEY REFERENCES documents(id),"
    "  batch_id INTEGER NOT NULL REFERENCES letter_batches(id),"
    "  first_page INTEGER NOT NULL CHECK (first_page >= 1),"
    "  page_count INTEGER NOT NULL CHECK (page_count >= 1)"
    ") STRICT;"
    "CREATE INDEX letters_by_batch ON letters(batch_id);";

// Front-desk fixes (issue 6): a document's pages are no longer simply the pages of its
// original. Each page says which file its image comes from (source_sha256, source_index: a
// page merged in from another scan keeps coming from that scan) and how far to turn it
// (rotation, clockwise, applied after decoding); page_index becomes the page's position in the
// document, kept contiguous. Existing pages come from their document's original.
// form_assigned: the form was said by a person (at ingest or at the front desk), so reading
// again keeps it; a form the machine found is forgotten when the document is read again.
// Before this version a document could only have a form before reading if ingest was told it.
constexpr char kMigration5[] =
    "ALTER TABLE pages ADD COLUMN source_sha256 TEXT REFERENCES blobs(sha256);"
    "ALTER TABLE pages ADD COLUMN source_index INTEGER"
    "  CHECK (source_index IS NULL OR source_index >= 0);"
    "ALTER TABLE pages ADD COLUMN rotation INTEGER NOT NULL DEFAULT 0"
    "  CHECK (rotation IN (0, 90, 180, 270));"
    "UPDATE pages SET source_index = page_index, source_sha256 ="
    "  (SELECT d.original_sha256 FROM documents d WHERE d.id = pages.document_id);"
    // The duplicate check looks a file up among the pages' sources.
    "CREATE INDEX pages_by_source ON pages(source_sha256, document_id);"
    "ALTER TABLE documents ADD COLUMN form_assigned INTEGER NOT NULL DEFAULT 0"
    "  CHECK (form_assigned IN (0, 1));"
    "UPDATE documents SET form_assigned = 1"
    "  WHERE form_id IS NOT NULL AND (source = 'phone' OR state IN ('received', 'processing'));"
    // The front desk's list: one tenant's documents, newest first.
    "CREATE INDEX documents_by_tenant ON documents(tenant_id, id);";

// Blobs in the database (issue 8): an installation on PostgreSQL keeps every blob's bytes here,
// so machines need no shared file system. The SQLite installation keeps its blobs in
// DATA/blobs/ and leaves this table empty; it exists in both so the schema is the same.
constexpr char kMigration6[] =
    "CREATE TABLE blob_contents ("
    "  sha256 TEXT PRIMARY KEY REFERENCES blobs(sha256),"
    "  bytes BLOB NOT NULL"
    ") STRICT, WITHOUT ROWID;";

#undef ADB_SHA256_CHECK
#undef ADB_NOW

constexpr std::array kMigrations = {
    Migration{1, "tenants, users, blobs, forms, documents, pages, fields, review, audit log",
              kMigration1},
    Migration{2, "page outcomes, task reasons, the waiting-documents index", kMigration2},
    Migration{3, "sessions, login throttling, review leases, skips, gold tasks, entry times",
              kMigration3},
    Migration{4, "exports and the documents each held, letter batches and the letters in them",
              kMigration4},
    Migration{5, "pages from any source file with their rotation, forms said by a person",
              kMigration5},
    Migration{6, "blob bytes in the database (installations on PostgreSQL)", kMigration6},
};
static_assert(kMigrations.size() == static_cast<std::size_t>(kSchemaVersion),
              "every schema version needs exactly one migration");

Status NewerSchema(int found) {
  const std::string versions =
      " (schema " + std::to_string(found) + " > " + std::to_string(kSchemaVersion) + ")";
  return Status::FailedPrecondition(
      "このデータベースは新しい版の adbridge で作られています" + versions +
          "。この版では開けません。新しい版の adbridge を使ってください。",
      "this database was made by a newer adbridge" + versions +
          "; this version cannot open it. Use the newer adbridge.");
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

Result<int> ReadSchemaVersion(Connection& conn) {
  if (conn.dialect() == Dialect::kSqlite) {
    ADB_ASSIGN_OR_RETURN(PreparedStatement * stmt, conn.Prepare("PRAGMA user_version"));
    Statement version(stmt);
    ADB_ASSIGN_OR_RETURN(bool row, version.Step());
    return row ? static_cast<int>(version.Int(0)) : 0;
  }
  // A new database has no version table yet; the second statement is only prepared once the
  // table exists.
  {
    ADB_ASSIGN_OR_RETURN(PreparedStatement * stmt,
                         conn.Prepare("SELECT CASE WHEN to_regclass('adbridge_schema') IS NULL "
                                      "THEN 0 ELSE 1 END"));
    Statement exists(stmt);
    ADB_ASSIGN_OR_RETURN(bool row, exists.Step());
    if (!row || exists.Int(0) == 0) return 0;
  }
  ADB_ASSIGN_OR_RETURN(PreparedStatement * stmt,
                       conn.Prepare("SELECT coalesce(max(version), 0) FROM adbridge_schema"));
  Statement version(stmt);
  ADB_ASSIGN_OR_RETURN(bool row, version.Step());
  return row ? static_cast<int>(version.Int(0)) : 0;
}

Status Migrate(Connection& conn) {
  ADB_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(conn));
  if (version > kSchemaVersion) return NewerSchema(version);
  if (version < 0) {
    return Status::DataLoss("スキーマの版が不正です: " + std::to_string(version),
                            "the schema version is invalid: " + std::to_string(version));
  }
  const bool postgres = conn.dialect() == Dialect::kPostgres;
  for (const Migration& migration : kMigrations) {
    if (migration.version <= version) continue;
    ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(conn));
    // Another process may have migrated while this one waited for the write lock.
    ADB_ASSIGN_OR_RETURN(int current, ReadSchemaVersion(conn));
    if (current > kSchemaVersion) return NewerSchema(current);
    if (current >= migration.version) {
      version = current;
      continue;  // the transaction rolls back: nothing was done in it
    }
    const std::string step = std::to_string(migration.version);
    const adbridge::Text what{"スキーマを版 " + step + " に移行できません",
                              "cannot migrate the schema to version " + step};
    ADB_RETURN_IF_ERROR(
        conn.Exec(postgres ? PostgresMigrationSql(migration.version) : migration.sql, what));
    // The version changes in the same transaction as the schema.
    const std::string set_version =
        postgres ? "CREATE TABLE IF NOT EXISTS adbridge_schema (version INTEGER NOT NULL);"
                   "DELETE FROM adbridge_schema;"
                   "INSERT INTO adbridge_schema (version) VALUES (" + step + ")"
                 : "PRAGMA user_version = " + step;
    ADB_RETURN_IF_ERROR(conn.Exec(
        set_version, {"スキーマの版を記録できません", "cannot record the schema version"}));
    ADB_RETURN_IF_ERROR(tx.Commit());
    version = migration.version;
  }
  return Status::Ok();
}

}  // namespace adbridge::models::internal
