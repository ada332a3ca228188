// Store over SQL, the same code for SQLite and PostgreSQL (models/internal/sql.h): one
// connection per Store, every call serialised on a mutex, every change in one write
// transaction. Several processes (or several Store objects) may open the same database; the
// write transaction (SQLite's write lock, PostgreSQL's advisory lock) orders their writes.
#include <algorithm>
#include <limits>
#include <mutex>
#include <random>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "models/form_definition.h"
#include "models/internal/migrations.h"
#include "models/internal/sha256_name.h"
#include "models/internal/postgres.h"
#include "models/internal/sql.h"
#include "models/internal/sqlite.h"
#include "models/store.h"

namespace adbridge::models {
namespace {

using internal::IsSha256Name;
using internal::ReadSnapshot;
using internal::Statement;
using internal::StatementCache;
using internal::Transaction;

constexpr std::string_view kDefaultTenantName = "既定の自治体";

// ---- SQL ----------------------------------------------------------------------------------

constexpr char kSelectTenantByCode[] = "SELECT id, code, name FROM tenants WHERE code = ?1";
constexpr char kInsertTenant[] =
    "INSERT INTO tenants (code, name) VALUES (?1, ?2) ON CONFLICT (code) DO NOTHING RETURNING id";

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
constexpr char kSetBlobMediaType[] =
    "UPDATE blobs SET media_type = ?2 WHERE sha256 = ?1 AND media_type = 'application/octet-stream'";
constexpr char kInsertBlob[] = "INSERT INTO blobs (sha256, size, media_type) VALUES (?1, ?2, ?3)";

// The same file is the document it is the original of, or the one its pages went to (a scan
// merged into another document). Served by documents' UNIQUE index and pages_by_source.
constexpr char kSelectDocumentByOriginal[] =
    "SELECT id FROM documents WHERE tenant_id = ?1 AND original_sha256 = ?2 "
    "UNION ALL "
    "SELECT p.document_id FROM pages p JOIN documents d ON d.id = p.document_id "
    "WHERE p.source_sha256 = ?2 AND d.tenant_id = ?1 LIMIT 1";
// A form named when the document is made was said by a person (form_assigned).
constexpr char kInsertDocument[] =
    "INSERT INTO documents (tenant_id, source, source_name, original_sha256, media_type, "
    "original_size, form_id, form_version, form_assigned) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, CASE WHEN CAST(?7 AS TEXT) IS NULL THEN 0 ELSE 1 END) "
    "RETURNING id";
constexpr char kInsertPage[] =
    "INSERT INTO pages (document_id, page_index, width_px, height_px, dpi, source_sha256, "
    "source_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?2)";

#define ADB_DOCUMENT_COLUMNS                                                                   \
  "SELECT d.id, t.code, d.source, d.source_name, d.original_sha256, d.media_type, d.form_id, " \
  "d.form_version, d.state, d.failure_reason, "                                                \
  "(SELECT count(*) FROM pages p WHERE p.document_id = d.id), d.created_at, d.updated_at "     \
  "FROM documents d JOIN tenants t ON t.id = d.tenant_id "
constexpr char kSelectDocument[] = ADB_DOCUMENT_COLUMNS "WHERE d.id = ?1";
constexpr char kSelectAllDocuments[] = ADB_DOCUMENT_COLUMNS "ORDER BY d.id";
constexpr char kSelectDocumentsInState[] = ADB_DOCUMENT_COLUMNS "WHERE d.state = ?1 ORDER BY d.id";
// The states are one JSON array, so one prepared statement serves any set of them.
constexpr char kSelectFormDocuments[] = ADB_DOCUMENT_COLUMNS
    "WHERE d.tenant_id = ?1 AND d.form_id = ?2 AND d.state IN " ADB_SQL_TEXT_LIST("?3") " "
    "ORDER BY d.id";
// Letters: the verified documents of a form that no batch has answered yet (documents_by_form).
// The front desk's list, newest first (documents_by_tenant, documents_by_tenant_state).
constexpr char kSelectTenantDocuments[] =
    ADB_DOCUMENT_COLUMNS "WHERE d.tenant_id = ?1 ORDER BY d.id DESC LIMIT ?2";
constexpr char kSelectTenantDocumentsInState[] =
    ADB_DOCUMENT_COLUMNS "WHERE d.tenant_id = ?1 AND d.state = ?3 ORDER BY d.id DESC LIMIT ?2";
constexpr char kSelectDocumentsAwaitingLetter[] = ADB_DOCUMENT_COLUMNS
    "WHERE t.code = ?1 AND d.form_id = ?2 AND d.state = 'verified' "
    "AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.document_id = d.id) ORDER BY d.id";
#undef ADB_DOCUMENT_COLUMNS

constexpr char kSelectUserExists[] = "SELECT 1 FROM users WHERE id = ?1";
constexpr char kInsertAudit[] =
    "INSERT INTO audit_log (user_id, action, document_id, field_id, detail_json) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr char kSelectRecentAudit[] =
    "SELECT id, at, user_id, action, document_id, field_id, detail_json FROM audit_log "
    "ORDER BY id DESC LIMIT ?1";

// ---- reading ----
#define ADB_NOW_SQL ADB_SQL_NOW
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
    "lease_expires_at = " ADB_SQL_NOW_PLUS("?2") ", attempts = attempts + 1, "
    "updated_at = " ADB_NOW_SQL " "
    "WHERE id = (SELECT id FROM documents WHERE source = 'scan' AND (state = 'received' OR "
    "  (state = 'processing' AND lease_expires_at < " ADB_NOW_SQL ")) "
    "  ORDER BY attempts, id LIMIT 1 " ADB_SQL_SKIP_LOCKED ") "
    "RETURNING id";
constexpr char kSelectAbandonedDocuments[] =
    "SELECT id, lease_owner, attempts FROM documents WHERE state = 'processing' ORDER BY id";
constexpr char kSelectLease[] =
    "SELECT state, lease_owner, attempts FROM documents WHERE id = ?1 " ADB_SQL_FOR_UPDATE;
// A reading that identified no form keeps the form a person said the document is.
constexpr char kSetDocumentRead[] =
    "UPDATE documents SET state = ?2, "
    "form_id = CASE WHEN CAST(?3 AS TEXT) IS NULL AND form_assigned = 1 THEN form_id ELSE ?3 END, "
    "form_version = CASE WHEN ?3 IS NULL AND form_assigned = 1 THEN form_version ELSE ?4 END, "
    "failure_reason = '', "
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
    "validation_error, snippet_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id";
// A task carries its document's tenant, by which the queue is walked (review_tasks_queue).
constexpr char kInsertTask[] =
    "INSERT INTO review_tasks (document_id, tenant_id, field_id, kind, priority, reason, "
    "field_type, on_site_only) "
    "VALUES (?1, (SELECT tenant_id FROM documents WHERE id = ?1), ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr char kSelectFields[] =
    "SELECT id, document_id, name, value, ocr_value, confidence, state, validation_error, "
    "snippet_sha256 FROM fields WHERE document_id = ?1 ORDER BY id";
constexpr char kSelectPages[] =
    "SELECT page_index, form_page, outcome, note, width_px, height_px, dpi, "
    "coalesce(source_sha256, ''), coalesce(source_index, page_index), rotation FROM pages "
    "WHERE document_id = ?1 ORDER BY page_index";
constexpr char kSelectTasks[] =
    "SELECT t.id, t.document_id, t.field_id, coalesce(f.name, ''), t.kind, t.state, t.priority, "
    "t.reason FROM review_tasks t LEFT JOIN fields f ON f.id = t.field_id "
    "WHERE t.document_id = ?1 ORDER BY t.id";

// ---- the front desk's fixes ----
// What a fix checks first: whose the document is, its state, whether review work has begun
// on it (an entry other than a skip, or a reviewer holding an unexpired lease) and its pages.
constexpr char kSelectFixable[] =
    "SELECT t.code, d.state, d.source, "
    "(SELECT count(*) FROM review_entries e JOIN review_tasks x ON x.id = e.task_id "
    "  WHERE x.document_id = d.id AND e.action <> 'skip') + "
    "(SELECT count(*) FROM review_tasks x WHERE x.document_id = d.id AND x.state = 'leased' "
    "  AND x.lease_expires_at >= " ADB_NOW_SQL "), "
    "(SELECT count(*) FROM pages p WHERE p.document_id = d.id), d.source_name "
    "FROM documents d JOIN tenants t ON t.id = d.tenant_id WHERE d.id = ?1";
// Before a fix looks: the document, then its tasks. A claim in flight holds its task, so the
// fix waits for it and then sees its lease; a claim after this passes the tasks over
// (ADB_SQL_SKIP_LOCKED), so no reviewer is handed a task a fix is about to delete.
constexpr char kLockDocumentTasks[] =
    "SELECT id FROM review_tasks WHERE document_id = ?1 " ADB_SQL_FOR_UPDATE;
// Read again from the start; a form the machine found is forgotten, one a person said is kept.
constexpr char kResetDocument[] =
    "UPDATE documents SET state = 'received', attempts = 0, failure_reason = '', "
    "lease_owner = NULL, lease_expires_at = NULL, "
    "form_id = CASE WHEN form_assigned = 1 THEN form_id END, "
    "form_version = CASE WHEN form_assigned = 1 THEN form_version END, "
    "updated_at = " ADB_NOW_SQL " WHERE id = ?1";
constexpr char kClearPageOutcomes[] =
    "UPDATE pages SET form_page = NULL, outcome = NULL, note = '' WHERE document_id = ?1";
constexpr char kAssignForm[] =
    "UPDATE documents SET form_id = ?2, form_version = ?3, form_assigned = 1 WHERE id = ?1";
constexpr char kRotatePage[] =
    "UPDATE pages SET rotation = (rotation + ?3) % 360 WHERE document_id = ?1 AND page_index = ?2";
constexpr char kDeletePage[] = "DELETE FROM pages WHERE document_id = ?1 AND page_index = ?2";
constexpr char kDeletePagesFrom[] = "DELETE FROM pages WHERE document_id = ?1 AND page_index >= ?2";
// Renumbering moves every page past the highest number first (?2 is that number plus one), so
// UNIQUE (document_id, page_index) never sees two pages on one number while they move.
constexpr char kSelectLastPageIndex[] =
    "SELECT coalesce(max(page_index), 0) FROM pages WHERE document_id = ?1";
constexpr char kOffsetPages[] =
    "UPDATE pages SET page_index = page_index + ?2 WHERE document_id = ?1";
constexpr char kSelectPageIds[] = "SELECT id FROM pages WHERE document_id = ?1 ORDER BY page_index";
constexpr char kSetPageIndex[] = "UPDATE pages SET page_index = ?2 WHERE id = ?1";
// The merged document's pages follow the other's: moved past them (?3 is past both documents'
// highest numbers), then renumbered.
constexpr char kMovePages[] =
    "UPDATE pages SET document_id = ?1, page_index = page_index + ?3 WHERE document_id = ?2";
constexpr char kSelectExported[] = "SELECT 1 FROM export_documents WHERE document_id = ?1 LIMIT 1";
constexpr char kDeleteDocument[] = "DELETE FROM documents WHERE id = ?1";
// ---- people and sessions ----
constexpr char kSelectUserIdByName[] = "SELECT id FROM users WHERE name = ?1";
constexpr char kSelectUserDisabled[] = "SELECT disabled FROM users WHERE id = ?1";
constexpr char kInsertUser[] =
    "INSERT INTO users (tenant_id, name, display_name, role, password_hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id";
constexpr char kInsertGrant[] =
    "INSERT INTO reviewer_grants (user_id, tenant_id) VALUES (?1, ?2) "
    "ON CONFLICT (user_id, tenant_id) DO NOTHING";
#define ADB_USER_COLUMNS                                                                \
  "SELECT u.id, u.tenant_id, t.code, u.name, u.display_name, u.role, u.password_hash, " \
  "u.disabled FROM users u JOIN tenants t ON t.id = u.tenant_id "
constexpr char kSelectUser[] = ADB_USER_COLUMNS "WHERE u.id = ?1";
constexpr char kSelectUserByName[] = ADB_USER_COLUMNS "WHERE u.name = ?1";
constexpr char kSelectAllUsers[] = ADB_USER_COLUMNS "ORDER BY u.id";
constexpr char kSelectTenantUsers[] = ADB_USER_COLUMNS "WHERE u.tenant_id = ?1 ORDER BY u.id";
#undef ADB_USER_COLUMNS
// A grant of the user's own tenant adds nothing: their own tenant is always first.
constexpr char kSelectGrants[] =
    "SELECT tenant_id FROM reviewer_grants WHERE user_id = ?1 AND tenant_id <> ?2 "
    "ORDER BY tenant_id";

constexpr char kDeleteExpiredSessions[] = "DELETE FROM sessions WHERE expires_at <= " ADB_NOW_SQL;
constexpr char kInsertSession[] =
    "INSERT INTO sessions (token_sha256, user_id, csrf_token, expires_at) "
    "VALUES (?1, ?2, ?3, " ADB_SQL_NOW_PLUS("?4") ")";
constexpr char kSelectSession[] =
    "SELECT s.token_sha256, s.user_id, s.csrf_token, s.created_at, s.expires_at "
    "FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.token_sha256 = ?1 AND s.expires_at > " ADB_NOW_SQL " AND u.disabled = 0";
constexpr char kDeleteSession[] = "DELETE FROM sessions WHERE token_sha256 = ?1";

// Throttling looks minutes back; failures older than a day are of no use to it.
constexpr char kForgetOldLoginFailures[] =
    "DELETE FROM login_failures WHERE at < " ADB_SQL_NOW_PLUS("-86400");
constexpr char kInsertLoginFailure[] = "INSERT INTO login_failures (key) VALUES (?1)";
constexpr char kCountLoginFailures[] =
    "SELECT count(*) FROM login_failures "
    "WHERE key = ?1 AND at > " ADB_SQL_NOW_PLUS("?2");
constexpr char kDeleteLoginFailures[] = "DELETE FROM login_failures WHERE key = ?1";

// ---- the review queue ----
// The tenants user ?1 reviews for: their own and every tenant that granted them.
#define ADB_REVIEW_TENANTS_OF_USER_1                  \
  "(SELECT tenant_id FROM users WHERE id = ?1 UNION " \
  "SELECT tenant_id FROM reviewer_grants WHERE user_id = ?1)"
// A list of tenant ids passed as one JSON array, so one prepared statement serves any list.
#define ADB_TENANT_LIST_1 ADB_SQL_INT_LIST("?1")

// Served by the partial index review_tasks_leases. The old owner is read before the lease is
// cleared, for the audit event.
constexpr char kSelectExpiredLeases[] =
    "SELECT id, document_id, field_id, kind, lease_owner FROM review_tasks "
    "WHERE state = 'leased' AND lease_expires_at < " ADB_NOW_SQL " " ADB_SQL_SKIP_LOCKED;
// A field task goes back to the queue. A gold task was made for the one reviewer who let it
// lapse and no one else may be handed it, so it is closed instead.
constexpr char kReturnExpiredLease[] =
    "UPDATE review_tasks SET state = CASE kind WHEN 'gold' THEN 'done' ELSE 'open' END, "
    "lease_owner = NULL, lease_expires_at = NULL, leased_at = NULL, updated_at = " ADB_NOW_SQL
    " WHERE id = ?1 AND state = 'leased' AND lease_expires_at < " ADB_NOW_SQL " RETURNING id";
// The hot path of the review server: one statement picks and leases the task, so two
// reviewers never get the same one. For each tenant the user works for, the pick walks the
// index review_tasks_queue (state, tenant_id, priority DESC, due_at, id) from that tenant's
// first open task and stops at the first one the user may take; the best of those few
// candidates (one per tenant) is leased. So a claim neither sorts nor reads the whole queue,
// and other tenants' tasks are never walked over.
// Classification tasks are the front desk's; gold tasks are made leased by ClaimGoldTask. A user
// who entered a value (or said unreadable) is not the second person of a double entry; a user
// who skipped a task is not handed it again until the cooldown (?5, minus the cooldown in seconds) has passed.
// A field-type filter is applied while walking (the tenant's tasks of other types are passed
// over).
constexpr char kClaimTask[] =
    "UPDATE review_tasks SET state = 'leased', lease_owner = ?1, leased_at = " ADB_NOW_SQL
    ", lease_expires_at = " ADB_SQL_NOW_PLUS("?2") ", "
    "updated_at = " ADB_NOW_SQL " "
    "WHERE id = (SELECT best.id FROM ("
    "    SELECT (SELECT t.id FROM review_tasks t "
    "      WHERE t.state = 'open' AND t.tenant_id = r.tenant_id "
    "      AND t.kind IN ('field', 'double_entry') "
    "      AND (CAST(?3 AS TEXT) IS NULL OR t.field_type = ?3) "
    "      AND (?4 OR t.on_site_only = 0) "
    "      AND (t.skipped_by IS DISTINCT FROM ?1 "
    "           OR t.skipped_at <= " ADB_SQL_NOW_PLUS("?5") ") "
    "      AND NOT EXISTS (SELECT 1 FROM review_entries e WHERE e.task_id = t.id "
    "        AND e.user_id = ?1 AND e.action IN ('submit', 'unreadable')) "
    "      ORDER BY t.priority DESC, t.due_at, t.id LIMIT 1 " ADB_SQL_SKIP_LOCKED ") AS id "
    "    FROM " ADB_REVIEW_TENANTS_OF_USER_1 " r) candidate "
    "  JOIN review_tasks best ON best.id = candidate.id "
    "  ORDER BY best.priority DESC, best.due_at, best.id LIMIT 1) AND state = 'open' "
    "RETURNING id, document_id, field_id, kind";

// Gold: a field a person settled, with the snippet a reviewer reads it from, of a tenant the
// user works for, that the user never entered anything for and does not hold. Its type,
// on-site flag and reason come from the field's own task, so a gold task looks like any other.
// The pick scans fields_by_state (state, document_id) from a random document (?2 <= document
// < ?3), so it is random enough without counting or sorting the candidates; the tenant is a
// scalar subquery for the reason given at kClaimTask.
constexpr char kSelectGoldStart[] =
    "SELECT coalesce(max(id), 0) FROM documents";
constexpr char kSelectGoldField[] =
    "SELECT f.id, f.document_id, f.value, coalesce(o.field_type, ''), "
    "coalesce(o.on_site_only, 0), coalesce(o.reason, '') "
    "FROM fields f LEFT JOIN review_tasks o ON o.id = (SELECT min(x.id) FROM review_tasks x "
    "  WHERE x.field_id = f.id AND x.kind IN ('field', 'double_entry')) "
    "WHERE f.state = 'verified' AND f.document_id >= ?2 AND f.document_id < ?3 "
    "AND f.value IS NOT NULL AND f.snippet_sha256 IS NOT NULL "
    "AND (SELECT d.tenant_id FROM documents d WHERE d.id = f.document_id) "
    "  IN " ADB_REVIEW_TENANTS_OF_USER_1 " "
    "AND (CAST(?4 AS TEXT) IS NULL OR coalesce(o.field_type, '') = ?4) "
    "AND (?5 OR coalesce(o.on_site_only, 0) = 0) "
    "AND NOT EXISTS (SELECT 1 FROM review_tasks x WHERE x.field_id = f.id "
    "  AND (x.lease_owner = ?1 "
    "       OR EXISTS (SELECT 1 FROM review_entries e WHERE e.task_id = x.id AND e.user_id = ?1))) "
    "ORDER BY f.document_id, f.id LIMIT 1";
constexpr char kInsertGoldTask[] =
    "INSERT INTO review_tasks (document_id, tenant_id, field_id, kind, state, lease_owner, "
    "leased_at, lease_expires_at, field_type, on_site_only, gold_answer, reason) "
    "VALUES (?1, (SELECT tenant_id FROM documents WHERE id = ?1), ?2, 'gold', 'leased', "
    "?3, " ADB_NOW_SQL ", " ADB_SQL_NOW_PLUS("?4") ", ?5, ?6, ?7, ?8) RETURNING id";

constexpr char kSelectTaskDetail[] =
    "SELECT t.id, t.document_id, t.field_id, coalesce(f.name, ''), t.kind, t.state, t.priority, "
    "t.reason, d.tenant_id, tn.code, d.source, coalesce(d.form_id, ''), "
    "coalesce(d.form_version, 0), t.field_type, t.on_site_only, f.ocr_value, f.value, "
    "f.confidence, coalesce(f.validation_error, ''), f.snippet_sha256, t.lease_owner, "
    "coalesce(t.leased_at, ''), coalesce(t.lease_expires_at, ''), t.gold_answer "
    "FROM review_tasks t JOIN documents d ON d.id = t.document_id "
    "JOIN tenants tn ON tn.id = d.tenant_id LEFT JOIN fields f ON f.id = t.field_id "
    "WHERE t.id = ?1";
constexpr char kSelectTaskEntries[] =
    "SELECT e.id, e.task_id, e.user_id, u.name, e.action, e.value, e.note, e.seconds, "
    "e.gold_correct, e.created_at FROM review_entries e JOIN users u ON u.id = e.user_id "
    "WHERE e.task_id = ?1 ORDER BY e.id";

// What SettleTask checks before it writes: the task's state and lease, the time since the
// lease was taken (never negative, whatever the clock did) and the submits so far.
constexpr char kSelectSettling[] =
    "SELECT t.state, t.lease_owner, "
    "CASE WHEN t.lease_expires_at >= " ADB_NOW_SQL " THEN 1 ELSE 0 END, "
    "t.document_id, t.field_id, t.kind, "
    "CASE WHEN t.leased_at IS NULL THEN 0.0 "
    "  WHEN " ADB_SQL_SECONDS_SINCE("t.leased_at") " < 0.0 THEN 0.0 "
    "  ELSE " ADB_SQL_SECONDS_SINCE("t.leased_at") " END, "
    "(SELECT count(*) FROM review_entries e WHERE e.task_id = t.id AND e.action = 'submit') "
    "FROM review_tasks t WHERE t.id = ?1 " ADB_SQL_FOR_UPDATE;
// SettleTask locks the task's document before the task (every writer locks a document before
// its tasks), so two settlements of one document's last tasks cannot both miss the other.
constexpr char kSelectTaskDocument[] = "SELECT document_id FROM review_tasks WHERE id = ?1";
constexpr char kLockDocument[] = "SELECT id FROM documents WHERE id = ?1 " ADB_SQL_FOR_UPDATE;
constexpr char kInsertEntry[] =
    "INSERT INTO review_entries (task_id, user_id, action, value, note, seconds, gold_correct) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
// The lease stays only when the task stays leased; a skip remembers who skipped and when.
constexpr char kSettleTask[] =
    "UPDATE review_tasks SET state = ?2, "
    "lease_owner = CASE WHEN ?2 = 'leased' THEN lease_owner END, "
    "leased_at = CASE WHEN ?2 = 'leased' THEN leased_at END, "
    "lease_expires_at = CASE WHEN ?2 = 'leased' THEN lease_expires_at END, "
    "skipped_by = CASE WHEN ?3 THEN ?4 ELSE skipped_by END, "
    "skipped_at = CASE WHEN ?3 THEN " ADB_NOW_SQL " ELSE skipped_at END, "
    "updated_at = " ADB_NOW_SQL " WHERE id = ?1";
constexpr char kSettleField[] =
    "UPDATE fields SET state = ?2, value = ?3, updated_at = " ADB_NOW_SQL " WHERE id = ?1";
// A document in review is verified once no task that settles its fields or its form is
// still waiting (gold tasks do not count: they settle nothing).
constexpr char kVerifyDocument[] =
    "UPDATE documents SET state = 'verified', updated_at = " ADB_NOW_SQL " "
    "WHERE id = ?1 AND state = 'in_review' AND NOT EXISTS (SELECT 1 FROM review_tasks t "
    "  WHERE t.document_id = ?1 AND t.state IN ('open', 'leased', 'escalated') "
    "  AND t.kind IN ('field', 'double_entry', 'classification')) RETURNING id";
constexpr char kSelectDocumentState[] = "SELECT state FROM documents WHERE id = ?1";
constexpr char kNormaliseTime[] = "SELECT " ADB_SQL_TIME("?1");

// Oldest escalation first: the one that has waited longest for a supervisor.
constexpr char kSelectEscalatedTasks[] =
    "SELECT t.id FROM review_tasks t JOIN documents d ON d.id = t.document_id "
    "WHERE t.state = 'escalated' AND d.tenant_id IN " ADB_TENANT_LIST_1 " "
    "ORDER BY t.updated_at, t.id";
// A lease that ran out counts as open: the next claim returns it to the queue.
constexpr char kCountQueue[] =
    "SELECT tn.code, coalesce(d.form_id, ''), t.field_type, "
    "sum(CASE WHEN t.state = 'open' OR (t.state = 'leased' AND t.lease_expires_at < " ADB_NOW_SQL
    ") THEN 1 ELSE 0 END), "
    "sum(CASE WHEN t.state = 'leased' AND t.lease_expires_at >= " ADB_NOW_SQL
    " THEN 1 ELSE 0 END), "
    "sum(CASE WHEN t.state = 'escalated' THEN 1 ELSE 0 END) "
    "FROM review_tasks t JOIN documents d ON d.id = t.document_id "
    "JOIN tenants tn ON tn.id = d.tenant_id "
    "WHERE t.state IN ('open', 'leased', 'escalated') AND t.kind IN ('field', 'double_entry') "
    "AND d.tenant_id IN " ADB_TENANT_LIST_1 " "
    "GROUP BY tn.code, d.form_id, t.field_type ORDER BY tn.code, d.form_id, t.field_type";
// Skips are not work done; every other entry is, gold or not. The entries are read per user
// from `since` on (review_entries_by_user), not by walking every task the tenants ever had;
// Users are the outer loop (SQLite is told so), which also gives the GROUP BY its order.
constexpr char kCountActivity[] =
    "SELECT u.id, u.name, u.display_name, count(*), coalesce(sum(e.seconds), 0.0), "
    "count(e.gold_correct), coalesce(sum(e.gold_correct), 0) "
    "FROM users u " ADB_SQL_OUTER_JOIN_FIRST " review_entries e ON e.user_id = u.id "
    "WHERE (CAST(?3 AS BIGINT) IS NULL OR u.id = ?3) AND e.created_at >= ?2 AND e.action <> 'skip' "
    "AND (SELECT d.tenant_id FROM review_tasks t JOIN documents d ON d.id = t.document_id "
    "  WHERE t.id = e.task_id) IN " ADB_TENANT_LIST_1 " "
    "GROUP BY u.id ORDER BY u.id";

// ---- letters ----
// What RecordLetterBatch checks of each document before it writes: whose it is, its form and
// state, and whether a letter already answers it.
constexpr char kSelectLetterDocument[] =
    "SELECT d.tenant_id, coalesce(d.form_id, ''), d.state, "
    "(SELECT l.batch_id FROM letters l WHERE l.document_id = d.id) "
    "FROM documents d WHERE d.id = ?1";
constexpr char kInsertLetterBatch[] =
    "INSERT INTO letter_batches (tenant_id, template, form_id, large_print, requested_by, "
    "user_id, pdf_sha256, letter_count, page_count) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id";
// The primary key (document_id) is the last guard against a second letter.
constexpr char kInsertLetter[] =
    "INSERT INTO letters (document_id, batch_id, first_page, page_count) VALUES (?1, ?2, ?3, ?4)";
#define ADB_LETTER_BATCH_COLUMNS                                                               \
  "SELECT b.id, t.code, b.template, coalesce(b.form_id, ''), b.large_print, b.requested_by, " \
  "b.user_id, b.pdf_sha256, b.letter_count, b.page_count, b.created_at "                    \
  "FROM letter_batches b JOIN tenants t ON t.id = b.tenant_id "
constexpr char kSelectLetterBatch[] = ADB_LETTER_BATCH_COLUMNS "WHERE b.id = ?1";
constexpr char kSelectLetterBatchesOfTenant[] =
    ADB_LETTER_BATCH_COLUMNS "WHERE b.tenant_id = ?1 ORDER BY b.id DESC";
#undef ADB_LETTER_BATCH_COLUMNS
constexpr char kSelectLetters[] =
    "SELECT document_id, batch_id, first_page, page_count FROM letters WHERE batch_id = ?1 "
    "ORDER BY first_page, document_id";
#undef ADB_TENANT_LIST_1
#undef ADB_REVIEW_TENANTS_OF_USER_1
#undef ADB_NOW_SQL

// ---- exports ----
constexpr char kSelectDocumentForExport[] =
    "SELECT tenant_id, coalesce(form_id, ''), state FROM documents WHERE id = ?1";
constexpr char kInsertExport[] =
    "INSERT INTO exports (tenant_id, form_id, requested_by, user_id, format, encoding, "
    "status_filter, only_new, document_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "RETURNING id";
constexpr char kInsertExportDocument[] =
    "INSERT INTO export_documents (export_id, document_id) VALUES (?1, ?2)";
#define ADB_EXPORT_COLUMNS                                                            \
  "SELECT e.id, t.code, e.form_id, e.requested_by, e.user_id, e.format, e.encoding, " \
  "e.status_filter, e.only_new, e.document_count, e.created_at "                      \
  "FROM exports e JOIN tenants t ON t.id = e.tenant_id "
constexpr char kSelectExport[] = ADB_EXPORT_COLUMNS "WHERE e.id = ?1";
// Served by exports_by_form (tenant_id, form_id, id).
constexpr char kSelectExports[] = ADB_EXPORT_COLUMNS
    "WHERE e.tenant_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR e.form_id = ?2) ORDER BY e.id DESC";
#undef ADB_EXPORT_COLUMNS
// An export of verified documents counts only earlier exports of verified documents: one of
// "any" may have delivered a document before it was verified.
constexpr char kSelectExportedDocumentIds[] =
    "SELECT DISTINCT x.document_id FROM exports e JOIN export_documents x ON x.export_id = e.id "
    "WHERE e.tenant_id = ?1 AND e.form_id = ?2 AND (?3 = 'any' OR e.status_filter = 'verified')";

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

// The tenant ids as the JSON array the tenant-list statements take.
std::string TenantListJson(const std::vector<std::int64_t>& tenant_ids) {
  return nlohmann::json(tenant_ids).dump();
}

Status InvalidStoredValue(std::string_view what, const std::string& value) {
  return Status::DataLoss("保存された値が不正です (" + std::string(what) + "): " + value,
                          "a stored value is invalid (" + std::string(what) + "): " + value);
}

Result<User> ReadUser(const Statement& row) {
  User user;
  user.id = row.Int(0);
  user.tenant_id = row.Int(1);
  user.tenant_code = row.Text(2);
  user.name = row.Text(3);
  user.display_name = row.Text(4);
  std::optional<Role> role = ParseRole(row.Text(5));
  if (!role) return InvalidStoredValue("role", row.Text(5));
  user.role = *role;
  user.password_hash = row.Text(6);
  user.disabled = row.Int(7) != 0;
  return user;
}

// Reads a row of kSelectTaskDetail (without the entries).
Result<TaskDetail> ReadTaskDetail(const Statement& row) {
  TaskDetail detail;
  ReviewTask& task = detail.task;
  task.id = row.Int(0);
  task.document_id = row.Int(1);
  task.field_id = row.OptionalInt(2);
  task.field_name = row.Text(3);
  std::optional<TaskKind> kind = ParseTaskKind(row.Text(4));
  if (!kind) return InvalidStoredValue("review_tasks.kind", row.Text(4));
  task.kind = *kind;
  std::optional<TaskState> state = ParseTaskState(row.Text(5));
  if (!state) return InvalidStoredValue("review_tasks.state", row.Text(5));
  task.state = *state;
  task.priority = static_cast<int>(row.Int(6));
  task.reason = row.Text(7);
  detail.tenant_id = row.Int(8);
  detail.tenant_code = row.Text(9);
  std::optional<DocumentSource> source = ParseDocumentSource(row.Text(10));
  if (!source) return InvalidStoredValue("documents.source", row.Text(10));
  detail.source = *source;
  detail.form_id = row.Text(11);
  detail.form_version = static_cast<int>(row.Int(12));
  detail.field_type = row.Text(13);
  detail.on_site_only = row.Int(14) != 0;
  detail.ocr_value = row.OptionalText(15);
  detail.value = row.OptionalText(16);
  if (!row.IsNull(17)) detail.confidence = row.Double(17);
  detail.validation_error = row.Text(18);
  detail.snippet_sha256 = row.OptionalText(19);
  detail.lease_owner = row.OptionalInt(20);
  detail.leased_at = row.Text(21);
  detail.lease_expires_at = row.Text(22);
  detail.gold_answer = row.OptionalText(23);
  return detail;
}

Result<TaskEntry> ReadEntry(const Statement& row) {
  TaskEntry entry;
  entry.id = row.Int(0);
  entry.task_id = row.Int(1);
  entry.user_id = row.Int(2);
  entry.user_name = row.Text(3);
  std::optional<EntryAction> action = ParseEntryAction(row.Text(4));
  if (!action) return InvalidStoredValue("review_entries.action", row.Text(4));
  entry.action = *action;
  entry.value = row.OptionalText(5);
  entry.note = row.Text(6);
  entry.seconds = row.Double(7);
  if (std::optional<std::int64_t> correct = row.OptionalInt(8)) entry.gold_correct = *correct != 0;
  entry.created_at = row.Text(9);
  return entry;
}

Status UnknownUser(std::int64_t id) {
  const std::string name = std::to_string(id);
  return Status::NotFound("利用者がいません: " + name, "no such user: " + name);
}

Status UnknownTask(std::int64_t id) {
  const std::string name = std::to_string(id);
  return Status::NotFound("作業がありません: " + name, "no such task: " + name);
}

Status CheckClaimOptions(const ClaimOptions& options) {
  if (options.lease_seconds <= 0 || options.skip_cooldown_seconds < 0) {
    return Status::InvalidArgument(
        "貸出期間は 1 秒以上、スキップ後の待ち時間は 0 秒以上です",
        "a lease lasts at least one second and a skip cooldown is not negative");
  }
  return Status::Ok();
}

// What SettleTask refuses before looking at the database: settlements that could never apply.
Status CheckSettlement(const TaskSettlement& s) {
  if (s.expected_state != TaskState::kLeased && s.expected_state != TaskState::kEscalated) {
    return Status::InvalidArgument("決着できるのは貸出中か上申中の作業だけです",
                                   "only a leased or escalated task can be settled");
  }
  if (s.new_state == TaskState::kLeased && s.expected_state != TaskState::kLeased) {
    return Status::InvalidArgument("貸出中でない作業を貸出中のままにはできません",
                                   "a task that is not leased cannot stay leased");
  }
  if (s.expected_submits < 0) {
    return Status::InvalidArgument("入力の数は 0 以上です",
                                   "the number of submits must not be negative");
  }
  if (s.field_value && !s.field_state) {
    return Status::InvalidArgument("項目の状態なしに値だけは変えられません",
                                   "a field value needs a field state");
  }
  if (s.audit_action.empty() || !IsValidJson(s.audit_detail_json)) {
    return Status::InvalidArgument("監査記録の action と JSON の detail が必要です",
                                   "an audit action and a JSON detail are needed");
  }
  return Status::Ok();
}

// ---- the store ----------------------------------------------------------------------------

class SqlStore final : public Store {
 public:
  explicit SqlStore(std::unique_ptr<internal::Connection> conn)
      : conn_(std::move(conn)), statements_(conn_.get()) {}

  Result<int> SchemaVersion() override {
    std::lock_guard lock(mu_);
    return internal::ReadSchemaVersion(*conn_);
  }

  Result<Tenant> EnsureTenant(const std::string& code, const std::string& name) override {
    std::lock_guard lock(mu_);
    return EnsureTenantLocked(code, name);
  }

  Result<Tenant> GetTenant(const std::string& code) override {
    std::lock_guard lock(mu_);
    return GetTenantLocked(code);
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
  Result<DocumentInsert> InsertTypedDocument(const TypedDocument& typed) override;

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
  Result<int> ReleaseAbandonedDocuments(int max_attempts) override;
  Result<std::vector<FieldRecord>> ListFields(std::int64_t document_id) override;
  Result<std::vector<PageRecord>> ListPages(std::int64_t document_id) override;
  Result<std::vector<ReviewTask>> ListReviewTasks(std::int64_t document_id) override;

  Status AssignForm(std::int64_t document_id, const std::string& tenant_code,
                    const std::string& form_id, std::optional<int> version,
                    std::int64_t user_id) override;
  Status RotatePage(std::int64_t document_id, const std::string& tenant_code, int page_index,
                    int degrees, std::int64_t user_id) override;
  Status RemovePage(std::int64_t document_id, const std::string& tenant_code, int page_index,
                    std::int64_t user_id) override;
  Result<std::int64_t> SplitDocument(std::int64_t document_id, const std::string& tenant_code,
                                     int first_page, const NewDocument& piece,
                                     std::int64_t user_id) override;
  Status MergeDocuments(std::int64_t into_id, std::int64_t from_id, const std::string& tenant_code,
                        std::int64_t user_id) override;
  Result<std::vector<Document>> ListTenantDocuments(const std::string& tenant_code,
                                                    std::optional<DocumentState> state,
                                                    int limit) override;

  Result<User> AddUser(const NewUser& user) override;
  Result<User> GetUser(std::int64_t id) override;
  Result<User> GetUserByName(const std::string& name) override;
  Result<std::vector<User>> ListUsers(std::optional<std::int64_t> tenant_id) override;

  Status CreateSession(const Session& session, int ttl_seconds) override;
  Result<std::optional<std::pair<Session, User>>> FindSession(
      const std::string& token_sha256) override;
  Status DeleteSession(const std::string& token_sha256) override;

  Status RecordLoginFailure(const std::string& key) override;
  Result<int> CountLoginFailures(const std::string& key, int within_seconds) override;
  Status ClearLoginFailures(const std::string& key) override;

  Result<std::optional<TaskDetail>> ClaimTask(const ClaimOptions& options) override;
  Result<std::optional<TaskDetail>> ClaimGoldTask(const ClaimOptions& options) override;
  Result<TaskDetail> GetTask(std::int64_t task_id) override;
  Result<DocumentState> SettleTask(const TaskSettlement& settlement) override;
  Result<std::vector<TaskDetail>> ListEscalatedTasks(
      const std::vector<std::int64_t>& tenant_ids) override;
  Result<std::vector<QueueDepth>> CountQueue(const std::vector<std::int64_t>& tenant_ids) override;
  Result<std::vector<ReviewerActivity>> CountActivity(const std::vector<std::int64_t>& tenant_ids,
                                                      const std::string& since,
                                                      std::optional<std::int64_t> user_id) override;

  Result<std::vector<DocumentWithFields>> ListFormDocuments(
      const std::string& tenant_code, const std::string& form_id,
      const std::vector<DocumentState>& states) override;
  Result<ExportRecord> RecordExport(const NewExport& export_request) override;
  Result<std::set<std::int64_t>> ListExportedDocumentIds(const std::string& tenant_code,
                                                         const std::string& form_id,
                                                         ExportStatus status) override;
  Result<std::vector<ExportRecord>> ListExports(const std::string& tenant_code,
                                                const std::optional<std::string>& form_id) override;
  Result<std::vector<Document>> ListDocumentsAwaitingLetter(const std::string& tenant_code,
                                                            const std::string& form_id) override;
  Result<LetterBatch> RecordLetterBatch(const NewLetterBatch& batch) override;
  Result<LetterBatch> GetLetterBatch(std::int64_t batch_id) override;
  Result<std::vector<LetterBatch>> ListLetterBatches(const std::string& tenant_code) override;
  Result<std::vector<LetterRecord>> ListLetters(std::int64_t batch_id) override;

  Status AppendAudit(const AuditEvent& event) override {
    std::lock_guard lock(mu_);
    ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
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
  // InsertDocument's work, inside the caller's transaction.
  Result<DocumentInsert> InsertDocumentLocked(const NewDocument& document);
  // The document's row and its pages, each page from the original; returns its id.
  Result<std::int64_t> InsertDocumentRowLocked(std::int64_t tenant_id, const NewDocument& document,
                                               std::optional<int> form_version);
  Result<Tenant> EnsureTenantLocked(const std::string& code, const std::string& name);
  Result<std::optional<FormRecord>> FindFormLocked(const std::string& id,
                                                   std::optional<int> version);
  Result<bool> BlobRecordedLocked(const std::string& sha256);
  Status AppendAuditLocked(const AuditEvent& event);
  // OK when `worker` holds document `id`; FailedPrecondition when not, NotFound when no such.
  Result<int> CheckLeaseLocked(std::int64_t id, const std::string& worker);

  // The user read by `stmt` (kSelectUser or kSelectUserByName, bound), with the tenants they
  // review for; nullopt when there is no such user.
  Result<std::optional<User>> FindUserLocked(Statement& stmt);
  Result<std::optional<User>> FindUserByIdLocked(std::int64_t id);
  // OK when the user may take review work: NotFound for an unknown user, PermissionDenied for
  // a disabled one.
  Status CheckReviewerLocked(std::int64_t user_id);
  // Ends every lease that ran out (see kReturnExpiredLease), audited per task.
  Status ReturnExpiredLeasesLocked();
  // The task with its entries; NotFound when there is none.
  Result<TaskDetail> GetTaskLocked(std::int64_t task_id);
  // Audits a claim and reads the claimed task back.
  Result<std::optional<TaskDetail>> FinishClaimLocked(std::int64_t user_id, std::int64_t task_id);
  // The fields of a document in recorded order.
  Result<std::vector<FieldRecord>> ListFieldsLocked(std::int64_t document_id);
  // The tenant, or NotFound.
  Result<Tenant> GetTenantLocked(const std::string& code);
  // The batch as stored; NotFound when there is none.
  Result<LetterBatch> GetLetterBatchLocked(std::int64_t batch_id);
  // A row of ADB_LETTER_BATCH_COLUMNS.
  static LetterBatch ReadLetterBatch(const Statement& stmt);

  // What a fix needs to know of the document it is about.
  struct Fixable {
    int pages = 0;
    std::string source_name;
  };
  // OK (with the document's page count) when the front desk may fix document `id` of
  // `tenant_code`; the errors the fixes document in store.h otherwise.
  Result<Fixable> CheckFixableLocked(std::int64_t id, const std::string& tenant_code);
  // Sends a fixed document back to be read again (see store.h).
  Status ResetForReadingLocked(std::int64_t id);
  // The highest page_index of the document (0 when it has no pages).
  Result<std::int64_t> LastPageIndexLocked(std::int64_t id);
  // Gives the document's pages the numbers 0..n-1 in their current order.
  Status RenumberPagesLocked(std::int64_t id);
  // Records a fix by a user.
  Status AuditFixLocked(std::int64_t user_id, const char* action, std::int64_t document_id,
                        const nlohmann::json& detail);

  std::mutex mu_;
  std::unique_ptr<internal::Connection> conn_;
  StatementCache statements_;
  std::mt19937_64 random_{std::random_device{}()};  // where a gold pick starts
};

Result<std::optional<Tenant>> SqlStore::FindTenantLocked(const std::string& code) {
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectTenantByCode));
  stmt.BindText(1, code);
  ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Tenant>();
  return std::optional<Tenant>(ReadTenant(stmt));
}

Result<Tenant> SqlStore::GetTenantLocked(const std::string& code) {
  ADB_ASSIGN_OR_RETURN(std::optional<Tenant> tenant, FindTenantLocked(code));
  if (!tenant) return UnknownTenant(code);
  return *std::move(tenant);
}

Result<Tenant> SqlStore::EnsureTenantLocked(const std::string& code, const std::string& name) {
  if (code.empty() || !AllOf(code, IsCodeChar)) {
    return Status::InvalidArgument(
        "自治体コードは英小文字・数字・-・_ で書いてください: " + code,
        "a tenant code must use lower-case letters, digits, - and _: " + code);
  }
  if (name.empty()) {
    return Status::InvalidArgument("自治体名が空です: " + code,
                                   "the tenant name is empty: " + code);
  }
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  bool created = false;
  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertTenant));
    insert.BindText(1, code).BindText(2, name);
    ADB_ASSIGN_OR_RETURN(created, RunReturningAny(insert));
  }
  if (created) {
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

Result<std::optional<FormRecord>> SqlStore::FindFormLocked(const std::string& id,
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

Result<bool> SqlStore::BlobRecordedLocked(const std::string& sha256) {
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectBlobSize));
  stmt.BindText(1, sha256);
  return stmt.Step();
}

Status SqlStore::AppendAuditLocked(const AuditEvent& event) {
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

Result<FormRecord> SqlStore::AddForm(const FormRecord& form) {
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
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
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

Result<std::vector<FormRecord>> SqlStore::ListForms() {
  std::lock_guard lock(mu_);
  // Two reads must see the same forms; a read transaction gives them one snapshot.
  ADB_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(*conn_));

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

Status SqlStore::RecordBlob(const std::string& sha256, std::int64_t size,
                               const std::string& media_type) {
  if (!IsSha256Name(sha256)) return MalformedSha256("ブロブ名", "a blob name", sha256);
  if (size < 0) {
    return Status::InvalidArgument("ブロブの大きさが負です: " + sha256,
                                   "a blob size is negative: " + sha256);
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  bool found = false;
  {
    ADB_ASSIGN_OR_RETURN(Statement existing, statements_.Get(kSelectBlobSize));
    existing.BindText(1, sha256);
    ADB_ASSIGN_OR_RETURN(found, existing.Step());
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
    }
  }
  if (found) {
    // Blobs kept in the database are put before they are recorded, as bytes of no known type;
    // recording gives them theirs.
    ADB_ASSIGN_OR_RETURN(Statement typed, statements_.Get(kSetBlobMediaType));
    typed.BindText(1, sha256).BindText(2, media_type);
    ADB_RETURN_IF_ERROR(typed.Run());
    return tx.Commit();
  }
  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertBlob));
    insert.BindText(1, sha256).BindInt(2, size).BindText(3, media_type);
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  return tx.Commit();
}

// A task's field type, empty or a type's name. Reviewers ask the queue by type, so a misspelt
// type would hide the task from them.
Status CheckFieldType(const std::string& field, const std::string& type) {
  if (type.empty() || ParseFieldType(type)) return Status::Ok();
  return Status::InvalidArgument("項目 " + field + " の型が不明です: " + type,
                                 "field " + field + " has an unknown type: " + type);
}

// The checks of a new document that need no database.
Status CheckNewDocument(const NewDocument& document) {
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
  return Status::Ok();
}

Result<DocumentInsert> SqlStore::InsertDocument(const NewDocument& document) {
  ADB_RETURN_IF_ERROR(CheckNewDocument(document));
  std::lock_guard lock(mu_);
  // IMMEDIATE: the duplicate check and the insert must see the same data, also against
  // another process inserting the same file at the same moment.
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  ADB_ASSIGN_OR_RETURN(DocumentInsert inserted, InsertDocumentLocked(document));
  ADB_RETURN_IF_ERROR(tx.Commit());
  return inserted;
}

Result<DocumentInsert> SqlStore::InsertDocumentLocked(const NewDocument& document) {
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
      return DocumentInsert{.document_id = id, .duplicate = true};
    }
  }

  ADB_ASSIGN_OR_RETURN(const std::int64_t id,
                       InsertDocumentRowLocked(tenant->id, document, form_version));
  ADB_RETURN_IF_ERROR(AppendAuditLocked(SystemEvent("document.ingested", id, detail)));
  return DocumentInsert{.document_id = id, .duplicate = false};
}

Result<std::int64_t> SqlStore::InsertDocumentRowLocked(std::int64_t tenant_id,
                                                          const NewDocument& document,
                                                          std::optional<int> form_version) {
  std::int64_t id = 0;
  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertDocument));
    insert.BindInt(1, tenant_id)
        .BindText(2, DocumentSourceName(document.source))
        .BindText(3, document.source_name)
        .BindText(4, document.original_sha256)
        .BindText(5, document.media_type)
        .BindInt(6, document.original_size)
        .BindOptionalText(7, document.form_id)
        .BindOptionalInt(8, form_version);
    ADB_ASSIGN_OR_RETURN(id, RunReturningInt(insert));
  }
  for (std::size_t i = 0; i < document.pages.size(); ++i) {
    const NewDocument::Page& page = document.pages[i];
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertPage));
    insert.BindInt(1, id)
        .BindInt(2, static_cast<std::int64_t>(i))
        .BindInt(3, page.width_px)
        .BindInt(4, page.height_px)
        .BindInt(5, page.dpi)
        .BindText(6, document.original_sha256);
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  return id;
}

Result<DocumentInsert> SqlStore::InsertTypedDocument(const TypedDocument& typed) {
  ADB_RETURN_IF_ERROR(CheckNewDocument(typed.document));
  if (!typed.document.form_id || !typed.document.pages.empty()) {
    return Status::InvalidArgument("入力された文書には様式が要り、ページはありません",
                                   "a typed document needs a form and has no pages");
  }
  for (const TypedDocument::Field& field : typed.fields) {
    ADB_RETURN_IF_ERROR(CheckFieldType(field.name, field.field_type));
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  ADB_ASSIGN_OR_RETURN(DocumentInsert inserted, InsertDocumentLocked(typed.document));
  if (inserted.duplicate) {
    ADB_RETURN_IF_ERROR(tx.Commit());
    return inserted;
  }
  const std::int64_t id = inserted.document_id;
  int open_tasks = 0;
  for (const TypedDocument::Field& field : typed.fields) {
    std::int64_t field_id = 0;
    {
      ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertField));
      insert.BindInt(1, id)
          .BindText(2, field.name)
          .BindText(3, field.value)
          .BindText(4, field.typed_value)
          .BindNull(5)
          .BindText(6, FieldStateName(field.accept ? FieldState::kAutoAccepted
                                                   : FieldState::kNeedsReview))
          .BindText(7, field.validation_error)
          .BindNull(8);
      ADB_ASSIGN_OR_RETURN(field_id, RunReturningInt(insert));
    }
    if (field.accept) continue;
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertTask));
    insert.BindInt(1, id)
        .BindInt(2, field_id)
        .BindText(3, TaskKindName(field.task_kind))
        .BindInt(4, 0)
        .BindText(5, field.review_reason)
        .BindText(6, field.field_type)
        .BindInt(7, field.on_site_only ? 1 : 0);
    ADB_RETURN_IF_ERROR(insert.Run());
    ++open_tasks;
  }
  {
    ADB_ASSIGN_OR_RETURN(Statement form, statements_.Get(kSelectDocument));
    form.BindInt(1, id);
    ADB_ASSIGN_OR_RETURN(bool row, form.Step());
    if (!row) return Status::Internal("文書が消えました", "the document vanished");
    ADB_ASSIGN_OR_RETURN(Document document, ReadDocument(form));
    ADB_ASSIGN_OR_RETURN(Statement update, statements_.Get(kSetDocumentRead));
    update.BindInt(1, id)
        .BindText(2, DocumentStateName(open_tasks > 0 ? DocumentState::kInReview
                                                      : DocumentState::kVerified))
        .BindOptionalText(3, document.form_id)
        .BindOptionalInt(4, document.form_version);
    ADB_RETURN_IF_ERROR(update.Run());
  }
  ADB_RETURN_IF_ERROR(tx.Commit());
  return inserted;
}

// ---- reading ----

// The attempts a crashed worker is allowed before its document is given up on.
constexpr int kMaxAbandonedAttempts = 3;

Result<std::optional<Document>> SqlStore::ClaimDocument(const std::string& worker,
                                                           int lease_seconds) {
  if (worker.empty() || lease_seconds <= 0) {
    return Status::InvalidArgument("作業者名と 1 秒以上の貸出期間が必要です",
                                   "a worker name and a lease of at least one second are needed");
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
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
    claim.BindText(1, worker).BindInt(2, lease_seconds);
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

Result<int> SqlStore::CheckLeaseLocked(std::int64_t id, const std::string& worker) {
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

Status SqlStore::RecordReading(const DocumentReading& reading) {
  for (const DocumentReading::Field& field : reading.fields) {
    if (field.confidence < 0 || field.confidence > 1) {
      return Status::InvalidArgument("確信度は 0〜1 です: " + field.name,
                                     "a confidence is between 0 and 1: " + field.name);
    }
    if (field.snippet_sha256 && !IsSha256Name(*field.snippet_sha256)) {
      return MalformedSha256("切り出し画像の名前", "a snippet name", *field.snippet_sha256);
    }
    ADB_RETURN_IF_ERROR(CheckFieldType(field.name, field.field_type));
  }
  if (!IsValidJson(reading.detail_json)) {
    return Status::InvalidArgument("読み取りの詳細が JSON ではありません",
                                   "the reading's detail is not JSON");
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
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
                         const std::string& reason, const std::string& field_type,
                         bool on_site_only) -> Status {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertTask));
    insert.BindInt(1, id)
        .BindOptionalInt(2, field_id)
        .BindText(3, TaskKindName(kind))
        .BindInt(4, priority)
        .BindText(5, reason)
        .BindText(6, field_type)
        .BindInt(7, on_site_only ? 1 : 0);
    ++open_tasks;
    return insert.Run();
  };
  for (const DocumentReading::Field& field : reading.fields) {
    std::int64_t field_id = 0;
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
      ADB_ASSIGN_OR_RETURN(field_id, RunReturningInt(insert));
    }
    if (!field.auto_accept) {
      ADB_RETURN_IF_ERROR(insert_task(field_id, field.task_kind, 0,
                                      field.review_reason, field.field_type, field.on_site_only));
    }
  }
  for (const DocumentReading::Task& task : reading.tasks) {
    if (task.kind != TaskKind::kClassification) {
      return Status::InvalidArgument("項目のない作業は分類だけです",
                                     "only a classification task has no field");
    }
    ADB_RETURN_IF_ERROR(
        insert_task(std::nullopt, task.kind, task.priority, task.reason, "", false));
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

Result<DocumentState> SqlStore::ReleaseUnreadDocument(std::int64_t id,
                                                         const std::string& worker,
                                                         const std::string& reason,
                                                         int max_attempts) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
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

Result<int> SqlStore::ReleaseAbandonedDocuments(int max_attempts) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  struct Abandoned {
    std::int64_t id;
    std::string worker;
    int attempts;
  };
  std::vector<Abandoned> abandoned;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectAbandonedDocuments));
    for (;;) {
      ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      abandoned.push_back({stmt.Int(0), stmt.Text(1), static_cast<int>(stmt.Int(2))});
    }
  }
  for (const Abandoned& doc : abandoned) {
    const bool failed = doc.attempts >= max_attempts;
    const std::string times = std::to_string(doc.attempts);
    const std::string reason =
        failed ? Text{"読み取りの途中で adbridge が " + times + " 回止まりました",
                      "adbridge stopped " + times + " times while reading it"}
                     .In(DefaultLang())
               : "";
    {
      ADB_ASSIGN_OR_RETURN(Statement update, statements_.Get(kReleaseDocument));
      update.BindInt(1, doc.id)
          .BindText(2, DocumentStateName(failed ? DocumentState::kFailed
                                                : DocumentState::kReceived))
          .BindText(3, reason);
      ADB_RETURN_IF_ERROR(update.Run());
    }
    ADB_RETURN_IF_ERROR(AppendAuditLocked(SystemEvent(
        failed ? "document.failed" : "document.lease_released", doc.id,
        DumpJson({{"worker", doc.worker}, {"attempts", doc.attempts}}))));
  }
  ADB_RETURN_IF_ERROR(tx.Commit());
  return static_cast<int>(abandoned.size());
}

Result<std::vector<FieldRecord>> SqlStore::ListFields(std::int64_t document_id) {
  std::lock_guard lock(mu_);
  return ListFieldsLocked(document_id);
}

Result<std::vector<FieldRecord>> SqlStore::ListFieldsLocked(std::int64_t document_id) {
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

Result<std::vector<PageRecord>> SqlStore::ListPages(std::int64_t document_id) {
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
    page.source_sha256 = stmt.Text(7);
    page.source_index = static_cast<int>(stmt.Int(8));
    page.rotation = static_cast<int>(stmt.Int(9));
    pages.push_back(std::move(page));
  }
  return pages;
}

Result<std::vector<ReviewTask>> SqlStore::ListReviewTasks(std::int64_t document_id) {
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

// ---- the front desk's fixes ----

Status BadPage(std::int64_t document_id, int page_index, int pages) {
  const std::string doc = std::to_string(document_id);
  const std::string page = std::to_string(page_index);
  const std::string n = std::to_string(pages);
  return Status::InvalidArgument(
      "文書 " + doc + " にページ " + page + " はありません (0〜" + std::to_string(pages - 1) +
          "、全 " + n + " ページ)",
      "document " + doc + " has no page " + page + " (it has " + n + " pages, numbered from 0)");
}

Result<SqlStore::Fixable> SqlStore::CheckFixableLocked(std::int64_t id,
                                                             const std::string& tenant_code) {
  for (const char* lock : {kLockDocument, kLockDocumentTasks}) {
    ADB_ASSIGN_OR_RETURN(Statement locked, statements_.Get(lock));
    locked.BindInt(1, id);
    ADB_RETURN_IF_ERROR(locked.Run());
  }
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectFixable));
  stmt.BindInt(1, id);
  ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  const std::string name = std::to_string(id);
  // Another municipality's document is as absent as one that does not exist.
  if (!row || stmt.Text(0) != tenant_code) {
    return Status::NotFound("文書がありません: " + name, "no such document: " + name);
  }
  const std::string state = stmt.Text(1);
  if (state == DocumentStateName(DocumentState::kProcessing)) {
    return Status::FailedPrecondition(
        "文書 " + name + " は読み取り中です。読み終わってから直してください",
        "document " + name + " is being read; fix it once reading is done");
  }
  if (state == DocumentStateName(DocumentState::kVerified)) {
    return Status::FailedPrecondition(
        "文書 " + name + " は確認が済んでいるため直せません",
        "document " + name + " is verified and can no longer be fixed");
  }
  if (stmt.Text(2) != DocumentSourceName(DocumentSource::kScan)) {
    return Status::FailedPrecondition(
        "文書 " + name + " は電話で受けた記録です。直せるのはスキャンだけです",
        "document " + name + " is a phone record; only scans can be fixed");
  }
  if (stmt.Int(3) > 0) {
    return Status::FailedPrecondition(
        "文書 " + name + " は確認作業が始まっています。直せません",
        "review of document " + name + " has begun; it can no longer be fixed");
  }
  return Fixable{.pages = static_cast<int>(stmt.Int(4)), .source_name = stmt.Text(5)};
}

Status SqlStore::ResetForReadingLocked(std::int64_t id) {
  // Tasks first: deleting them takes their (skip) entries with them.
  for (const char* sql : {kDeleteTasks, kDeleteFields, kClearPageOutcomes, kResetDocument}) {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(sql));
    stmt.BindInt(1, id);
    ADB_RETURN_IF_ERROR(stmt.Run());
  }
  return Status::Ok();
}

Result<std::int64_t> SqlStore::LastPageIndexLocked(std::int64_t id) {
  ADB_ASSIGN_OR_RETURN(Statement last, statements_.Get(kSelectLastPageIndex));
  last.BindInt(1, id);
  ADB_ASSIGN_OR_RETURN(bool row, last.Step());
  return row ? last.Int(0) : 0;
}

Status SqlStore::RenumberPagesLocked(std::int64_t id) {
  {
    ADB_ASSIGN_OR_RETURN(std::int64_t last, LastPageIndexLocked(id));
    ADB_ASSIGN_OR_RETURN(Statement offset, statements_.Get(kOffsetPages));
    offset.BindInt(1, id).BindInt(2, last + 1);
    ADB_RETURN_IF_ERROR(offset.Run());
  }
  std::vector<std::int64_t> page_ids;
  {
    ADB_ASSIGN_OR_RETURN(Statement select, statements_.Get(kSelectPageIds));
    select.BindInt(1, id);
    for (;;) {
      ADB_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      page_ids.push_back(select.Int(0));
    }
  }
  for (std::size_t i = 0; i < page_ids.size(); ++i) {
    ADB_ASSIGN_OR_RETURN(Statement update, statements_.Get(kSetPageIndex));
    update.BindInt(1, page_ids[i]).BindInt(2, static_cast<std::int64_t>(i));
    ADB_RETURN_IF_ERROR(update.Run());
  }
  return Status::Ok();
}

Status SqlStore::AuditFixLocked(std::int64_t user_id, const char* action,
                                   std::int64_t document_id, const nlohmann::json& detail) {
  AuditEvent event = SystemEvent(action, document_id, DumpJson(detail));
  event.user_id = user_id;
  return AppendAuditLocked(event);
}

Status SqlStore::AssignForm(std::int64_t document_id, const std::string& tenant_code,
                               const std::string& form_id, std::optional<int> version,
                               std::int64_t user_id) {
  if (form_id.empty()) {
    return Status::InvalidArgument("様式 id が空です", "the form id is empty");
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  ADB_RETURN_IF_ERROR(CheckFixableLocked(document_id, tenant_code).status());
  ADB_ASSIGN_OR_RETURN(std::optional<FormRecord> form, FindFormLocked(form_id, version));
  if (!form) return UnknownForm(form_id, version);
  {
    ADB_ASSIGN_OR_RETURN(Statement assign, statements_.Get(kAssignForm));
    assign.BindInt(1, document_id).BindText(2, form->id).BindInt(3, form->version);
    ADB_RETURN_IF_ERROR(assign.Run());
  }
  ADB_RETURN_IF_ERROR(ResetForReadingLocked(document_id));
  ADB_RETURN_IF_ERROR(AuditFixLocked(user_id, "document.form_assigned", document_id,
                                     {{"form_id", form->id}, {"version", form->version}}));
  return tx.Commit();
}

Status SqlStore::RotatePage(std::int64_t document_id, const std::string& tenant_code,
                               int page_index, int degrees, std::int64_t user_id) {
  if (degrees != 90 && degrees != 180 && degrees != 270) {
    return Status::InvalidArgument(
        "回転は 90・180・270 度のどれかです: " + std::to_string(degrees),
        "a page turns by 90, 180 or 270 degrees: " + std::to_string(degrees));
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  ADB_ASSIGN_OR_RETURN(Fixable doc, CheckFixableLocked(document_id, tenant_code));
  if (page_index < 0 || page_index >= doc.pages) {
    return BadPage(document_id, page_index, doc.pages);
  }
  {
    ADB_ASSIGN_OR_RETURN(Statement rotate, statements_.Get(kRotatePage));
    rotate.BindInt(1, document_id).BindInt(2, page_index).BindInt(3, degrees);
    ADB_RETURN_IF_ERROR(rotate.Run());
  }
  ADB_RETURN_IF_ERROR(ResetForReadingLocked(document_id));
  ADB_RETURN_IF_ERROR(AuditFixLocked(user_id, "document.page_rotated", document_id,
                                     {{"page", page_index}, {"degrees", degrees}}));
  return tx.Commit();
}

Status SqlStore::RemovePage(std::int64_t document_id, const std::string& tenant_code,
                               int page_index, std::int64_t user_id) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  ADB_ASSIGN_OR_RETURN(Fixable doc, CheckFixableLocked(document_id, tenant_code));
  if (page_index < 0 || page_index >= doc.pages) {
    return BadPage(document_id, page_index, doc.pages);
  }
  if (doc.pages == 1) {
    const std::string name = std::to_string(document_id);
    return Status::FailedPrecondition(
        "文書 " + name + " のページはこの 1 枚だけなので抜けません",
        "this is the only page of document " + name + "; it cannot be taken out");
  }
  {
    ADB_ASSIGN_OR_RETURN(Statement remove, statements_.Get(kDeletePage));
    remove.BindInt(1, document_id).BindInt(2, page_index);
    ADB_RETURN_IF_ERROR(remove.Run());
  }
  ADB_RETURN_IF_ERROR(RenumberPagesLocked(document_id));
  ADB_RETURN_IF_ERROR(ResetForReadingLocked(document_id));
  ADB_RETURN_IF_ERROR(AuditFixLocked(user_id, "document.page_removed", document_id,
                                     {{"page", page_index}, {"pages_left", doc.pages - 1}}));
  return tx.Commit();
}

Result<std::int64_t> SqlStore::SplitDocument(std::int64_t document_id,
                                                const std::string& tenant_code, int first_page,
                                                const NewDocument& piece, std::int64_t user_id) {
  if (first_page < 0) {
    return Status::InvalidArgument(
        "分ける位置が負です: " + std::to_string(first_page),
        "the page to split at is negative: " + std::to_string(first_page));
  }
  ADB_RETURN_IF_ERROR(CheckNewDocument(piece));
  if (piece.tenant_code != tenant_code) {
    return Status::InvalidArgument("分けた文書は元の文書と同じ自治体のものです",
                                   "the split-off document belongs to the same tenant");
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  ADB_ASSIGN_OR_RETURN(Fixable doc, CheckFixableLocked(document_id, tenant_code));
  const std::string name = std::to_string(document_id);
  if (first_page == 0 || first_page >= doc.pages) {
    return Status::FailedPrecondition(
        "文書 " + name + " (全 " + std::to_string(doc.pages) + " ページ) はページ " +
            std::to_string(first_page) +
            " では分けられません。2 つの文書それぞれに 1 ページ以上要ります",
        "document " + name + " (" + std::to_string(doc.pages) + " pages) cannot be split at page " +
            std::to_string(first_page) + "; each part needs at least one page");
  }
  const int moved = doc.pages - first_page;
  if (static_cast<int>(piece.pages.size()) != moved) {
    return Status::InvalidArgument(
        "分けた文書のページ数 (" + std::to_string(piece.pages.size()) + ") が分けるページ数 (" +
            std::to_string(moved) + ") と違います",
        "the split-off document has " + std::to_string(piece.pages.size()) + " pages, not the " +
            std::to_string(moved) + " split off");
  }
  ADB_ASSIGN_OR_RETURN(bool recorded, BlobRecordedLocked(piece.original_sha256));
  if (!recorded) {
    return Status::FailedPrecondition(
        "分けた文書の原本がブロブとして記録されていません: " + piece.original_sha256,
        "the split-off document's original is not recorded as a blob: " + piece.original_sha256);
  }
  ADB_ASSIGN_OR_RETURN(Tenant tenant, GetTenantLocked(tenant_code));
  // A scan of its own, identified again when it is read (no duplicate check: its pages were
  // this tenant's document a moment ago).
  NewDocument scan = piece;
  scan.source = DocumentSource::kScan;
  scan.form_id.reset();
  ADB_ASSIGN_OR_RETURN(const std::int64_t piece_id,
                       InsertDocumentRowLocked(tenant.id, scan, std::nullopt));
  {
    ADB_ASSIGN_OR_RETURN(Statement remove, statements_.Get(kDeletePagesFrom));
    remove.BindInt(1, document_id).BindInt(2, first_page);
    ADB_RETURN_IF_ERROR(remove.Run());
  }
  ADB_RETURN_IF_ERROR(ResetForReadingLocked(document_id));
  ADB_RETURN_IF_ERROR(
      AuditFixLocked(user_id, "document.split", document_id,
                     {{"first_page", first_page}, {"pages", moved}, {"new_document", piece_id}}));
  ADB_RETURN_IF_ERROR(AuditFixLocked(user_id, "document.split", piece_id,
                                     {{"from_document", document_id},
                                      {"first_page", first_page},
                                      {"pages", moved},
                                      {"source_name", piece.source_name},
                                      {"sha256", piece.original_sha256}}));
  ADB_RETURN_IF_ERROR(tx.Commit());
  return piece_id;
}

Status SqlStore::MergeDocuments(std::int64_t into_id, std::int64_t from_id,
                                   const std::string& tenant_code, std::int64_t user_id) {
  if (into_id == from_id) {
    return Status::InvalidArgument(
        "文書をそれ自身とはまとめられません: " + std::to_string(into_id),
        "a document cannot be merged into itself: " + std::to_string(into_id));
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  ADB_ASSIGN_OR_RETURN(Fixable into, CheckFixableLocked(into_id, tenant_code));
  ADB_ASSIGN_OR_RETURN(Fixable from, CheckFixableLocked(from_id, tenant_code));
  {
    // The record of what an export delivered must keep pointing at the document it delivered.
    ADB_ASSIGN_OR_RETURN(Statement exported, statements_.Get(kSelectExported));
    exported.BindInt(1, from_id);
    ADB_ASSIGN_OR_RETURN(bool found, exported.Step());
    if (found) {
      const std::string name = std::to_string(from_id);
      return Status::FailedPrecondition(
          "文書 " + name + " は書き出し済みなので、ほかの文書にまとめられません",
          "document " + name + " was already exported and cannot be merged into another");
    }
  }
  {
    ADB_ASSIGN_OR_RETURN(std::int64_t into_last, LastPageIndexLocked(into_id));
    ADB_ASSIGN_OR_RETURN(std::int64_t from_last, LastPageIndexLocked(from_id));
    ADB_ASSIGN_OR_RETURN(Statement move, statements_.Get(kMovePages));
    move.BindInt(1, into_id).BindInt(2, from_id).BindInt(3, into_last + from_last + 2);
    ADB_RETURN_IF_ERROR(move.Run());
  }
  ADB_RETURN_IF_ERROR(RenumberPagesLocked(into_id));
  {
    // Its fields and tasks (with their skips) go with it; the audit trail stays.
    ADB_ASSIGN_OR_RETURN(Statement remove, statements_.Get(kDeleteDocument));
    remove.BindInt(1, from_id);
    ADB_RETURN_IF_ERROR(remove.Run());
  }
  ADB_RETURN_IF_ERROR(ResetForReadingLocked(into_id));
  ADB_RETURN_IF_ERROR(AuditFixLocked(user_id, "document.merged", into_id,
                                     {{"from_document", from_id},
                                      {"from_source_name", from.source_name},
                                      {"first_page", into.pages},
                                      {"pages", from.pages}}));
  ADB_RETURN_IF_ERROR(AuditFixLocked(user_id, "document.merged", from_id,
                                     {{"into_document", into_id}, {"first_page", into.pages}}));
  return tx.Commit();
}

Result<std::vector<Document>> SqlStore::ListTenantDocuments(const std::string& tenant_code,
                                                               std::optional<DocumentState> state,
                                                               int limit) {
  if (limit < 1) {
    return Status::InvalidArgument("件数は 1 以上です", "the limit must be at least 1");
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Tenant tenant, GetTenantLocked(tenant_code));
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(state ? kSelectTenantDocumentsInState
                                                             : kSelectTenantDocuments));
  stmt.BindInt(1, tenant.id).BindInt(2, limit);
  if (state) stmt.BindText(3, DocumentStateName(*state));
  std::vector<Document> documents;
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ADB_ASSIGN_OR_RETURN(Document doc, ReadDocument(stmt));
    documents.push_back(std::move(doc));
  }
  return documents;
}

// ---- people and sessions ----

Result<std::optional<User>> SqlStore::FindUserLocked(Statement& stmt) {
  ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<User>();
  ADB_ASSIGN_OR_RETURN(User user, ReadUser(stmt));
  user.review_tenant_ids.push_back(user.tenant_id);
  ADB_ASSIGN_OR_RETURN(Statement grants, statements_.Get(kSelectGrants));
  grants.BindInt(1, user.id).BindInt(2, user.tenant_id);
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool grant, grants.Step());
    if (!grant) break;
    user.review_tenant_ids.push_back(grants.Int(0));
  }
  return std::optional<User>(std::move(user));
}

Result<std::optional<User>> SqlStore::FindUserByIdLocked(std::int64_t id) {
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectUser));
  stmt.BindInt(1, id);
  return FindUserLocked(stmt);
}

Result<User> SqlStore::AddUser(const NewUser& user) {
  if (user.name.empty()) {
    return Status::InvalidArgument("利用者名が空です", "the user name is empty");
  }
  if (user.password_hash.empty()) {
    return Status::InvalidArgument("パスワードのハッシュが空です: " + user.name,
                                   "the password hash is empty: " + user.name);
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  ADB_ASSIGN_OR_RETURN(std::optional<Tenant> tenant, FindTenantLocked(user.tenant_code));
  if (!tenant) return UnknownTenant(user.tenant_code);
  std::vector<std::int64_t> grant_ids;
  for (const std::string& code : user.grant_tenant_codes) {
    ADB_ASSIGN_OR_RETURN(std::optional<Tenant> granting, FindTenantLocked(code));
    if (!granting) return UnknownTenant(code);
    grant_ids.push_back(granting->id);
  }
  {
    ADB_ASSIGN_OR_RETURN(Statement taken, statements_.Get(kSelectUserIdByName));
    taken.BindText(1, user.name);
    ADB_ASSIGN_OR_RETURN(bool exists, taken.Step());
    if (exists) {
      return Status::AlreadyExists("利用者名は使われています: " + user.name,
                                   "the user name is taken: " + user.name);
    }
  }
  std::int64_t id = 0;
  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertUser));
    insert.BindInt(1, tenant->id)
        .BindText(2, user.name)
        .BindText(3, user.display_name)
        .BindText(4, RoleName(user.role))
        .BindText(5, user.password_hash);
    ADB_ASSIGN_OR_RETURN(id, RunReturningInt(insert));
  }
  for (std::int64_t tenant_id : grant_ids) {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertGrant));
    insert.BindInt(1, id).BindInt(2, tenant_id);
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  // Never the hash: the audit log is read by people.
  ADB_RETURN_IF_ERROR(
      AppendAuditLocked(SystemEvent("user.added", std::nullopt,
                                    DumpJson({{"user", id},
                                              {"name", user.name},
                                              {"role", RoleName(user.role)},
                                              {"tenant", user.tenant_code},
                                              {"grants", user.grant_tenant_codes}}))));
  ADB_ASSIGN_OR_RETURN(std::optional<User> added, FindUserByIdLocked(id));
  if (!added) {
    return Status::Internal("追加した利用者が見つかりません: " + user.name,
                            "the user just added is missing: " + user.name);
  }
  ADB_RETURN_IF_ERROR(tx.Commit());
  return *std::move(added);
}

Result<User> SqlStore::GetUser(std::int64_t id) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(*conn_));
  ADB_ASSIGN_OR_RETURN(std::optional<User> user, FindUserByIdLocked(id));
  if (!user) return UnknownUser(id);
  return *std::move(user);
}

Result<User> SqlStore::GetUserByName(const std::string& name) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(*conn_));
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectUserByName));
  stmt.BindText(1, name);
  ADB_ASSIGN_OR_RETURN(std::optional<User> user, FindUserLocked(stmt));
  if (!user) return Status::NotFound("利用者がいません: " + name, "no such user: " + name);
  return *std::move(user);
}

Result<std::vector<User>> SqlStore::ListUsers(std::optional<std::int64_t> tenant_id) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(*conn_));
  std::vector<std::int64_t> ids;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt,
                         statements_.Get(tenant_id ? kSelectTenantUsers : kSelectAllUsers));
    if (tenant_id) stmt.BindInt(1, *tenant_id);
    for (;;) {
      ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      ids.push_back(stmt.Int(0));
    }
  }
  std::vector<User> users;
  for (std::int64_t id : ids) {
    ADB_ASSIGN_OR_RETURN(std::optional<User> user, FindUserByIdLocked(id));
    if (user) users.push_back(*std::move(user));
  }
  return users;
}

Status SqlStore::CreateSession(const Session& session, int ttl_seconds) {
  if (!IsSha256Name(session.token_sha256)) {
    return MalformedSha256("セッションの名前", "a session's name", session.token_sha256);
  }
  if (session.csrf_token.size() < 32) {
    return Status::InvalidArgument("CSRF トークンは 32 文字以上です",
                                   "a CSRF token has at least 32 characters");
  }
  if (ttl_seconds <= 0) {
    return Status::InvalidArgument("セッションの期間は 1 秒以上です",
                                   "a session lasts at least one second");
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  {
    ADB_ASSIGN_OR_RETURN(Statement user, statements_.Get(kSelectUserDisabled));
    user.BindInt(1, session.user_id);
    ADB_ASSIGN_OR_RETURN(bool exists, user.Step());
    if (!exists) return UnknownUser(session.user_id);
  }
  {
    // Logging in is when the ones nobody ended are cleared away.
    ADB_ASSIGN_OR_RETURN(Statement expired, statements_.Get(kDeleteExpiredSessions));
    ADB_RETURN_IF_ERROR(expired.Run());
  }
  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertSession));
    insert.BindText(1, session.token_sha256)
        .BindInt(2, session.user_id)
        .BindText(3, session.csrf_token)
        .BindInt(4, ttl_seconds);
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  return tx.Commit();
}

Result<std::optional<std::pair<Session, User>>> SqlStore::FindSession(
    const std::string& token_sha256) {
  using Found = std::optional<std::pair<Session, User>>;
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(*conn_));
  Session session;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectSession));
    stmt.BindText(1, token_sha256);
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Found();
    session.token_sha256 = stmt.Text(0);
    session.user_id = stmt.Int(1);
    session.csrf_token = stmt.Text(2);
    session.created_at = stmt.Text(3);
    session.expires_at = stmt.Text(4);
  }
  ADB_ASSIGN_OR_RETURN(std::optional<User> user, FindUserByIdLocked(session.user_id));
  if (!user) return Found();
  return Found(std::in_place, std::move(session), *std::move(user));
}

Status SqlStore::DeleteSession(const std::string& token_sha256) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  {
    ADB_ASSIGN_OR_RETURN(Statement del, statements_.Get(kDeleteSession));
    del.BindText(1, token_sha256);
    ADB_RETURN_IF_ERROR(del.Run());
  }
  return tx.Commit();
}

Status SqlStore::RecordLoginFailure(const std::string& key) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  for (const char* sql : {kForgetOldLoginFailures, kInsertLoginFailure}) {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(sql));
    if (sql == kInsertLoginFailure) stmt.BindText(1, key);
    ADB_RETURN_IF_ERROR(stmt.Run());
  }
  return tx.Commit();
}

Result<int> SqlStore::CountLoginFailures(const std::string& key, int within_seconds) {
  if (within_seconds < 0) {
    return Status::InvalidArgument("期間は 0 秒以上です", "the window must not be negative");
  }
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kCountLoginFailures));
  stmt.BindText(1, key).BindInt(2, -static_cast<std::int64_t>(within_seconds));
  ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? static_cast<int>(stmt.Int(0)) : 0;
}

Status SqlStore::ClearLoginFailures(const std::string& key) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  {
    ADB_ASSIGN_OR_RETURN(Statement del, statements_.Get(kDeleteLoginFailures));
    del.BindText(1, key);
    ADB_RETURN_IF_ERROR(del.Run());
  }
  return tx.Commit();
}

// ---- the review queue ----

Status SqlStore::CheckReviewerLocked(std::int64_t user_id) {
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectUserDisabled));
  stmt.BindInt(1, user_id);
  ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return UnknownUser(user_id);
  if (stmt.Int(0) != 0) {
    const std::string id = std::to_string(user_id);
    return Status::PermissionDenied("利用者 " + id + " は無効にされています",
                                    "user " + id + " is disabled");
  }
  return Status::Ok();
}

Status SqlStore::ReturnExpiredLeasesLocked() {
  struct Expired {
    std::int64_t task_id;
    std::int64_t document_id;
    std::optional<std::int64_t> field_id;
    std::string kind;
    std::int64_t owner;
  };
  std::vector<Expired> expired;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectExpiredLeases));
    for (;;) {
      ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      expired.push_back({stmt.Int(0), stmt.Int(1), stmt.OptionalInt(2), stmt.Text(3), stmt.Int(4)});
    }
  }
  for (const Expired& lease : expired) {
    bool returned = false;
    {
      ADB_ASSIGN_OR_RETURN(Statement update, statements_.Get(kReturnExpiredLease));
      update.BindInt(1, lease.task_id);
      ADB_ASSIGN_OR_RETURN(returned, RunReturningAny(update));
    }
    if (!returned) continue;  // another claim returned it first
    AuditEvent event;
    event.user_id = lease.owner;
    event.action = "review.lease_expired";
    event.document_id = lease.document_id;
    event.field_id = lease.field_id;
    event.detail_json = DumpJson({{"task", lease.task_id}, {"kind", lease.kind}});
    ADB_RETURN_IF_ERROR(AppendAuditLocked(event));
  }
  return Status::Ok();
}

Result<TaskDetail> SqlStore::GetTaskLocked(std::int64_t task_id) {
  TaskDetail detail;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectTaskDetail));
    stmt.BindInt(1, task_id);
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return UnknownTask(task_id);
    ADB_ASSIGN_OR_RETURN(detail, ReadTaskDetail(stmt));
  }
  ADB_ASSIGN_OR_RETURN(Statement entries, statements_.Get(kSelectTaskEntries));
  entries.BindInt(1, task_id);
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, entries.Step());
    if (!row) break;
    ADB_ASSIGN_OR_RETURN(TaskEntry entry, ReadEntry(entries));
    detail.entries.push_back(std::move(entry));
  }
  return detail;
}

Result<std::optional<TaskDetail>> SqlStore::FinishClaimLocked(std::int64_t user_id,
                                                                 std::int64_t task_id) {
  ADB_ASSIGN_OR_RETURN(TaskDetail detail, GetTaskLocked(task_id));
  AuditEvent event;
  event.user_id = user_id;
  event.action = "review.claim";
  event.document_id = detail.task.document_id;
  event.field_id = detail.task.field_id;
  event.detail_json = DumpJson({{"task", task_id}, {"kind", TaskKindName(detail.task.kind)}});
  ADB_RETURN_IF_ERROR(AppendAuditLocked(event));
  return std::optional<TaskDetail>(std::move(detail));
}

// The review server's hot path takes only the rows it changes (see kClaimTask), so on
// PostgreSQL reviewers on several servers claim side by side.
Result<std::optional<TaskDetail>> SqlStore::ClaimTask(const ClaimOptions& options) {
  ADB_RETURN_IF_ERROR(CheckClaimOptions(options));
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginRowLocked(*conn_));
  ADB_RETURN_IF_ERROR(CheckReviewerLocked(options.user_id));
  ADB_RETURN_IF_ERROR(ReturnExpiredLeasesLocked());
  std::optional<std::int64_t> claimed;
  {
    ADB_ASSIGN_OR_RETURN(Statement claim, statements_.Get(kClaimTask));
    claim.BindInt(1, options.user_id)
        .BindInt(2, options.lease_seconds)
        .BindOptionalText(3, options.field_type)
        .BindInt(4, options.include_on_site_only ? 1 : 0)
        .BindInt(5, -static_cast<std::int64_t>(options.skip_cooldown_seconds));
    ADB_ASSIGN_OR_RETURN(bool row, claim.Step());
    if (row) claimed = claim.Int(0);
  }
  std::optional<TaskDetail> detail;
  if (claimed) {
    ADB_ASSIGN_OR_RETURN(detail, FinishClaimLocked(options.user_id, *claimed));
  }
  ADB_RETURN_IF_ERROR(tx.Commit());
  return detail;
}

Result<std::optional<TaskDetail>> SqlStore::ClaimGoldTask(const ClaimOptions& options) {
  ADB_RETURN_IF_ERROR(CheckClaimOptions(options));
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  ADB_RETURN_IF_ERROR(CheckReviewerLocked(options.user_id));
  ADB_RETURN_IF_ERROR(ReturnExpiredLeasesLocked());
  std::int64_t start = 0;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectGoldStart));
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    // A document id from 0 to the highest, each as likely.
    if (row) start = std::uniform_int_distribution<std::int64_t>(0, stmt.Int(0))(random_);
  }
  struct Gold {
    std::int64_t field_id;
    std::int64_t document_id;
    std::string answer;
    std::string field_type;
    bool on_site_only;
    std::string reason;
  };
  std::optional<Gold> gold;
  // From the random document to the end, then from the beginning up to it.
  const std::pair<std::int64_t, std::int64_t> ranges[] = {
      {start, std::numeric_limits<std::int64_t>::max()}, {0, start}};
  for (const auto& [from, to] : ranges) {
    ADB_ASSIGN_OR_RETURN(Statement pick, statements_.Get(kSelectGoldField));
    pick.BindInt(1, options.user_id)
        .BindInt(2, from)
        .BindInt(3, to)
        .BindOptionalText(4, options.field_type)
        .BindInt(5, options.include_on_site_only ? 1 : 0);
    ADB_ASSIGN_OR_RETURN(bool row, pick.Step());
    if (row) {
      gold = Gold{pick.Int(0),  pick.Int(1),      pick.Text(2),
                  pick.Text(3), pick.Int(4) != 0, pick.Text(5)};
      break;
    }
  }
  if (!gold) {
    ADB_RETURN_IF_ERROR(tx.Commit());  // expired leases were still returned
    return std::optional<TaskDetail>();
  }
  std::int64_t task_id = 0;
  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertGoldTask));
    insert.BindInt(1, gold->document_id)
        .BindInt(2, gold->field_id)
        .BindInt(3, options.user_id)
        .BindInt(4, options.lease_seconds)
        .BindText(5, gold->field_type)
        .BindInt(6, gold->on_site_only ? 1 : 0)
        .BindText(7, gold->answer)
        .BindText(8, gold->reason);
    ADB_ASSIGN_OR_RETURN(task_id, RunReturningInt(insert));
  }
  ADB_ASSIGN_OR_RETURN(std::optional<TaskDetail> detail,
                       FinishClaimLocked(options.user_id, task_id));
  ADB_RETURN_IF_ERROR(tx.Commit());
  return detail;
}

Result<TaskDetail> SqlStore::GetTask(std::int64_t task_id) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(*conn_));
  return GetTaskLocked(task_id);
}

Result<DocumentState> SqlStore::SettleTask(const TaskSettlement& settlement) {
  ADB_RETURN_IF_ERROR(CheckSettlement(settlement));
  const std::string task_name = std::to_string(settlement.task_id);
  auto not_as_expected = [&](const std::string& ja, const std::string& en) {
    return Status::FailedPrecondition("作業 " + task_name + " は" + ja,
                                      "task " + task_name + " " + en);
  };
  std::lock_guard lock(mu_);
  // Row-locked: the task's document, then the task (kSelectTaskDocument).
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginRowLocked(*conn_));
  {
    ADB_ASSIGN_OR_RETURN(Statement user, statements_.Get(kSelectUserDisabled));
    user.BindInt(1, settlement.user_id);
    ADB_ASSIGN_OR_RETURN(bool exists, user.Step());
    if (!exists) return UnknownUser(settlement.user_id);
  }
  std::int64_t locked_document = 0;
  {
    ADB_ASSIGN_OR_RETURN(Statement task, statements_.Get(kSelectTaskDocument));
    task.BindInt(1, settlement.task_id);
    ADB_ASSIGN_OR_RETURN(bool row, task.Step());
    if (!row) return UnknownTask(settlement.task_id);
    locked_document = task.Int(0);
  }
  {
    ADB_ASSIGN_OR_RETURN(Statement lock_document, statements_.Get(kLockDocument));
    lock_document.BindInt(1, locked_document);
    ADB_RETURN_IF_ERROR(lock_document.Run());
  }
  std::int64_t document_id = 0;
  std::optional<std::int64_t> field_id;
  double seconds = 0;
  {
    ADB_ASSIGN_OR_RETURN(Statement task, statements_.Get(kSelectSettling));
    task.BindInt(1, settlement.task_id);
    ADB_ASSIGN_OR_RETURN(bool row, task.Step());
    if (!row) return UnknownTask(settlement.task_id);
    const std::string state = task.Text(0);
    if (state != TaskStateName(settlement.expected_state)) {
      return not_as_expected("もう「" + state + "」です", "is " + state + " by now");
    }
    if (settlement.expected_state == TaskState::kLeased) {
      if (task.OptionalInt(1) != settlement.user_id) {
        return not_as_expected("この利用者に貸し出されていません", "is not leased to this user");
      }
      if (task.Int(2) == 0) {
        return not_as_expected("の貸出期間が過ぎました", "'s lease ran out");
      }
      seconds = task.Double(6);
    }
    document_id = task.Int(3);
    if (document_id != locked_document) {  // a front-desk fix moved it meanwhile
      return not_as_expected("の文書が変わりました", "has moved to another document");
    }
    field_id = task.OptionalInt(4);
    const std::string kind = task.Text(5);
    if (settlement.field_state && (!field_id || kind == TaskKindName(TaskKind::kGold))) {
      return Status::InvalidArgument(
          "作業 " + task_name + " (" + kind + ") は項目を変えません",
          "task " + task_name + " (" + kind + ") does not change a field");
    }
    if (task.Int(7) != settlement.expected_submits) {
      return not_as_expected("に別の入力が届きました", "has had another entry meanwhile");
    }
  }
  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertEntry));
    insert.BindInt(1, settlement.task_id)
        .BindInt(2, settlement.user_id)
        .BindText(3, EntryActionName(settlement.action))
        .BindOptionalText(4, settlement.value)
        .BindText(5, settlement.note)
        .BindDouble(6, seconds);
    if (settlement.gold_correct) {
      insert.BindInt(7, *settlement.gold_correct ? 1 : 0);
    } else {
      insert.BindNull(7);
    }
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  {
    ADB_ASSIGN_OR_RETURN(Statement update, statements_.Get(kSettleTask));
    update.BindInt(1, settlement.task_id)
        .BindText(2, TaskStateName(settlement.new_state))
        .BindInt(3, settlement.skipped ? 1 : 0)
        .BindInt(4, settlement.user_id);
    ADB_RETURN_IF_ERROR(update.Run());
  }
  if (settlement.field_state) {
    ADB_ASSIGN_OR_RETURN(Statement update, statements_.Get(kSettleField));
    update.BindInt(1, *field_id)
        .BindText(2, FieldStateName(*settlement.field_state))
        .BindOptionalText(3, settlement.field_value);
    ADB_RETURN_IF_ERROR(update.Run());
  }
  AuditEvent event;
  event.user_id = settlement.user_id;
  event.action = settlement.audit_action;
  event.document_id = document_id;
  event.field_id = field_id;
  event.detail_json = settlement.audit_detail_json;
  ADB_RETURN_IF_ERROR(AppendAuditLocked(event));
  bool verified_now = false;
  {
    ADB_ASSIGN_OR_RETURN(Statement verify, statements_.Get(kVerifyDocument));
    verify.BindInt(1, document_id);
    ADB_ASSIGN_OR_RETURN(verified_now, RunReturningAny(verify));
  }
  if (verified_now) {
    AuditEvent verified =
        SystemEvent("document.verified", document_id, DumpJson({{"task", settlement.task_id}}));
    verified.user_id = settlement.user_id;  // whose entry settled the last task
    ADB_RETURN_IF_ERROR(AppendAuditLocked(verified));
  }
  std::optional<DocumentState> state;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectDocumentState));
    stmt.BindInt(1, document_id);
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) state = ParseDocumentState(stmt.Text(0));
  }
  if (!state) return InvalidStoredValue("documents.state", std::to_string(document_id));
  ADB_RETURN_IF_ERROR(tx.Commit());
  return *state;
}

Result<std::vector<TaskDetail>> SqlStore::ListEscalatedTasks(
    const std::vector<std::int64_t>& tenant_ids) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(*conn_));
  std::vector<std::int64_t> ids;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectEscalatedTasks));
    stmt.BindText(1, TenantListJson(tenant_ids));
    for (;;) {
      ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      ids.push_back(stmt.Int(0));
    }
  }
  std::vector<TaskDetail> tasks;
  for (std::int64_t id : ids) {
    ADB_ASSIGN_OR_RETURN(TaskDetail task, GetTaskLocked(id));
    tasks.push_back(std::move(task));
  }
  return tasks;
}

Result<std::vector<QueueDepth>> SqlStore::CountQueue(
    const std::vector<std::int64_t>& tenant_ids) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kCountQueue));
  stmt.BindText(1, TenantListJson(tenant_ids));
  std::vector<QueueDepth> depths;
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    depths.push_back({.tenant_code = stmt.Text(0),
                      .form_id = stmt.Text(1),
                      .field_type = stmt.Text(2),
                      .open = static_cast<int>(stmt.Int(3)),
                      .leased = static_cast<int>(stmt.Int(4)),
                      .escalated = static_cast<int>(stmt.Int(5))});
  }
  return depths;
}

Result<std::vector<ReviewerActivity>> SqlStore::CountActivity(
    const std::vector<std::int64_t>& tenant_ids, const std::string& since,
    std::optional<std::int64_t> user_id) {
  std::lock_guard lock(mu_);
  // The entries' own spelling of `since`, so that text order is time order whatever offset or
  // precision the caller wrote ("2026-11-21T00:00:00+09:00" included).
  std::string since_utc;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kNormaliseTime));
    stmt.BindText(1, since);
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row || stmt.IsNull(0)) {
      return Status::InvalidArgument("日時は ISO 8601 で書いてください: " + since,
                                     "a time must be ISO 8601: " + since);
    }
    since_utc = stmt.Text(0);
  }
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kCountActivity));
  stmt.BindText(1, TenantListJson(tenant_ids)).BindText(2, since_utc).BindOptionalInt(3, user_id);
  std::vector<ReviewerActivity> activity;
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    activity.push_back({.user_id = stmt.Int(0),
                        .name = stmt.Text(1),
                        .display_name = stmt.Text(2),
                        .entries = static_cast<int>(stmt.Int(3)),
                        .seconds = stmt.Double(4),
                        .gold_total = static_cast<int>(stmt.Int(5)),
                        .gold_correct = static_cast<int>(stmt.Double(6))});
  }
  return activity;
}

// ---- exports ----

Result<ExportRecord> ReadExport(const Statement& row) {
  ExportRecord record;
  record.id = row.Int(0);
  record.tenant_code = row.Text(1);
  record.form_id = row.Text(2);
  record.requested_by = row.Text(3);
  record.user_id = row.OptionalInt(4);
  std::optional<ExportFormat> format = ParseExportFormat(row.Text(5));
  if (!format) return InvalidStoredValue("exports.format", row.Text(5));
  record.format = *format;
  std::optional<ExportEncoding> encoding = ParseExportEncoding(row.Text(6));
  if (!encoding) return InvalidStoredValue("exports.encoding", row.Text(6));
  record.encoding = *encoding;
  std::optional<ExportStatus> status = ParseExportStatus(row.Text(7));
  if (!status) return InvalidStoredValue("exports.status_filter", row.Text(7));
  record.status = *status;
  record.only_new = row.Int(8) != 0;
  record.document_count = static_cast<int>(row.Int(9));
  record.created_at = row.Text(10);
  return record;
}

Result<std::vector<DocumentWithFields>> SqlStore::ListFormDocuments(
    const std::string& tenant_code, const std::string& form_id,
    const std::vector<DocumentState>& states) {
  nlohmann::json state_names = nlohmann::json::array();
  for (DocumentState state : states) state_names.push_back(DocumentStateName(state));
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(*conn_));
  ADB_ASSIGN_OR_RETURN(Tenant tenant, GetTenantLocked(tenant_code));
  std::vector<DocumentWithFields> documents;
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectFormDocuments));
    stmt.BindInt(1, tenant.id).BindText(2, form_id).BindText(3, state_names.dump());
    for (;;) {
      ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      ADB_ASSIGN_OR_RETURN(Document document, ReadDocument(stmt));
      documents.push_back({std::move(document), {}});
    }
  }
  for (DocumentWithFields& entry : documents) {
    ADB_ASSIGN_OR_RETURN(entry.fields, ListFieldsLocked(entry.document.id));
  }
  return documents;
}

Result<ExportRecord> SqlStore::RecordExport(const NewExport& export_request) {
  const NewExport& e = export_request;
  if (e.requested_by.empty()) {
    return Status::InvalidArgument("書き出しを求めた人が空です",
                                   "an export needs the one who asked for it");
  }
  {
    std::set<std::int64_t> seen;
    for (std::int64_t id : e.document_ids) {
      if (!seen.insert(id).second) {
        const std::string name = std::to_string(id);
        return Status::InvalidArgument("書き出しに文書 " + name + " が二度あります",
                                       "document " + name + " is in the export twice");
      }
    }
  }
  const std::vector<DocumentState> states = ExportedStates(e.status);
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  ADB_ASSIGN_OR_RETURN(Tenant tenant, GetTenantLocked(e.tenant_code));
  ADB_ASSIGN_OR_RETURN(std::optional<FormRecord> form, FindFormLocked(e.form_id, std::nullopt));
  if (!form) return UnknownForm(e.form_id, std::nullopt);
  if (e.user_id) {
    ADB_ASSIGN_OR_RETURN(Statement user, statements_.Get(kSelectUserExists));
    user.BindInt(1, *e.user_id);
    ADB_ASSIGN_OR_RETURN(bool exists, user.Step());
    if (!exists) return UnknownUser(*e.user_id);
  }
  // What --new relies on: an export holds only documents it could have taken.
  for (std::int64_t id : e.document_ids) {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectDocumentForExport));
    stmt.BindInt(1, id);
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    const std::string name = std::to_string(id);
    if (!row) return Status::NotFound("文書がありません: " + name, "no such document: " + name);
    if (stmt.Int(0) != tenant.id || stmt.Text(1) != e.form_id) {
      return Status::InvalidArgument(
          "文書 " + name + " は " + e.tenant_code + " の様式 " + e.form_id +
              " の文書ではありません",
          "document " + name + " is not a document of form " + e.form_id + " of " + e.tenant_code);
    }
    const std::string state = stmt.Text(2);
    bool taken = false;
    for (DocumentState s : states) taken = taken || DocumentStateName(s) == state;
    if (!taken) {
      return Status::InvalidArgument(
          "文書 " + name + " は「" + state + "」で、この書き出し (" +
              std::string(ExportStatusName(e.status)) + ") には入りません",
          "document " + name + " is " + state + ", which an export of " +
              std::string(ExportStatusName(e.status)) + " does not take");
    }
  }
  std::int64_t export_id = 0;
  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertExport));
    insert.BindInt(1, tenant.id)
        .BindText(2, e.form_id)
        .BindText(3, e.requested_by)
        .BindOptionalInt(4, e.user_id)
        .BindText(5, ExportFormatName(e.format))
        .BindText(6, ExportEncodingName(e.encoding))
        .BindText(7, ExportStatusName(e.status))
        .BindInt(8, e.only_new ? 1 : 0)
        .BindInt(9, static_cast<std::int64_t>(e.document_ids.size()));
    ADB_ASSIGN_OR_RETURN(export_id, RunReturningInt(insert));
  }
  for (std::int64_t id : e.document_ids) {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertExportDocument));
    insert.BindInt(1, export_id).BindInt(2, id);
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  // Counts and options only: the values went to the file, not to the audit log.
  AuditEvent event = SystemEvent("export.created", std::nullopt,
                                 DumpJson({{"export", export_id},
                                           {"tenant", e.tenant_code},
                                           {"form", e.form_id},
                                           {"requested_by", e.requested_by},
                                           {"format", ExportFormatName(e.format)},
                                           {"encoding", ExportEncodingName(e.encoding)},
                                           {"status", ExportStatusName(e.status)},
                                           {"new", e.only_new},
                                           {"documents", e.document_ids.size()},
                                           {"replaced_characters", e.replaced_characters}}));
  event.user_id = e.user_id;
  ADB_RETURN_IF_ERROR(AppendAuditLocked(event));
  Result<ExportRecord> record =
      Status::Internal("記録した書き出しが見つかりません", "the export just recorded is missing");
  {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectExport));
    stmt.BindInt(1, export_id);
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) record = ReadExport(stmt);
  }
  if (!record.ok()) return record.status();
  ADB_RETURN_IF_ERROR(tx.Commit());
  return record;
}

Result<std::set<std::int64_t>> SqlStore::ListExportedDocumentIds(const std::string& tenant_code,
                                                                    const std::string& form_id,
                                                                    ExportStatus status) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(*conn_));
  ADB_ASSIGN_OR_RETURN(Tenant tenant, GetTenantLocked(tenant_code));
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectExportedDocumentIds));
  stmt.BindInt(1, tenant.id).BindText(2, form_id).BindText(3, ExportStatusName(status));
  std::set<std::int64_t> ids;
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ids.insert(stmt.Int(0));
  }
  return ids;
}

Result<std::vector<ExportRecord>> SqlStore::ListExports(
    const std::string& tenant_code, const std::optional<std::string>& form_id) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(*conn_));
  ADB_ASSIGN_OR_RETURN(Tenant tenant, GetTenantLocked(tenant_code));
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectExports));
  stmt.BindInt(1, tenant.id).BindOptionalText(2, form_id);
  std::vector<ExportRecord> exports;
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ADB_ASSIGN_OR_RETURN(ExportRecord record, ReadExport(stmt));
    exports.push_back(std::move(record));
  }
  return exports;
}

// ---- letters ----

// "3, 5, 8" — the first twenty ids, then how many more, for a message.
Text DocumentIdList(const std::vector<std::int64_t>& ids) {
  constexpr std::size_t kShown = 20;
  std::string list;
  for (std::size_t i = 0; i < ids.size() && i < kShown; ++i) {
    list += (i == 0 ? "" : ", ") + std::to_string(ids[i]);
  }
  if (ids.size() <= kShown) return {list, list};
  const std::string more = std::to_string(ids.size() - kShown);
  return {list + " ほか " + more + " 件", list + " and " + more + " more"};
}

Status CheckNewLetterBatch(const NewLetterBatch& batch) {
  if (batch.letters.empty()) {
    return Status::InvalidArgument("手紙のない束は記録できません",
                                   "a letter batch needs at least one letter");
  }
  if (!IsSha256Name(batch.pdf_sha256)) {
    return MalformedSha256("手紙の PDF の名前", "the letters' PDF name", batch.pdf_sha256);
  }
  if (batch.template_id.empty() || batch.form_id.empty() || batch.requested_by.empty()) {
    return Status::InvalidArgument("手紙の束には雛形、様式、依頼者が必要です",
                                   "a letter batch needs a template, a form and a requester");
  }
  // Each letter's pages lie inside the PDF, and no two letters share a page or a document.
  std::vector<NewLetterBatch::Letter> by_page = batch.letters;
  std::sort(by_page.begin(), by_page.end(),
            [](const auto& a, const auto& b) { return a.first_page < b.first_page; });
  int next_free_page = 1;
  for (const NewLetterBatch::Letter& letter : by_page) {
    const std::string id = std::to_string(letter.document_id);
    if (letter.first_page < next_free_page || letter.page_count < 1 ||
        letter.first_page + letter.page_count - 1 > batch.page_count) {
      return Status::InvalidArgument(
          "文書 " + id + " の手紙のページが PDF の範囲外か、ほかの手紙と重なっています",
          "the pages of document " + id +
              "'s letter lie outside the PDF or overlap another letter");
    }
    next_free_page = letter.first_page + letter.page_count;
  }
  std::vector<std::int64_t> ids;
  for (const NewLetterBatch::Letter& letter : batch.letters) ids.push_back(letter.document_id);
  std::sort(ids.begin(), ids.end());
  if (auto twice = std::adjacent_find(ids.begin(), ids.end()); twice != ids.end()) {
    const std::string id = std::to_string(*twice);
    return Status::InvalidArgument("文書 " + id + " が束に 2 度あります",
                                   "document " + id + " is in the batch twice");
  }
  return Status::Ok();
}

Result<std::vector<Document>> SqlStore::ListDocumentsAwaitingLetter(
    const std::string& tenant_code, const std::string& form_id) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(*conn_));
  ADB_ASSIGN_OR_RETURN(std::optional<Tenant> tenant, FindTenantLocked(tenant_code));
  if (!tenant) return UnknownTenant(tenant_code);
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectDocumentsAwaitingLetter));
  stmt.BindText(1, tenant_code).BindText(2, form_id);
  std::vector<Document> documents;
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ADB_ASSIGN_OR_RETURN(Document doc, ReadDocument(stmt));
    documents.push_back(std::move(doc));
  }
  return documents;
}

Result<LetterBatch> SqlStore::RecordLetterBatch(const NewLetterBatch& batch) {
  ADB_RETURN_IF_ERROR(CheckNewLetterBatch(batch));
  std::lock_guard lock(mu_);
  // IMMEDIATE: the check that no document has a letter and the inserts see the same data,
  // whatever another run records at the same moment.
  ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn_));
  ADB_ASSIGN_OR_RETURN(std::optional<Tenant> tenant, FindTenantLocked(batch.tenant_code));
  if (!tenant) return UnknownTenant(batch.tenant_code);
  if (batch.user_id) {
    ADB_ASSIGN_OR_RETURN(Statement user, statements_.Get(kSelectUserExists));
    user.BindInt(1, *batch.user_id);
    ADB_ASSIGN_OR_RETURN(bool exists, user.Step());
    if (!exists) return UnknownUser(*batch.user_id);
  }
  ADB_ASSIGN_OR_RETURN(bool recorded, BlobRecordedLocked(batch.pdf_sha256));
  if (!recorded) {
    return Status::FailedPrecondition(
        "手紙の PDF がブロブとして記録されていません: " + batch.pdf_sha256,
        "the letters' PDF is not recorded as a blob: " + batch.pdf_sha256);
  }

  std::vector<std::int64_t> already_lettered;
  for (const NewLetterBatch::Letter& letter : batch.letters) {
    ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectLetterDocument));
    stmt.BindInt(1, letter.document_id);
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    const std::string id = std::to_string(letter.document_id);
    if (!row) return Status::NotFound("文書がありません: " + id, "no such document: " + id);
    if (stmt.Int(0) != tenant->id) {
      return Status::FailedPrecondition(
          "文書 " + id + " は自治体 " + batch.tenant_code + " のものではありません",
          "document " + id + " is not of tenant " + batch.tenant_code);
    }
    if (stmt.Text(1) != batch.form_id) {
      return Status::FailedPrecondition(
          "文書 " + id + " は様式 " + batch.form_id + " ではありません",
          "document " + id + " is not of form " + batch.form_id);
    }
    if (stmt.Text(2) != DocumentStateName(DocumentState::kVerified)) {
      return Status::FailedPrecondition("文書 " + id + " は確認が済んでいません (" +
                                            stmt.Text(2) + ")",
                                        "document " + id + " is not verified (" + stmt.Text(2) +
                                            ")");
    }
    if (!stmt.IsNull(3)) already_lettered.push_back(letter.document_id);
  }
  if (!already_lettered.empty()) {
    std::sort(already_lettered.begin(), already_lettered.end());
    const Text ids = DocumentIdList(already_lettered);
    return Status::FailedPrecondition(
        "次の文書にはすでに手紙があります (ほかの実行が先に記録しました)。この束は何も記録して"
        "いません: " + ids.ja,
        "these documents already have a letter (another run recorded it first); nothing of "
        "this batch was recorded: " + ids.en);
  }

  std::int64_t batch_id = 0;
  {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertLetterBatch));
    insert.BindInt(1, tenant->id)
        .BindText(2, batch.template_id)
        .BindText(3, batch.form_id)
        .BindInt(4, batch.large_print ? 1 : 0)
        .BindText(5, batch.requested_by)
        .BindOptionalInt(6, batch.user_id)
        .BindText(7, batch.pdf_sha256)
        .BindInt(8, static_cast<std::int64_t>(batch.letters.size()))
        .BindInt(9, batch.page_count);
    ADB_ASSIGN_OR_RETURN(batch_id, RunReturningInt(insert));
  }
  for (const NewLetterBatch::Letter& letter : batch.letters) {
    ADB_ASSIGN_OR_RETURN(Statement insert, statements_.Get(kInsertLetter));
    insert.BindInt(1, letter.document_id)
        .BindInt(2, batch_id)
        .BindInt(3, letter.first_page)
        .BindInt(4, letter.page_count);
    ADB_RETURN_IF_ERROR(insert.Run());
  }
  AuditEvent printed = SystemEvent("letters.printed", std::nullopt,
                                   DumpJson({{"batch", batch_id},
                                             {"template", batch.template_id},
                                             {"form_id", batch.form_id},
                                             {"large_print", batch.large_print},
                                             {"requested_by", batch.requested_by},
                                             {"letters", batch.letters.size()},
                                             {"pages", batch.page_count}}));
  printed.user_id = batch.user_id;
  ADB_RETURN_IF_ERROR(AppendAuditLocked(printed));
  ADB_ASSIGN_OR_RETURN(LetterBatch stored, GetLetterBatchLocked(batch_id));
  ADB_RETURN_IF_ERROR(tx.Commit());
  return stored;
}

Result<LetterBatch> SqlStore::GetLetterBatchLocked(std::int64_t batch_id) {
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectLetterBatch));
  stmt.BindInt(1, batch_id);
  ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    const std::string id = std::to_string(batch_id);
    return Status::NotFound("手紙の束がありません: " + id, "no such letter batch: " + id);
  }
  return ReadLetterBatch(stmt);
}

Result<LetterBatch> SqlStore::GetLetterBatch(std::int64_t batch_id) {
  std::lock_guard lock(mu_);
  return GetLetterBatchLocked(batch_id);
}

Result<std::vector<LetterBatch>> SqlStore::ListLetterBatches(const std::string& tenant_code) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(*conn_));
  ADB_ASSIGN_OR_RETURN(Tenant tenant, GetTenantLocked(tenant_code));
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectLetterBatchesOfTenant));
  stmt.BindInt(1, tenant.id);
  std::vector<LetterBatch> batches;
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    batches.push_back(ReadLetterBatch(stmt));
  }
  return batches;
}

LetterBatch SqlStore::ReadLetterBatch(const Statement& stmt) {
  return LetterBatch{.id = stmt.Int(0),
                     .tenant_code = stmt.Text(1),
                     .template_id = stmt.Text(2),
                     .form_id = stmt.Text(3),
                     .large_print = stmt.Int(4) != 0,
                     .requested_by = stmt.Text(5),
                     .user_id = stmt.OptionalInt(6),
                     .pdf_sha256 = stmt.Text(7),
                     .letter_count = static_cast<int>(stmt.Int(8)),
                     .page_count = static_cast<int>(stmt.Int(9)),
                     .created_at = stmt.Text(10)};
}

Result<std::vector<LetterRecord>> SqlStore::ListLetters(std::int64_t batch_id) {
  std::lock_guard lock(mu_);
  ADB_ASSIGN_OR_RETURN(Statement stmt, statements_.Get(kSelectLetters));
  stmt.BindInt(1, batch_id);
  std::vector<LetterRecord> letters;
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    letters.push_back({.document_id = stmt.Int(0),
                       .batch_id = stmt.Int(1),
                       .first_page = static_cast<int>(stmt.Int(2)),
                       .page_count = static_cast<int>(stmt.Int(3))});
  }
  return letters;
}
}  // namespace

namespace {

Result<std::unique_ptr<Store>> OpenOnConnection(std::unique_ptr<internal::Connection> conn,
                                               const std::string& name) {
  ADB_RETURN_IF_ERROR(internal::Migrate(*conn).WithPrefix(name + ": "));
  auto store = std::make_unique<SqlStore>(std::move(conn));
  ADB_RETURN_IF_ERROR(store->EnsureDefaultTenant());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path& path) {
  ADB_ASSIGN_OR_RETURN(internal::SqliteDb db, internal::OpenDatabase(path));
  return OpenOnConnection(internal::MakeSqliteConnection(std::move(db)), path.string());
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri) {
  ADB_ASSIGN_OR_RETURN(std::unique_ptr<internal::Connection> conn, internal::ConnectPostgres(uri));
  return OpenOnConnection(std::move(conn), internal::RedactPostgresUri(uri));
}

}  // namespace adbridge::models
