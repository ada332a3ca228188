// The store's side of letters: which verified documents still wait for a letter, and a batch
// recorded whole with one letter per document, so that no resident gets the same letter twice
// whatever two runs do at once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "models/store.h"
#include "tests/models/store_test_support.h"

namespace adbridge::models {
namespace {

using test_support::RawDb;
using test_support::StoreTest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kFieldsJson[] =
    R"([{"name":"applicant_name","type":"text"},{"name":"postal_code","type":"postal_code"}])";

class LetterStoreTest : public StoreTest {
 protected:
  LetterStoreTest() {
    store_ = Open();
    EXPECT_TRUE(store_->AddForm(Form(*store_, "kyufukin-application", 1, kFieldsJson)).ok());
    EXPECT_TRUE(store_->AddForm(Form(*store_, "juminhyo-request", 1, kFieldsJson)).ok());
    EXPECT_TRUE(store_->EnsureTenant("shiojiri", "塩尻市").ok());
    pdf_ = AddBlob(*store_, "%PDF-1.4 a batch of letters", "application/pdf");
  }

  // A document of `form` and `tenant` that a worker read; verified unless `in_review`.
  std::int64_t AddDocument(const std::string& form = "kyufukin-application",
                           const std::string& tenant = std::string(kDefaultTenant),
                           bool in_review = false) {
    NewDocument doc = Scan(AddBlob(*store_, "scan " + std::to_string(++made_)));
    doc.tenant_code = tenant;
    doc.form_id = form;
    Result<DocumentInsert> inserted = store_->InsertDocument(doc);
    EXPECT_TRUE(inserted.ok()) << inserted.status().message(Lang::kEn);
    Result<std::optional<Document>> claimed = store_->ClaimDocument("worker", 600);
    EXPECT_TRUE(claimed.ok() && *claimed && (*claimed)->id == inserted->document_id);
    DocumentReading reading;
    reading.document_id = inserted->document_id;
    reading.worker = "worker";
    reading.form_id = form;
    reading.form_version = 1;
    DocumentReading::Field name;
    name.name = "applicant_name";
    name.ocr_value = "山田 太郎";
    name.confidence = 0.99;
    name.auto_accept = true;
    DocumentReading::Field postal = name;
    postal.name = "postal_code";
    postal.ocr_value = "399-0738";
    postal.auto_accept = !in_review;
    reading.fields = {name, postal};
    EXPECT_TRUE(store_->RecordReading(reading).ok());
    return inserted->document_id;
  }

  // A batch of one page per document, in the order given.
  NewLetterBatch Batch(const std::vector<std::int64_t>& documents) const {
    NewLetterBatch batch;
    batch.template_id = "kyufukin-decision";
    batch.form_id = "kyufukin-application";
    batch.requested_by = "os:clerk";
    batch.pdf_sha256 = pdf_;
    batch.page_count = static_cast<int>(documents.size());
    for (std::size_t i = 0; i < documents.size(); ++i) {
      batch.letters.push_back(
          {.document_id = documents[i], .first_page = static_cast<int>(i) + 1, .page_count = 1});
    }
    return batch;
  }

  std::vector<std::int64_t> Awaiting(const std::string& tenant = std::string(kDefaultTenant),
                                     const std::string& form = "kyufukin-application") {
    Result<std::vector<Document>> docs = store_->ListDocumentsAwaitingLetter(tenant, form);
    EXPECT_TRUE(docs.ok()) << docs.status().message(Lang::kEn);
    std::vector<std::int64_t> ids;
    if (docs.ok()) {
      for (const Document& doc : *docs) ids.push_back(doc.id);
    }
    return ids;
  }

  std::int64_t Count(const std::string& table) {
    return RawDb(db_path_).Int("SELECT count(*) FROM " + table);
  }

  std::unique_ptr<Store> store_;
  std::string pdf_;
  int made_ = 0;
};

TEST_F(LetterStoreTest, OnlyVerifiedDocumentsOfTheTenantAndFormWithoutALetterAwaitOne) {
  const std::int64_t first = AddDocument();
  AddDocument("kyufukin-application", std::string(kDefaultTenant), /*in_review=*/true);
  AddDocument("juminhyo-request");
  AddDocument("kyufukin-application", "shiojiri");
  const std::int64_t second = AddDocument();

  EXPECT_THAT(Awaiting(), ElementsAre(first, second));
  ASSERT_TRUE(store_->RecordLetterBatch(Batch({second})).ok());
  EXPECT_THAT(Awaiting(), ElementsAre(first));
  EXPECT_EQ(Awaiting("shiojiri").size(), 1u);

  Result<std::vector<Document>> unknown = store_->ListDocumentsAwaitingLetter("nowhere", "x");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
}

TEST_F(LetterStoreTest, RecordsTheBatchItsLettersAndOneAuditEventWithCountsOnly) {
  const std::int64_t a = AddDocument(), b = AddDocument();
  NewLetterBatch batch = Batch({b, a});
  batch.large_print = true;
  batch.page_count = 3;
  batch.letters[0].page_count = 2;  // b: pages 1-2
  batch.letters[1].first_page = 3;  // a: page 3
  Result<LetterBatch> recorded = store_->RecordLetterBatch(batch);
  ASSERT_TRUE(recorded.ok()) << recorded.status().message(Lang::kEn);
  EXPECT_GT(recorded->id, 0);
  EXPECT_EQ(recorded->tenant_code, "default");
  EXPECT_EQ(recorded->template_id, "kyufukin-decision");
  EXPECT_EQ(recorded->form_id, "kyufukin-application");
  EXPECT_TRUE(recorded->large_print);
  EXPECT_EQ(recorded->requested_by, "os:clerk");
  EXPECT_EQ(recorded->user_id, std::nullopt);
  EXPECT_EQ(recorded->pdf_sha256, pdf_);
  EXPECT_EQ(recorded->letter_count, 2);
  EXPECT_EQ(recorded->page_count, 3);
  EXPECT_THAT(recorded->created_at, ::testing::MatchesRegex(test_support::kIsoMillis));

  Result<LetterBatch> again = store_->GetLetterBatch(recorded->id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->pdf_sha256, pdf_);
  Result<std::vector<LetterRecord>> letters = store_->ListLetters(recorded->id);
  ASSERT_TRUE(letters.ok());
  ASSERT_EQ(letters->size(), 2u);
  EXPECT_EQ((*letters)[0].document_id, b);
  EXPECT_EQ((*letters)[0].page_count, 2);
  EXPECT_EQ((*letters)[1].document_id, a);
  EXPECT_EQ((*letters)[1].first_page, 3);

  Result<std::vector<AuditEvent>> audit = store_->RecentAudit(1);
  ASSERT_TRUE(audit.ok() && !audit->empty());
  EXPECT_EQ((*audit)[0].action, "letters.printed");
  const nlohmann::json detail = nlohmann::json::parse((*audit)[0].detail_json);
  EXPECT_EQ(detail["batch"], recorded->id);
  EXPECT_EQ(detail["letters"], 2);
  EXPECT_EQ(detail["pages"], 3);
  EXPECT_EQ(detail["large_print"], true);
  EXPECT_EQ((*audit)[0].detail_json.find("山田"), std::string::npos) << "no personal data";
}

TEST_F(LetterStoreTest, TheRequestingUserIsRecordedAndMustExist) {
  NewUser clerk;
  clerk.name = "clerk";
  clerk.role = Role::kDepartment;
  clerk.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
  Result<User> user = store_->AddUser(clerk);
  ASSERT_TRUE(user.ok());
  const std::int64_t doc = AddDocument();

  NewLetterBatch unknown = Batch({doc});
  unknown.user_id = user->id + 100;
  EXPECT_EQ(store_->RecordLetterBatch(unknown).status().code(), StatusCode::kNotFound);

  NewLetterBatch batch = Batch({doc});
  batch.user_id = user->id;
  batch.requested_by = "clerk";
  Result<LetterBatch> recorded = store_->RecordLetterBatch(batch);
  ASSERT_TRUE(recorded.ok()) << recorded.status().message(Lang::kEn);
  EXPECT_EQ(recorded->user_id, user->id);
  EXPECT_EQ((*store_->RecentAudit(1))[0].user_id, user->id);
}

TEST_F(LetterStoreTest, ABatchWithADocumentThatHasALetterIsRefusedWholeNamingTheDocuments) {
  const std::int64_t a = AddDocument(), b = AddDocument(), c = AddDocument();
  ASSERT_TRUE(store_->RecordLetterBatch(Batch({a, b})).ok());
  const std::int64_t audits = Count("audit_log");

  Result<LetterBatch> second = store_->RecordLetterBatch(Batch({c, b, a}));
  ASSERT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(Lang::kEn),
              HasSubstr(std::to_string(a) + ", " + std::to_string(b)));
  EXPECT_THAT(second.status().message(Lang::kJa), HasSubstr("すでに手紙があります"));
  EXPECT_EQ(Count("letter_batches"), 1);
  EXPECT_EQ(Count("letters"), 2);
  EXPECT_EQ(Count("audit_log"), audits);
  EXPECT_THAT(Awaiting(), ElementsAre(c)) << "the refused batch recorded nothing for c";
}

TEST_F(LetterStoreTest, TwoRunsRacingForTheSameDocumentsOneWinsTheOtherRecordsNothing) {
  std::vector<std::int64_t> docs;
  for (int i = 0; i < 40; ++i) docs.push_back(AddDocument());
  // Each run has its own connection, as two adbridge processes would. Their batches share the
  // middle twenty documents.
  const std::vector<std::int64_t> first(docs.begin(), docs.begin() + 30);
  const std::vector<std::int64_t> second(docs.begin() + 10, docs.end());
  std::unique_ptr<Store> other = Open();
  ASSERT_NE(other, nullptr);
  Result<LetterBatch> result_a = Status::Internal("", ""), result_b = Status::Internal("", "");
  std::thread run_a([&] { result_a = store_->RecordLetterBatch(Batch(first)); });
  std::thread run_b([&] { result_b = other->RecordLetterBatch(Batch(second)); });
  run_a.join();
  run_b.join();

  ASSERT_NE(result_a.ok(), result_b.ok()) << "exactly one run wins";
  const Result<LetterBatch>& loser = result_a.ok() ? result_b : result_a;
  EXPECT_EQ(loser.status().code(), StatusCode::kFailedPrecondition)
      << loser.status().message(Lang::kEn);
  EXPECT_THAT(loser.status().message(Lang::kEn), HasSubstr(std::to_string(docs[10])));
  EXPECT_EQ(Count("letter_batches"), 1);
  EXPECT_EQ(Count("letters"), 30);
  EXPECT_EQ(RawDb(db_path_).Int("SELECT count(DISTINCT document_id) FROM letters"), 30);
  EXPECT_EQ(Awaiting().size(), 10u) << "the loser's own ten documents still wait";
}

TEST_F(LetterStoreTest, TheDatabaseItselfRefusesASecondLetterForADocument) {
  const std::int64_t doc = AddDocument();
  Result<LetterBatch> batch = store_->RecordLetterBatch(Batch({doc}));
  ASSERT_TRUE(batch.ok());
  RawDb raw(db_path_);
  const std::string insert =
      "INSERT INTO letters (document_id, batch_id, first_page, page_count) "
      "VALUES (" +
      std::to_string(doc) + ", " + std::to_string(batch->id) + ", 1, 1)";
  EXPECT_EQ(raw.Exec(insert) & 0xff, SQLITE_CONSTRAINT);
  EXPECT_EQ(Count("letters"), 1);
}

TEST_F(LetterStoreTest, DocumentsThatCannotHaveALetterRefuseTheBatchAndNothingIsRecorded) {
  const std::int64_t verified = AddDocument();
  const std::int64_t in_review =
      AddDocument("kyufukin-application", std::string(kDefaultTenant), true);
  const std::int64_t other_form = AddDocument("juminhyo-request");
  const std::int64_t other_tenant = AddDocument("kyufukin-application", "shiojiri");

  auto code = [&](const NewLetterBatch& batch) {
    return store_->RecordLetterBatch(batch).status().code();
  };
  EXPECT_EQ(code(Batch({verified, in_review})), StatusCode::kFailedPrecondition);
  EXPECT_EQ(code(Batch({verified, other_form})), StatusCode::kFailedPrecondition);
  EXPECT_EQ(code(Batch({verified, other_tenant})), StatusCode::kFailedPrecondition);
  EXPECT_EQ(code(Batch({verified, 9999})), StatusCode::kNotFound);

  NewLetterBatch unrecorded_pdf = Batch({verified});
  unrecorded_pdf.pdf_sha256 = std::string(64, 'a');
  EXPECT_EQ(code(unrecorded_pdf), StatusCode::kFailedPrecondition);
  NewLetterBatch unknown_tenant = Batch({verified});
  unknown_tenant.tenant_code = "nowhere";
  EXPECT_EQ(code(unknown_tenant), StatusCode::kNotFound);

  EXPECT_EQ(Count("letter_batches"), 0);
  EXPECT_EQ(Count("letters"), 0);
  EXPECT_THAT(Awaiting(), ElementsAre(verified));
}

TEST_F(LetterStoreTest, MalformedBatchesAreRefusedBeforeTheDatabaseIsTouched) {
  const std::int64_t a = AddDocument(), b = AddDocument();
  auto message = [&](const NewLetterBatch& batch) {
    Status status = store_->RecordLetterBatch(batch).status();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.message(Lang::kEn);
    return status.message(Lang::kEn);
  };
  EXPECT_THAT(message(Batch({})), HasSubstr("at least one letter"));
  EXPECT_THAT(message(Batch({a, a})), HasSubstr("twice"));

  NewLetterBatch overlapping = Batch({a, b});
  overlapping.letters[1].first_page = 1;
  EXPECT_THAT(message(overlapping), HasSubstr("overlap"));
  NewLetterBatch past_the_end = Batch({a, b});
  past_the_end.letters[1].page_count = 2;
  EXPECT_THAT(message(past_the_end), HasSubstr("outside the PDF"));
  NewLetterBatch no_pages = Batch({a});
  no_pages.letters[0].page_count = 0;
  message(no_pages);
  NewLetterBatch bad_pdf = Batch({a});
  bad_pdf.pdf_sha256 = "letters.pdf";
  EXPECT_THAT(message(bad_pdf), HasSubstr("SHA-256"));
  NewLetterBatch no_requester = Batch({a});
  no_requester.requested_by = "";
  EXPECT_THAT(message(no_requester), HasSubstr("requester"));

  EXPECT_EQ(Count("letter_batches"), 0);
}

TEST_F(LetterStoreTest, ListsOneTenantsBatchesNewestFirst) {
  const std::int64_t a = AddDocument(), b = AddDocument();
  const std::int64_t elsewhere = AddDocument("kyufukin-application", "shiojiri");
  Result<LetterBatch> first = store_->RecordLetterBatch(Batch({a}));
  ASSERT_TRUE(first.ok()) << first.status().message(Lang::kEn);
  NewLetterBatch other = Batch({elsewhere});
  other.tenant_code = "shiojiri";
  ASSERT_TRUE(store_->RecordLetterBatch(other).ok());
  Result<LetterBatch> second = store_->RecordLetterBatch(Batch({b}));
  ASSERT_TRUE(second.ok()) << second.status().message(Lang::kEn);

  Result<std::vector<LetterBatch>> listed = store_->ListLetterBatches(std::string(kDefaultTenant));
  ASSERT_TRUE(listed.ok()) << listed.status().message(Lang::kEn);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, second->id);
  EXPECT_EQ((*listed)[1].id, first->id);
  EXPECT_EQ((*listed)[1].letter_count, 1);
  EXPECT_EQ((*listed)[1].requested_by, "os:clerk");
  EXPECT_EQ(store_->ListLetterBatches("shiojiri")->size(), 1u);
  EXPECT_EQ(store_->ListLetterBatches("nowhere").status().code(), StatusCode::kNotFound);
}

TEST_F(LetterStoreTest, AnUnknownBatchIsNotFound) {
  EXPECT_EQ(store_->GetLetterBatch(42).status().code(), StatusCode::kNotFound);
  Result<std::vector<LetterRecord>> letters = store_->ListLetters(42);
  ASSERT_TRUE(letters.ok());
  EXPECT_TRUE(letters->empty());
}

}  // namespace
}  // namespace adbridge::models
