// Moving an installation from its data folder (SQLite database and blob files) into an empty
// PostgreSQL database, where several machines can share it (adbridge migrate-store).
//
//   Result<StoreMigrationSummary> moved = MigrateStoreToPostgres(
//       "/srv/adbridge-data", "postgresql://adbridge@db.example/adbridge",
//       [](const Text& line) { std::cerr << line.In(DefaultLang()) << "\n"; });
//
// Nothing is lost and nothing is half done: every row of every table is copied with its ids
// (each id sequence then set past the highest id), every blob's bytes go into blob_contents after
// being checked against their SHA-256, the row counts of both sides are compared, and an audit
// event "store.migrated" is written, all in one PostgreSQL transaction. Any failure rolls it
// back and leaves the target as it was. The source is only read.
//
// The target is a new database (createdb) that adbridge has not opened: the migration creates
// this program's schema in it first, as opening a store does but without the default tenant
// (the source brings its own). A database with any row in adbridge's tables is refused, even
// one adbridge only opened: that holds the default tenant and the append-only audit event of
// its creation, which the copy, keeping the source's ids, cannot sit beside. The schema stays
// when the copy fails; it is what opening the database would have made.
//
// Thread-safety: run once per process; the data folder's lock keeps every other adbridge out
// of the source while it runs.
#ifndef ADBRIDGE_MODELS_STORE_MIGRATION_H_
#define ADBRIDGE_MODELS_STORE_MIGRATION_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "models/status.h"

namespace adbridge::models {

struct MigratedTable {
  std::string name;
  std::int64_t rows = 0;
};

struct StoreMigrationSummary {
  std::vector<MigratedTable> tables;  // in the order they were copied (parents first)
  std::int64_t blobs = 0;
  std::int64_t blob_bytes = 0;
  double seconds = 0;
};

// Receives one line of progress at a time (a table copied, blobs so far).
using MigrationProgress = std::function<void(const Text& line)>;

// Copies the installation in the data folder `data_dir` into the PostgreSQL database `uri`.
// Returns
// - NotFound when `data_dir` holds no installation (no adbridge.db);
// - FailedPrecondition when another adbridge has the folder open (a server, a worker), when
//   the source's schema version is not this program's (open it once with this adbridge first),
//   when the target's schema is newer, or when the target already holds data (the message
//   names the tables and their counts);
// - NotFound / DataLoss when a blob the source records is missing or no longer matches its
//   hash (naming it); the target is left as it was;
// - Unavailable when the target cannot be reached, InvalidArgument for a malformed `uri`;
//   messages never show the password.
Result<StoreMigrationSummary> MigrateStoreToPostgres(const std::filesystem::path& data_dir,
                                                     const std::string& uri,
                                                     const MigrationProgress& progress);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_STORE_MIGRATION_H_
