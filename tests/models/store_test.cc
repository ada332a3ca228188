#include "models/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "models/blob_store.h"
#include "models/internal/migrations.h"
#include "models/internal/sqlite.h"
#include "tests/models/store_test_support.h"

namespace adbridge::models {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using test_support::kIsoMillis;
using test_support::RawDb;
using test_support::SqliteFileTest;
using test_support::StoreTest;

// ---- opening and migrations ---------------------------------------------------------------

TEST_F(SqliteFileTest, OpeningANewFileCreatesTheSchemaAtTheCurrentVersion) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  Result<int> version = store->SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, kSchemaVersion);

  RawDb raw(db_path_);
  EXPECT_EQ(raw.Int("PRAGMA user_version"), kSchemaVersion);
  const std::set<std::string> tables = raw.Names("table");
  for (const char* table :
       {"tenants", "users", "reviewer_grants", "blobs", "forms", "form_pages", "documents", "pages",
        "fields", "review_tasks", "review_entries", "audit_log", "sessions", "login_failures"}) {
    EXPECT_TRUE(tables.count(table)) << table;
  }
  EXPECT_TRUE(raw.Names("index").count("review_tasks_next"));
  EXPECT_TRUE(raw.Names("trigger").count("audit_log_no_update"));
  EXPECT_TRUE(raw.Names("trigger").count("audit_log_no_delete"));
  EXPECT_EQ(raw.Text("PRAGMA foreign_key_check"), "");
  EXPECT_EQ(raw.Text("PRAGMA integrity_check"), "ok");
}

TEST_F(StoreTest, MigrationsAreNumberedFromOneWithoutGaps) {
  int expected = 1;
  for (const internal::Migration& migration : internal::Migrations()) {
    EXPECT_EQ(migration.version, expected++);
  }
  EXPECT_EQ(expected - 1, kSchemaVersion);
}

TEST_F(SqliteFileTest, OpeningCreatesTheDatabaseFolder) {
  db_path_ = dir_ / "data" / "nested" / "adbridge.db";
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(fs::is_regular_file(db_path_));
}

TEST_F(SqliteFileTest, ReopeningKeepsTheDataAndChangesNothing) {
  std::int64_t id = 0;
  {
    std::unique_ptr<Store> store = Open();
    ASSERT_NE(store, nullptr);
    Result<DocumentInsert> doc = store->InsertDocument(Scan(AddBlob(*store, "scan")));
    ASSERT_TRUE(doc.ok());
    id = doc->document_id;
  }
  RawDb before(db_path_);
  const std::string schema_before = before.Text("SELECT group_concat(sql, ';') FROM sqlite_schema");
  const std::int64_t audit_before = before.Int("SELECT count(*) FROM audit_log");

  for (int i = 0; i < 3; ++i) {
    std::unique_ptr<Store> store = Open();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(*store->SchemaVersion(), kSchemaVersion);
    Result<Document> doc = store->GetDocument(id);
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(doc->source_name, "batch-0421/0007.tif");
  }
  RawDb after(db_path_);
  EXPECT_EQ(after.Text("SELECT group_concat(sql, ';') FROM sqlite_schema"), schema_before);
  EXPECT_EQ(after.Int("SELECT count(*) FROM tenants WHERE code = 'default'"), 1);
  EXPECT_EQ(after.Int("SELECT count(*) FROM audit_log"), audit_before);
}

TEST_F(SqliteFileTest, DatabaseFromANewerAdbridgeIsRefusedAndLeftAlone) {
  {
    RawDb raw(db_path_);
    ASSERT_EQ(raw.Exec("CREATE TABLE future (x); PRAGMA user_version = " +
                       std::to_string(kSchemaVersion + 1)),
              SQLITE_OK);
  }
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(db_path_);
  ASSERT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  const std::string versions = "(schema " + std::to_string(kSchemaVersion + 1) + " > " +
                               std::to_string(kSchemaVersion) + ")";
  EXPECT_THAT(store.status().message(Lang::kJa),
              HasSubstr("このデータベースは新しい版の adbridge で作られています " + versions));
  EXPECT_THAT(store.status().message(Lang::kEn), HasSubstr("newer adbridge " + versions));

  RawDb raw(db_path_);
  EXPECT_EQ(raw.Int("PRAGMA user_version"), kSchemaVersion + 1);
  EXPECT_EQ(raw.Names("table"), std::set<std::string>{"future"});
}

TEST_F(StoreTest, FileThatIsNotADatabaseIsDataLoss) {
  {
    std::ofstream out(db_path_, std::ios::binary);
    for (int i = 0; i < 512; ++i) out << "this is a scan, not a database. ";
  }
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(db_path_);
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss);
  EXPECT_FALSE(store.status().message(Lang::kJa).empty());
}

TEST_F(StoreTest, DatabaseThatCannotBeCreatedIsUnavailable) {
  std::ofstream(dir_ / "a-file") << "x";
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(dir_ / "a-file" / "adbridge.db");
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable);
}

TEST_F(StoreTest, ConnectionUsesWalFullSyncForeignKeysAndABusyTimeout) {
  Result<internal::SqliteDb> db = internal::OpenDatabase(db_path_);
  ASSERT_TRUE(db.ok());
  auto pragma = [&](const char* sql) {
    sqlite3_stmt* raw = nullptr;
    sqlite3_prepare_v2(db->get(), sql, -1, &raw, nullptr);
    internal::SqliteStmt stmt(raw);
    EXPECT_EQ(sqlite3_step(stmt.get()), SQLITE_ROW) << sql;
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0)));
  };
  EXPECT_EQ(pragma("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma("PRAGMA foreign_keys"), "1");
  EXPECT_EQ(pragma("PRAGMA synchronous"), "2");  // FULL
  EXPECT_EQ(pragma("PRAGMA busy_timeout"), std::to_string(internal::kBusyTimeoutMs));
}

TEST_F(SqliteFileTest, StoreFileIsInWalMode) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  RawDb raw(db_path_);
  EXPECT_EQ(raw.Text("PRAGMA journal_mode"), "wal");
}

// ---- tenants ------------------------------------------------------------------------------

TEST_F(StoreTest, DefaultTenantExistsAfterOpening) {
  std::unique_ptr<Store> store = Open();
  Result<Tenant> tenant = store->GetTenant(std::string(kDefaultTenant));
  ASSERT_TRUE(tenant.ok());
  EXPECT_EQ(tenant->code, "default");
  EXPECT_EQ(tenant->name, "既定の自治体");
  EXPECT_GT(tenant->id, 0);
}

TEST_F(StoreTest, EnsureTenantCreatesOnceAndThenReturnsTheSameTenant) {
  std::unique_ptr<Store> store = Open();
  Result<Tenant> created = store->EnsureTenant("shiojiri", "塩尻市");
  ASSERT_TRUE(created.ok());
  Result<Tenant> again = store->EnsureTenant("shiojiri", "塩尻市");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, created->id);
  EXPECT_EQ(store->GetTenant("shiojiri")->name, "塩尻市");
  RawDb raw(db_path_);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM audit_log WHERE action = 'tenant.created' AND "
                    "detail_json LIKE '%\"code\":\"shiojiri\"%'"),
            1);
}

TEST_F(StoreTest, UnknownTenantIsNotFound) {
  std::unique_ptr<Store> store = Open();
  EXPECT_EQ(store->GetTenant("matsumoto").status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, TenantWithABadCodeOrNoNameIsRefused) {
  std::unique_ptr<Store> store = Open();
  EXPECT_EQ(store->EnsureTenant("", "x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->EnsureTenant("Shiojiri City", "塩尻市").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store->EnsureTenant("shiojiri", "").status().code(), StatusCode::kInvalidArgument);
}

// ---- blobs --------------------------------------------------------------------------------

TEST_F(StoreTest, RecordingTheSameBlobTwiceIsANoOp) {
  std::unique_ptr<Store> store = Open();
  const std::string sha = Sha256Hex(std::vector<std::uint8_t>{1, 2, 3});
  EXPECT_TRUE(store->RecordBlob(sha, 3, "image/png").ok());
  EXPECT_TRUE(store->RecordBlob(sha, 3, "image/png").ok());
  RawDb raw(db_path_);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM blobs WHERE sha256 = '" + sha + "'"), 1);
}

TEST_F(StoreTest, RecordingABlobWithAnotherSizeOrABadNameIsInvalidArgument) {
  std::unique_ptr<Store> store = Open();
  const std::string sha = Sha256Hex(std::vector<std::uint8_t>{1, 2, 3});
  ASSERT_TRUE(store->RecordBlob(sha, 3, "image/png").ok());
  EXPECT_EQ(store->RecordBlob(sha, 4, "image/png").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->RecordBlob("ABC", 3, "image/png").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->RecordBlob(Sha256Hex({}), -1, "image/png").code(), StatusCode::kInvalidArgument);
}

// ---- forms --------------------------------------------------------------------------------

TEST_F(StoreTest, AddFormRegistersTheFormWithItsPagesInOrder) {
  std::unique_ptr<Store> store = Open();
  const FormRecord form = Form(*store);
  Result<FormRecord> added = store->AddForm(form);
  ASSERT_TRUE(added.ok()) << added.status().message(Lang::kEn);
  EXPECT_EQ(added->id, "juminhyo-request");
  EXPECT_EQ(added->version, 1);
  EXPECT_EQ(added->title, "住民票の写し等交付請求書");
  EXPECT_EQ(added->department, "市民課");
  EXPECT_EQ(added->definition_json, form.definition_json);
  EXPECT_EQ(added->reference_sha256, form.reference_sha256);
  EXPECT_THAT(added->created_at, ::testing::MatchesRegex(kIsoMillis));

  Result<std::vector<AuditEvent>> audit = store->RecentAudit(1);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "form.registered");
  EXPECT_EQ(nlohmann::json::parse((*audit)[0].detail_json)["form_id"], "juminhyo-request");
}

TEST_F(StoreTest, RegisteringTheSameFormAgainReturnsTheExistingRecord) {
  std::unique_ptr<Store> store = Open();
  const FormRecord form = Form(*store);
  Result<FormRecord> first = store->AddForm(form);
  ASSERT_TRUE(first.ok());
  Result<FormRecord> second = store->AddForm(form);
  ASSERT_TRUE(second.ok()) << second.status().message(Lang::kEn);
  EXPECT_EQ(second->created_at, first->created_at);
  EXPECT_EQ(second->reference_sha256, first->reference_sha256);

  // The same definition laid out differently is the same form.
  FormRecord reformatted = form;
  reformatted.definition_json =
      "{\n  \"fields\": [],\n  \"id\": \"juminhyo-request\",\n"
      "  \"version\": 1\n}\n";
  EXPECT_TRUE(store->AddForm(reformatted).ok());

  RawDb raw(db_path_);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM forms"), 1);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM form_pages"), 2);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM audit_log WHERE action = 'form.registered'"), 1);
}

TEST_F(StoreTest, RegisteringADifferentDefinitionUnderTheSameVersionIsAlreadyExists) {
  std::unique_ptr<Store> store = Open();
  const FormRecord form = Form(*store);
  ASSERT_TRUE(store->AddForm(form).ok());

  FormRecord changed = form;
  changed.definition_json = R"({"id":"juminhyo-request","version":1,"fields":[{"name":"x"}]})";
  Result<FormRecord> result = store->AddForm(changed);
  EXPECT_EQ(result.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(result.status().message(Lang::kEn), HasSubstr("new version"));

  FormRecord new_image = form;
  new_image.reference_sha256[1] = AddBlob(*store, "another page 2");
  EXPECT_EQ(store->AddForm(new_image).status().code(), StatusCode::kAlreadyExists);

  EXPECT_EQ(store->GetForm("juminhyo-request", 1)->definition_json, form.definition_json);
}

TEST_F(StoreTest, FormWhoseReferenceImageIsNotRecordedIsRefused) {
  std::unique_ptr<Store> store = Open();
  FormRecord form = Form(*store);
  form.reference_sha256.push_back(Sha256Hex(std::vector<std::uint8_t>{9, 9, 9}));
  EXPECT_EQ(store->AddForm(form).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store->GetForm(form.id, 1).status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, MalformedFormsAreInvalidArgument) {
  std::unique_ptr<Store> store = Open();
  FormRecord bad_id = Form(*store);
  bad_id.id = "Juminhyo Request";
  EXPECT_EQ(store->AddForm(bad_id).status().code(), StatusCode::kInvalidArgument);
  FormRecord bad_version = Form(*store);
  bad_version.version = 0;
  EXPECT_EQ(store->AddForm(bad_version).status().code(), StatusCode::kInvalidArgument);
  FormRecord bad_json = Form(*store);
  bad_json.definition_json = "{\"id\": ";
  EXPECT_EQ(store->AddForm(bad_json).status().code(), StatusCode::kInvalidArgument);
  FormRecord bad_reference = Form(*store);
  bad_reference.reference_sha256 = {"page1.png"};
  EXPECT_EQ(store->AddForm(bad_reference).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, GetFormWithoutAVersionReturnsTheNewest) {
  std::unique_ptr<Store> store = Open();
  ASSERT_TRUE(store->AddForm(Form(*store, "juminhyo-request", 1)).ok());
  ASSERT_TRUE(store->AddForm(Form(*store, "juminhyo-request", 3)).ok());
  ASSERT_TRUE(store->AddForm(Form(*store, "juminhyo-request", 2)).ok());
  Result<FormRecord> newest = store->GetForm("juminhyo-request", std::nullopt);
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest->version, 3);
  EXPECT_EQ(newest->reference_sha256.size(), 2u);
  EXPECT_EQ(store->GetForm("juminhyo-request", 2)->version, 2);
  EXPECT_EQ(store->GetForm("juminhyo-request", 4).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->GetForm("inkan-toroku", std::nullopt).status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, ListFormsIsOrderedByIdThenVersionWithEachFormsPages) {
  std::unique_ptr<Store> store = Open();
  const FormRecord b2 = Form(*store, "b-form", 2);
  const FormRecord a1 = Form(*store, "a-form", 1);
  const FormRecord b1 = Form(*store, "b-form", 1);
  FormRecord no_pages = Form(*store, "c-form", 1);
  no_pages.reference_sha256.clear();
  for (const FormRecord& form : {b2, a1, no_pages, b1}) ASSERT_TRUE(store->AddForm(form).ok());

  Result<std::vector<FormRecord>> forms = store->ListForms();
  ASSERT_TRUE(forms.ok());
  ASSERT_EQ(forms->size(), 4u);
  std::vector<std::string> names;
  for (const FormRecord& form : *forms)
    names.push_back(form.id + "/" + std::to_string(form.version));
  EXPECT_THAT(names, ElementsAre("a-form/1", "b-form/1", "b-form/2", "c-form/1"));
  EXPECT_EQ((*forms)[0].reference_sha256, a1.reference_sha256);
  EXPECT_EQ((*forms)[1].reference_sha256, b1.reference_sha256);
  EXPECT_EQ((*forms)[2].reference_sha256, b2.reference_sha256);
  EXPECT_TRUE((*forms)[3].reference_sha256.empty());
}

// ---- documents ----------------------------------------------------------------------------

TEST_F(StoreTest, InsertDocumentCreatesAReceivedDocumentWithItsPagesAndAnAuditEvent) {
  std::unique_ptr<Store> store = Open();
  const std::string sha = AddBlob(*store, "scan bytes", "image/tiff");
  Result<DocumentInsert> inserted = store->InsertDocument(Scan(sha));
  ASSERT_TRUE(inserted.ok()) << inserted.status().message(Lang::kEn);
  EXPECT_FALSE(inserted->duplicate);

  Result<Document> doc = store->GetDocument(inserted->document_id);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->tenant_code, "default");
  EXPECT_EQ(doc->source, DocumentSource::kScan);
  EXPECT_EQ(doc->source_name, "batch-0421/0007.tif");
  EXPECT_EQ(doc->original_sha256, sha);
  EXPECT_EQ(doc->media_type, "image/tiff");
  EXPECT_EQ(doc->state, DocumentState::kReceived);
  EXPECT_EQ(doc->page_count, 2);
  EXPECT_FALSE(doc->form_id.has_value());
  EXPECT_FALSE(doc->form_version.has_value());
  EXPECT_EQ(doc->failure_reason, "");
  EXPECT_FALSE(doc->created_at.empty());
  EXPECT_EQ(doc->updated_at, doc->created_at);

  RawDb raw(db_path_);
  EXPECT_EQ(raw.Rows("SELECT page_index || ':' || width_px || 'x' || height_px || '@' || dpi "
                     "FROM pages ORDER BY page_index"),
            "0:2480x3508@300\n1:2480x3508@300");

  Result<std::vector<AuditEvent>> audit = store->RecentAudit(1);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "document.ingested");
  EXPECT_EQ((*audit)[0].document_id, inserted->document_id);
  const nlohmann::json detail = nlohmann::json::parse((*audit)[0].detail_json);
  EXPECT_EQ(detail["source_name"], "batch-0421/0007.tif");
  EXPECT_EQ(detail["sha256"], sha);
}

TEST_F(StoreTest, PhoneRecordIsStoredAsAPhoneDocumentWithoutPages) {
  std::unique_ptr<Store> store = Open();
  NewDocument record;
  record.source = DocumentSource::kPhone;
  record.source_name = "calls-0421.csv#3";
  record.original_sha256 = AddBlob(*store, "form,applicant_name\n...", "text/csv");
  record.media_type = "text/csv";
  Result<DocumentInsert> inserted = store->InsertDocument(record);
  ASSERT_TRUE(inserted.ok());
  Result<Document> doc = store->GetDocument(inserted->document_id);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->source, DocumentSource::kPhone);
  EXPECT_EQ(doc->page_count, 0);
}

TEST_F(StoreTest, TypedDocumentKeepsTypedValuesWithoutConfidenceAndOpensTasksForTheRest) {
  std::unique_ptr<Store> store = Open();
  ASSERT_TRUE(store->AddForm(Form(*store)).ok());
  TypedDocument typed;
  typed.document.source = DocumentSource::kPhone;
  typed.document.source_name = "calls.csv:2";
  typed.document.original_sha256 =
      AddBlob(*store, "form,birth_date,phone\r\njuminhyo-request,S25.4.1,0263\r\n", "text/csv");
  typed.document.media_type = "text/csv";
  typed.document.form_id = "juminhyo-request";
  TypedDocument::Field birth_date;
  birth_date.name = "birth_date";
  birth_date.typed_value = "S25.4.1";
  birth_date.value = "1950-04-01";
  birth_date.accept = true;
  birth_date.field_type = "date";
  TypedDocument::Field phone;
  phone.name = "phone";
  phone.typed_value = phone.value = "0263";
  phone.validation_error = "too short";
  phone.review_reason = "聞き取りにくい";
  phone.field_type = "phone";
  typed.fields = {birth_date, phone};
  Result<DocumentInsert> inserted = store->InsertTypedDocument(typed);
  ASSERT_TRUE(inserted.ok()) << inserted.status().message(Lang::kEn);
  EXPECT_FALSE(inserted->duplicate);
  EXPECT_EQ(store->GetDocument(inserted->document_id)->state, DocumentState::kInReview);
  const std::vector<FieldRecord> fields = store->ListFields(inserted->document_id).value();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].value, "1950-04-01");
  EXPECT_EQ(fields[0].ocr_value, "S25.4.1");
  EXPECT_EQ(fields[0].state, FieldState::kAutoAccepted);
  EXPECT_FALSE(fields[0].confidence);
  EXPECT_EQ(fields[1].state, FieldState::kNeedsReview);
  const std::vector<ReviewTask> tasks = store->ListReviewTasks(inserted->document_id).value();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].field_name, "phone");
  EXPECT_EQ(tasks[0].reason, "聞き取りにくい");

  // The same original again changes nothing: no second set of fields or tasks.
  Result<DocumentInsert> again = store->InsertTypedDocument(typed);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->document_id, inserted->document_id);
  EXPECT_EQ(store->ListFields(inserted->document_id)->size(), 2u);
  EXPECT_EQ(store->ListReviewTasks(inserted->document_id)->size(), 1u);

  // Without a form nothing is stored.
  TypedDocument formless = typed;
  formless.document.form_id.reset();
  formless.document.original_sha256 = AddBlob(*store, "form\r\n\r\n", "text/csv");
  EXPECT_EQ(store->InsertTypedDocument(formless).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->ListDocuments(std::nullopt)->size(), 1u);
}

TEST_F(StoreTest, SameOriginalTwiceIsOneDocumentMarkedDuplicate) {
  std::unique_ptr<Store> store = Open();
  const std::string sha = AddBlob(*store, "scan bytes");
  Result<DocumentInsert> first = store->InsertDocument(Scan(sha, "a.tif"));
  Result<DocumentInsert> second = store->InsertDocument(Scan(sha, "copy of a.tif"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(first->duplicate);
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->document_id, first->document_id);
  EXPECT_EQ(store->ListDocuments(std::nullopt)->size(), 1u);
  EXPECT_EQ(store->GetDocument(first->document_id)->source_name, "a.tif");

  Result<std::vector<AuditEvent>> audit = store->RecentAudit(1);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ((*audit)[0].action, "document.duplicate");
  EXPECT_EQ((*audit)[0].document_id, first->document_id);
  EXPECT_EQ(nlohmann::json::parse((*audit)[0].detail_json)["source_name"], "copy of a.tif");
}

TEST_F(StoreTest, SameFileForTwoTenantsIsTwoDocuments) {
  std::unique_ptr<Store> store = Open();
  ASSERT_TRUE(store->EnsureTenant("shiojiri", "塩尻市").ok());
  const std::string sha = AddBlob(*store, "scan bytes");
  NewDocument for_default = Scan(sha);
  NewDocument for_shiojiri = Scan(sha);
  for_shiojiri.tenant_code = "shiojiri";
  Result<DocumentInsert> a = store->InsertDocument(for_default);
  Result<DocumentInsert> b = store->InsertDocument(for_shiojiri);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(a->duplicate);
  EXPECT_FALSE(b->duplicate);
  EXPECT_NE(a->document_id, b->document_id);
  EXPECT_EQ(store->GetDocument(b->document_id)->tenant_code, "shiojiri");
}

TEST_F(StoreTest, DocumentForAnUnknownTenantIsNotFoundAndChangesNothing) {
  std::unique_ptr<Store> store = Open();
  NewDocument doc = Scan(AddBlob(*store, "scan"));
  doc.tenant_code = "matsumoto";
  const std::size_t audit_before = store->RecentAudit(1000)->size();
  EXPECT_EQ(store->InsertDocument(doc).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store->ListDocuments(std::nullopt)->empty());
  EXPECT_EQ(store->RecentAudit(1000)->size(), audit_before);
}

TEST_F(StoreTest, DocumentForAnUnknownFormOrVersionIsNotFound) {
  std::unique_ptr<Store> store = Open();
  ASSERT_TRUE(store->AddForm(Form(*store, "juminhyo-request", 1)).ok());
  NewDocument unknown_form = Scan(AddBlob(*store, "scan"));
  unknown_form.form_id = "inkan-toroku";
  EXPECT_EQ(store->InsertDocument(unknown_form).status().code(), StatusCode::kNotFound);

  NewDocument unknown_version = unknown_form;
  unknown_version.form_id = "juminhyo-request";
  unknown_version.form_version = 2;
  Result<DocumentInsert> result = store->InsertDocument(unknown_version);
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(result.status().message(Lang::kEn), HasSubstr("juminhyo-request v2"));
  EXPECT_TRUE(store->ListDocuments(std::nullopt)->empty());
}

TEST_F(StoreTest, DocumentNamingOnlyTheFormIdGetsItsNewestVersion) {
  std::unique_ptr<Store> store = Open();
  ASSERT_TRUE(store->AddForm(Form(*store, "juminhyo-request", 1)).ok());
  ASSERT_TRUE(store->AddForm(Form(*store, "juminhyo-request", 2)).ok());
  NewDocument doc = Scan(AddBlob(*store, "scan"));
  doc.form_id = "juminhyo-request";
  Result<DocumentInsert> inserted = store->InsertDocument(doc);
  ASSERT_TRUE(inserted.ok());
  Result<Document> stored = store->GetDocument(inserted->document_id);
  EXPECT_EQ(stored->form_id, "juminhyo-request");
  EXPECT_EQ(stored->form_version, 2);

  NewDocument pinned = Scan(AddBlob(*store, "another scan"));
  pinned.form_id = "juminhyo-request";
  pinned.form_version = 1;
  inserted = store->InsertDocument(pinned);
  ASSERT_TRUE(inserted.ok());
  EXPECT_EQ(store->GetDocument(inserted->document_id)->form_version, 1);
}

TEST_F(StoreTest, DocumentWhoseOriginalIsNotRecordedIsFailedPrecondition) {
  std::unique_ptr<Store> store = Open();
  const std::string sha = Sha256Hex(std::vector<std::uint8_t>{'n', 'o', 'p', 'e'});
  Result<DocumentInsert> result = store->InsertDocument(Scan(sha));
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store->ListDocuments(std::nullopt)->empty());
}

TEST_F(StoreTest, MalformedNewDocumentsAreInvalidArgument) {
  std::unique_ptr<Store> store = Open();
  const std::string sha = AddBlob(*store, "scan");
  NewDocument bad_name = Scan("not-a-sha");
  EXPECT_EQ(store->InsertDocument(bad_name).status().code(), StatusCode::kInvalidArgument);
  NewDocument version_only = Scan(sha);
  version_only.form_version = 1;
  EXPECT_EQ(store->InsertDocument(version_only).status().code(), StatusCode::kInvalidArgument);
  NewDocument negative_page = Scan(sha);
  negative_page.pages[1].width_px = -1;
  EXPECT_EQ(store->InsertDocument(negative_page).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store->ListDocuments(std::nullopt)->empty());
}

TEST_F(StoreTest, UnknownDocumentIsNotFound) {
  std::unique_ptr<Store> store = Open();
  EXPECT_EQ(store->GetDocument(42).status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, ListDocumentsReturnsAllInIdOrderOrOnlyThoseInAState) {
  std::unique_ptr<Store> store = Open();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 4; ++i) {
    Result<DocumentInsert> doc =
        store->InsertDocument(Scan(AddBlob(*store, "scan " + std::to_string(i))));
    ASSERT_TRUE(doc.ok());
    ids.push_back(doc->document_id);
  }
  {
    // States are changed by the pipeline's own methods, written elsewhere; here by hand.
    RawDb raw(db_path_);
    ASSERT_EQ(raw.Exec("UPDATE documents SET state = 'failed', failure_reason = 'blank page' "
                       "WHERE id = " +
                       std::to_string(ids[1])),
              SQLITE_OK);
    ASSERT_EQ(
        raw.Exec("UPDATE documents SET state = 'verified' WHERE id = " + std::to_string(ids[3])),
        SQLITE_OK);
  }
  auto ids_of = [](const std::vector<Document>& docs) {
    std::vector<std::int64_t> out;
    for (const Document& doc : docs) out.push_back(doc.id);
    return out;
  };
  EXPECT_EQ(ids_of(*store->ListDocuments(std::nullopt)), ids);
  EXPECT_THAT(ids_of(*store->ListDocuments(DocumentState::kReceived)), ElementsAre(ids[0], ids[2]));
  Result<std::vector<Document>> failed = store->ListDocuments(DocumentState::kFailed);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].id, ids[1]);
  EXPECT_EQ((*failed)[0].failure_reason, "blank page");
  EXPECT_EQ((*failed)[0].page_count, 2);
  EXPECT_THAT(ids_of(*store->ListDocuments(DocumentState::kVerified)), ElementsAre(ids[3]));
  EXPECT_TRUE(store->ListDocuments(DocumentState::kInReview)->empty());
}

// ---- concurrency --------------------------------------------------------------------------

TEST_F(StoreTest, ConcurrentInsertsOfTheSameOriginalFromManyThreadsMakeOneDocument) {
  std::unique_ptr<Store> store = Open();
  const std::string sha = AddBlob(*store, "the one scan");
  constexpr int kThreads = 8;
  std::vector<Result<DocumentInsert>> results(kThreads, Status::Internal("未実行", "not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { results[i] = store->InsertDocument(Scan(sha)); });
  }
  for (std::thread& t : threads) t.join();

  int fresh = 0;
  std::set<std::int64_t> ids;
  for (const Result<DocumentInsert>& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().message(Lang::kEn);
    if (!r->duplicate) ++fresh;
    ids.insert(r->document_id);
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(store->ListDocuments(std::nullopt)->size(), 1u);
}

TEST_F(StoreTest, ConcurrentInsertsFromTwoStoresOnTheSameFileMakeOneDocument) {
  std::unique_ptr<Store> first = Open();
  std::unique_ptr<Store> second = Open();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  constexpr int kDocuments = 5;
  std::vector<std::string> shas;
  for (int i = 0; i < kDocuments; ++i) shas.push_back(AddBlob(*first, "scan " + std::to_string(i)));

  constexpr int kThreadsPerStore = 4;
  std::atomic<int> fresh{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (Store* store : {first.get(), second.get()}) {
    for (int t = 0; t < kThreadsPerStore; ++t) {
      threads.emplace_back([&, store] {
        for (const std::string& sha : shas) {
          Result<DocumentInsert> r = store->InsertDocument(Scan(sha));
          if (!r.ok()) {
            ++failures;
          } else if (!r->duplicate) {
            ++fresh;
          }
        }
      });
    }
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(fresh.load(), kDocuments);
  EXPECT_EQ(first->ListDocuments(std::nullopt)->size(), static_cast<std::size_t>(kDocuments));
  EXPECT_EQ(second->ListDocuments(std::nullopt)->size(), static_cast<std::size_t>(kDocuments));
}

TEST_F(SqliteFileTest, WriteBlockedPastTheBusyTimeoutIsUnavailable) {
  std::unique_ptr<Store> store = Open();
  const std::string sha = AddBlob(*store, "scan");
  RawDb other(db_path_);
  ASSERT_EQ(other.Exec("BEGIN IMMEDIATE"), SQLITE_OK);  // another process holds the write lock
  const auto start = std::chrono::steady_clock::now();
  Result<DocumentInsert> blocked = store->InsertDocument(Scan(sha));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(blocked.status().code(), StatusCode::kUnavailable);
  EXPECT_GE(waited, std::chrono::milliseconds(internal::kBusyTimeoutMs - 500));
  ASSERT_EQ(other.Exec("ROLLBACK"), SQLITE_OK);

  // Reads go on while another connection writes (WAL), and writes resume once it is done.
  EXPECT_TRUE(store->ListDocuments(std::nullopt).ok());
  EXPECT_TRUE(store->InsertDocument(Scan(sha)).ok());
}

// ---- the audit log and constraints --------------------------------------------------------

TEST_F(StoreTest, AuditLogRowsCannotBeChangedOrDeletedEvenWithRawSql) {
  std::unique_ptr<Store> store = Open();
  ASSERT_TRUE(store->InsertDocument(Scan(AddBlob(*store, "scan"))).ok());
  RawDb raw(db_path_);
  const std::int64_t rows = raw.Int("SELECT count(*) FROM audit_log");
  ASSERT_GT(rows, 0);

  EXPECT_EQ(raw.Exec("UPDATE audit_log SET action = 'nothing.happened'"),
            SQLITE_CONSTRAINT_TRIGGER);
  EXPECT_EQ(raw.Exec("DELETE FROM audit_log"), SQLITE_CONSTRAINT_TRIGGER);
  EXPECT_EQ(raw.Exec("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)"),
            SQLITE_CONSTRAINT_TRIGGER);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM audit_log"), rows);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM audit_log WHERE action = 'document.ingested'"), 1);
}

TEST_F(StoreTest, AppendAuditAddsEventsThatRecentAuditReturnsNewestFirst) {
  std::unique_ptr<Store> store = Open();
  for (int i = 0; i < 5; ++i) {
    AuditEvent event;
    event.action = "test.event";
    event.detail_json = R"({"n":)" + std::to_string(i) + "}";
    ASSERT_TRUE(store->AppendAudit(event).ok());
  }
  Result<std::vector<AuditEvent>> recent = store->RecentAudit(3);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 3u);
  EXPECT_EQ((*recent)[0].detail_json, R"({"n":4})");
  EXPECT_EQ((*recent)[2].detail_json, R"({"n":2})");
  EXPECT_GT((*recent)[0].id, (*recent)[1].id);
  EXPECT_THAT((*recent)[0].at, ::testing::MatchesRegex(kIsoMillis));
  EXPECT_TRUE(store->RecentAudit(0)->empty());
  EXPECT_EQ(store->RecentAudit(-1).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, AuditEventsThatAreMalformedOrNameAnUnknownUserAreRefused) {
  std::unique_ptr<Store> store = Open();
  AuditEvent no_action;
  EXPECT_EQ(store->AppendAudit(no_action).code(), StatusCode::kInvalidArgument);
  AuditEvent bad_json;
  bad_json.action = "test.event";
  bad_json.detail_json = "{not json";
  EXPECT_EQ(store->AppendAudit(bad_json).code(), StatusCode::kInvalidArgument);
  AuditEvent ghost;
  ghost.action = "review.submit";
  ghost.user_id = 77;
  EXPECT_EQ(store->AppendAudit(ghost).code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, TextThatIsNotUtf8IsRefusedAndNothingIsStored) {
  std::unique_ptr<Store> store = Open();
  const std::string sha = AddBlob(*store, "scan");
  const std::int64_t audit_before = RawDb(db_path_).Int("SELECT count(*) FROM audit_log");
  // "申請書.tif" in CP932, as a Windows scanner share might name it (ingest refuses such a name
  // first; the store holds UTF-8 only, on SQLite as on PostgreSQL).
  const std::string cp932_name = "\x90\x5c\x90\xbf\x8f\x91.tif";
  Result<DocumentInsert> inserted = store->InsertDocument(Scan(sha, cp932_name));
  EXPECT_EQ(inserted.status().code(), StatusCode::kInvalidArgument);
  Result<DocumentInsert> with_nul = store->InsertDocument(Scan(sha, std::string("a\0b.tif", 7)));
  EXPECT_EQ(with_nul.status().code(), StatusCode::kInvalidArgument);
  RawDb raw(db_path_);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM documents"), 0);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM audit_log"), audit_before);
  // The same file under a proper name is stored.
  EXPECT_TRUE(store->InsertDocument(Scan(sha, "申請書.tif")).ok());
}

TEST_F(StoreTest, CheckConstraintsRejectValuesOutsideTheirEnumerations) {
  std::unique_ptr<Store> store = Open();
  Result<DocumentInsert> doc = store->InsertDocument(Scan(AddBlob(*store, "scan")));
  ASSERT_TRUE(doc.ok());
  const std::string id = std::to_string(doc->document_id);
  RawDb raw(db_path_);

  EXPECT_EQ(raw.Exec("UPDATE documents SET state = 'lost' WHERE id = " + id),
            SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(raw.Exec("UPDATE documents SET source = 'fax' WHERE id = " + id),
            SQLITE_CONSTRAINT_CHECK);
  // A worker holding a document must say who it is and until when.
  EXPECT_EQ(raw.Exec("UPDATE documents SET state = 'processing' WHERE id = " + id),
            SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(store->GetDocument(doc->document_id)->state, DocumentState::kReceived);

  EXPECT_EQ(raw.Exec("INSERT INTO users (tenant_id, name, role, password_hash) "
                     "VALUES (1, 'sato', 'owner', 'x')"),
            SQLITE_CONSTRAINT_CHECK);
  ASSERT_EQ(raw.Exec("INSERT INTO users (tenant_id, name, role, password_hash) "
                     "VALUES (1, 'sato', 'reviewer', 'x')"),
            SQLITE_OK);
  EXPECT_EQ(raw.Exec("INSERT INTO fields (document_id, name, state) VALUES (" + id +
                     ", 'birth_date', 'guessed')"),
            SQLITE_CONSTRAINT_CHECK);
  ASSERT_EQ(raw.Exec("INSERT INTO fields (document_id, name, state) VALUES (" + id +
                     ", 'birth_date', 'needs_review')"),
            SQLITE_OK);
  EXPECT_EQ(raw.Exec("INSERT INTO review_tasks (document_id, field_id, kind) VALUES (" + id +
                     ", 1, 'hunch')"),
            SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(raw.Exec("INSERT INTO review_tasks (document_id, field_id, kind, state) VALUES (" + id +
                     ", 1, 'field', 'lost')"),
            SQLITE_CONSTRAINT_CHECK);
  // Ids come from the rows themselves: a refused insert may use up an id (PostgreSQL).
  ASSERT_EQ(raw.Exec("INSERT INTO review_tasks (document_id, field_id, kind) VALUES (" + id +
                     ", (SELECT max(id) FROM fields), 'field')"),
            SQLITE_OK);
  EXPECT_EQ(raw.Exec("INSERT INTO review_entries (task_id, user_id, action) "
                     "VALUES ((SELECT max(id) FROM review_tasks), (SELECT max(id) FROM users), "
                     "'shrug')"),
            SQLITE_CONSTRAINT_CHECK);
}

TEST_F(StoreTest, ForeignKeysRejectRowsThatPointAtNothing) {
  std::unique_ptr<Store> store = Open();
  RawDb raw(db_path_);
  const std::string missing(64, 'a');
  EXPECT_EQ(raw.Exec("INSERT INTO documents (tenant_id, source, source_name, original_sha256, "
                     "media_type, original_size) VALUES (1, 'scan', 'x', '" +
                     missing + "', 'image/png', 1)"),
            SQLITE_CONSTRAINT_FOREIGNKEY);
  EXPECT_EQ(raw.Exec("INSERT INTO pages (document_id, page_index, width_px, height_px) "
                     "VALUES (999, 0, 1, 1)"),
            SQLITE_CONSTRAINT_FOREIGNKEY);
}

TEST_F(StoreTest, DeletingADocumentRemovesItsPagesButKeepsItsAuditTrail) {
  std::unique_ptr<Store> store = Open();
  Result<DocumentInsert> doc = store->InsertDocument(Scan(AddBlob(*store, "scan")));
  ASSERT_TRUE(doc.ok());
  RawDb raw(db_path_);
  ASSERT_EQ(raw.Exec("DELETE FROM documents WHERE id = " + std::to_string(doc->document_id)),
            SQLITE_OK);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM pages"), 0);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM audit_log WHERE document_id = " +
                    std::to_string(doc->document_id)),
            1);
}

// ---- names --------------------------------------------------------------------------------

TEST(DocumentStateTest, EveryStateNameParsesBackToItsState) {
  for (DocumentState state :
       {DocumentState::kReceived, DocumentState::kProcessing, DocumentState::kInReview,
        DocumentState::kVerified, DocumentState::kFailed}) {
    EXPECT_EQ(ParseDocumentState(DocumentStateName(state)), state);
  }
  EXPECT_EQ(DocumentStateName(DocumentState::kInReview), "in_review");
  EXPECT_FALSE(ParseDocumentState("In_Review").has_value());
  EXPECT_FALSE(ParseDocumentState("").has_value());
  EXPECT_EQ(DocumentSourceName(DocumentSource::kScan), "scan");
  EXPECT_EQ(DocumentSourceName(DocumentSource::kPhone), "phone");
}

// ---- reading: claiming documents and recording what was read ------------------------------

class ReadingStoreTest : public StoreTest {
 protected:
  ReadingStoreTest() {
    store_ = Open();
    form_ = Form(*store_);
    EXPECT_TRUE(store_->AddForm(form_).ok());
  }

  std::int64_t AddScan(const std::string& content) {
    Result<DocumentInsert> doc = store_->InsertDocument(Scan(AddBlob(*store_, content)));
    EXPECT_TRUE(doc.ok());
    return doc->document_id;
  }

  DocumentReading Reading(std::int64_t id, const std::string& worker) {
    DocumentReading reading;
    reading.document_id = id;
    reading.worker = worker;
    reading.form_id = form_.id;
    reading.form_version = form_.version;
    reading.pages = {{.page_index = 0, .form_page = 1, .outcome = PageOutcome::kIdentified, .note = ""},
                     {.page_index = 1, .form_page = 2, .outcome = PageOutcome::kIdentified, .note = ""}};
    DocumentReading::Field name;
    name.name = "applicant_name";
    name.ocr_value = "塩尻 太郎";
    name.confidence = 0.97;
    name.auto_accept = true;
    name.snippet_sha256 = AddBlob(*store_, "snippet of the name");
    DocumentReading::Field postal;
    postal.name = "postal_code";
    postal.ocr_value = "399-07l1";
    postal.confidence = 0.41;
    postal.validation_error = "郵便番号は7桁です";
    postal.review_reason = "確信度が低い";
    reading.fields = {name, postal};
    return reading;
  }

  std::unique_ptr<Store> store_;
  FormRecord form_;
};

TEST_F(ReadingStoreTest, ClaimTakesTheOldestReceivedDocumentAndNeverTheSameOneTwice) {
  const std::int64_t first = AddScan("scan one");
  const std::int64_t second = AddScan("scan two");
  Result<std::optional<Document>> a = store_->ClaimDocument("worker-a", 600);
  Result<std::optional<Document>> b = store_->ClaimDocument("worker-b", 600);
  Result<std::optional<Document>> c = store_->ClaimDocument("worker-c", 600);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_TRUE(a->has_value() && b->has_value());
  EXPECT_EQ((*a)->id, first);
  EXPECT_EQ((*b)->id, second);
  EXPECT_EQ((*a)->state, DocumentState::kProcessing);
  EXPECT_FALSE(c->has_value()) << "nothing is left to claim";
}

TEST_F(ReadingStoreTest, ConcurrentClaimsFromTwoStoresHandOutEveryDocumentExactlyOnce) {
  std::set<std::int64_t> added;
  for (int i = 0; i < 40; ++i) added.insert(AddScan("scan " + std::to_string(i)));
  std::unique_ptr<Store> other = Open();
  std::mutex mu;
  std::vector<std::int64_t> claimed;
  auto worker = [&](Store* store, std::string name) {
    for (;;) {
      Result<std::optional<Document>> doc = store->ClaimDocument(name, 600);
      ASSERT_TRUE(doc.ok()) << doc.status().message(Lang::kEn);
      if (!doc->has_value()) return;
      std::lock_guard lock(mu);
      claimed.push_back((*doc)->id);
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back(worker, i % 2 ? other.get() : store_.get(), "w" + std::to_string(i));
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(claimed.size(), added.size());
  EXPECT_EQ(std::set<std::int64_t>(claimed.begin(), claimed.end()), added);
}

TEST_F(ReadingStoreTest, RecordingAReadingKeepsFieldsOpensTasksAndPutsTheDocumentInReview) {
  const std::int64_t id = AddScan("scan");
  ASSERT_TRUE(store_->ClaimDocument("worker-a", 600).ok());
  DocumentReading reading = Reading(id, "worker-a");
  reading.tasks.push_back({.kind = TaskKind::kClassification, .reason = "2ページ目がありません", .priority = 0});
  ASSERT_TRUE(store_->RecordReading(reading).ok());

  Result<Document> doc = store_->GetDocument(id);
  EXPECT_EQ(doc->state, DocumentState::kInReview);
  EXPECT_EQ(doc->form_id, form_.id);
  Result<std::vector<FieldRecord>> fields = store_->ListFields(id);
  ASSERT_TRUE(fields.ok());
  ASSERT_EQ(fields->size(), 2u);
  EXPECT_EQ((*fields)[0].name, "applicant_name");
  EXPECT_EQ((*fields)[0].state, FieldState::kAutoAccepted);
  EXPECT_EQ((*fields)[0].value, "塩尻 太郎");
  EXPECT_DOUBLE_EQ(*(*fields)[0].confidence, 0.97);
  EXPECT_TRUE((*fields)[0].snippet_sha256.has_value());
  EXPECT_EQ((*fields)[1].state, FieldState::kNeedsReview);
  EXPECT_EQ((*fields)[1].ocr_value, "399-07l1");
  EXPECT_EQ((*fields)[1].validation_error, "郵便番号は7桁です");

  Result<std::vector<ReviewTask>> tasks = store_->ListReviewTasks(id);
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 2u);
  EXPECT_EQ((*tasks)[0].field_name, "postal_code");
  EXPECT_EQ((*tasks)[0].kind, TaskKind::kField);
  EXPECT_EQ((*tasks)[0].state, TaskState::kOpen);
  EXPECT_EQ((*tasks)[0].reason, "確信度が低い");
  EXPECT_EQ((*tasks)[1].kind, TaskKind::kClassification);
  EXPECT_EQ((*tasks)[1].field_id, std::nullopt);

  Result<std::vector<PageRecord>> pages = store_->ListPages(id);
  ASSERT_EQ(pages->size(), 2u);
  EXPECT_EQ((*pages)[1].form_page, 2);
  EXPECT_EQ((*pages)[1].outcome, PageOutcome::kIdentified);
  Result<std::vector<AuditEvent>> audit = store_->RecentAudit(1);
  EXPECT_EQ((*audit)[0].action, "document.read");
  EXPECT_EQ((*audit)[0].document_id, id);
}

TEST_F(ReadingStoreTest, DocumentWhoseFieldsAreAllAcceptedIsVerifiedAtOnce) {
  const std::int64_t id = AddScan("scan");
  ASSERT_TRUE(store_->ClaimDocument("worker-a", 600).ok());
  DocumentReading reading = Reading(id, "worker-a");
  reading.fields.pop_back();
  ASSERT_TRUE(store_->RecordReading(reading).ok());
  EXPECT_EQ(store_->GetDocument(id)->state, DocumentState::kVerified);
  EXPECT_TRUE(store_->ListReviewTasks(id)->empty());
}

TEST_F(ReadingStoreTest, ExpiredLeaseIsClaimedAgainAndTheFirstWorkerCanNoLongerRecord) {
  const std::int64_t id = AddScan("scan");
  ASSERT_TRUE(store_->ClaimDocument("worker-a", 600).ok());
  {
    RawDb raw(db_path_);
    ASSERT_EQ(raw.Exec("UPDATE documents SET lease_expires_at = '2000-01-01T00:00:00.000Z'"),
              SQLITE_OK);
  }
  Result<std::optional<Document>> again = store_->ClaimDocument("worker-b", 600);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->id, id);
  Status late = store_->RecordReading(Reading(id, "worker-a"));
  EXPECT_EQ(late.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_->ListFields(id)->empty()) << "the late worker changed nothing";
  EXPECT_TRUE(store_->RecordReading(Reading(id, "worker-b")).ok());
}

TEST_F(ReadingStoreTest, UnreadDocumentIsRetriedAfterTheOthersThenFailsWithItsReason) {
  const std::int64_t hard = AddScan("hard scan");
  const std::int64_t easy = AddScan("easy scan");
  ASSERT_EQ((*store_->ClaimDocument("w", 600))->id, hard);
  Result<DocumentState> state = store_->ReleaseUnreadDocument(hard, "w", "decode failed", 2);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(*state, DocumentState::kReceived);
  EXPECT_EQ((*store_->ClaimDocument("w", 600))->id, easy) << "a retry waits behind fresh work";
  ASSERT_EQ((*store_->ClaimDocument("w", 600))->id, hard);
  state = store_->ReleaseUnreadDocument(hard, "w", "decode failed", 2);
  EXPECT_EQ(*state, DocumentState::kFailed);
  Result<Document> doc = store_->GetDocument(hard);
  EXPECT_EQ(doc->state, DocumentState::kFailed);
  EXPECT_EQ(doc->failure_reason, "decode failed");
  EXPECT_EQ(store_->ReleaseUnreadDocument(hard, "w", "again", 2).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(ReadingStoreTest, DocumentWhoseWorkerKeepsDyingIsFailedInsteadOfHandedOutForever) {
  const std::int64_t id = AddScan("scan that crashes the reader");
  RawDb raw(db_path_);
  for (int i = 0; i < 3; ++i) {
    Result<std::optional<Document>> doc = store_->ClaimDocument("w" + std::to_string(i), 600);
    ASSERT_TRUE(doc.ok() && doc->has_value());
    ASSERT_EQ(raw.Exec("UPDATE documents SET lease_expires_at = '2000-01-01T00:00:00.000Z'"),
              SQLITE_OK);
  }
  Result<std::optional<Document>> none = store_->ClaimDocument("w3", 600);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(store_->GetDocument(id)->state, DocumentState::kFailed);
  EXPECT_THAT(store_->GetDocument(id)->failure_reason, HasSubstr("3"));
}

TEST_F(ReadingStoreTest, ReadingThatNamesAnUnknownFormOrAnUnrecordedSnippetChangesNothing) {
  const std::int64_t id = AddScan("scan");
  ASSERT_TRUE(store_->ClaimDocument("w", 600).ok());
  DocumentReading unknown_form = Reading(id, "w");
  unknown_form.form_id = "no-such-form";
  EXPECT_EQ(store_->RecordReading(unknown_form).code(), StatusCode::kNotFound);
  DocumentReading missing_snippet = Reading(id, "w");
  missing_snippet.fields[0].snippet_sha256 = std::string(64, 'a');
  EXPECT_EQ(store_->RecordReading(missing_snippet).code(), StatusCode::kFailedPrecondition);
  DocumentReading bad_confidence = Reading(id, "w");
  bad_confidence.fields[0].confidence = 1.5;
  EXPECT_EQ(store_->RecordReading(bad_confidence).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetDocument(id)->state, DocumentState::kProcessing);
  EXPECT_TRUE(store_->ListFields(id)->empty());
}

TEST_F(SqliteFileTest, DatabaseOfSchemaOneIsMigratedKeepingItsDocuments) {
  {
    internal::SqliteDb db = std::move(internal::OpenDatabase(db_path_)).value();
    const internal::Migration& first = internal::Migrations()[0];
    ASSERT_TRUE(internal::Exec(db.get(), first.sql, {"", ""}).ok());
    ASSERT_TRUE(internal::Exec(db.get(), "PRAGMA user_version = 1", {"", ""}).ok());
    const std::string rows =
                               "INSERT INTO tenants (code, name) VALUES ('default', 'x');"
                               "INSERT INTO blobs (sha256, size, media_type) VALUES ('" +
                                       std::string(64, 'b') + "', 1, 'image/png');"
                               "INSERT INTO documents (tenant_id, source, source_name, "
                               "original_sha256, media_type, original_size) VALUES "
                               "(1, 'scan', 'old.png', '" + std::string(64, 'b') +
                                       "', 'image/png', 1);"
                               "INSERT INTO pages (document_id, page_index, width_px, height_px)"
                               " VALUES (1, 0, 10, 10);";
    ASSERT_TRUE(internal::Exec(db.get(), rows.c_str(), {"", ""}).ok());
  }
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->SchemaVersion(), kSchemaVersion);
  Result<Document> doc = store->GetDocument(1);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->source_name, "old.png");
  Result<std::vector<PageRecord>> pages = store->ListPages(1);
  ASSERT_EQ(pages->size(), 1u);
  EXPECT_EQ((*pages)[0].outcome, std::nullopt) << "not read yet";
  RawDb raw(db_path_);
  EXPECT_EQ(raw.Text("PRAGMA integrity_check"), "ok");
}

TEST(StoreNamesTest, EveryFieldStateTaskKindAndPageOutcomeNameParsesBack) {
  for (FieldState s : {FieldState::kAutoAccepted, FieldState::kNeedsReview, FieldState::kVerified,
                       FieldState::kUnreadable}) {
    EXPECT_EQ(ParseFieldState(FieldStateName(s)), s);
  }
  for (TaskKind k : {TaskKind::kField, TaskKind::kClassification, TaskKind::kDoubleEntry,
                     TaskKind::kGold}) {
    EXPECT_EQ(ParseTaskKind(TaskKindName(k)), k);
  }
  for (PageOutcome o : {PageOutcome::kIdentified, PageOutcome::kBlank, PageOutcome::kUnknown,
                        PageOutcome::kAmbiguous, PageOutcome::kUnregistrable, PageOutcome::kExtra}) {
    EXPECT_EQ(ParsePageOutcome(PageOutcomeName(o)), o);
  }
  EXPECT_EQ(FieldStateName(FieldState::kAutoAccepted), "auto_accepted");
  EXPECT_EQ(TaskKindName(TaskKind::kDoubleEntry), "double_entry");
  EXPECT_FALSE(ParsePageOutcome("Blank").has_value());
}

}  // namespace
}  // namespace adbridge::models
