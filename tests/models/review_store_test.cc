// The review queue's side of the store: people, sessions, login throttling, claiming and
// settling review tasks, gold tasks, and what supervisors count.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
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
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The test form's fields, as a form definition lists them.
constexpr char kFieldsJson[] =
    R"([{"name":"applicant_name","type":"text"},{"name":"birth_date","type":"date"},)"
    R"({"name":"postal_code","type":"postal_code"},)"
    R"({"name":"my_number","type":"digits","on_site_only":true}])";

// One field of a reading: a review task is opened for it unless it is auto-accepted.
struct FieldSpec {
  std::string name;
  std::string type = "text";
  TaskKind kind = TaskKind::kField;
  bool on_site_only = false;
  bool auto_accept = false;
};

// A time `seconds` before now, as an SQL literal in the stored form.
std::string TimeAgo(int seconds) { return "'" + test_support::IsoTimeAgo(seconds) + "'"; }

class ReviewStoreTest : public StoreTest {
 protected:
  ReviewStoreTest() {
    store_ = Open();
    form_ = Form(*store_, "juminhyo-request", 1, kFieldsJson);
    EXPECT_TRUE(store_->AddForm(form_).ok());
    default_tenant_ = store_->GetTenant(std::string(kDefaultTenant))->id;
    shiojiri_ = store_->EnsureTenant("shiojiri", "塩尻市")->id;
    okaya_ = store_->EnsureTenant("okaya", "岡谷市")->id;
    alice_ = AddUser("alice");
    bob_ = AddUser("bob");
  }

  std::int64_t AddUser(const std::string& name, Role role = Role::kReviewer,
                       const std::string& tenant = std::string(kDefaultTenant),
                       std::vector<std::string> grants = {}) {
    NewUser user;
    user.name = name;
    user.display_name = name + " さん";
    user.role = role;
    user.tenant_code = tenant;
    user.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
    user.grant_tenant_codes = std::move(grants);
    Result<User> added = store_->AddUser(user);
    EXPECT_TRUE(added.ok()) << added.status().message(Lang::kEn);
    return added.ok() ? added->id : 0;
  }

  // A scan of `tenant` that a worker has read: in review, with a task for every field that
  // was not auto-accepted, in the order given.
  std::int64_t AddReadDocument(const std::vector<FieldSpec>& fields,
                               const std::string& tenant = std::string(kDefaultTenant),
                               std::vector<DocumentReading::Task> tasks = {}) {
    const std::string n = std::to_string(next_scan_++);
    NewDocument scan = Scan(AddBlob(*store_, "scan " + n), "batch/" + n + ".tif");
    scan.tenant_code = tenant;
    Result<DocumentInsert> inserted = store_->InsertDocument(scan);
    EXPECT_TRUE(inserted.ok()) << inserted.status().message(Lang::kEn);
    Result<std::optional<Document>> claimed = store_->ClaimDocument("worker", 600);
    EXPECT_TRUE(claimed.ok() && claimed->has_value());
    EXPECT_EQ((*claimed)->id, inserted->document_id);

    DocumentReading reading;
    reading.document_id = inserted->document_id;
    reading.worker = "worker";
    reading.form_id = form_.id;
    reading.form_version = form_.version;
    for (const FieldSpec& spec : fields) {
      DocumentReading::Field field;
      field.name = spec.name;
      field.ocr_value = "read " + spec.name;
      field.confidence = spec.auto_accept ? 0.99 : 0.5;
      field.auto_accept = spec.auto_accept;
      field.snippet_sha256 = AddBlob(*store_, "snippet of " + spec.name + " in " + n);
      field.task_kind = spec.kind;
      field.review_reason = "確信度が低い";
      field.field_type = spec.type;
      field.on_site_only = spec.on_site_only;
      reading.fields.push_back(field);
    }
    reading.tasks = std::move(tasks);
    const Status recorded = store_->RecordReading(reading);
    EXPECT_TRUE(recorded.ok()) << recorded.message(Lang::kEn);
    return inserted->document_id;
  }

  std::vector<ReviewTask> Tasks(std::int64_t document_id) {
    Result<std::vector<ReviewTask>> tasks = store_->ListReviewTasks(document_id);
    EXPECT_TRUE(tasks.ok());
    return tasks.ok() ? *tasks : std::vector<ReviewTask>();
  }

  std::optional<TaskDetail> Claim(const ClaimOptions& options, Store* store = nullptr) {
    Result<std::optional<TaskDetail>> claimed = (store ? store : store_.get())->ClaimTask(options);
    EXPECT_TRUE(claimed.ok()) << claimed.status().message(Lang::kEn);
    return claimed.ok() ? *claimed : std::nullopt;
  }
  std::optional<TaskDetail> Claim(std::int64_t user) {
    return Claim(ClaimOptions{.user_id = user});
  }

  // The task's id, or 0 when nothing was claimed (so expectations read as one line).
  static std::int64_t IdOf(const std::optional<TaskDetail>& task) {
    return task ? task->task.id : 0;
  }
  static std::int64_t DocumentOf(const std::optional<TaskDetail>& task) {
    return task ? task->task.document_id : 0;
  }

  // `user` settles the leased `task` with `value`: the field is verified and the task done.
  static TaskSettlement Submit(std::int64_t task, std::int64_t user, const std::string& value) {
    TaskSettlement s;
    s.task_id = task;
    s.user_id = user;
    s.action = EntryAction::kSubmit;
    s.value = value;
    s.new_state = TaskState::kDone;
    s.field_state = FieldState::kVerified;
    s.field_value = value;
    s.audit_action = "review.submit";
    return s;
  }

  // `user` gives the leased `task` back to the queue.
  static TaskSettlement Skip(std::int64_t task, std::int64_t user) {
    TaskSettlement s;
    s.task_id = task;
    s.user_id = user;
    s.action = EntryAction::kSkip;
    s.new_state = TaskState::kOpen;
    s.skipped = true;
    s.audit_action = "review.skip";
    return s;
  }

  FieldRecord FieldNamed(std::int64_t document_id, const std::string& name) {
    Result<std::vector<FieldRecord>> fields = store_->ListFields(document_id);
    EXPECT_TRUE(fields.ok());
    if (!fields.ok()) return {};
    for (const FieldRecord& field : *fields) {
      if (field.name == name) return field;
    }
    ADD_FAILURE() << "no field " << name;
    return {};
  }

  std::unique_ptr<Store> store_;
  FormRecord form_;
  std::int64_t default_tenant_ = 0;
  std::int64_t shiojiri_ = 0;
  std::int64_t okaya_ = 0;
  std::int64_t alice_ = 0;
  std::int64_t bob_ = 0;
  int next_scan_ = 0;
};

// ---- schema ---------------------------------------------------------------------------------

// The SQLite file's own schema (PostgreSQL's is compared with it in postgres_connection_test).
class SqliteReviewStoreTest : public ReviewStoreTest {};

TEST_F(SqliteReviewStoreTest, FreshDatabaseHasSessionsThrottlingAndTaskColumns) {
  EXPECT_EQ(*store_->SchemaVersion(), kSchemaVersion);
  RawDb raw(db_path_);
  EXPECT_TRUE(raw.Names("table").count("sessions"));
  EXPECT_TRUE(raw.Names("table").count("login_failures"));
  EXPECT_TRUE(raw.Names("index").count("review_tasks_leases"));
  EXPECT_TRUE(raw.Names("index").count("review_tasks_queue"));
  EXPECT_EQ(raw.Int("SELECT count(*) FROM pragma_table_info('review_tasks') WHERE name IN "
                    "('field_type', 'on_site_only', 'leased_at', 'skipped_by', 'skipped_at', "
                    "'gold_answer', 'tenant_id')"),
            7);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM pragma_table_info('review_entries') WHERE name IN "
                    "('note', 'seconds', 'gold_correct')"),
            3);
}

TEST_F(SqliteFileTest, DatabaseOfSchemaTwoIsMigratedAndItsTasksTakeTheirTypeFromTheForm) {
  {
    internal::SqliteDb db = std::move(internal::OpenDatabase(db_path_)).value();
    for (const internal::Migration& migration : internal::Migrations()) {
      if (migration.version > 2) break;
      ASSERT_TRUE(internal::Exec(db.get(), migration.sql, {"", ""}).ok());
    }
    ASSERT_TRUE(internal::Exec(db.get(), "PRAGMA user_version = 2", {"", ""}).ok());
    const std::string sha = std::string(64, 'b');
    const std::string rows =
        "INSERT INTO tenants (code, name) VALUES ('default', 'x');"
        "INSERT INTO blobs (sha256, size, media_type) VALUES ('" +
        sha +
        "', 1, 'image/png');"
        "INSERT INTO forms (id, version, title, definition_json) VALUES ('f', 1, 'F', '"
        R"({"id":"f","version":1,"fields":[{"name":"birth_date","type":"date"},)"
        R"({"name":"my_number","type":"digits","on_site_only":true}]})"
        "');"
        "INSERT INTO documents (tenant_id, source, source_name, original_sha256, media_type, "
        "original_size, form_id, form_version, state) VALUES "
        "(1, 'scan', 'old.png', '" +
        sha +
        "', 'image/png', 1, 'f', 1, 'in_review');"
        "INSERT INTO fields (document_id, name, ocr_value, value, state) VALUES "
        "(1, 'birth_date', 'x', 'x', 'needs_review'), (1, 'my_number', 'y', 'y', 'needs_review');"
        "INSERT INTO review_tasks (document_id, field_id, kind) VALUES "
        "(1, 1, 'field'), (1, 2, 'field'), (1, NULL, 'classification');";
    ASSERT_TRUE(internal::Exec(db.get(), rows.c_str(), {"", ""}).ok());
  }
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->SchemaVersion(), kSchemaVersion);
  RawDb raw(db_path_);
  EXPECT_EQ(raw.Rows("SELECT id, tenant_id, field_type, on_site_only FROM review_tasks "
                     "ORDER BY id"),
            "1|1|date|0\n2|1|digits|1\n3|1||0");
  EXPECT_EQ(raw.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.Text("PRAGMA foreign_key_check"), "");
}

// ---- reading records what the queue filters by -----------------------------------------------

TEST_F(ReviewStoreTest, RecordedReadingKeepsEachTasksFieldTypeAndOnSiteFlag) {
  const std::int64_t doc =
      AddReadDocument({{.name = "birth_date", .type = "date"},
                       {.name = "my_number", .type = "digits", .on_site_only = true}});
  const std::vector<ReviewTask> tasks = Tasks(doc);
  ASSERT_EQ(tasks.size(), 2u);
  Result<TaskDetail> date = store_->GetTask(tasks[0].id);
  Result<TaskDetail> number = store_->GetTask(tasks[1].id);
  ASSERT_TRUE(date.ok() && number.ok());
  EXPECT_EQ(date->field_type, "date");
  EXPECT_FALSE(date->on_site_only);
  EXPECT_EQ(number->field_type, "digits");
  EXPECT_TRUE(number->on_site_only);
}

TEST_F(ReviewStoreTest, ReadingWithAnUnknownFieldTypeIsRefusedAndChangesNothing) {
  NewDocument scan = Scan(AddBlob(*store_, "a scan"));
  const std::int64_t id = store_->InsertDocument(scan)->document_id;
  ASSERT_TRUE(store_->ClaimDocument("worker", 600).ok());
  DocumentReading reading;
  reading.document_id = id;
  reading.worker = "worker";
  DocumentReading::Field field;
  field.name = "birth_date";
  field.field_type = "birthday";
  reading.fields = {field};
  EXPECT_EQ(store_->RecordReading(reading).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetDocument(id)->state, DocumentState::kProcessing);
  EXPECT_TRUE(store_->ListFields(id)->empty());
}

// ---- claiming -------------------------------------------------------------------------------

TEST_F(ReviewStoreTest, ClaimLeasesTheHighestPriorityThenEarliestDueThenOldestTask) {
  const std::int64_t doc = AddReadDocument({{.name = "applicant_name"},
                                            {.name = "birth_date", .type = "date"},
                                            {.name = "postal_code", .type = "postal_code"},
                                            {.name = "address"}});
  const std::vector<ReviewTask> tasks = Tasks(doc);
  ASSERT_EQ(tasks.size(), 4u);
  {
    RawDb raw(db_path_);
    // tasks[3] is urgent; tasks[1] is due before tasks[0] and tasks[2].
    ASSERT_EQ(
        raw.Exec("UPDATE review_tasks SET priority = 5 WHERE id = " + std::to_string(tasks[3].id)),
        SQLITE_OK);
    ASSERT_EQ(raw.Exec("UPDATE review_tasks SET due_at = '2000-01-01T00:00:00.000Z' WHERE id = " +
                       std::to_string(tasks[1].id)),
              SQLITE_OK);
  }
  std::optional<TaskDetail> first = Claim(alice_);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->task.id, tasks[3].id);
  EXPECT_EQ(first->task.state, TaskState::kLeased);
  EXPECT_EQ(first->lease_owner, alice_);
  EXPECT_THAT(first->leased_at, ::testing::MatchesRegex(test_support::kIsoMillis));
  EXPECT_GT(first->lease_expires_at, first->leased_at);
  EXPECT_EQ(first->task.field_name, "address");
  EXPECT_EQ(first->ocr_value, "read address");
  EXPECT_EQ(first->tenant_code, "default");
  EXPECT_EQ(first->form_id, form_.id);
  EXPECT_TRUE(first->snippet_sha256.has_value());
  EXPECT_EQ(IdOf(Claim(alice_)), tasks[1].id);
  EXPECT_EQ(IdOf(Claim(bob_)), tasks[0].id);
  EXPECT_EQ(IdOf(Claim(bob_)), tasks[2].id);
  EXPECT_FALSE(Claim(alice_).has_value()) << "every task is leased";
}

TEST_F(ReviewStoreTest, ConcurrentClaimsNeverHandOneTaskToTwoReviewers) {
  std::set<std::int64_t> all_tasks;
  std::vector<std::int64_t> documents;
  for (int d = 0; d < 30; ++d) {
    const std::int64_t doc = AddReadDocument({{.name = "applicant_name"},
                                              {.name = "birth_date", .type = "date"},
                                              {.name = "postal_code", .type = "postal_code"},
                                              {.name = "address"},
                                              {.name = "phone", .type = "phone"}});
    documents.push_back(doc);
    for (const ReviewTask& task : Tasks(doc)) all_tasks.insert(task.id);
  }
  std::vector<std::int64_t> reviewers = {alice_, bob_, AddUser("carol"), AddUser("dave")};
  std::unique_ptr<Store> other = Open();  // as a second server process would have
  std::mutex mu;
  std::vector<std::int64_t> claimed;
  auto work = [&](Store* store, std::int64_t user) {
    for (;;) {
      Result<std::optional<TaskDetail>> task = store->ClaimTask({.user_id = user});
      ASSERT_TRUE(task.ok()) << task.status().message(Lang::kEn);
      if (!task->has_value()) return;
      {
        std::lock_guard lock(mu);
        claimed.push_back((*task)->task.id);
      }
      Result<DocumentState> settled = store->SettleTask(Submit((*task)->task.id, user, "v"));
      ASSERT_TRUE(settled.ok()) << settled.status().message(Lang::kEn);
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < reviewers.size(); ++i) {
    threads.emplace_back(work, i % 2 ? other.get() : store_.get(), reviewers[i]);
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(claimed.size(), all_tasks.size()) << "no task was handed out twice";
  EXPECT_EQ(std::set<std::int64_t>(claimed.begin(), claimed.end()), all_tasks);
  for (std::int64_t doc : documents) {
    EXPECT_EQ(store_->GetDocument(doc)->state, DocumentState::kVerified) << doc;
  }
}

TEST_F(ReviewStoreTest, LastTasksOfADocumentSettledAtOnceFromSeveralServersVerifyItOnce) {
  // Each reviewer, on a server (a store) of their own, holds one of a document's tasks; all
  // settle at the same moment. Whichever settles last must see the others' tasks done.
  constexpr int kPeople = 4;
  std::vector<std::int64_t> documents;
  for (int d = 0; d < 10; ++d) {
    documents.push_back(AddReadDocument({{.name = "applicant_name"},
                                         {.name = "birth_date", .type = "date"},
                                         {.name = "address"},
                                         {.name = "phone", .type = "phone"}}));
  }
  std::vector<std::int64_t> people = {alice_, bob_, AddUser("carol"), AddUser("dave")};
  std::vector<std::unique_ptr<Store>> servers;
  for (int i = 0; i < kPeople; ++i) servers.push_back(Open());
  for (std::int64_t doc : documents) {
    // The tasks are claimed in queue order, oldest document first: one of this document each.
    std::vector<std::int64_t> held;
    for (int i = 0; i < kPeople; ++i) {
      Result<std::optional<TaskDetail>> task = servers[i]->ClaimTask({.user_id = people[i]});
      ASSERT_TRUE(task.ok() && task->has_value());
      ASSERT_EQ((*task)->task.document_id, doc);
      held.push_back((*task)->task.id);
    }
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    std::vector<Result<DocumentState>> results(kPeople, Status::Internal("", ""));
    for (int i = 0; i < kPeople; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready < kPeople) std::this_thread::yield();
        results[i] = servers[i]->SettleTask(Submit(held[i], people[i], "v"));
      });
    }
    for (std::thread& t : threads) t.join();
    int verified_answers = 0;
    for (const Result<DocumentState>& result : results) {
      ASSERT_TRUE(result.ok()) << result.status().message(Lang::kEn);
      verified_answers += *result == DocumentState::kVerified ? 1 : 0;
    }
    EXPECT_GE(verified_answers, 1) << "document " << doc;
    EXPECT_EQ(store_->GetDocument(doc)->state, DocumentState::kVerified) << doc;
  }
  RawDb raw(db_path_);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM audit_log WHERE action = 'document.verified'"),
            static_cast<std::int64_t>(documents.size()));
}

TEST_F(ReviewStoreTest, ExpiredLeaseReturnsTheTask) {
  AddReadDocument({{.name = "applicant_name"}});
  std::optional<TaskDetail> first = Claim({.user_id = alice_, .lease_seconds = 1});
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(Claim(bob_).has_value()) << "the lease still holds";
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  std::optional<TaskDetail> again = Claim(bob_);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->task.id, first->task.id);
  EXPECT_EQ(again->lease_owner, bob_);
  EXPECT_EQ(store_->SettleTask(Submit(first->task.id, alice_, "late")).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_->SettleTask(Submit(again->task.id, bob_, "on time")).ok());
  Result<std::vector<AuditEvent>> audit = store_->RecentAudit(20);
  bool expired_audited = false;
  for (const AuditEvent& event : *audit) {
    if (event.action == "review.lease_expired" && event.user_id == alice_) expired_audited = true;
  }
  EXPECT_TRUE(expired_audited);
}

TEST_F(ReviewStoreTest, SettleRefusesAReviewerWhoseLeaseRanOut) {
  const std::int64_t doc = AddReadDocument({{.name = "applicant_name"}});
  std::optional<TaskDetail> task = Claim(alice_);
  ASSERT_TRUE(task.has_value());
  {
    RawDb raw(db_path_);
    ASSERT_EQ(raw.Exec("UPDATE review_tasks SET lease_expires_at = " + TimeAgo(1)), SQLITE_OK);
  }
  Result<DocumentState> late = store_->SettleTask(Submit(task->task.id, alice_, "塩尻 太郎"));
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.status().message(Lang::kEn), HasSubstr("lease ran out"));
  EXPECT_EQ(FieldNamed(doc, "applicant_name").state, FieldState::kNeedsReview);
  EXPECT_TRUE(store_->GetTask(task->task.id)->entries.empty()) << "nothing was written";
  EXPECT_EQ(store_->GetDocument(doc)->state, DocumentState::kInReview);
}

TEST_F(ReviewStoreTest, SettleRefusesAnotherReviewerASettledTaskAndAnUnknownOne) {
  AddReadDocument({{.name = "applicant_name"}});
  std::optional<TaskDetail> task = Claim(alice_);
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(store_->SettleTask(Submit(task->task.id, bob_, "x")).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_->SettleTask(Submit(task->task.id, alice_, "x")).ok());
  EXPECT_EQ(store_->SettleTask(Submit(task->task.id, alice_, "x")).status().code(),
            StatusCode::kFailedPrecondition)
      << "a settled task is settled once";
  EXPECT_EQ(store_->SettleTask(Submit(9999, alice_, "x")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetTask(9999).status().code(), StatusCode::kNotFound);
}

TEST_F(ReviewStoreTest, ClaimSkipsTasksTheUserSkipped) {
  const std::int64_t doc = AddReadDocument({{.name = "applicant_name"}, {.name = "address"}});
  const std::vector<ReviewTask> tasks = Tasks(doc);
  std::optional<TaskDetail> first = Claim(alice_);
  ASSERT_EQ(IdOf(first), tasks[0].id);
  ASSERT_TRUE(store_->SettleTask(Skip(first->task.id, alice_)).ok());

  EXPECT_EQ(IdOf(Claim(alice_)), tasks[1].id) << "not the task she just gave back";
  EXPECT_EQ(IdOf(Claim(bob_)), tasks[0].id) << "the skipped task is first in line for others";
  ASSERT_TRUE(store_->SettleTask(Skip(tasks[0].id, bob_)).ok());
  EXPECT_FALSE(Claim(bob_).has_value());
  EXPECT_EQ(IdOf(Claim({.user_id = bob_, .skip_cooldown_seconds = 0})), tasks[0].id)
      << "after the cooldown the task comes back";
  EXPECT_EQ(store_->GetTask(tasks[0].id)->entries.size(), 2u);
}

TEST_F(ReviewStoreTest, ClaimNeverGivesADoubleEntryTaskToTheSamePersonTwice) {
  const std::int64_t doc =
      AddReadDocument({{.name = "birth_date", .type = "date", .kind = TaskKind::kDoubleEntry}});
  std::optional<TaskDetail> first = Claim(alice_);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->task.kind, TaskKind::kDoubleEntry);
  TaskSettlement entry = Submit(first->task.id, alice_, "1950-04-01");
  entry.new_state = TaskState::kOpen;  // one entry recorded; a second person must enter it
  entry.field_state.reset();
  entry.field_value.reset();
  ASSERT_EQ(*store_->SettleTask(entry), DocumentState::kInReview);

  EXPECT_FALSE(Claim(alice_).has_value());
  std::optional<TaskDetail> second = Claim(bob_);
  ASSERT_EQ(IdOf(second), first->task.id);
  ASSERT_EQ(second->entries.size(), 1u);
  EXPECT_EQ(second->entries[0].user_name, "alice");
  EXPECT_EQ(second->entries[0].value, "1950-04-01");

  TaskSettlement agree = Submit(second->task.id, bob_, "1950-04-01");
  agree.expected_submits = 1;
  EXPECT_EQ(*store_->SettleTask(agree), DocumentState::kVerified);
  EXPECT_EQ(FieldNamed(doc, "birth_date").value, "1950-04-01");
}

TEST_F(ReviewStoreTest, SettleRefusesADecisionMadeBeforeAnotherEntryArrived) {
  AddReadDocument({{.name = "birth_date", .type = "date", .kind = TaskKind::kDoubleEntry}});
  std::optional<TaskDetail> task = Claim(alice_);
  ASSERT_TRUE(task.has_value());
  TaskSettlement entry = Submit(task->task.id, alice_, "1950-04-01");
  entry.expected_submits = 1;  // the review layer thinks someone entered it already
  EXPECT_EQ(store_->SettleTask(entry).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_->GetTask(task->task.id)->entries.empty());
}

TEST_F(ReviewStoreTest, ClaimFiltersByFieldType) {
  const std::int64_t doc =
      AddReadDocument({{.name = "applicant_name"}, {.name = "birth_date", .type = "date"}});
  const std::vector<ReviewTask> tasks = Tasks(doc);
  std::optional<TaskDetail> date = Claim({.user_id = alice_, .field_type = "date"});
  EXPECT_EQ(IdOf(date), tasks[1].id);
  EXPECT_EQ(date->field_type, "date");
  EXPECT_FALSE(Claim({.user_id = alice_, .field_type = "date"}).has_value());
  EXPECT_EQ(IdOf(Claim(alice_)), tasks[0].id);
}

TEST_F(ReviewStoreTest, OnSiteOnlyTasksAreNotClaimedByRemoteReviewers) {
  AddReadDocument({{.name = "my_number", .type = "digits", .on_site_only = true}});
  EXPECT_FALSE(Claim(alice_).has_value());
  std::optional<TaskDetail> on_site = Claim({.user_id = bob_, .include_on_site_only = true});
  ASSERT_TRUE(on_site.has_value());
  EXPECT_TRUE(on_site->on_site_only);
}

TEST_F(ReviewStoreTest, ReviewerOnlyGetsTasksOfTheirTenantsAndTheTenantsThatGrantedThem) {
  const std::int64_t in_default = AddReadDocument({{.name = "applicant_name"}});
  const std::int64_t in_okaya = AddReadDocument({{.name = "applicant_name"}}, "okaya");
  const std::int64_t in_shiojiri = AddReadDocument({{.name = "applicant_name"}}, "shiojiri");
  const std::int64_t carol = AddUser("carol", Role::kReviewer, "okaya");
  const std::int64_t dave =
      AddUser("dave", Role::kReviewer, std::string(kDefaultTenant), {"shiojiri"});

  std::optional<TaskDetail> carols = Claim(carol);
  ASSERT_TRUE(carols.has_value());
  EXPECT_EQ(carols->task.document_id, in_okaya);
  EXPECT_EQ(carols->tenant_code, "okaya");
  EXPECT_FALSE(Claim(carol).has_value());

  EXPECT_EQ(DocumentOf(Claim(dave)), in_default);
  EXPECT_EQ(DocumentOf(Claim(dave)), in_shiojiri);
  EXPECT_FALSE(Claim(dave).has_value()) << "okaya never granted dave";
  EXPECT_THAT(store_->GetUser(dave)->review_tenant_ids, ElementsAre(default_tenant_, shiojiri_));
}

TEST_F(ReviewStoreTest, ReviewerOfSeveralTenantsGetsTheMostUrgentTaskOfAnyOfThem) {
  const std::int64_t in_default = AddReadDocument({{.name = "applicant_name"}});
  const std::int64_t in_shiojiri = AddReadDocument({{.name = "applicant_name"}}, "shiojiri");
  const std::int64_t in_okaya = AddReadDocument({{.name = "applicant_name"}}, "okaya");
  const std::int64_t erin =
      AddUser("erin", Role::kReviewer, std::string(kDefaultTenant), {"shiojiri", "okaya"});
  {
    RawDb raw(db_path_);
    ASSERT_EQ(raw.Exec("UPDATE review_tasks SET priority = 3 WHERE document_id = " +
                       std::to_string(in_okaya)),
              SQLITE_OK);
    ASSERT_EQ(raw.Exec("UPDATE review_tasks SET due_at = '2000-01-01T00:00:00.000Z' "
                       "WHERE document_id = " +
                       std::to_string(in_shiojiri)),
              SQLITE_OK);
  }
  EXPECT_EQ(DocumentOf(Claim(erin)), in_okaya) << "highest priority";
  EXPECT_EQ(DocumentOf(Claim(erin)), in_shiojiri) << "then the earliest due";
  EXPECT_EQ(DocumentOf(Claim(erin)), in_default);
  EXPECT_FALSE(Claim(erin).has_value());
}

TEST_F(ReviewStoreTest, ClassificationTasksAreLeftToTheFrontDesk) {
  const std::int64_t doc = AddReadDocument(
      {}, std::string(kDefaultTenant),
      {{.kind = TaskKind::kClassification, .reason = "様式が分かりません", .priority = 1}});
  EXPECT_EQ(store_->GetDocument(doc)->state, DocumentState::kInReview);
  EXPECT_FALSE(Claim({.user_id = alice_, .include_on_site_only = true}).has_value());
}

TEST_F(ReviewStoreTest, DisabledOrUnknownUserCannotClaim) {
  AddReadDocument({{.name = "applicant_name"}});
  {
    RawDb raw(db_path_);
    ASSERT_EQ(raw.Exec("UPDATE users SET disabled = 1 WHERE name = 'alice'"), SQLITE_OK);
  }
  EXPECT_EQ(store_->ClaimTask({.user_id = alice_}).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->ClaimTask({.user_id = 9999}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ClaimTask({.user_id = bob_, .lease_seconds = 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(Claim(bob_).has_value()) << "the task was not taken by the refused claims";
}

// ---- settling -------------------------------------------------------------------------------

TEST_F(ReviewStoreTest, DocumentBecomesVerifiedWhenItsLastTaskIsSettled) {
  const std::int64_t doc = AddReadDocument({{.name = "applicant_name", .auto_accept = true},
                                            {.name = "birth_date", .type = "date"},
                                            {.name = "postal_code", .type = "postal_code"}});
  std::optional<TaskDetail> date = Claim(alice_);
  std::optional<TaskDetail> postal = Claim(bob_);
  ASSERT_TRUE(date.has_value() && postal.has_value());

  EXPECT_EQ(*store_->SettleTask(Submit(date->task.id, alice_, "1950-04-01")),
            DocumentState::kInReview);
  EXPECT_EQ(store_->GetDocument(doc)->state, DocumentState::kInReview);
  EXPECT_EQ(*store_->SettleTask(Submit(postal->task.id, bob_, "399-0711")),
            DocumentState::kVerified);
  EXPECT_EQ(store_->GetDocument(doc)->state, DocumentState::kVerified);

  const FieldRecord birth = FieldNamed(doc, "birth_date");
  EXPECT_EQ(birth.state, FieldState::kVerified);
  EXPECT_EQ(birth.value, "1950-04-01");
  EXPECT_EQ(birth.ocr_value, "read birth_date") << "the machine's reading is kept";
  Result<TaskDetail> settled = store_->GetTask(date->task.id);
  EXPECT_EQ(settled->task.state, TaskState::kDone);
  EXPECT_EQ(settled->lease_owner, std::nullopt);
  ASSERT_EQ(settled->entries.size(), 1u);
  EXPECT_EQ(settled->entries[0].user_id, alice_);
  EXPECT_EQ(settled->entries[0].action, EntryAction::kSubmit);
  EXPECT_GE(settled->entries[0].seconds, 0);
  EXPECT_LT(settled->entries[0].seconds, 60);
  EXPECT_EQ((*store_->RecentAudit(1))[0].action, "document.verified");
}

TEST_F(ReviewStoreTest, EntryKeepsTheTimeFromClaimToSubmit) {
  AddReadDocument({{.name = "applicant_name"}});
  std::optional<TaskDetail> task = Claim(alice_);
  ASSERT_TRUE(task.has_value());
  {
    RawDb raw(db_path_);
    ASSERT_EQ(raw.Exec("UPDATE review_tasks SET leased_at = " + TimeAgo(42)), SQLITE_OK);
  }
  ASSERT_TRUE(store_->SettleTask(Submit(task->task.id, alice_, "x")).ok());
  EXPECT_NEAR(store_->GetTask(task->task.id)->entries[0].seconds, 42, 1);
}

TEST_F(ReviewStoreTest, UnreadableFieldKeepsNoValue) {
  const std::int64_t doc = AddReadDocument({{.name = "applicant_name"}});
  std::optional<TaskDetail> task = Claim(alice_);
  ASSERT_TRUE(task.has_value());
  TaskSettlement unreadable = Submit(task->task.id, alice_, "");
  unreadable.action = EntryAction::kUnreadable;
  unreadable.value.reset();
  unreadable.note = "にじんで読めません";
  unreadable.field_state = FieldState::kUnreadable;
  unreadable.field_value.reset();
  unreadable.audit_action = "review.unreadable";
  EXPECT_EQ(*store_->SettleTask(unreadable), DocumentState::kVerified);
  const FieldRecord field = FieldNamed(doc, "applicant_name");
  EXPECT_EQ(field.state, FieldState::kUnreadable);
  EXPECT_EQ(field.value, std::nullopt);
  EXPECT_EQ(store_->GetTask(task->task.id)->entries[0].note, "にじんで読めません");
}

TEST_F(ReviewStoreTest, EscalatedTaskWaitsForASupervisorWhoDecidesIt) {
  const std::int64_t doc = AddReadDocument({{.name = "applicant_name"}});
  const std::int64_t boss = AddUser("boss", Role::kSupervisor);
  std::optional<TaskDetail> task = Claim(alice_);
  ASSERT_TRUE(task.has_value());
  TaskSettlement escalate = Submit(task->task.id, alice_, "");
  escalate.action = EntryAction::kEscalate;
  escalate.value.reset();
  escalate.note = "旧字体です";
  escalate.new_state = TaskState::kEscalated;
  escalate.field_state.reset();
  escalate.field_value.reset();
  escalate.audit_action = "review.escalate";
  EXPECT_EQ(*store_->SettleTask(escalate), DocumentState::kInReview);
  EXPECT_FALSE(Claim({.user_id = bob_, .include_on_site_only = true}).has_value());

  EXPECT_TRUE(store_->ListEscalatedTasks({okaya_})->empty());
  Result<std::vector<TaskDetail>> escalated = store_->ListEscalatedTasks({default_tenant_});
  ASSERT_TRUE(escalated.ok());
  ASSERT_EQ(escalated->size(), 1u);
  EXPECT_EQ((*escalated)[0].task.id, task->task.id);
  ASSERT_EQ((*escalated)[0].entries.size(), 1u);
  EXPECT_EQ((*escalated)[0].entries[0].note, "旧字体です");

  TaskSettlement wrong = Submit(task->task.id, boss, "髙橋");  // expects a lease it has not
  EXPECT_EQ(store_->SettleTask(wrong).status().code(), StatusCode::kFailedPrecondition);
  TaskSettlement decide = Submit(task->task.id, boss, "髙橋");
  decide.expected_state = TaskState::kEscalated;
  decide.action = EntryAction::kDecide;
  decide.audit_action = "review.decide";
  EXPECT_EQ(*store_->SettleTask(decide), DocumentState::kVerified);
  EXPECT_EQ(FieldNamed(doc, "applicant_name").value, "髙橋");
  EXPECT_TRUE(store_->ListEscalatedTasks({default_tenant_})->empty());
}

// ---- gold -----------------------------------------------------------------------------------

TEST_F(ReviewStoreTest, GoldTaskDoesNotChangeTheField) {
  const std::int64_t doc = AddReadDocument({{.name = "birth_date", .type = "date"}});
  std::optional<TaskDetail> task = Claim(alice_);
  ASSERT_TRUE(task.has_value());
  ASSERT_EQ(*store_->SettleTask(Submit(task->task.id, alice_, "1950-04-01")),
            DocumentState::kVerified);

  Result<std::optional<TaskDetail>> none = store_->ClaimGoldTask({.user_id = alice_});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value()) << "alice entered this field herself";

  Result<std::optional<TaskDetail>> gold = store_->ClaimGoldTask({.user_id = bob_});
  ASSERT_TRUE(gold.ok() && gold->has_value()) << gold.status().message(Lang::kEn);
  const TaskDetail& g = **gold;
  EXPECT_EQ(g.task.kind, TaskKind::kGold);
  EXPECT_EQ(g.task.state, TaskState::kLeased);
  EXPECT_EQ(g.lease_owner, bob_);
  EXPECT_EQ(g.gold_answer, "1950-04-01");
  EXPECT_EQ(g.field_type, "date");
  EXPECT_EQ(g.task.reason, "確信度が低い") << "a gold task looks like any other";
  EXPECT_EQ(g.ocr_value, "read birth_date");

  TaskSettlement change_field = Submit(g.task.id, bob_, "1950-04-02");
  EXPECT_EQ(store_->SettleTask(change_field).status().code(), StatusCode::kInvalidArgument);

  TaskSettlement answer = Submit(g.task.id, bob_, "1950-04-02");
  answer.field_state.reset();
  answer.field_value.reset();
  answer.gold_correct = false;
  EXPECT_EQ(*store_->SettleTask(answer), DocumentState::kVerified);
  const FieldRecord field = FieldNamed(doc, "birth_date");
  EXPECT_EQ(field.value, "1950-04-01");
  EXPECT_EQ(field.state, FieldState::kVerified);
  EXPECT_EQ(store_->GetTask(g.task.id)->entries[0].gold_correct, false);
  EXPECT_FALSE(store_->ClaimGoldTask({.user_id = bob_})->has_value())
      << "bob has answered this field now";
}

TEST_F(ReviewStoreTest, GoldTaskComesOnlyFromFieldsAPersonVerified) {
  AddReadDocument({{.name = "applicant_name", .auto_accept = true}, {.name = "address"}});
  Result<std::optional<TaskDetail>> gold = store_->ClaimGoldTask({.user_id = bob_});
  ASSERT_TRUE(gold.ok());
  EXPECT_FALSE(gold->has_value());
}

TEST_F(ReviewStoreTest, GoldLeaseThatRunsOutIsClosedNotQueued) {
  AddReadDocument({{.name = "applicant_name"}});
  std::optional<TaskDetail> task = Claim(alice_);
  ASSERT_TRUE(store_->SettleTask(Submit(task->task.id, alice_, "x")).ok());
  Result<std::optional<TaskDetail>> gold = store_->ClaimGoldTask({.user_id = bob_});
  ASSERT_TRUE(gold.ok() && gold->has_value());
  {
    RawDb raw(db_path_);
    ASSERT_EQ(raw.Exec("UPDATE review_tasks SET lease_expires_at = " + TimeAgo(1) +
                       " WHERE kind = 'gold'"),
              SQLITE_OK);
  }
  EXPECT_FALSE(Claim(alice_).has_value());
  EXPECT_EQ(store_->GetTask((*gold)->task.id)->task.state, TaskState::kDone);
}

// ---- audit ----------------------------------------------------------------------------------

TEST_F(ReviewStoreTest, AuditLogKeepsEveryClaimAndEntry) {
  const std::int64_t doc = AddReadDocument({{.name = "applicant_name"}});
  std::optional<TaskDetail> first = Claim(alice_);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(store_->SettleTask(Skip(first->task.id, alice_)).ok());
  std::optional<TaskDetail> second = Claim(bob_);
  ASSERT_TRUE(second.has_value());
  TaskSettlement submit = Submit(second->task.id, bob_, "塩尻 太郎");
  submit.audit_detail_json = R"({"task":)" + std::to_string(second->task.id) + "}";
  ASSERT_TRUE(store_->SettleTask(submit).ok());

  Result<std::vector<AuditEvent>> audit = store_->RecentAudit(5);
  ASSERT_TRUE(audit.ok());
  std::vector<std::string> actions;
  for (auto it = audit->rbegin(); it != audit->rend(); ++it) actions.push_back(it->action);
  EXPECT_THAT(actions, ElementsAre("review.claim", "review.skip", "review.claim", "review.submit",
                                   "document.verified"));
  const AuditEvent& claim = (*audit)[4];
  EXPECT_EQ(claim.user_id, alice_);
  EXPECT_EQ(claim.document_id, doc);
  EXPECT_EQ(claim.field_id, first->task.field_id);
  const nlohmann::json detail = nlohmann::json::parse(claim.detail_json);
  EXPECT_EQ(detail["task"], first->task.id);
  EXPECT_EQ(detail["kind"], "field");
  EXPECT_EQ((*audit)[3].user_id, alice_);
  EXPECT_EQ((*audit)[1].user_id, bob_);
  EXPECT_EQ((*audit)[1].field_id, first->task.field_id);
  EXPECT_EQ((*audit)[1].detail_json, submit.audit_detail_json);
}

// ---- what supervisors count -------------------------------------------------------------------

TEST_F(ReviewStoreTest, CountQueueCountsUnsettledTasksByTenantFormAndType) {
  AddReadDocument(
      {{.name = "applicant_name"}, {.name = "address"}, {.name = "birth_date", .type = "date"}});
  AddReadDocument({{.name = "applicant_name"}}, "okaya");
  ASSERT_TRUE(Claim({.user_id = alice_, .field_type = "date"}).has_value());
  std::optional<TaskDetail> text = Claim(bob_);
  ASSERT_TRUE(text.has_value());
  TaskSettlement escalate = Submit(text->task.id, bob_, "");
  escalate.action = EntryAction::kEscalate;
  escalate.new_state = TaskState::kEscalated;
  escalate.field_state.reset();
  escalate.field_value.reset();
  ASSERT_TRUE(store_->SettleTask(escalate).ok());

  Result<std::vector<QueueDepth>> queue = store_->CountQueue({default_tenant_});
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 2u);
  EXPECT_EQ((*queue)[0].tenant_code, "default");
  EXPECT_EQ((*queue)[0].form_id, form_.id);
  EXPECT_EQ((*queue)[0].field_type, "date");
  EXPECT_EQ((*queue)[0].leased, 1);
  EXPECT_EQ((*queue)[0].open, 0);
  EXPECT_EQ((*queue)[1].field_type, "text");
  EXPECT_EQ((*queue)[1].open, 1);
  EXPECT_EQ((*queue)[1].escalated, 1);

  Result<std::vector<QueueDepth>> both = store_->CountQueue({default_tenant_, okaya_});
  ASSERT_EQ(both->size(), 3u);
  EXPECT_EQ((*both)[2].tenant_code, "okaya");
  EXPECT_EQ((*both)[2].open, 1);
  EXPECT_TRUE(store_->CountQueue({shiojiri_})->empty());
}

TEST_F(ReviewStoreTest, CountActivityCountsEntriesTimeAndGoldPerReviewerButNotSkips) {
  AddReadDocument({{.name = "applicant_name"}, {.name = "address"}, {.name = "phone"}});
  AddReadDocument({{.name = "applicant_name"}}, "okaya");
  std::optional<TaskDetail> a1 = Claim(alice_);
  ASSERT_TRUE(store_->SettleTask(Submit(a1->task.id, alice_, "x")).ok());
  std::optional<TaskDetail> a2 = Claim(alice_);
  ASSERT_TRUE(store_->SettleTask(Skip(a2->task.id, alice_)).ok());
  std::optional<TaskDetail> b1 = Claim(bob_);
  ASSERT_TRUE(store_->SettleTask(Submit(b1->task.id, bob_, "y")).ok());
  Result<std::optional<TaskDetail>> gold = store_->ClaimGoldTask({.user_id = bob_});
  ASSERT_TRUE(gold.ok() && gold->has_value());
  TaskSettlement answer = Submit((*gold)->task.id, bob_, "x");
  answer.field_state.reset();
  answer.field_value.reset();
  answer.gold_correct = true;
  ASSERT_TRUE(store_->SettleTask(answer).ok());

  Result<std::vector<ReviewerActivity>> activity =
      store_->CountActivity({default_tenant_}, "2000-01-01T00:00:00Z", std::nullopt);
  ASSERT_TRUE(activity.ok()) << activity.status().message(Lang::kEn);
  ASSERT_EQ(activity->size(), 2u);
  EXPECT_EQ((*activity)[0].name, "alice");
  EXPECT_EQ((*activity)[0].display_name, "alice さん");
  EXPECT_EQ((*activity)[0].entries, 1) << "the skip is not work done";
  EXPECT_EQ((*activity)[0].gold_total, 0);
  EXPECT_EQ((*activity)[1].name, "bob");
  EXPECT_EQ((*activity)[1].entries, 2);
  EXPECT_EQ((*activity)[1].gold_total, 1);
  EXPECT_EQ((*activity)[1].gold_correct, 1);
  EXPECT_GE((*activity)[1].seconds, 0);

  Result<std::vector<ReviewerActivity>> bobs =
      store_->CountActivity({default_tenant_}, "2000-01-01T09:00:00+09:00", bob_);
  ASSERT_TRUE(bobs.ok());
  ASSERT_EQ(bobs->size(), 1u);
  EXPECT_EQ((*bobs)[0].user_id, bob_);
  EXPECT_TRUE(store_->CountActivity({okaya_}, "2000-01-01T00:00:00Z", std::nullopt)->empty());
  EXPECT_TRUE(
      store_->CountActivity({default_tenant_}, "2999-01-01T00:00:00Z", std::nullopt)->empty());
  EXPECT_EQ(store_->CountActivity({default_tenant_}, "yesterday", std::nullopt).status().code(),
            StatusCode::kInvalidArgument);
}

// ---- people ---------------------------------------------------------------------------------

TEST_F(ReviewStoreTest, AddedUserHasTheirTenantFirstThenTheTenantsThatGrantedThem) {
  NewUser user;
  user.name = "eve";
  user.display_name = "伊部";
  user.role = Role::kSupervisor;
  user.tenant_code = "shiojiri";
  user.password_hash = "hash";
  user.grant_tenant_codes = {"okaya", std::string(kDefaultTenant), "shiojiri"};
  Result<User> added = store_->AddUser(user);
  ASSERT_TRUE(added.ok()) << added.status().message(Lang::kEn);
  EXPECT_EQ(added->name, "eve");
  EXPECT_EQ(added->display_name, "伊部");
  EXPECT_EQ(added->role, Role::kSupervisor);
  EXPECT_EQ(added->tenant_code, "shiojiri");
  EXPECT_EQ(added->tenant_id, shiojiri_);
  EXPECT_EQ(added->password_hash, "hash");
  EXPECT_FALSE(added->disabled);
  EXPECT_THAT(added->review_tenant_ids, ElementsAre(shiojiri_, default_tenant_, okaya_));

  Result<User> by_name = store_->GetUserByName("eve");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->id, added->id);
  EXPECT_EQ(by_name->review_tenant_ids, added->review_tenant_ids);
  EXPECT_EQ(store_->GetUser(added->id)->name, "eve");
}

TEST_F(ReviewStoreTest, AddUserRefusesATakenNameAnUnknownTenantAndAnEmptyNameOrHash) {
  NewUser user;
  user.name = "alice";
  user.password_hash = "hash";
  EXPECT_EQ(store_->AddUser(user).status().code(), StatusCode::kAlreadyExists);
  user.name = "frank";
  user.tenant_code = "nagano";
  EXPECT_EQ(store_->AddUser(user).status().code(), StatusCode::kNotFound);
  user.tenant_code = std::string(kDefaultTenant);
  user.grant_tenant_codes = {"nagano"};
  EXPECT_EQ(store_->AddUser(user).status().code(), StatusCode::kNotFound);
  user.grant_tenant_codes.clear();
  user.password_hash.clear();
  EXPECT_EQ(store_->AddUser(user).status().code(), StatusCode::kInvalidArgument);
  user.password_hash = "hash";
  user.name.clear();
  EXPECT_EQ(store_->AddUser(user).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetUserByName("frank").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetUser(9999).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetTenant("nagano").status().code(), StatusCode::kNotFound)
      << "adding a user never creates a tenant";
}

TEST_F(ReviewStoreTest, AddedUserIsAuditedWithoutTheirPasswordHash) {
  const std::int64_t id = AddUser("grace", Role::kAdmin);
  Result<std::vector<AuditEvent>> audit = store_->RecentAudit(1);
  ASSERT_EQ((*audit)[0].action, "user.added");
  const nlohmann::json detail = nlohmann::json::parse((*audit)[0].detail_json);
  EXPECT_EQ(detail["user"], id);
  EXPECT_EQ(detail["name"], "grace");
  EXPECT_EQ(detail["role"], "admin");
  EXPECT_THAT((*audit)[0].detail_json, ::testing::Not(HasSubstr("argon2")));
}

TEST_F(ReviewStoreTest, ListUsersGivesOneTenantsUsersOrEveryone) {
  const std::int64_t carol = AddUser("carol", Role::kFrontdesk, "okaya");
  Result<std::vector<User>> everyone = store_->ListUsers(std::nullopt);
  ASSERT_TRUE(everyone.ok());
  std::vector<std::string> names;
  for (const User& user : *everyone) names.push_back(user.name);
  EXPECT_THAT(names, ElementsAre("alice", "bob", "carol"));
  Result<std::vector<User>> okaya = store_->ListUsers(okaya_);
  ASSERT_EQ(okaya->size(), 1u);
  EXPECT_EQ((*okaya)[0].id, carol);
  EXPECT_EQ((*okaya)[0].role, Role::kFrontdesk);
}

// ---- sessions and login throttling ----------------------------------------------------------

class SessionStoreTest : public ReviewStoreTest {
 protected:
  Session NewSession(std::int64_t user, char fill = 'a') {
    Session session;
    session.token_sha256 = std::string(64, fill);
    session.user_id = user;
    session.csrf_token = std::string(43, 'c');
    return session;
  }
};

TEST_F(SessionStoreTest, SessionIsFoundWithItsUserUntilItExpires) {
  ASSERT_TRUE(store_->CreateSession(NewSession(alice_), 3600).ok());
  Result<std::optional<std::pair<Session, User>>> found = store_->FindSession(std::string(64, 'a'));
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->first.user_id, alice_);
  EXPECT_EQ((*found)->first.csrf_token, std::string(43, 'c'));
  EXPECT_GT((*found)->first.expires_at, (*found)->first.created_at);
  EXPECT_EQ((*found)->second.name, "alice");
  EXPECT_FALSE(store_->FindSession(std::string(64, 'b'))->has_value());
  {
    RawDb raw(db_path_);
    ASSERT_EQ(raw.Exec("UPDATE sessions SET expires_at = " + TimeAgo(1)), SQLITE_OK);
  }
  EXPECT_FALSE(store_->FindSession(std::string(64, 'a'))->has_value());
}

TEST_F(SessionStoreTest, SessionOfADisabledUserIsNotFound) {
  ASSERT_TRUE(store_->CreateSession(NewSession(alice_), 3600).ok());
  RawDb raw(db_path_);
  ASSERT_EQ(raw.Exec("UPDATE users SET disabled = 1 WHERE name = 'alice'"), SQLITE_OK);
  EXPECT_FALSE(store_->FindSession(std::string(64, 'a'))->has_value());
}

TEST_F(SessionStoreTest, DeletedSessionIsNotFoundAndDeletingTwiceIsFine) {
  ASSERT_TRUE(store_->CreateSession(NewSession(alice_), 3600).ok());
  ASSERT_TRUE(store_->CreateSession(NewSession(bob_, 'b'), 3600).ok());
  EXPECT_TRUE(store_->DeleteSession(std::string(64, 'a')).ok());
  EXPECT_TRUE(store_->DeleteSession(std::string(64, 'a')).ok());
  EXPECT_FALSE(store_->FindSession(std::string(64, 'a'))->has_value());
  EXPECT_TRUE(store_->FindSession(std::string(64, 'b'))->has_value()) << "bob is still in";
}

TEST_F(SessionStoreTest, MalformedSessionsAreRefused) {
  Session bad_token = NewSession(alice_);
  bad_token.token_sha256 = "not-a-hash";
  EXPECT_EQ(store_->CreateSession(bad_token, 3600).code(), StatusCode::kInvalidArgument);
  Session short_csrf = NewSession(alice_);
  short_csrf.csrf_token = "abc";
  EXPECT_EQ(store_->CreateSession(short_csrf, 3600).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->CreateSession(NewSession(alice_), 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->CreateSession(NewSession(9999), 3600).code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->CreateSession(NewSession(alice_), 3600).ok());
  EXPECT_EQ(store_->CreateSession(NewSession(bob_), 3600).code(), StatusCode::kAlreadyExists);
}

TEST_F(SessionStoreTest, LoginFailuresAreCountedPerKeyWithinTheWindowUntilCleared) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_->RecordLoginFailure("alice").ok());
  ASSERT_TRUE(store_->RecordLoginFailure("192.0.2.7").ok());
  EXPECT_EQ(*store_->CountLoginFailures("alice", 900), 3);
  EXPECT_EQ(*store_->CountLoginFailures("192.0.2.7", 900), 1);
  EXPECT_EQ(*store_->CountLoginFailures("bob", 900), 0);
  {
    RawDb raw(db_path_);
    ASSERT_EQ(raw.Exec("UPDATE login_failures SET at = " + TimeAgo(3600) +
                       " WHERE id = (SELECT min(id) FROM login_failures)"),
              SQLITE_OK);
  }
  EXPECT_EQ(*store_->CountLoginFailures("alice", 900), 2) << "an hour ago is outside the window";
  ASSERT_TRUE(store_->ClearLoginFailures("alice").ok());
  EXPECT_EQ(*store_->CountLoginFailures("alice", 900), 0);
  EXPECT_EQ(*store_->CountLoginFailures("192.0.2.7", 900), 1);
}

// ---- names ----------------------------------------------------------------------------------

TEST(ReviewNamesTest, EveryRoleAndEntryActionNameParsesBack) {
  for (Role r :
       {Role::kAdmin, Role::kSupervisor, Role::kFrontdesk, Role::kReviewer, Role::kDepartment}) {
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  }
  for (EntryAction a : {EntryAction::kSubmit, EntryAction::kUnreadable, EntryAction::kSkip,
                        EntryAction::kEscalate, EntryAction::kDecide}) {
    EXPECT_EQ(ParseEntryAction(EntryActionName(a)), a);
  }
  EXPECT_EQ(RoleName(Role::kFrontdesk), "frontdesk");
  EXPECT_EQ(EntryActionName(EntryAction::kUnreadable), "unreadable");
  EXPECT_FALSE(ParseRole("Admin").has_value());
  EXPECT_FALSE(ParseEntryAction("").has_value());
}

}  // namespace
}  // namespace adbridge::models
