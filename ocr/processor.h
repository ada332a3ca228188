// Processor: the OCR workers. Each claims a waiting document from the store, reads it with its
// own Recognizer, stores the field snippets and records the reading; a document that cannot be
// read is retried and then marked failed with its reason, and never stops the batch.
//
//   ProcessOptions options;  options.jobs = 2;
//   options.on_document = [](const ProcessedDocument& d) { /* a JSON line, progress */ };
//   Result<ProcessSummary> summary = ProcessWaitingDocuments(store, blobs, library, options);
//
// Returns when no document is waiting. Workers claim with a lease, so several processes (and
// the server's background worker) can run against one data directory at once.
//
// Thread-safety: ProcessWaitingDocuments runs its own threads; on_document is called from them
// one at a time.
#ifndef ADBRIDGE_OCR_PROCESSOR_H_
#define ADBRIDGE_OCR_PROCESSOR_H_

#include <cstdint>
#include <functional>
#include <string>

#include "models/blob_store.h"
#include "models/status.h"
#include "models/store.h"
#include "ocr/form_library.h"

namespace adbridge::ocr {

struct ProcessedDocument {
  std::int64_t id = 0;
  std::string source_name;
  models::DocumentState state = models::DocumentState::kReceived;  // after this attempt
  std::string form_id;   // empty when not identified
  int pages = 0;
  int fields = 0;
  int auto_accepted = 0;
  int review_tasks = 0;  // field tasks plus classification tasks
  std::string failure;   // why this attempt failed, in the default language
  double seconds = 0;
};

struct ProcessSummary {
  int documents = 0;  // readings recorded
  int pages = 0;
  int fields = 0;
  int auto_accepted = 0;
  int retried = 0;
  int failed = 0;
  double seconds = 0;            // wall clock
  double tesseract_seconds = 0;  // summed over workers
};

struct ProcessOptions {
  int jobs = 1;
  int lease_seconds = 600;
  int max_attempts = 3;
  std::string tessdata;  // empty: Tesseract's default
  std::function<void(const ProcessedDocument&)> on_document;
};

// Returns the first store error that stops the workers (Unavailable when the database stays
// locked); errors reading one document are that document's failure, not the batch's.
Result<ProcessSummary> ProcessWaitingDocuments(models::Store& store,
                                               const models::BlobStore& blobs,
                                               const FormLibrary& library,
                                               const ProcessOptions& options);

}  // namespace adbridge::ocr

#endif  // ADBRIDGE_OCR_PROCESSOR_H_
