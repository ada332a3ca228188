#include "output/letter_batch.h"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <utility>

#include "models/cross_checks.h"

namespace adbridge::output {

Result<MadeLetterBatch> MakeLetterBatch(models::Store& store, const models::BlobStore& blobs,
                                        const LetterTemplate& letter,
                                        const LetterBatchRequest& request) {
  const std::string& form_id = letter.common.form.id;
  ADB_ASSIGN_OR_RETURN(std::vector<RecordValues> records,
                       RecordsAwaitingLetter(store, request.tenant_code, form_id,
                                             models::TodayInJapan()));
  MadeLetterBatch made;
  if (records.empty()) return made;
  SortForPrintRoom(letter, records);

  LetterOptions options;
  options.large_print = request.large_print;
  options.tenant_code = request.tenant_code;
  std::size_t done = 0;
  options.on_record = [&] {
    if (request.on_record) request.on_record(++done, records.size());
  };
  ADB_ASSIGN_OR_RETURN(LetterBatchPdf rendered, RenderLetterBatch(letter, records, options));
  made.skipped = std::move(rendered.skipped);
  if (rendered.letters.empty()) return made;

  // Kept before it is recorded: the database never names a blob that is not on disk.
  const std::span<const std::uint8_t> pdf(
      reinterpret_cast<const std::uint8_t*>(rendered.pdf.data()), rendered.pdf.size());
  if (request.before_recording) ADB_RETURN_IF_ERROR(request.before_recording(pdf));
  ADB_ASSIGN_OR_RETURN(std::string sha256, blobs.Put(pdf));
  ADB_RETURN_IF_ERROR(
      store.RecordBlob(sha256, static_cast<std::int64_t>(pdf.size()), "application/pdf"));
  models::NewLetterBatch record;
  record.tenant_code = request.tenant_code;
  record.template_id = letter.common.id;
  record.form_id = form_id;
  record.large_print = request.large_print;
  record.requested_by = request.requested_by;
  record.user_id = request.user_id;
  record.pdf_sha256 = sha256;
  record.page_count = rendered.page_count;
  for (const LetterPages& pages : rendered.letters) {
    record.letters.push_back({.document_id = pages.document_id,
                              .first_page = pages.first_page,
                              .page_count = pages.page_count});
  }
  ADB_ASSIGN_OR_RETURN(models::LetterBatch recorded, store.RecordLetterBatch(record));
  made.batch = std::move(recorded);
  made.pdf = std::move(rendered.pdf);
  return made;
}

Status AuditBatchHandout(models::Store& store, const models::LetterBatch& batch,
                         BatchHandout handout, const std::string& requested_by,
                         std::optional<std::int64_t> user_id) {
  models::AuditEvent event;
  event.user_id = user_id;
  event.action =
      handout == BatchHandout::kReprinted ? "letters.reprinted" : "letters.downloaded";
  event.detail_json = nlohmann::json{{"batch", batch.id},
                                     {"letters", batch.letter_count},
                                     {"requested_by", requested_by}}
                          .dump();
  return store.AppendAudit(event);
}

}  // namespace adbridge::output
