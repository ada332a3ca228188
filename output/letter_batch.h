// A batch of letters made and recorded: what `adbridge letters` and the department page do for
// the print room. The verified records of the template's form in one municipality that have had
// no letter are sorted for the print room and drawn into one PDF; the PDF is kept as a blob and
// the batch, with one letter per record, recorded in one transaction (Store::RecordLetterBatch),
// so no record ever gets a second letter.
//
//   LetterBatchRequest request{.tenant_code = "shiojiri", .requested_by = "tanaka"};
//   ADB_ASSIGN_OR_RETURN(MadeLetterBatch made, MakeLetterBatch(store, blobs, letter, request));
//   if (!made.batch) { /* nothing waited for a letter, or every record was skipped */ }
//
// Thread-safety: as the Store and BlobStore it is given; two runs at once for the same records
// record one batch, and the other fails with FailedPrecondition having recorded nothing.
#ifndef ADBRIDGE_OUTPUT_LETTER_BATCH_H_
#define ADBRIDGE_OUTPUT_LETTER_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/blob_store.h"
#include "models/status.h"
#include "models/store.h"
#include "output/letters.h"

namespace adbridge::output {

struct LetterBatchRequest {
  std::string tenant_code{models::kDefaultTenant};
  std::string requested_by;  // a login name, or "os:<login>" from the command line
  std::optional<std::int64_t> user_id{};
  bool large_print = false;
  // Called after each record, drawn or skipped, with how many are done of how many (progress on
  // a terminal).
  std::function<void(std::size_t done, std::size_t total)> on_record{};
  // Called with the PDF before the batch is recorded (the command writes its file then, so that
  // a full disk stops the run while nothing is recorded). An error stops the run.
  std::function<Status(std::span<const std::uint8_t> pdf)> before_recording{};
};

struct MadeLetterBatch {
  // The batch as recorded; nullopt when no record waited for a letter, or when every record
  // was skipped (then `skipped` names each).
  std::optional<models::LetterBatch> batch;
  std::vector<SkippedRecord> skipped;
  std::string pdf;  // the batch's PDF (empty without a batch)
};

// Makes and records the batch of `letter` for the records of request.tenant_code. Returns the
// errors of RecordsAwaitingLetter, RenderLetterBatch, the BlobStore, before_recording and
// Store::RecordLetterBatch (FailedPrecondition when another run recorded a letter for one of the
// records first); nothing is recorded then.
Result<MadeLetterBatch> MakeLetterBatch(models::Store& store, const models::BlobStore& blobs,
                                        const LetterTemplate& letter,
                                        const LetterBatchRequest& request);

// How a batch's kept PDF is handed out: written again by `adbridge letters --reprint`
// ("letters.reprinted"), or downloaded from the department page ("letters.downloaded").
enum class BatchHandout { kReprinted, kDownloaded };

// Audits the handing out of `batch`'s kept PDF, asked for by `requested_by` (user `user_id`
// when a user asked). No personal data goes into the event.
Status AuditBatchHandout(models::Store& store, const models::LetterBatch& batch,
                         BatchHandout handout, const std::string& requested_by,
                         std::optional<std::int64_t> user_id);

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_LETTER_BATCH_H_
