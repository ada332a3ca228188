// Seeding the review benchmark: a data directory full of open review tasks, made without OCR.
//
//   SeedOptions options{.data_dir = "work/data", .forms = {"models/forms/juminhyo-request.json"},
//                       .tasks = 80000};
//   Result<SeedSummary> seeded = SeedReviewTasks(options);
//
// Each document is a fake scan (a tiny PNG unique to it, stored in the BlobStore) that is
// claimed and read through the Store exactly as an OCR worker would (ClaimDocument +
// RecordReading), with every reviewable field routed to review (kField) and pre-filled with a
// value that passes the field's rules, so submitting the pre-fill verifies it. Fields a remote
// reviewer is never given (on_site_only) are auto-accepted, and so are double_entry fields
// (their tasks need two people, not one claim and one submit) and fields no sample value fits.
//
// Thread-safety: plain functions; SeedReviewTasks must be the only writer of its data
// directory while it runs.
#ifndef ADBRIDGE_BENCH_REVIEW_SEEDING_H_
#define ADBRIDGE_BENCH_REVIEW_SEEDING_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/form_definition.h"
#include "models/status.h"

namespace adbridge::bench {

// A valid normalised value for `field`, varied by `i` so documents differ (dates, codes and
// numbers step with i; names and addresses come from short lists). Returns nullopt when no
// value of the kind made here passes the field's rules (a text field with a `pattern`, say):
// the seed leaves such a field to the machine.
std::optional<std::string> SampleValue(const models::FieldDefinition& field, std::int64_t i);

// Whether a field of the form becomes a review task in the seed (see the file comment).
bool SeedsTask(const models::FieldDefinition& field);

struct SeedOptions {
  std::filesystem::path data_dir;  // DATA/adbridge.db and DATA/blobs/, created if needed
  std::string db;  // a PostgreSQL connection string: store and blobs there (data_dir unused)
  std::vector<std::filesystem::path> forms;  // definitions to register; documents cycle through
  std::int64_t tasks = 80000;  // at least this many open tasks (whole documents, so a few more)
  // Share one field snippet PNG among all tasks (a reviewer's page fetches one per task).
  bool snippets = true;
};

struct SeedSummary {
  std::int64_t documents = 0;
  std::int64_t tasks = 0;
  std::map<std::string, std::int64_t> tasks_by_type;  // field type -> tasks
  double seconds = 0;                                 // wall clock of the whole seed
};

// Registers the forms, then adds documents until `tasks` review tasks are open. Returns the
// store's or the form registry's error (naming the form file) on failure; FailedPrecondition
// when a form has no field that seeds a task, or when the data directory already holds
// received documents (ClaimDocument would hand out one of those instead of the seed's own).
Result<SeedSummary> SeedReviewTasks(const SeedOptions& options);

}  // namespace adbridge::bench

#endif  // ADBRIDGE_BENCH_REVIEW_SEEDING_H_
