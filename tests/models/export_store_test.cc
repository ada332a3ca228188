// The exports' side of the store: the documents of one form an export reads, the record of an
// export (its documents and its audit event), and what --new counts as already delivered.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
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
    R"([{"name":"applicant_name","type":"text"},{"name":"birth_date","type":"date"}])";

class ExportStoreTest : public StoreTest {
 protected:
  ExportStoreTest() {
    store_ = Open();
    EXPECT_TRUE(store_->AddForm(Form(*store_, "juminhyo-request", 1, kFieldsJson)).ok());
    EXPECT_TRUE(store_->AddForm(Form(*store_, "bus-reservation", 1, kFieldsJson)).ok());
    EXPECT_TRUE(store_->EnsureTenant("shiojiri", "塩尻市").ok());
    NewUser user;
    user.name = "kazuko";
    user.role = Role::kDepartment;
    user.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
    Result<User> added = store_->AddUser(user);
    EXPECT_TRUE(added.ok()) << added.status().message(Lang::kEn);
    if (added.ok()) kazuko_ = added->id;
  }

  // A scan of `tenant` read as `form`: verified when `verified`, else in review with its birth
  // date waiting for a person.
  std::int64_t AddDocument(bool verified, const std::string& form = "juminhyo-request",
                           const std::string& tenant = std::string(kDefaultTenant)) {
    const std::string n = std::to_string(++scans_);
    NewDocument scan = Scan(AddBlob(*store_, "scan " + n), "batch/" + n + ".tif");
    scan.tenant_code = tenant;
    Result<DocumentInsert> inserted = store_->InsertDocument(scan);
    EXPECT_TRUE(inserted.ok()) << inserted.status().message(Lang::kEn);
    Result<std::optional<Document>> claimed = store_->ClaimDocument("worker", 600);
    EXPECT_TRUE(claimed.ok() && claimed->has_value());
    DocumentReading reading;
    reading.document_id = inserted->document_id;
    reading.worker = "worker";
    reading.form_id = form;
    reading.form_version = 1;
    for (const char* name : {"applicant_name", "birth_date"}) {
      DocumentReading::Field field;
      field.name = name;
      field.ocr_value = "山田 " + n;
      field.confidence = 0.95;
      field.auto_accept = verified || std::string(name) == "applicant_name";
      field.review_reason = "確信度が低い";
      reading.fields.push_back(field);
    }
    EXPECT_TRUE(store_->RecordReading(reading).ok());
    return inserted->document_id;
  }

  NewExport Export(std::vector<std::int64_t> ids, ExportStatus status = ExportStatus::kVerified) {
    NewExport e;
    e.form_id = "juminhyo-request";
    e.requested_by = "os:kazuko";
    e.status = status;
    e.document_ids = std::move(ids);
    return e;
  }

  std::set<std::int64_t> Delivered(ExportStatus status,
                                   const std::string& form = "juminhyo-request") {
    Result<std::set<std::int64_t>> ids =
        store_->ListExportedDocumentIds(std::string(kDefaultTenant), form, status);
    EXPECT_TRUE(ids.ok()) << ids.status().message(Lang::kEn);
    return ids.ok() ? *ids : std::set<std::int64_t>();
  }

  std::unique_ptr<Store> store_;
  std::int64_t kazuko_ = 0;
  int scans_ = 0;
};

std::vector<std::int64_t> IdsOf(const std::vector<DocumentWithFields>& documents) {
  std::vector<std::int64_t> ids;
  for (const DocumentWithFields& d : documents) ids.push_back(d.document.id);
  return ids;
}

TEST(ExportNamesTest, EveryOptionRoundTripsAndUnknownNamesAreRefused) {
  for (ExportFormat f : {ExportFormat::kCsv, ExportFormat::kJsonLines}) {
    EXPECT_EQ(ParseExportFormat(ExportFormatName(f)), f);
  }
  for (ExportEncoding e :
       {ExportEncoding::kUtf8, ExportEncoding::kUtf8Bom, ExportEncoding::kCp932}) {
    EXPECT_EQ(ParseExportEncoding(ExportEncodingName(e)), e);
  }
  EXPECT_EQ(ExportEncodingName(ExportEncoding::kUtf8Bom), "utf-8-bom");
  EXPECT_EQ(ExportFormatName(ExportFormat::kJsonLines), "jsonl");
  EXPECT_EQ(ParseExportStatus("any"), ExportStatus::kAny);
  EXPECT_EQ(ParseExportEncoding("shift_jis"), std::nullopt);
  EXPECT_EQ(ParseExportFormat("xlsx"), std::nullopt);
  EXPECT_EQ(ParseExportStatus("in_review"), std::nullopt);
  EXPECT_THAT(ExportedStates(ExportStatus::kVerified), ElementsAre(DocumentState::kVerified));
  EXPECT_THAT(ExportedStates(ExportStatus::kAny),
              ElementsAre(DocumentState::kInReview, DocumentState::kVerified));
}

TEST_F(ExportStoreTest, FormDocumentsAreTheTenantsDocumentsOfThatFormInTheStatesAsked) {
  const std::int64_t verified = AddDocument(true);
  const std::int64_t in_review = AddDocument(false);
  AddDocument(true, "bus-reservation");
  AddDocument(true, "juminhyo-request", "shiojiri");
  const std::int64_t later = AddDocument(true);

  Result<std::vector<DocumentWithFields>> only_verified = store_->ListFormDocuments(
      std::string(kDefaultTenant), "juminhyo-request", {DocumentState::kVerified});
  ASSERT_TRUE(only_verified.ok()) << only_verified.status().message(Lang::kEn);
  EXPECT_THAT(IdsOf(*only_verified), ElementsAre(verified, later));

  Result<std::vector<DocumentWithFields>> any =
      store_->ListFormDocuments(std::string(kDefaultTenant), "juminhyo-request",
                                {DocumentState::kInReview, DocumentState::kVerified});
  ASSERT_TRUE(any.ok());
  EXPECT_THAT(IdsOf(*any), ElementsAre(verified, in_review, later));
  const DocumentWithFields& reviewing = (*any)[1];
  EXPECT_EQ(reviewing.document.state, DocumentState::kInReview);
  EXPECT_EQ(reviewing.document.source_name, "batch/2.tif");
  ASSERT_EQ(reviewing.fields.size(), 2u);
  EXPECT_EQ(reviewing.fields[0].name, "applicant_name");
  EXPECT_EQ(reviewing.fields[0].state, FieldState::kAutoAccepted);
  EXPECT_EQ(reviewing.fields[1].name, "birth_date");
  EXPECT_EQ(reviewing.fields[1].state, FieldState::kNeedsReview);
  EXPECT_EQ(reviewing.fields[1].value, "山田 2")
      << "the machine's reading until a person settles it";

  Result<std::vector<DocumentWithFields>> elsewhere =
      store_->ListFormDocuments("shiojiri", "juminhyo-request", {DocumentState::kVerified});
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_EQ(elsewhere->size(), 1u);
  EXPECT_EQ(store_->ListFormDocuments("nowhere", "juminhyo-request", {DocumentState::kVerified})
                .status()
                .code(),
            StatusCode::kNotFound);
}

TEST_F(ExportStoreTest, RecordedExportKeepsItsDocumentsAndAnAuditEventWithCountsOnly) {
  const std::int64_t a = AddDocument(true);
  const std::int64_t b = AddDocument(true);
  NewExport e = Export({a, b});
  e.user_id = kazuko_;
  e.requested_by = "kazuko";
  e.format = ExportFormat::kCsv;
  e.encoding = ExportEncoding::kCp932;
  e.only_new = true;
  e.replaced_characters = 1;
  Result<ExportRecord> recorded = store_->RecordExport(e);
  ASSERT_TRUE(recorded.ok()) << recorded.status().message(Lang::kEn);
  EXPECT_GT(recorded->id, 0);
  EXPECT_EQ(recorded->tenant_code, kDefaultTenant);
  EXPECT_EQ(recorded->form_id, "juminhyo-request");
  EXPECT_EQ(recorded->requested_by, "kazuko");
  EXPECT_EQ(recorded->user_id, kazuko_);
  EXPECT_EQ(recorded->encoding, ExportEncoding::kCp932);
  EXPECT_TRUE(recorded->only_new);
  EXPECT_EQ(recorded->document_count, 2);
  EXPECT_THAT(recorded->created_at, ::testing::MatchesRegex(test_support::kIsoMillis));

  RawDb raw(db_path_);
  EXPECT_EQ(raw.Rows("SELECT document_id FROM export_documents ORDER BY document_id"),
            std::to_string(a) + "\n" + std::to_string(b));
  const AuditEvent event = (*store_->RecentAudit(1))[0];
  EXPECT_EQ(event.action, "export.created");
  EXPECT_EQ(event.user_id, kazuko_);
  const nlohmann::json detail = nlohmann::json::parse(event.detail_json);
  EXPECT_EQ(detail["documents"], 2);
  EXPECT_EQ(detail["export"], recorded->id);
  EXPECT_EQ(detail["encoding"], "cp932");
  EXPECT_EQ(detail["replaced_characters"], 1);
  EXPECT_THAT(event.detail_json, ::testing::Not(HasSubstr("山田"))) << "no resident's data";
  EXPECT_THAT(event.detail_json, ::testing::Not(HasSubstr("batch/"))) << "no file names";
}

TEST_F(ExportStoreTest, ExportsAreListedNewestFirstAndByForm) {
  const std::int64_t a = AddDocument(true);
  ASSERT_TRUE(store_->RecordExport(Export({a})).ok());
  NewExport bus = Export({});
  bus.form_id = "bus-reservation";
  ASSERT_TRUE(store_->RecordExport(bus).ok());
  ASSERT_TRUE(store_->RecordExport(Export({})).ok());

  Result<std::vector<ExportRecord>> all =
      store_->ListExports(std::string(kDefaultTenant), std::nullopt);
  ASSERT_TRUE(all.ok()) << all.status().message(Lang::kEn);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_GT((*all)[0].id, (*all)[1].id);
  EXPECT_EQ((*all)[1].form_id, "bus-reservation");
  Result<std::vector<ExportRecord>> juminhyo =
      store_->ListExports(std::string(kDefaultTenant), std::string("juminhyo-request"));
  ASSERT_TRUE(juminhyo.ok());
  ASSERT_EQ(juminhyo->size(), 2u);
  EXPECT_EQ((*juminhyo)[0].document_count, 0);
  EXPECT_EQ((*juminhyo)[1].document_count, 1);
  EXPECT_TRUE(store_->ListExports("shiojiri", std::nullopt)->empty());
  EXPECT_EQ(store_->ListExports("nowhere", std::nullopt).status().code(), StatusCode::kNotFound);
}

TEST_F(ExportStoreTest, NewCountsVerifiedExportsForVerifiedAndEveryExportForAny) {
  const std::int64_t first = AddDocument(true);
  const std::int64_t reviewing = AddDocument(false);
  const std::int64_t second = AddDocument(true);
  EXPECT_TRUE(Delivered(ExportStatus::kVerified).empty());

  ASSERT_TRUE(store_->RecordExport(Export({first})).ok());
  ASSERT_TRUE(store_->RecordExport(Export({first, reviewing, second}, ExportStatus::kAny)).ok());
  // An export of "any" may have delivered a document before it was verified: a department
  // taking verified records still gets it, once.
  EXPECT_THAT(Delivered(ExportStatus::kVerified), ElementsAre(first));
  EXPECT_THAT(Delivered(ExportStatus::kAny), ElementsAre(first, reviewing, second));
  EXPECT_TRUE(Delivered(ExportStatus::kAny, "bus-reservation").empty());
  EXPECT_EQ(store_->ListExportedDocumentIds("nowhere", "juminhyo-request", ExportStatus::kAny)
                .status()
                .code(),
            StatusCode::kNotFound);
}

TEST_F(ExportStoreTest, AnExportHoldsOnlyDocumentsItCouldHaveTakenAndABadOneChangesNothing) {
  const std::int64_t verified = AddDocument(true);
  const std::int64_t reviewing = AddDocument(false);
  const std::int64_t bus = AddDocument(true, "bus-reservation");
  const std::int64_t shiojiri = AddDocument(true, "juminhyo-request", "shiojiri");
  RawDb raw(db_path_);
  const std::int64_t audit_before = raw.Int("SELECT count(*) FROM audit_log");

  struct Case {
    NewExport request;
    StatusCode code;
    std::string says;
  };
  NewExport unknown_user = Export({verified});
  unknown_user.user_id = 999;
  NewExport no_requester = Export({verified});
  no_requester.requested_by = "";
  NewExport unknown_tenant = Export({verified});
  unknown_tenant.tenant_code = "nowhere";
  NewExport unknown_form = Export({});
  unknown_form.form_id = "no-such-form";
  const std::vector<Case> cases = {
      {Export({reviewing}), StatusCode::kInvalidArgument, "in_review"},
      {Export({bus}), StatusCode::kInvalidArgument, "document " + std::to_string(bus)},
      {Export({shiojiri}), StatusCode::kInvalidArgument, "document " + std::to_string(shiojiri)},
      {Export({verified, verified}), StatusCode::kInvalidArgument, "twice"},
      {Export({verified, 4242}), StatusCode::kNotFound, "4242"},
      {unknown_user, StatusCode::kNotFound, "999"},
      {no_requester, StatusCode::kInvalidArgument, "asked"},
      {unknown_tenant, StatusCode::kNotFound, "nowhere"},
      {unknown_form, StatusCode::kNotFound, "no-such-form"},
  };
  for (const Case& c : cases) {
    Result<ExportRecord> refused = store_->RecordExport(c.request);
    ASSERT_FALSE(refused.ok()) << c.says;
    EXPECT_EQ(refused.status().code(), c.code) << refused.status().message(Lang::kEn);
    EXPECT_THAT(refused.status().message(Lang::kEn), HasSubstr(c.says));
  }
  EXPECT_EQ(raw.Int("SELECT count(*) FROM exports"), 0);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM export_documents"), 0);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM audit_log"), audit_before);
  EXPECT_TRUE(store_->RecordExport(Export({reviewing}, ExportStatus::kAny)).ok())
      << "an export of any takes documents in review";
}

}  // namespace
}  // namespace adbridge::models
