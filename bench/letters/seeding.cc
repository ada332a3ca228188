#include "bench/letters/seeding.h"

#include <chrono>
#include <memory>
#include <span>
#include <utility>

#include "bench/seed_data_dir.h"
#include "ingest/form_registry.h"
#include "models/blob_store.h"
#include "tests/scangen/random.h"
#include "tests/scangen/values.h"

namespace adbridge::bench {
namespace {

// The worker name the seed claims documents under, as an OCR worker would.
constexpr char kSeedWorker[] = "adbridge-letters-seed";

// One verified record: a document whose every field the "reading" auto-accepted.
Result<std::int64_t> SeedRecord(models::Store& store, const models::BlobStore& blobs,
                                const ingest::RegisteredForm& form,
                                const LetterSeedOptions& options, std::int64_t i) {
  const std::string name = "letters-seed/" + std::to_string(options.seed) + "-" + std::to_string(i);
  // The original only has to be unique: nobody reads it again.
  const std::string text = "adbridge letters seed record " + name;
  const std::span<const std::uint8_t> original(reinterpret_cast<const std::uint8_t*>(text.data()),
                                               text.size());
  ADB_ASSIGN_OR_RETURN(std::string original_sha, blobs.Put(original));
  ADB_RETURN_IF_ERROR(
      store.RecordBlob(original_sha, static_cast<std::int64_t>(text.size()), "text/plain"));

  models::NewDocument document;
  document.tenant_code = options.tenant;
  document.source_name = name;
  document.original_sha256 = original_sha;
  document.media_type = "text/plain";
  document.original_size = static_cast<std::int64_t>(text.size());
  document.form_id = form.record.id;
  document.form_version = form.record.version;
  document.pages.resize(form.definition.pages.size());
  ADB_ASSIGN_OR_RETURN(models::DocumentInsert inserted, store.InsertDocument(document));
  ADB_ASSIGN_OR_RETURN(std::optional<models::Document> claimed,
                       store.ClaimDocument(kSeedWorker, 3600));
  if (inserted.duplicate || !claimed || claimed->id != inserted.document_id) {
    return Status::FailedPrecondition(
        "種データの文書が重複したか、別の文書が取得されました: " + name,
        "a seeded document was a duplicate, or the claim returned another document: " + name);
  }

  models::DocumentReading reading;
  reading.document_id = inserted.document_id;
  reading.worker = kSeedWorker;
  reading.form_id = form.record.id;
  reading.form_version = form.record.version;
  for (std::size_t p = 0; p < form.definition.pages.size(); ++p) {
    reading.pages.push_back(
        {static_cast<int>(p), static_cast<int>(p) + 1, models::PageOutcome::kIdentified, ""});
  }
  scangen::Random rng(scangen::DocumentSeed(options.seed, static_cast<std::uint64_t>(i)));
  for (const scangen::FieldValue& value :
       scangen::GenerateValues(form.definition, scangen::Style::kPrinted, rng)) {
    models::DocumentReading::Field read;
    read.name = value.name;
    read.ocr_value = value.normalized;
    read.confidence = 0.99;
    read.auto_accept = true;
    reading.fields.push_back(std::move(read));
  }
  reading.detail_json = R"({"method":"adbridge-letters-seed"})";
  ADB_RETURN_IF_ERROR(store.RecordReading(reading));
  return inserted.document_id;
}

}  // namespace

Result<LetterSeedSummary> SeedVerifiedRecords(const LetterSeedOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  ADB_ASSIGN_OR_RETURN(SeedDataDir data, OpenSeedDataDir(options.data_dir));
  ADB_RETURN_IF_ERROR(data.store->EnsureTenant(options.tenant, options.tenant).status());
  ADB_ASSIGN_OR_RETURN(ingest::RegisteredForm form,
                       ingest::RegisterFormFile(*data.store, data.blobs, options.form));

  LetterSeedSummary summary;
  for (std::int64_t i = 0; i < options.records; ++i) {
    ADB_ASSIGN_OR_RETURN(std::int64_t id, SeedRecord(*data.store, data.blobs, form, options, i));
    summary.documents.push_back(id);
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace adbridge::bench
