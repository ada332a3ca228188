// The front desk's fixes in the store: assigning a form, turning and removing pages, splitting
// and merging scans, the list the front desk works from, and schema 5's pages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "models/internal/migrations.h"
#include "models/internal/sqlite.h"
#include "models/store.h"
#include "tests/models/store_test_support.h"

namespace adbridge::models {
namespace {

using test_support::RawDb;
using test_support::SqliteFileTest;
using test_support::StoreTest;
using ::testing::HasSubstr;

constexpr char kFieldsJson[] =
    R"([{"name":"applicant_name","type":"text"},{"name":"birth_date","type":"date"}])";

class FixStoreTest : public StoreTest {
 protected:
  FixStoreTest() {
    store_ = Open();
    form_ = Form(*store_, "juminhyo-request", 1, kFieldsJson);
    EXPECT_TRUE(store_->AddForm(form_).ok());
    other_form_ = Form(*store_, "kyufukin-application", 1, kFieldsJson);
    EXPECT_TRUE(store_->AddForm(other_form_).ok());
    EXPECT_TRUE(store_->EnsureTenant("shiojiri", "塩尻市").ok());
    clerk_ = AddUser("madoguchi", Role::kFrontdesk);
    reviewer_ = AddUser("alice", Role::kReviewer);
  }

  std::int64_t AddUser(const std::string& name, Role role) {
    NewUser user;
    user.name = name;
    user.role = role;
    user.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
    Result<User> added = store_->AddUser(user);
    EXPECT_TRUE(added.ok()) << added.status().message(Lang::kEn);
    return added.ok() ? added->id : 0;
  }

  // A received scan of `pages` pages; its original's SHA-256 in `sha` when asked.
  std::int64_t AddScan(int pages, const std::string& tenant = std::string(kDefaultTenant),
                       std::string* sha = nullptr) {
    const std::string n = std::to_string(next_scan_++);
    NewDocument scan = Scan(AddBlob(*store_, "scan " + n), "batch/" + n + ".tif");
    scan.tenant_code = tenant;
    scan.pages.clear();
    for (int i = 0; i < pages; ++i) {
      scan.pages.push_back({.width_px = 2480 + i, .height_px = 3508, .dpi = 300});
    }
    if (sha) *sha = scan.original_sha256;
    Result<DocumentInsert> inserted = store_->InsertDocument(scan);
    EXPECT_TRUE(inserted.ok()) << inserted.status().message(Lang::kEn);
    return inserted.ok() ? inserted->document_id : 0;
  }

  // Claims `id` (the only waiting document) and records a reading of the test form: every
  // page identified, a field per name, a task for each one not accepted.
  void Read(std::int64_t id, bool accept_all = false) {
    Result<std::optional<Document>> claimed = store_->ClaimDocument("worker", 600);
    ASSERT_TRUE(claimed.ok() && claimed->has_value());
    ASSERT_EQ((*claimed)->id, id);
    DocumentReading reading;
    reading.document_id = id;
    reading.worker = "worker";
    reading.form_id = form_.id;
    reading.form_version = form_.version;
    for (int i = 0; i < (*claimed)->page_count; ++i) {
      DocumentReading::Page page;
      page.page_index = i;
      page.form_page = i + 1;
      page.outcome = PageOutcome::kIdentified;
      reading.pages.push_back(page);
    }
    for (const char* name : {"applicant_name", "birth_date"}) {
      DocumentReading::Field field;
      field.name = name;
      field.ocr_value = "read";
      field.confidence = accept_all ? 0.99 : 0.5;
      field.auto_accept = accept_all;
      field.review_reason = "確信度が低い";
      field.field_type = "text";
      reading.fields.push_back(field);
    }
    const Status recorded = store_->RecordReading(reading);
    ASSERT_TRUE(recorded.ok()) << recorded.message(Lang::kEn);
  }

  // A reviewer takes the document's first task and does `action` with it.
  void Review(EntryAction action) {
    Result<std::optional<TaskDetail>> task = store_->ClaimTask({.user_id = reviewer_});
    ASSERT_TRUE(task.ok() && task->has_value());
    TaskSettlement s;
    s.task_id = (*task)->task.id;
    s.user_id = reviewer_;
    s.action = action;
    if (action == EntryAction::kSkip) {
      s.new_state = TaskState::kOpen;
      s.skipped = true;
      s.audit_action = "review.skip";
    } else {
      s.value = "山田";
      s.field_state = FieldState::kVerified;
      s.field_value = "山田";
      s.audit_action = "review.submit";
    }
    ASSERT_TRUE(store_->SettleTask(s).ok());
  }

  std::vector<PageRecord> Pages(std::int64_t id) {
    Result<std::vector<PageRecord>> pages = store_->ListPages(id);
    EXPECT_TRUE(pages.ok());
    return pages.ok() ? *pages : std::vector<PageRecord>();
  }

  Document Doc(std::int64_t id) {
    Result<Document> doc = store_->GetDocument(id);
    EXPECT_TRUE(doc.ok()) << doc.status().message(Lang::kEn);
    return doc.ok() ? *doc : Document{};
  }

  // The newest audit event, with its detail parsed.
  std::pair<AuditEvent, nlohmann::json> LastAudit() {
    Result<std::vector<AuditEvent>> events = store_->RecentAudit(1);
    EXPECT_TRUE(events.ok() && events->size() == 1);
    if (!events.ok() || events->empty()) return {};
    return {(*events)[0], nlohmann::json::parse((*events)[0].detail_json)};
  }

  // What reading left behind is gone and the document waits to be read from the start.
  void ExpectSentBackToReading(std::int64_t id) {
    const Document doc = Doc(id);
    EXPECT_EQ(doc.state, DocumentState::kReceived);
    EXPECT_EQ(doc.failure_reason, "");
    EXPECT_TRUE(store_->ListFields(id)->empty());
    EXPECT_TRUE(store_->ListReviewTasks(id)->empty());
    for (const PageRecord& page : Pages(id)) {
      EXPECT_EQ(page.outcome, std::nullopt);
      EXPECT_EQ(page.form_page, std::nullopt);
    }
    RawDb raw(db_path_);
    EXPECT_EQ(raw.Int("SELECT attempts FROM documents WHERE id = " + std::to_string(id)), 0);
    EXPECT_EQ(raw.Int("SELECT count(*) FROM review_entries e JOIN review_tasks t "
                      "ON t.id = e.task_id WHERE t.document_id = " +
                      std::to_string(id)),
              0);
  }

  std::unique_ptr<Store> store_;
  FormRecord form_;
  FormRecord other_form_;
  std::int64_t clerk_ = 0;
  std::int64_t reviewer_ = 0;
  int next_scan_ = 0;
};

std::string En(const Status& status) { return status.message(Lang::kEn); }
std::string Ja(const Status& status) { return status.message(Lang::kJa); }

// ---- the model ------------------------------------------------------------------------------

TEST_F(FixStoreTest, NewScanPagesComeFromItsOriginalInFileOrderUnturned) {
  std::string sha;
  const std::int64_t id = AddScan(3, std::string(kDefaultTenant), &sha);
  const std::vector<PageRecord> pages = Pages(id);
  ASSERT_EQ(pages.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(pages[i].page_index, i);
    EXPECT_EQ(pages[i].source_sha256, sha);
    EXPECT_EQ(pages[i].source_index, i);
    EXPECT_EQ(pages[i].rotation, 0);
  }
}

TEST_F(FixStoreTest, RotationOutsideQuarterTurnsIsRefusedByTheDatabase) {
  AddScan(1);
  RawDb raw(db_path_);
  EXPECT_NE(raw.Exec("UPDATE pages SET rotation = 45"), SQLITE_OK);
  EXPECT_NE(raw.Exec("UPDATE pages SET rotation = 360"), SQLITE_OK);
  EXPECT_EQ(raw.Exec("UPDATE pages SET rotation = 270"), SQLITE_OK);
}

TEST_F(SqliteFileTest, DatabaseOfSchemaFourGetsPagesFromTheirOriginalAndKeepsFormsPeopleSaid) {
  const std::string a(64, 'a'), b(64, 'b');
  {
    internal::SqliteDb db = std::move(internal::OpenDatabase(db_path_)).value();
    for (const internal::Migration& migration : internal::Migrations()) {
      if (migration.version > 4) break;
      ASSERT_TRUE(internal::Exec(db.get(), migration.sql, {"", ""}).ok());
    }
    ASSERT_TRUE(internal::Exec(db.get(), "PRAGMA user_version = 4", {"", ""}).ok());
    const std::string rows =
        "INSERT INTO tenants (code, name) VALUES ('default', 'x');"
        "INSERT INTO blobs (sha256, size, media_type) VALUES ('" +
        a + "', 1, 'image/tiff'), ('" + b +
        "', 1, 'image/png');"
        "INSERT INTO forms (id, version, title, definition_json) VALUES ('f', 1, 'F', '{}');"
        // 1: read (in review) as f; 2: ingested with --form f, not read yet.
        "INSERT INTO documents (tenant_id, source, source_name, original_sha256, media_type, "
        "original_size, form_id, form_version, state) VALUES "
        "(1, 'scan', 'two.tif', '" +
        a +
        "', 'image/tiff', 1, 'f', 1, 'in_review'),"
        "(1, 'scan', 'one.png', '" +
        b +
        "', 'image/png', 1, 'f', 1, 'received');"
        "INSERT INTO pages (document_id, page_index, width_px, height_px, outcome) VALUES "
        "(1, 0, 10, 10, 'identified'), (1, 1, 10, 10, 'blank'), (2, 0, 20, 20, NULL);";
    ASSERT_TRUE(internal::Exec(db.get(), rows.c_str(), {"", ""}).ok());
  }
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->SchemaVersion(), kSchemaVersion);
  Result<std::vector<PageRecord>> pages = store->ListPages(1);
  ASSERT_TRUE(pages.ok());
  ASSERT_EQ(pages->size(), 2u);
  EXPECT_EQ((*pages)[1].source_sha256, a);
  EXPECT_EQ((*pages)[1].source_index, 1);
  EXPECT_EQ((*pages)[1].rotation, 0);
  EXPECT_EQ((*pages)[1].outcome, PageOutcome::kBlank);
  RawDb raw(db_path_);
  EXPECT_EQ(raw.Rows("SELECT document_id, page_index, source_sha256 = (SELECT original_sha256 "
                     "FROM documents d WHERE d.id = document_id), source_index, rotation "
                     "FROM pages ORDER BY id"),
            "1|0|1|0|0\n1|1|1|1|0\n2|0|1|0|0");
  EXPECT_EQ(raw.Rows("SELECT id, form_assigned FROM documents ORDER BY id"), "1|0\n2|1");
  EXPECT_TRUE(raw.Names("index").count("pages_by_source"));
  EXPECT_TRUE(raw.Names("index").count("documents_by_tenant"));
  EXPECT_EQ(raw.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.Text("PRAGMA foreign_key_check"), "");
}

// ---- assigning a form -------------------------------------------------------------------------

TEST_F(FixStoreTest, AssignedFormSendsAFailedScanBackToBeReadAsThatForm) {
  const std::int64_t id = AddScan(1);
  ASSERT_TRUE(store_->ClaimDocument("worker", 600).ok());
  ASSERT_EQ(*store_->ReleaseUnreadDocument(id, "worker", "どの様式か判定できません", 1),
            DocumentState::kFailed);

  const Status assigned =
      store_->AssignForm(id, std::string(kDefaultTenant), "kyufukin-application", 1, clerk_);
  ASSERT_TRUE(assigned.ok()) << En(assigned);
  const Document doc = Doc(id);
  EXPECT_EQ(doc.form_id, "kyufukin-application");
  EXPECT_EQ(doc.form_version, 1);
  ExpectSentBackToReading(id);
  const auto [event, detail] = LastAudit();
  EXPECT_EQ(event.action, "document.form_assigned");
  EXPECT_EQ(event.user_id, clerk_);
  EXPECT_EQ(event.document_id, id);
  EXPECT_EQ(detail["form_id"], "kyufukin-application");
  EXPECT_EQ(detail["version"], 1);

  // A reading that still finds no form keeps the one the front desk said.
  Result<std::optional<Document>> claimed = store_->ClaimDocument("worker", 600);
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  EXPECT_EQ((*claimed)->form_id, "kyufukin-application");
  DocumentReading reading;
  reading.document_id = id;
  reading.worker = "worker";
  DocumentReading::Task missing;
  missing.reason = "1 ページ目がありません";
  reading.tasks.push_back(missing);
  ASSERT_TRUE(store_->RecordReading(reading).ok());
  EXPECT_EQ(Doc(id).form_id, "kyufukin-application");
}

TEST_F(FixStoreTest, AssigningAFormWithoutVersionTakesTheNewestAndAnUnknownFormIsNotFound) {
  FormRecord v2 = Form(*store_, "kyufukin-application", 2, kFieldsJson);
  ASSERT_TRUE(store_->AddForm(v2).ok());
  const std::int64_t id = AddScan(1);
  ASSERT_TRUE(store_->AssignForm(id, "default", "kyufukin-application", std::nullopt, clerk_).ok());
  EXPECT_EQ(Doc(id).form_version, 2);

  EXPECT_EQ(store_->AssignForm(id, "default", "no-such-form", std::nullopt, clerk_).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->AssignForm(id, "default", "kyufukin-application", 9, clerk_).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->AssignForm(id, "default", "", std::nullopt, clerk_).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Doc(id).form_version, 2) << "a refused fix changes nothing";
}

TEST_F(FixStoreTest, AFormGivenAtIngestIsKeptWhenTheDocumentIsFixedAndReadAgain) {
  NewDocument scan = Scan(AddBlob(*store_, "scan with form"), "batch/given.tif");
  scan.form_id = other_form_.id;
  Result<DocumentInsert> inserted = store_->InsertDocument(scan);
  ASSERT_TRUE(inserted.ok());
  const std::int64_t id = inserted->document_id;
  ASSERT_TRUE(store_->RotatePage(id, "default", 0, 180, clerk_).ok());
  EXPECT_EQ(Doc(id).form_id, other_form_.id) << "the form the front desk said at ingest stays";
}

// ---- turning and removing pages ---------------------------------------------------------------

TEST_F(FixStoreTest, RotatingAReadPageAddsTheTurnAndSendsTheDocumentBackToBeRead) {
  const std::int64_t id = AddScan(2);
  Read(id);
  Review(EntryAction::kSkip);  // a skip is no work done on the document
  ASSERT_EQ(Doc(id).state, DocumentState::kInReview);

  const Status rotated = store_->RotatePage(id, "default", 1, 90, clerk_);
  ASSERT_TRUE(rotated.ok()) << En(rotated);
  ExpectSentBackToReading(id);
  EXPECT_EQ(Doc(id).form_id, std::nullopt) << "a form the machine found is found again";
  const auto [event, detail] = LastAudit();
  EXPECT_EQ(event.action, "document.page_rotated");
  EXPECT_EQ(event.user_id, clerk_);
  EXPECT_EQ(detail["page"], 1);
  EXPECT_EQ(detail["degrees"], 90);

  ASSERT_TRUE(store_->RotatePage(id, "default", 1, 270, clerk_).ok());
  ASSERT_TRUE(store_->RotatePage(id, "default", 1, 180, clerk_).ok());
  ASSERT_TRUE(store_->RotatePage(id, "default", 0, 270, clerk_).ok());
  const std::vector<PageRecord> pages = Pages(id);
  EXPECT_EQ(pages[0].rotation, 270);
  EXPECT_EQ(pages[1].rotation, 180) << "90 + 270 + 180 turns half way round";
}

TEST_F(FixStoreTest, RotatingByAnythingButAQuarterTurnOrAPageNotThereIsInvalidArgument) {
  const std::int64_t id = AddScan(2);
  for (int degrees : {0, 45, -90, 360, 450}) {
    EXPECT_EQ(store_->RotatePage(id, "default", 0, degrees, clerk_).code(),
              StatusCode::kInvalidArgument)
        << degrees;
  }
  for (int page : {-1, 2, 99}) {
    const Status status = store_->RotatePage(id, "default", page, 90, clerk_);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << page;
    EXPECT_THAT(En(status), HasSubstr("has no page"));
  }
  EXPECT_EQ(Pages(id)[0].rotation, 0);
}

TEST_F(FixStoreTest, RemovingABlankPageClosesTheGapAndKeepsWhereTheOthersComeFrom) {
  std::string sha;
  const std::int64_t id = AddScan(3, "default", &sha);
  Read(id);
  const Status removed = store_->RemovePage(id, "default", 1, clerk_);
  ASSERT_TRUE(removed.ok()) << En(removed);
  const std::vector<PageRecord> pages = Pages(id);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].page_index, 0);
  EXPECT_EQ(pages[0].source_index, 0);
  EXPECT_EQ(pages[1].page_index, 1);
  EXPECT_EQ(pages[1].source_index, 2);
  EXPECT_EQ(pages[1].width_px, 2482);
  EXPECT_EQ(pages[1].source_sha256, sha);
  EXPECT_EQ(Doc(id).page_count, 2);
  ExpectSentBackToReading(id);
  const auto [event, detail] = LastAudit();
  EXPECT_EQ(event.action, "document.page_removed");
  EXPECT_EQ(detail["page"], 1);
}

TEST_F(FixStoreTest, TheOnlyPageCannotBeRemovedNorAPageThatIsNotThere) {
  const std::int64_t one = AddScan(1);
  const Status only = store_->RemovePage(one, "default", 0, clerk_);
  EXPECT_EQ(only.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(Ja(only), HasSubstr("1 枚だけ"));
  const std::int64_t two = AddScan(2);
  EXPECT_EQ(store_->RemovePage(two, "default", 2, clerk_).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->RemovePage(two, "default", -1, clerk_).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Pages(one).size(), 1u);
  EXPECT_EQ(Pages(two).size(), 2u);
}

// ---- splitting ----------------------------------------------------------------------------

TEST_F(FixStoreTest, SplittingMakesTheLaterPagesANewDocumentFromThePiece) {
  const std::int64_t id = AddScan(4);
  Read(id);
  ASSERT_TRUE(store_->RotatePage(id, "default", 3, 90, clerk_).ok());
  NewDocument piece = Scan(AddBlob(*store_, "pages 3-4 as a tiff"), "batch/0.tif (3–4枚目)");
  piece.pages = {{.width_px = 2480, .height_px = 3508, .dpi = 300},
                 {.width_px = 3508, .height_px = 2480, .dpi = 300}};
  Result<std::int64_t> split = store_->SplitDocument(id, "default", 2, piece, clerk_);
  ASSERT_TRUE(split.ok()) << En(split.status());

  EXPECT_EQ(Pages(id).size(), 2u);
  ExpectSentBackToReading(id);
  const Document made = Doc(*split);
  EXPECT_EQ(made.tenant_code, "default");
  EXPECT_EQ(made.source, DocumentSource::kScan);
  EXPECT_EQ(made.source_name, "batch/0.tif (3–4枚目)");
  EXPECT_EQ(made.original_sha256, piece.original_sha256);
  EXPECT_EQ(made.form_id, std::nullopt);
  EXPECT_EQ(made.state, DocumentState::kReceived);
  const std::vector<PageRecord> pages = Pages(*split);
  ASSERT_EQ(pages.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(pages[i].page_index, i);
    EXPECT_EQ(pages[i].source_sha256, piece.original_sha256);
    EXPECT_EQ(pages[i].source_index, i);
    EXPECT_EQ(pages[i].rotation, 0) << "the piece has the turn in its pixels";
  }
  EXPECT_EQ(pages[1].width_px, 3508);

  Result<std::vector<AuditEvent>> events = store_->RecentAudit(2);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].action, "document.split");
  EXPECT_EQ((*events)[1].document_id, id);
  EXPECT_EQ(nlohmann::json::parse((*events)[1].detail_json)["new_document"], *split);
  EXPECT_EQ((*events)[0].action, "document.split");
  EXPECT_EQ((*events)[0].document_id, *split);
  EXPECT_EQ(nlohmann::json::parse((*events)[0].detail_json)["from_document"], id);
  EXPECT_EQ((*events)[0].user_id, clerk_);

  // Both are read again: the worker claims them in turn.
  Result<std::optional<Document>> first = store_->ClaimDocument("worker", 600);
  Result<std::optional<Document>> second = store_->ClaimDocument("worker", 600);
  ASSERT_TRUE(first.ok() && first->has_value() && second.ok() && second->has_value());
  EXPECT_EQ((*first)->id, id);
  EXPECT_EQ((*second)->id, *split);
}

TEST_F(FixStoreTest, SplittingAtTheFirstPageOrPastTheLastIsRefused) {
  const std::int64_t id = AddScan(3);
  NewDocument piece = Scan(AddBlob(*store_, "piece"), "piece");
  for (int at : {0, 3, 7}) {
    piece.pages.resize(at == 0 ? 3 : 1);
    Result<std::int64_t> split = store_->SplitDocument(id, "default", at, piece, clerk_);
    EXPECT_EQ(split.status().code(), StatusCode::kFailedPrecondition) << at;
  }
  EXPECT_EQ(store_->SplitDocument(id, "default", -1, piece, clerk_).status().code(),
            StatusCode::kInvalidArgument);
  piece.pages.resize(1);  // pages 1-2 are two pages
  EXPECT_EQ(store_->SplitDocument(id, "default", 1, piece, clerk_).status().code(),
            StatusCode::kInvalidArgument);
  piece.pages.resize(2);
  piece.tenant_code = "shiojiri";
  EXPECT_EQ(store_->SplitDocument(id, "default", 1, piece, clerk_).status().code(),
            StatusCode::kInvalidArgument);
  piece.tenant_code = "default";
  piece.original_sha256 = std::string(64, 'c');  // not recorded
  EXPECT_EQ(store_->SplitDocument(id, "default", 1, piece, clerk_).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(Pages(id).size(), 3u);
  EXPECT_EQ(store_->ListDocuments(std::nullopt)->size(), 1u);
}

// ---- merging ----------------------------------------------------------------------------------

TEST_F(FixStoreTest, MergingAppendsTheOtherScansPagesAndRemovesIt) {
  std::string into_sha, from_sha;
  const std::int64_t into = AddScan(1, "default", &into_sha);
  const std::int64_t from = AddScan(2, "default", &from_sha);
  ASSERT_TRUE(store_->RotatePage(from, "default", 1, 180, clerk_).ok());
  Read(into);

  const Status merged = store_->MergeDocuments(into, from, "default", clerk_);
  ASSERT_TRUE(merged.ok()) << En(merged);
  const std::vector<PageRecord> pages = Pages(into);
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0].source_sha256, into_sha);
  EXPECT_EQ(pages[1].source_sha256, from_sha);
  EXPECT_EQ(pages[1].source_index, 0);
  EXPECT_EQ(pages[2].source_sha256, from_sha);
  EXPECT_EQ(pages[2].source_index, 1);
  EXPECT_EQ(pages[2].rotation, 180) << "a merged page keeps its turn";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pages[i].page_index, i);
  ExpectSentBackToReading(into);
  EXPECT_EQ(store_->GetDocument(from).status().code(), StatusCode::kNotFound);

  Result<std::vector<AuditEvent>> events = store_->RecentAudit(2);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].action, "document.merged");
  EXPECT_EQ((*events)[1].document_id, into);
  EXPECT_EQ(nlohmann::json::parse((*events)[1].detail_json)["from_document"], from);
  EXPECT_EQ((*events)[0].document_id, from);
  EXPECT_EQ(nlohmann::json::parse((*events)[0].detail_json)["into_document"], into);

  // The merged scan handed in again is the document its pages went to.
  NewDocument again = Scan(from_sha, "again.tif");
  Result<DocumentInsert> inserted = store_->InsertDocument(again);
  ASSERT_TRUE(inserted.ok());
  EXPECT_TRUE(inserted->duplicate);
  EXPECT_EQ(inserted->document_id, into);
}

TEST_F(FixStoreTest, ADocumentCannotBeMergedIntoItselfNorOnceAnExportDeliveredIt) {
  const std::int64_t b = AddScan(1);
  Read(b);
  const std::int64_t a = AddScan(1);
  EXPECT_EQ(store_->MergeDocuments(a, a, "default", clerk_).code(), StatusCode::kInvalidArgument);

  NewExport e;
  e.form_id = form_.id;
  e.requested_by = "madoguchi";
  e.status = ExportStatus::kAny;
  e.document_ids = {b};
  ASSERT_TRUE(store_->RecordExport(e).ok());
  const Status merged = store_->MergeDocuments(a, b, "default", clerk_);
  EXPECT_EQ(merged.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(En(merged), HasSubstr("exported"));
  EXPECT_EQ(Pages(a).size(), 1u);
  EXPECT_EQ(Doc(b).state, DocumentState::kInReview);
}

// ---- who may fix what -------------------------------------------------------------------------

TEST_F(FixStoreTest, ADocumentBeingReadCannotBeFixed) {
  const std::int64_t id = AddScan(2), other = AddScan(1);
  ASSERT_TRUE(store_->ClaimDocument("worker", 600).ok());
  const Status rotated = store_->RotatePage(id, "default", 0, 90, clerk_);
  EXPECT_EQ(rotated.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(Ja(rotated), HasSubstr("読み取り中です"));
  EXPECT_EQ(store_->AssignForm(id, "default", form_.id, 1, clerk_).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->RemovePage(id, "default", 1, clerk_).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->MergeDocuments(other, id, "default", clerk_).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(Doc(id).state, DocumentState::kProcessing);
  EXPECT_EQ(Pages(id)[0].rotation, 0);
}

TEST_F(FixStoreTest, AVerifiedDocumentCannotBeFixed) {
  const std::int64_t id = AddScan(2);
  Read(id, /*accept_all=*/true);
  ASSERT_EQ(Doc(id).state, DocumentState::kVerified);
  const Status assigned = store_->AssignForm(id, "default", other_form_.id, 1, clerk_);
  EXPECT_EQ(assigned.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(En(assigned), HasSubstr("verified"));
  EXPECT_EQ(store_->ListFields(id)->size(), 2u);
}

TEST_F(FixStoreTest, ADocumentSomeoneHasReviewedCannotBeFixed) {
  const std::int64_t id = AddScan(2);
  Read(id);
  Review(EntryAction::kSubmit);
  const Status rotated = store_->RotatePage(id, "default", 0, 90, clerk_);
  EXPECT_EQ(rotated.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(Ja(rotated), HasSubstr("確認作業が始まっています"));
  EXPECT_THAT(Ja(rotated), HasSubstr("文書 " + std::to_string(id)));
  EXPECT_EQ(Doc(id).state, DocumentState::kInReview);
  EXPECT_EQ(store_->ListReviewTasks(id)->size(), 2u);
}

TEST_F(FixStoreTest, ADocumentWhoseTaskAReviewerHoldsCannotBeFixed) {
  const std::int64_t id = AddScan(1);
  Read(id);
  Result<std::optional<TaskDetail>> task = store_->ClaimTask({.user_id = reviewer_});
  ASSERT_TRUE(task.ok() && task->has_value());
  EXPECT_EQ(store_->RemovePage(id, "default", 0, clerk_).code(), StatusCode::kFailedPrecondition);
  const Status assigned = store_->AssignForm(id, "default", form_.id, 1, clerk_);
  EXPECT_EQ(assigned.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(Ja(assigned), HasSubstr("確認作業が始まっています"));
}

TEST_F(FixStoreTest, AFixWaitsForAClaimInFlightAndThenLeavesTheClaimedTaskAlone) {
  const std::int64_t id = AddScan(1);
  Read(id);
  const std::string task =
      RawDb(db_path_).Text("SELECT min(id) FROM review_tasks WHERE document_id = " +
                           std::to_string(id));
  // Another server leases the task and has not committed yet.
  RawDb other(db_path_);
  ASSERT_EQ(other.Exec(test_support::TestStoreIsPostgres() ? "BEGIN" : "BEGIN IMMEDIATE"),
            SQLITE_OK);
  ASSERT_EQ(other.Exec("UPDATE review_tasks SET state = 'leased', lease_owner = " +
                       std::to_string(reviewer_) + ", leased_at = '" +
                       test_support::IsoTimeAgo(0) + "', lease_expires_at = '" +
                       test_support::IsoTimeAgo(-600) + "' WHERE id = " + task),
            SQLITE_OK);
  Status fixed = Status::Internal("", "");
  std::thread front_desk([&] { fixed = store_->RotatePage(id, "default", 0, 90, clerk_); });
  if (test_support::TestStoreIsPostgres()) {
    // The fix waits for the lease's row before it looks.
    RawDb watcher(db_path_);
    for (int i = 0; i < 500 && watcher.Int("SELECT count(*) FROM pg_locks WHERE NOT granted") == 0;
         ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_GT(watcher.Int("SELECT count(*) FROM pg_locks WHERE NOT granted"), 0);
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // SQLite: it waits to write
  }
  ASSERT_EQ(other.Exec("COMMIT"), SQLITE_OK);
  front_desk.join();
  // It then sees the reviewer's lease and changes nothing: the reviewer's task is still there.
  EXPECT_EQ(fixed.code(), StatusCode::kFailedPrecondition) << fixed.message(Lang::kEn);
  RawDb after(db_path_);
  EXPECT_EQ(after.Text("SELECT state FROM review_tasks WHERE id = " + task), "leased");
  EXPECT_EQ(Pages(id)[0].rotation, 0);
}

TEST_F(FixStoreTest, AnotherMunicipalitysDocumentIsNotFoundLikeOneThatDoesNotExist) {
  const std::int64_t theirs = AddScan(2, "shiojiri");
  const std::int64_t ours = AddScan(1);
  const Status foreign = store_->RotatePage(theirs, "default", 0, 90, clerk_);
  const Status missing = store_->RotatePage(999, "default", 0, 90, clerk_);
  EXPECT_EQ(foreign.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(En(foreign), "no such document: " + std::to_string(theirs));
  EXPECT_EQ(store_->AssignForm(theirs, "default", form_.id, 1, clerk_).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->RemovePage(theirs, "default", 1, clerk_).code(), StatusCode::kNotFound);
  NewDocument piece = Scan(AddBlob(*store_, "piece"), "piece");
  piece.pages.resize(1);
  EXPECT_EQ(store_->SplitDocument(theirs, "default", 1, piece, clerk_).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->MergeDocuments(ours, theirs, "default", clerk_).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->MergeDocuments(theirs, ours, "default", clerk_).code(), StatusCode::kNotFound);
  EXPECT_EQ(Pages(theirs).size(), 2u);
  EXPECT_EQ(Pages(theirs)[0].rotation, 0);
  EXPECT_TRUE(store_->RotatePage(theirs, "shiojiri", 0, 90, clerk_).ok())
      << "their own front desk may";
}

TEST_F(FixStoreTest, APhoneRecordIsNotAScanToFix) {
  TypedDocument typed;
  typed.document.source = DocumentSource::kPhone;
  typed.document.source_name = "calls.csv#2";
  typed.document.original_sha256 = AddBlob(*store_, "a,b\n1,2\n", "text/csv");
  typed.document.media_type = "text/csv";
  typed.document.form_id = form_.id;
  TypedDocument::Field name;
  name.name = "applicant_name";
  name.typed_value = "山田";
  name.value = "山田";
  name.accept = true;
  typed.fields.push_back(name);
  Result<DocumentInsert> inserted = store_->InsertTypedDocument(typed);
  ASSERT_TRUE(inserted.ok());
  const Status assigned =
      store_->AssignForm(inserted->document_id, "default", other_form_.id, 1, clerk_);
  EXPECT_EQ(assigned.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->ListFields(inserted->document_id)->size(), 1u);
}

TEST_F(FixStoreTest, AFixByAnUnknownUserChangesNothing) {
  const std::int64_t id = AddScan(2);
  Read(id);
  EXPECT_EQ(store_->RotatePage(id, "default", 0, 90, 4242).code(), StatusCode::kNotFound);
  EXPECT_EQ(Pages(id)[0].rotation, 0);
  EXPECT_EQ(Doc(id).state, DocumentState::kInReview);
  EXPECT_EQ(store_->ListFields(id)->size(), 2u);
}

// ---- the front desk's list --------------------------------------------------------------------

TEST_F(FixStoreTest, TenantDocumentsComeNewestFirstLimitedAndOptionallyOfOneState) {
  const std::int64_t a = AddScan(1), b = AddScan(1), c = AddScan(1);
  AddScan(1, "shiojiri");
  Read(a);
  Result<std::vector<Document>> all = store_->ListTenantDocuments("default", std::nullopt, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, c);
  EXPECT_EQ((*all)[1].id, b);
  EXPECT_EQ((*all)[2].id, a);
  Result<std::vector<Document>> two = store_->ListTenantDocuments("default", std::nullopt, 2);
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].id, b);
  Result<std::vector<Document>> received =
      store_->ListTenantDocuments("default", DocumentState::kReceived, 10);
  ASSERT_EQ(received->size(), 2u);
  EXPECT_EQ((*received)[0].id, c);
  Result<std::vector<Document>> in_review =
      store_->ListTenantDocuments("default", DocumentState::kInReview, 10);
  ASSERT_EQ(in_review->size(), 1u);
  EXPECT_EQ((*in_review)[0].id, a);
  EXPECT_EQ(store_->ListTenantDocuments("shiojiri", std::nullopt, 10)->size(), 1u);

  EXPECT_EQ(store_->ListTenantDocuments("nowhere", std::nullopt, 10).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->ListTenantDocuments("default", std::nullopt, 0).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace adbridge::models
