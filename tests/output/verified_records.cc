#include "tests/output/verified_records.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "models/form_definition.h"

namespace adbridge::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadSource(const fs::path& relative) {
  std::ifstream in(fs::path(ADBRIDGE_SOURCE_DIR) / relative, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::unique_ptr<models::Store> OpenStore(const fs::path& data_dir) {
  fs::create_directories(data_dir);
  Result<std::unique_ptr<models::Store>> store = models::OpenSqliteStore(data_dir / "adbridge.db");
  EXPECT_TRUE(store.ok()) << store.status().message(Lang::kEn);
  return store.ok() ? std::move(store).value() : nullptr;
}

}  // namespace

VerifiedRecords::VerifiedRecords(const fs::path& data_dir)
    : store_(OpenStore(data_dir)), blobs_(data_dir / "blobs") {}

void VerifiedRecords::RegisterBundledForm(const std::string& id, int version,
                                          const std::string& definition_json) {
  nlohmann::json definition = nlohmann::json::parse(
      definition_json.empty() ? ReadSource(fs::path("models/forms") / (id + ".json"))
                              : definition_json);
  definition["version"] = version;
  const std::string json = definition.dump();
  Result<models::FormDefinition> form = models::ParseFormDefinition(json, id, {}, false);
  ASSERT_TRUE(form.ok()) << form.status().message(Lang::kEn);
  models::FormRecord record{id, version, form->title, form->department, json, {}, ""};
  for (size_t page = 1; page <= form->pages.size(); ++page) {
    // Reading is not tested here: a stand-in for each reference image is enough.
    const std::string bytes = id + " v" + std::to_string(version) + " page " + std::to_string(page);
    Result<std::string> sha = blobs_.Put(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
    ASSERT_TRUE(sha.ok());
    ASSERT_TRUE(
        store_->RecordBlob(*sha, static_cast<std::int64_t>(bytes.size()), "image/png").ok());
    record.reference_sha256.push_back(*sha);
  }
  Result<models::FormRecord> added = store_->AddForm(record);
  ASSERT_TRUE(added.ok()) << added.status().message(Lang::kEn);
}

std::int64_t VerifiedRecords::Add(const std::string& form_id,
                                  const std::map<std::string, std::string>& values, int version,
                                  bool verified, const std::string& tenant) {
  const std::string original = "scan of " + form_id + " #" + std::to_string(++documents_);
  Result<std::string> sha = blobs_.Put(std::vector<std::uint8_t>(original.begin(), original.end()));
  EXPECT_TRUE(sha.ok());
  EXPECT_TRUE(
      store_->RecordBlob(*sha, static_cast<std::int64_t>(original.size()), "image/png").ok());
  models::NewDocument document;
  document.tenant_code = tenant;
  document.source_name = "scan-" + std::to_string(documents_) + ".png";
  document.original_sha256 = *sha;
  document.media_type = "image/png";
  document.original_size = static_cast<std::int64_t>(original.size());
  document.pages = {{.width_px = 2480, .height_px = 3508, .dpi = 300}};
  Result<models::DocumentInsert> inserted = store_->InsertDocument(document);
  EXPECT_TRUE(inserted.ok()) << inserted.status().message(Lang::kEn);
  if (!inserted.ok()) return 0;
  Result<std::optional<models::Document>> claimed = store_->ClaimDocument("test", 600);
  EXPECT_TRUE(claimed.ok() && claimed->has_value() && (*claimed)->id == inserted->document_id);

  models::DocumentReading reading;
  reading.document_id = inserted->document_id;
  reading.worker = "test";
  reading.form_id = form_id;
  reading.form_version = version;
  reading.pages = {
      {.page_index = 0, .form_page = 1, .outcome = models::PageOutcome::kIdentified, .note = ""}};
  for (const auto& [name, value] : values) {
    models::DocumentReading::Field field;
    field.name = name;
    field.ocr_value = value;
    field.confidence = 0.99;
    field.auto_accept = verified || !reading.fields.empty();
    field.review_reason = "確信度が低い";
    reading.fields.push_back(field);
  }
  const Status recorded = store_->RecordReading(reading);
  EXPECT_TRUE(recorded.ok()) << recorded.message(Lang::kEn);
  return recorded.ok() ? inserted->document_id : 0;
}

std::map<std::string, std::string> KyufukinValues() {
  return {{"application_date", "2025-06-02"},
          {"applicant_kana", "ヤマダ タロウ"},
          {"applicant_name", "山田 太郎"},
          {"birth_date", "1950-04-01"},
          {"postal_code", "399-0786"},
          {"address", "長野県塩尻市大門七番町3-3"},
          {"phone", "0263541234"},
          {"household_size", "2"},
          {"consent_tax_exempt", "true"},
          {"consent_public_records", "true"},
          {"consent_no_duplicate", "true"},
          {"bank_name", "八十二銀行"},
          {"bank_code", "0143"},
          {"branch_name", "塩尻支店"},
          {"branch_code", "321"},
          {"account_type", "futsu"},
          {"account_number", "1234567"},
          {"account_holder_kana", "ヤマダ タロウ"}};
}

std::map<std::string, std::string> DemandBusValues() {
  return {{"registration_number", "SJ-0042"},
          {"name_kana", "スズキ ハナコ"},
          {"name", "鈴木 花子"},
          {"phone", "09012345678"},
          {"ride_date", "2025-04-14"},
          {"passengers", "2"},
          {"time_slot", "09"},
          {"pickup_stop", "市役所前"},
          {"dropoff_stop", "塩尻駅"},
          {"wheelchair", "true"},
          {"companion", "false"},
          {"notes", ""}};
}

}  // namespace adbridge::testing
