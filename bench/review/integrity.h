// The review benchmark's integrity check: after a load run, the database and the load
// report must tell the same story — no task handed out twice, every successful submit settled
// its task exactly once and under the reviewer who made it, nothing settled that nobody
// submitted, no claimed task lost, and documents verified exactly when their last task was.
//
//   Result<IntegrityResult> check = CheckIntegrity("work/data-http", "", report, 80000);
//   Result<IntegrityResult> check = CheckIntegrity({}, "postgresql://...", report, 80000);
//   if (check.ok() && !check->ok()) { ... check->problems ... }
//
// It reads DATA/adbridge.db, or the PostgreSQL database the store is in, with plain SQL that
// only reads, in one snapshot, so it sees what is stored rather than what the Store API
// chooses to show, and needs no running adbridge server. The queries name the schema of
// models/internal/migrations.cc (version 3), which both engines share.
//
// Thread-safety: a plain function.
#ifndef ADBRIDGE_BENCH_REVIEW_INTEGRITY_H_
#define ADBRIDGE_BENCH_REVIEW_INTEGRITY_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench/review/load.h"
#include "models/status.h"

namespace adbridge::bench {

struct IntegrityResult {
  // From the report.
  std::int64_t claims = 0;         // task ids handed out, counting repeats
  std::int64_t claimed_twice = 0;  // ids handed out more than once
  std::int64_t submits_ok = 0;     // successful submits on field tasks
  std::int64_t gold_submits = 0;   // successful submits on gold tasks (counted apart)
  // From the database (field tasks only: the kind the seed makes; gold tasks the queue mixes
  // in are counted apart).
  std::int64_t field_tasks = 0;
  std::map<std::string, std::int64_t> field_tasks_by_state;  // "open" -> n
  std::int64_t settled = 0;                                  // field tasks done
  std::int64_t submit_entries = 0;                           // submit entries on field tasks
  std::int64_t tasks_with_two_submits = 0;
  std::int64_t settled_not_submitted = 0;  // done in the database, no successful submit seen
  std::int64_t submitted_not_settled = 0;  // a successful submit whose task is not done
  std::int64_t wrong_reviewer = 0;         // the submit entry names another user than the submitter
  std::int64_t lost = 0;  // claimed, not submitted, and neither leased to the claimer nor done
  std::int64_t leased_unknown = 0;  // leased to someone, but no claim of the run says so
  std::int64_t gold_tasks = 0;
  std::int64_t verified_with_open_task = 0;  // documents verified too early
  std::int64_t in_review_without_task = 0;   // documents that should be verified
  std::optional<std::int64_t> seeded_tasks;  // what the seed made, when known
  std::vector<std::string> problems;         // one line per failed check

  bool ok() const { return problems.empty(); }
};

// Checks the store a load run worked on against its report: DATA/adbridge.db, or with `db`
// non-empty the PostgreSQL database it names. `seeded_tasks`, when given, must equal the field
// tasks in the database. Returns Unavailable / DataLoss when the database cannot be read,
// Internal when it lacks the review schema.
Result<IntegrityResult> CheckIntegrity(const std::filesystem::path& data_dir, const std::string& db,
                                       const LoadReport& report,
                                       std::optional<std::int64_t> seeded_tasks);

// The result as JSON, and back (for the results table). FromJson returns InvalidArgument
// when a key is missing or mistyped.
nlohmann::ordered_json IntegrityToJson(const IntegrityResult& result);
Result<IntegrityResult> IntegrityFromJson(const nlohmann::json& json);

}  // namespace adbridge::bench

#endif  // ADBRIDGE_BENCH_REVIEW_INTEGRITY_H_
