#include "review/review_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "models/blob_store.h"
#include "models/store.h"

namespace adbridge::review {
namespace {

namespace fs = std::filesystem;
using models::DocumentState;
using models::FieldState;
using models::Role;
using models::TaskKind;
using models::User;

// A small form with one field of each kind the queue treats differently.
constexpr char kDefinition[] = R"({
  "id": "review-test", "version": 1, "title": "確認テスト様式",
  "pages": [{"size_mm": [210, 297], "reference": "p1.png"}],
  "fields": [
    {"name": "birth_date", "label": "生年月日", "page": 1, "box_mm": [10, 10, 50, 10],
     "type": "date"},
    {"name": "postal_code", "label": "郵便番号", "page": 1, "box_mm": [10, 30, 50, 10],
     "type": "postal_code"},
    {"name": "address", "label": "住所", "page": 1, "box_mm": [10, 50, 150, 10], "type": "text",
     "pattern": "^(東京都|北海道|京都府|大阪府|長野県).*", "confirm_invalid": true},
    {"name": "copies", "label": "必要枚数", "page": 1, "box_mm": [10, 70, 20, 10],
     "type": "integer", "min": 1, "max": 20, "double_entry": true},
    {"name": "my_number", "label": "個人番号", "page": 1, "box_mm": [10, 90, 100, 10],
     "type": "digits", "length": 12, "check": "mynumber", "on_site_only": true}
  ]})";

struct FieldSpec {
  std::string name;
  std::string type;
  std::string ocr_value;
  TaskKind kind = TaskKind::kField;
  bool on_site_only = false;
};

class ReviewQueueTest : public ::testing::Test {
 protected:
  ReviewQueueTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-review-test-" + std::to_string(rd()));
    fs::create_directories(dir_);
    blobs_ = std::make_unique<models::BlobStore>(dir_ / "blobs");
    store_ = OpenStore();
    models::FormRecord form;
    form.id = "review-test";
    form.version = 1;
    form.title = "確認テスト様式";
    form.definition_json = kDefinition;
    form.reference_sha256 = {AddBlob("reference page")};
    EXPECT_TRUE(store_->AddForm(form).ok());
    EXPECT_TRUE(store_->EnsureTenant("beta", "別の市").ok());
  }
  ~ReviewQueueTest() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<models::Store> OpenStore() {
    Result<std::unique_ptr<models::Store>> store = models::OpenSqliteStore(dir_ / "adbridge.db");
    EXPECT_TRUE(store.ok()) << store.status().message(Lang::kEn);
    return store.ok() ? std::move(store).value() : nullptr;
  }

  std::string AddBlob(const std::string& content) {
    const std::vector<std::uint8_t> bytes(content.begin(), content.end());
    Result<std::string> sha = blobs_->Put(bytes);
    EXPECT_TRUE(sha.ok());
    EXPECT_TRUE(
        store_->RecordBlob(*sha, static_cast<std::int64_t>(bytes.size()), "image/png").ok());
    return *sha;
  }

  User AddUser(const std::string& name, Role role, const std::string& tenant = "default") {
    models::NewUser user;
    user.name = name;
    user.role = role;
    user.tenant_code = tenant;
    user.password_hash = "$argon2id$not-used-in-these-tests";
    Result<User> added = store_->AddUser(user);
    EXPECT_TRUE(added.ok()) << added.status().message(Lang::kEn);
    return added.ok() ? *added : User{};
  }

  // A read document of the test form whose listed fields wait for review.
  std::int64_t AddDocument(const std::vector<FieldSpec>& fields,
                           const std::string& tenant = "default") {
    models::NewDocument scan;
    scan.tenant_code = tenant;
    scan.source_name = "scan-" + std::to_string(++documents_) + ".png";
    scan.original_sha256 = AddBlob("original " + std::to_string(documents_));
    scan.media_type = "image/png";
    scan.original_size = 10;
    scan.pages = {{1000, 1400, 200}};
    Result<models::DocumentInsert> inserted = store_->InsertDocument(scan);
    EXPECT_TRUE(inserted.ok());
    Result<std::optional<models::Document>> claimed = store_->ClaimDocument("test-worker", 600);
    EXPECT_TRUE(claimed.ok() && claimed->has_value());
    models::DocumentReading reading;
    reading.document_id = inserted->document_id;
    reading.worker = "test-worker";
    reading.form_id = "review-test";
    reading.form_version = 1;
    reading.pages = {{0, 1, models::PageOutcome::kIdentified, ""}};
    for (const FieldSpec& spec : fields) {
      models::DocumentReading::Field field;
      field.name = spec.name;
      field.ocr_value = spec.ocr_value;
      field.confidence = 0.5;
      field.auto_accept = false;
      field.snippet_sha256 = AddBlob("snippet " + spec.name + std::to_string(documents_));
      field.task_kind = spec.kind;
      field.review_reason = "確信度が低い";
      field.field_type = spec.type;
      field.on_site_only = spec.on_site_only;
      reading.fields.push_back(field);
    }
    Status recorded = store_->RecordReading(reading);
    EXPECT_TRUE(recorded.ok()) << recorded.message(Lang::kEn);
    return inserted->document_id;
  }

  models::FieldRecord Field(std::int64_t document, const std::string& name) {
    Result<std::vector<models::FieldRecord>> fields = store_->ListFields(document);
    EXPECT_TRUE(fields.ok());
    for (const models::FieldRecord& field : *fields) {
      if (field.name == name) return field;
    }
    ADD_FAILURE() << "no field " << name;
    return {};
  }

  DocumentState StateOf(std::int64_t document) {
    Result<models::Document> found = store_->GetDocument(document);
    EXPECT_TRUE(found.ok());
    return found->state;
  }

  ReviewItem NextFor(ReviewQueue& queue, const User& user,
                     std::optional<std::string> field_type = std::nullopt) {
    Result<std::optional<ReviewItem>> item = queue.Next(user, field_type);
    EXPECT_TRUE(item.ok()) << item.status().message(Lang::kEn);
    EXPECT_TRUE(item.ok() && item->has_value()) << "the queue should have a task for " << user.name;
    return item.ok() && item->has_value() ? **item : ReviewItem{};
  }

  bool QueueIsEmptyFor(ReviewQueue& queue, const User& user) {
    Result<std::optional<ReviewItem>> item = queue.Next(user, std::nullopt);
    EXPECT_TRUE(item.ok());
    return item.ok() && !item->has_value();
  }

  fs::path dir_;
  std::unique_ptr<models::BlobStore> blobs_;
  std::unique_ptr<models::Store> store_;
  int documents_ = 0;
};

const FieldSpec kBirthDate{"birth_date", "date", "1950-04-01"};
const FieldSpec kPostal{"postal_code", "postal_code", "399-0711"};
const FieldSpec kAddress{"address", "text", "長野県塩尻市大門七番町3-3"};
const FieldSpec kCopies{"copies", "integer", "2", TaskKind::kDoubleEntry};
const FieldSpec kMyNumber{"my_number", "digits", "123456789018", TaskKind::kField, true};

TEST_F(ReviewQueueTest, NextHandsOutOneFieldWithTheMachinesReadingPrefilled) {
  AddDocument({kBirthDate});
  const User reviewer = AddUser("hanako", Role::kReviewer);
  ReviewQueue queue(*store_, {});
  const ReviewItem item = NextFor(queue, reviewer);
  EXPECT_EQ(item.label, "生年月日");
  EXPECT_EQ(item.field_type, "date");
  EXPECT_EQ(item.form_title, "確認テスト様式");
  EXPECT_EQ(item.prefill, "1950-04-01");
  EXPECT_FALSE(item.blind);
  EXPECT_TRUE(item.snippet_sha256.has_value());
  EXPECT_TRUE(QueueIsEmptyFor(queue, reviewer)) << "a leased task is not handed out again";
}

TEST_F(ReviewQueueTest, OnlyReviewersAndSupervisorsMayAskForWork) {
  AddDocument({kBirthDate});
  ReviewQueue queue(*store_, {});
  for (Role role : {Role::kAdmin, Role::kFrontdesk, Role::kDepartment}) {
    const User user = AddUser(std::string(models::RoleName(role)) + "-user", role);
    Result<std::optional<ReviewItem>> item = queue.Next(user, std::nullopt);
    ASSERT_FALSE(item.ok());
    EXPECT_EQ(item.status().code(), StatusCode::kPermissionDenied);
  }
}

TEST_F(ReviewQueueTest, SubmittingTheLastTaskVerifiesTheFieldAndTheDocument) {
  const std::int64_t doc = AddDocument({kBirthDate, kPostal});
  const User reviewer = AddUser("hanako", Role::kReviewer);
  ReviewQueue queue(*store_, {});
  const ReviewItem first = NextFor(queue, reviewer);
  Result<EntryResult> done = queue.Submit(reviewer, first.task_id, "昭和25年4月1日", false);
  ASSERT_TRUE(done.ok()) << done.status().message(Lang::kEn);
  EXPECT_EQ(done->outcome, Outcome::kVerified);
  EXPECT_EQ(done->document_state, DocumentState::kInReview) << "one field still waits";
  EXPECT_EQ(Field(doc, "birth_date").value, "1950-04-01") << "the entry is normalised";
  EXPECT_EQ(Field(doc, "birth_date").state, FieldState::kVerified);

  const ReviewItem second = NextFor(queue, reviewer);
  Result<EntryResult> last = queue.Submit(reviewer, second.task_id, "〒399-0711", false);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->document_state, DocumentState::kVerified);
  EXPECT_EQ(StateOf(doc), DocumentState::kVerified);
}

TEST_F(ReviewQueueTest, AValueThatFailsTheFieldsRulesIsRefusedAndChangesNothing) {
  const std::int64_t doc = AddDocument({kPostal});
  const User reviewer = AddUser("hanako", Role::kReviewer);
  ReviewQueue queue(*store_, {});
  const ReviewItem item = NextFor(queue, reviewer);
  Result<EntryResult> refused = queue.Submit(reviewer, item.task_id, "39907", true);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->outcome, Outcome::kRefused);
  EXPECT_FALSE(refused->can_confirm) << "postal codes are not confirmable as written";
  EXPECT_FALSE(refused->refusal.ja.empty());
  EXPECT_EQ(Field(doc, "postal_code").state, FieldState::kNeedsReview);

  // The task is still the reviewer's: the corrected value goes through.
  Result<EntryResult> corrected = queue.Submit(reviewer, item.task_id, "399-0711", false);
  ASSERT_TRUE(corrected.ok());
  EXPECT_EQ(corrected->outcome, Outcome::kVerified);
}

TEST_F(ReviewQueueTest, ConfirmKeepsAValueThatFailsTheRulesOnlyWhereTheFormAllowsIt) {
  const std::int64_t doc = AddDocument({kAddress});
  const User reviewer = AddUser("hanako", Role::kReviewer);
  ReviewQueue queue(*store_, {});
  const ReviewItem item = NextFor(queue, reviewer);
  const std::string unusual = "塩尻市大門七番町3-3 (県名なし)";
  Result<EntryResult> refused = queue.Submit(reviewer, item.task_id, unusual, false);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->outcome, Outcome::kRefused);
  EXPECT_TRUE(refused->can_confirm);

  Result<EntryResult> confirmed = queue.Submit(reviewer, item.task_id, unusual, true);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_EQ(confirmed->outcome, Outcome::kVerified);
  EXPECT_EQ(Field(doc, "address").value, unusual);
}

TEST_F(ReviewQueueTest, DoubleEntryIsBlindAndNeedsTwoDifferentPeopleWhoAgree) {
  const std::int64_t doc = AddDocument({kCopies});
  const User first = AddUser("hanako", Role::kReviewer);
  const User second = AddUser("taro", Role::kReviewer);
  ReviewQueue queue(*store_, {});

  const ReviewItem a = NextFor(queue, first);
  EXPECT_TRUE(a.blind);
  EXPECT_EQ(a.prefill, "") << "a blind entry shows no reading";
  Result<EntryResult> recorded = queue.Submit(first, a.task_id, "２", false);
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(recorded->outcome, Outcome::kRecorded);
  EXPECT_EQ(Field(doc, "copies").state, FieldState::kNeedsReview);
  EXPECT_TRUE(QueueIsEmptyFor(queue, first)) << "the same person never enters it twice";

  const ReviewItem b = NextFor(queue, second);
  EXPECT_EQ(b.task_id, a.task_id);
  EXPECT_EQ(b.prefill, "") << "the second person does not see the first entry";
  Result<EntryResult> agreed = queue.Submit(second, b.task_id, "2", false);
  ASSERT_TRUE(agreed.ok());
  EXPECT_EQ(agreed->outcome, Outcome::kVerified);
  EXPECT_EQ(Field(doc, "copies").value, "2");
  EXPECT_EQ(StateOf(doc), DocumentState::kVerified);
}

TEST_F(ReviewQueueTest, DoubleEntryDisagreementWaitsForASupervisorWhoDecides) {
  const std::int64_t doc = AddDocument({kCopies});
  const User first = AddUser("hanako", Role::kReviewer);
  const User second = AddUser("taro", Role::kReviewer);
  const User supervisor = AddUser("kacho", Role::kSupervisor);
  ReviewQueue queue(*store_, {});
  const ReviewItem a = NextFor(queue, first);
  ASSERT_TRUE(queue.Submit(first, a.task_id, "2", false).ok());
  const ReviewItem b = NextFor(queue, second);
  Result<EntryResult> disagreed = queue.Submit(second, b.task_id, "7", false);
  ASSERT_TRUE(disagreed.ok());
  EXPECT_EQ(disagreed->outcome, Outcome::kDisagreement);
  EXPECT_EQ(Field(doc, "copies").state, FieldState::kNeedsReview);
  EXPECT_EQ(StateOf(doc), DocumentState::kInReview);
  EXPECT_TRUE(QueueIsEmptyFor(queue, supervisor)) << "a disagreement is not back in the queue";

  Result<std::vector<Escalation>> waiting = queue.Escalations(supervisor);
  ASSERT_TRUE(waiting.ok());
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ(waiting->front().label, "必要枚数");
  ASSERT_EQ(waiting->front().detail.entries.size(), 2u);
  EXPECT_EQ(waiting->front().detail.entries[0].value, "2");
  EXPECT_EQ(waiting->front().detail.entries[1].value, "7");

  Result<EntryResult> refused = queue.Decide(first, a.task_id, "2", false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);

  Result<EntryResult> decided = queue.Decide(supervisor, a.task_id, "2", false);
  ASSERT_TRUE(decided.ok());
  EXPECT_EQ(decided->outcome, Outcome::kVerified);
  EXPECT_EQ(Field(doc, "copies").value, "2");
  EXPECT_EQ(StateOf(doc), DocumentState::kVerified);
}

TEST_F(ReviewQueueTest, ASkippedTaskGoesBackToTheQueueButNotToTheSamePersonAtOnce) {
  AddDocument({kBirthDate});
  const User hanako = AddUser("hanako", Role::kReviewer);
  const User taro = AddUser("taro", Role::kReviewer);
  ReviewQueue queue(*store_, {});
  const ReviewItem item = NextFor(queue, hanako);
  Result<EntryResult> skipped = queue.Skip(hanako, item.task_id);
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->outcome, Outcome::kSkipped);
  EXPECT_TRUE(QueueIsEmptyFor(queue, hanako));
  EXPECT_EQ(NextFor(queue, taro).task_id, item.task_id);
}

TEST_F(ReviewQueueTest, EscalationAndUnreadableSettleAsAPersonSaid) {
  const std::int64_t doc = AddDocument({kBirthDate, kPostal});
  const User reviewer = AddUser("hanako", Role::kReviewer);
  const User supervisor = AddUser("kacho", Role::kSupervisor);
  ReviewQueue queue(*store_, {});
  const ReviewItem date = NextFor(queue, reviewer);
  Result<EntryResult> escalated = queue.Escalate(reviewer, date.task_id, "年号が二つ書かれている");
  ASSERT_TRUE(escalated.ok());
  EXPECT_EQ(escalated->outcome, Outcome::kEscalated);
  const ReviewItem postal = NextFor(queue, reviewer);
  Result<EntryResult> unreadable = queue.MarkUnreadable(reviewer, postal.task_id, "にじんでいる");
  ASSERT_TRUE(unreadable.ok());
  EXPECT_EQ(Field(doc, "postal_code").state, FieldState::kUnreadable);
  EXPECT_FALSE(Field(doc, "postal_code").value.has_value());
  EXPECT_EQ(StateOf(doc), DocumentState::kInReview) << "the escalation is still open";

  Result<std::vector<Escalation>> waiting = queue.Escalations(supervisor);
  ASSERT_TRUE(waiting.ok());
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ(waiting->front().detail.entries.back().note, "年号が二つ書かれている");
  ASSERT_TRUE(queue.Decide(supervisor, date.task_id, std::nullopt, false).ok());
  EXPECT_EQ(Field(doc, "birth_date").state, FieldState::kUnreadable);
  EXPECT_EQ(StateOf(doc), DocumentState::kVerified);
}

TEST_F(ReviewQueueTest, OnSiteOnlyFieldsNeverReachARemoteReviewer) {
  AddDocument({kMyNumber});
  const User reviewer = AddUser("hanako", Role::kReviewer);
  const User supervisor = AddUser("kacho", Role::kSupervisor);
  ReviewQueue queue(*store_, {});
  EXPECT_TRUE(QueueIsEmptyFor(queue, reviewer));
  const ReviewItem item = NextFor(queue, supervisor);
  EXPECT_EQ(item.field_name, "my_number");
  Result<models::TaskDetail> snippet = queue.TaskForSnippet(reviewer, item.task_id);
  ASSERT_FALSE(snippet.ok());
  EXPECT_EQ(snippet.status().code(), StatusCode::kNotFound);
}

TEST_F(ReviewQueueTest, AReviewerSeesNothingOfAnotherMunicipality) {
  AddDocument({kBirthDate}, "beta");
  const User ours = AddUser("hanako", Role::kReviewer);
  const User theirs = AddUser("beta-reviewer", Role::kReviewer, "beta");
  ReviewQueue queue(*store_, {});
  EXPECT_TRUE(QueueIsEmptyFor(queue, ours));
  const ReviewItem item = NextFor(queue, theirs);
  for (auto attempt : {0, 1}) {
    Result<EntryResult> result = attempt == 0
                                     ? queue.Submit(ours, item.task_id, "1950-04-01", false)
                                     : queue.Skip(ours, item.task_id);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kNotFound) << "not forbidden: not found";
  }
  EXPECT_EQ(queue.TaskForSnippet(ours, item.task_id).status().code(), StatusCode::kNotFound);
}

TEST_F(ReviewQueueTest, AnEntryAfterTheLeaseRanOutIsRefusedAndTheTaskGoesToTheNextPerson) {
  const std::int64_t doc = AddDocument({kBirthDate});
  const User slow = AddUser("hanako", Role::kReviewer);
  const User next = AddUser("taro", Role::kReviewer);
  QueueOptions options;
  options.lease_seconds = 1;
  ReviewQueue queue(*store_, options);
  const ReviewItem item = NextFor(queue, slow);
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  const ReviewItem again = NextFor(queue, next);
  EXPECT_EQ(again.task_id, item.task_id) << "an expired lease returns the task";
  Result<EntryResult> late = queue.Submit(slow, item.task_id, "1950-04-01", false);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Field(doc, "birth_date").state, FieldState::kNeedsReview);
}

TEST_F(ReviewQueueTest, GoldTasksMeasureEachReviewersAccuracyWithoutChangingTheField) {
  const std::int64_t first = AddDocument({kBirthDate});
  const std::int64_t second = AddDocument({kPostal});
  const User expert = AddUser("hanako", Role::kReviewer);
  const User trainee = AddUser("taro", Role::kReviewer);
  {
    ReviewQueue settle(*store_, {});
    for (int i = 0; i < 2; ++i) {
      const ReviewItem item = NextFor(settle, expert);
      const std::string value = item.field_type == "date" ? "1950-04-01" : "399-0711";
      ASSERT_TRUE(settle.Submit(expert, item.task_id, value, false).ok());
    }
  }
  QueueOptions options;
  options.gold_rate = 1.0;
  ReviewQueue queue(*store_, options);
  int answered = 0;
  for (int i = 0; i < 2; ++i) {
    const ReviewItem item = NextFor(queue, trainee);
    // One right answer and one wrong one.
    const std::string value = item.field_type == "date" ? "1950-04-01" : "399-0000";
    Result<EntryResult> result = queue.Submit(trainee, item.task_id, value, false);
    ASSERT_TRUE(result.ok()) << result.status().message(Lang::kEn);
    EXPECT_EQ(result->outcome, Outcome::kVerified) << "a gold task looks like any other";
    ++answered;
  }
  EXPECT_EQ(answered, 2);
  EXPECT_EQ(Field(first, "birth_date").value, "1950-04-01");
  EXPECT_EQ(Field(second, "postal_code").value, "399-0711")
      << "the wrong gold answer changed nothing";
  EXPECT_EQ(StateOf(second), DocumentState::kVerified);

  Result<std::vector<models::ReviewerActivity>> activity =
      store_->CountActivity(trainee.review_tenant_ids, "2000-01-01T00:00:00.000Z", trainee.id);
  ASSERT_TRUE(activity.ok());
  ASSERT_EQ(activity->size(), 1u);
  EXPECT_EQ(activity->front().gold_total, 2);
  EXPECT_EQ(activity->front().gold_correct, 1);
}

TEST_F(ReviewQueueTest, EveryClaimViewAndEntryIsAuditedWithoutTheValues) {
  const std::int64_t doc = AddDocument({kBirthDate});
  const User reviewer = AddUser("hanako", Role::kReviewer);
  ReviewQueue queue(*store_, {});
  const ReviewItem item = NextFor(queue, reviewer);
  ASSERT_TRUE(queue.TaskForSnippet(reviewer, item.task_id).ok());
  ASSERT_TRUE(queue.Submit(reviewer, item.task_id, "1951-04-01", false).ok());

  Result<std::vector<models::AuditEvent>> events = store_->RecentAudit(50);
  ASSERT_TRUE(events.ok());
  std::map<std::string, models::AuditEvent> by_action;
  for (const models::AuditEvent& event : *events) {
    if (event.document_id == doc) by_action.emplace(event.action, event);
  }
  for (const char* action : {"review.claim", "review.view", "review.submit"}) {
    ASSERT_TRUE(by_action.count(action)) << action << " is not in the audit log";
    EXPECT_EQ(by_action[action].user_id, reviewer.id) << action;
    EXPECT_FALSE(by_action[action].at.empty()) << action;
  }
  // Which field, how and by whom, never the resident's value: the audit log is read by people
  // who may not see it.
  const nlohmann::json detail = nlohmann::json::parse(by_action["review.submit"].detail_json);
  EXPECT_EQ(detail["field"], "birth_date");
  EXPECT_EQ(detail["value_chars"], 10);
  EXPECT_EQ(detail["same_as_ocr"], false);
  for (const models::AuditEvent& event : *events) {
    EXPECT_EQ(event.detail_json.find("1950"), std::string::npos) << event.detail_json;
    EXPECT_EQ(event.detail_json.find("1951"), std::string::npos) << event.detail_json;
  }
  EXPECT_TRUE(by_action.count("document.verified"));
}

TEST_F(ReviewQueueTest, ConcurrentReviewersNeverGetTheSameTask) {
  std::set<std::int64_t> documents;
  for (int i = 0; i < 30; ++i) documents.insert(AddDocument({kBirthDate, kPostal}));
  std::vector<User> reviewers;
  for (int i = 0; i < 6; ++i)
    reviewers.push_back(AddUser("r" + std::to_string(i), Role::kReviewer));
  // Two stores on one file, as two server processes would be.
  std::unique_ptr<models::Store> other = OpenStore();
  ReviewQueue queue_a(*store_, {});
  ReviewQueue queue_b(*other, {});
  std::mutex mu;
  std::multiset<std::int64_t> claimed;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < reviewers.size(); ++i) {
    threads.emplace_back([&, i] {
      ReviewQueue& queue = i % 2 == 0 ? queue_a : queue_b;
      for (;;) {
        Result<std::optional<ReviewItem>> item = queue.Next(reviewers[i], std::nullopt);
        if (!item.ok() || !item->has_value()) return;
        {
          std::lock_guard lock(mu);
          claimed.insert((*item)->task_id);
        }
        const std::string value = (*item)->field_type == "date" ? "1950-04-01" : "399-0711";
        if (!queue.Submit(reviewers[i], (*item)->task_id, value, false).ok()) return;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(claimed.size(), 60u);
  EXPECT_EQ(std::set<std::int64_t>(claimed.begin(), claimed.end()).size(), claimed.size())
      << "a task was handed to two people";
  for (std::int64_t doc : documents) EXPECT_EQ(StateOf(doc), DocumentState::kVerified);
}

}  // namespace
}  // namespace adbridge::review
