// Seeding the letters benchmark (and the letters' command-line tests): a data directory holding
// verified records of one form, made without OCR.
//
//   LetterSeedOptions options{.data_dir = "work/data",
//                             .form = "models/forms/kyufukin-application.json",
//                             .records = 500};
//   Result<LetterSeedSummary> seeded = SeedVerifiedRecords(options);
//
// Each record is an invented resident of Nagano (the scan generator's tables: names, towns with
// their postal codes, banks), so addresses and postal codes vary as a real batch's do. A record
// is a document with a tiny original unique to it, claimed and read through the Store exactly as
// an OCR worker would (ClaimDocument + RecordReading) with every field auto-accepted, which
// makes it verified.
//
// Thread-safety: plain functions; SeedVerifiedRecords must be the only writer of its data
// directory while it runs.
#ifndef ADBRIDGE_BENCH_LETTERS_SEEDING_H_
#define ADBRIDGE_BENCH_LETTERS_SEEDING_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/status.h"
#include "models/store.h"

namespace adbridge::bench {

struct LetterSeedOptions {
  std::filesystem::path data_dir;  // DATA/adbridge.db and DATA/blobs/, created if needed
  std::filesystem::path form;      // the definition to register; every record is of it
  std::int64_t records = 500;
  std::uint64_t seed = 1;                      // the same seed makes the same residents
  std::string tenant{models::kDefaultTenant};  // created when new
};

struct LetterSeedSummary {
  std::vector<std::int64_t> documents;  // in the order made
  double seconds = 0;                   // wall clock of the whole seed
};

// Registers the form and adds `records` verified records to the tenant. Returns the store's
// or the form registry's error on failure; FailedPrecondition when the data directory already
// holds received documents (ClaimDocument would hand out one of those instead).
Result<LetterSeedSummary> SeedVerifiedRecords(const LetterSeedOptions& options);

}  // namespace adbridge::bench

#endif  // ADBRIDGE_BENCH_LETTERS_SEEDING_H_
