#include "ocr/processor.h"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "ingest/document_pages.h"
#include "ingest/image_probe.h"
#include "models/cross_checks.h"
#include "models/form_definition.h"
#include "ocr/document_reader.h"
#include "ocr/recognizer.h"

namespace adbridge::ocr {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string WorkerName(int index) {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(index);
}

const std::string& InLang(const Text& text) { return text.In(DefaultLang()); }

// Everything the store keeps of a reading: snippets go to the blob store first, so no row
// points at a file that is not there.
Result<models::DocumentReading> ToStored(const DocumentResult& result, std::int64_t id,
                                         const std::string& worker, models::Store& store,
                                         const models::BlobStore& blobs) {
  models::DocumentReading reading;
  reading.document_id = id;
  reading.worker = worker;
  nlohmann::json pages = nlohmann::json::array();
  for (const PageResult& page : result.pages) {
    reading.pages.push_back({.page_index = page.page_index,
                             .form_page = page.form_page,
                             .outcome = page.outcome,
                             .note = InLang(page.note)});
    pages.push_back({{"outcome", models::PageOutcomeName(page.outcome)},
                     {"method", page.method},
                     {"quarter_turns", page.quarter_turns},
                     {"skew_deg", page.skew_deg}});
  }
  if (result.form) {
    reading.form_id = result.form->definition.id;
    reading.form_version = result.form->definition.version;
  }
  for (const FieldResult& f : result.fields) {
    models::DocumentReading::Field field;
    field.name = f.field->name;
    field.ocr_value = f.reading.value;
    field.confidence = std::clamp(f.confidence, 0.0, 1.0);
    field.auto_accept = f.auto_accept;
    if (!f.reading.validation.ok()) field.validation_error = f.reading.validation.message();
    field.task_kind = f.task_kind;
    field.review_reason = InLang(f.review_reason);
    field.field_type = std::string(models::FieldTypeName(f.field->type));
    field.on_site_only = f.field->on_site_only;
    if (!f.reading.snippet_png.empty()) {
      ADB_ASSIGN_OR_RETURN(std::string sha, blobs.Put(f.reading.snippet_png));
      ADB_RETURN_IF_ERROR(store.RecordBlob(
          sha, static_cast<std::int64_t>(f.reading.snippet_png.size()), "image/png"));
      field.snippet_sha256 = sha;
    }
    reading.fields.push_back(std::move(field));
  }
  for (const Text& reason : result.classification) {
    reading.tasks.push_back(
        {.kind = models::TaskKind::kClassification, .reason = InLang(reason), .priority = 1});
  }
  reading.detail_json =
      nlohmann::json{{"pages", pages}, {"tesseract_seconds", result.tesseract_seconds}}.dump();
  return reading;
}

class Worker {
 public:
  Worker(int index, models::Store& store, const models::BlobStore& blobs,
         const FormLibrary& library, const ProcessOptions& options)
      : name_(WorkerName(index)),
        store_(store),
        blobs_(blobs),
        options_(options),
        recognizer_(options.tessdata),
        reader_(library, recognizer_) {}

  // Claims and reads documents until none is waiting. Returns a store error that stops it.
  Status Run(std::mutex& mu, ProcessSummary& summary) {
    for (;;) {
      ADB_ASSIGN_OR_RETURN(std::optional<models::Document> claimed,
                           store_.ClaimDocument(name_, options_.lease_seconds));
      if (!claimed) return Status::Ok();
      const Clock::time_point start = Clock::now();
      ProcessedDocument done;
      done.id = claimed->id;
      done.source_name = claimed->source_name;
      done.pages = claimed->page_count;
      double tesseract_seconds = 0;
      Status read = ReadOne(*claimed, done, tesseract_seconds);
      if (!read.ok()) {
        if (read.code() == StatusCode::kFailedPrecondition && lost_lease_) {
          lost_lease_ = false;  // another worker has it now; nothing of ours was recorded
          continue;
        }
        done.failure = read.message();
        ADB_ASSIGN_OR_RETURN(done.state, store_.ReleaseUnreadDocument(
                                             claimed->id, name_, done.failure,
                                             options_.max_attempts));
      }
      done.seconds = SecondsSince(start);
      std::lock_guard lock(mu);
      summary.tesseract_seconds += tesseract_seconds;
      if (read.ok()) {
        ++summary.documents;
        summary.pages += done.pages;
        summary.fields += done.fields;
        summary.auto_accepted += done.auto_accepted;
      } else if (done.state == models::DocumentState::kFailed) {
        ++summary.failed;
      } else {
        ++summary.retried;
      }
      if (options_.on_document) options_.on_document(done);
    }
  }

 private:
  Status ReadOne(const models::Document& doc, ProcessedDocument& done, double& tesseract_seconds) {
    try {
      // The document's pages as the front desk left them: from whichever file each comes
      // from, turned as they said.
      ADB_ASSIGN_OR_RETURN(std::vector<models::PageRecord> records, store_.ListPages(doc.id));
      ADB_ASSIGN_OR_RETURN(std::vector<ingest::GreyPage> pages,
                           ingest::LoadDocumentPages(blobs_, records, ingest::ImageLimits{}));
      ADB_ASSIGN_OR_RETURN(DocumentResult result,
                           reader_.Read(pages, doc.form_id, models::TodayInJapan()));
      tesseract_seconds = result.tesseract_seconds;
      ADB_ASSIGN_OR_RETURN(models::DocumentReading reading,
                           ToStored(result, doc.id, name_, store_, blobs_));
      // The reader numbers the pages it was given; the store knows them by page_index.
      for (models::DocumentReading::Page& page : reading.pages) {
        page.page_index = records.at(static_cast<std::size_t>(page.page_index)).page_index;
      }
      Status recorded = store_.RecordReading(reading);
      if (recorded.code() == StatusCode::kFailedPrecondition) lost_lease_ = true;
      ADB_RETURN_IF_ERROR(recorded);
      done.pages = static_cast<int>(pages.size());
      done.form_id = reading.form_id.value_or("");
      done.fields = static_cast<int>(reading.fields.size());
      for (const models::DocumentReading::Field& f : reading.fields) {
        if (f.auto_accept) {
          ++done.auto_accepted;
        } else {
          ++done.review_tasks;
        }
      }
      done.review_tasks += static_cast<int>(reading.tasks.size());
      done.state = done.review_tasks > 0 ? models::DocumentState::kInReview
                                         : models::DocumentState::kVerified;
      return Status::Ok();
    } catch (const std::exception& e) {
      // OpenCV reports bad input by throwing; it must fail this document, not the batch.
      return Status::Internal(std::string("読み取り中のエラー: ") + e.what(),
                              std::string("error while reading: ") + e.what());
    }
  }

  std::string name_;
  models::Store& store_;
  const models::BlobStore& blobs_;
  const ProcessOptions& options_;
  Recognizer recognizer_;
  DocumentReader reader_;
  bool lost_lease_ = false;
};

}  // namespace

Result<ProcessSummary> ProcessWaitingDocuments(models::Store& store,
                                               const models::BlobStore& blobs,
                                               const FormLibrary& library,
                                               const ProcessOptions& options) {
  if (options.jobs < 1 || options.max_attempts < 1 || options.lease_seconds < 1) {
    return Status::InvalidArgument("jobs・試行回数・貸出期間は 1 以上です",
                                   "jobs, attempts and the lease must be at least 1");
  }
  const Clock::time_point start = Clock::now();
  ProcessSummary summary;
  std::mutex mu;
  Status first_error;
  auto run = [&](int index) {
    // Tesseract parallelises inside a call with OpenMP; with one worker per core that only
    // makes the workers fight over the cores.
    omp_set_num_threads(1);
    Worker worker(index, store, blobs, library, options);
    Status status = worker.Run(mu, summary);
    std::lock_guard lock(mu);
    if (!status.ok() && first_error.ok()) first_error = status;
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < options.jobs; ++i) threads.emplace_back(run, i);
  run(0);
  for (std::thread& t : threads) t.join();
  ADB_RETURN_IF_ERROR(first_error);
  summary.seconds = SecondsSince(start);
  return summary;
}

}  // namespace adbridge::ocr
