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
// What the target may hold: the schema and what opening a store creates (the default tenant),
// nothing else. A database that was never opened gets its schema from the migration, which
// opens it first (models::OpenPostgresStore).
//
// Thread-safety: run once per process; the data folder's lock keeps every other adbridge out
// of the source while it runs.
#ifndef ADBRIDGE_MODELS_STORE_MIGRATION_H_
#define ADBRIDGE_MODELS_STORE_MIGRATION_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/status.h"

namespace adbridge::models {

namespace internal {
class Connection;
}  // namespace internal

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

// Copies the installation in the data folder `data_dir` into the PostgreSQL database `uri`,
// after opening it as a store (so its schema is this program's). Returns
// - NotFound when `data_dir` holds no installation (no adbridge.db);
// - FailedPrecondition when another adbridge has the folder open (a server, a worker), when
//   the source's schema version is not this program's (open it once with this adbridge first),
//   or when the target already holds data (the message names the tables and their counts);
// - NotFound / DataLoss when a blob the source records is missing or no longer matches its
//   hash (naming it); the target is left as it was;
// - Unavailable when the target cannot be reached, InvalidArgument for a malformed `uri`;
//   messages never show the password.
Result<StoreMigrationSummary> MigrateStoreToPostgres(const std::filesystem::path& data_dir,
                                                     const std::string& uri,
                                                     const MigrationProgress& progress);

// The copy itself, into the store database `target` is open on (its schema already this
// program's, as opening a store leaves it). MigrateStoreToPostgres's errors but for reaching
// the target. Any engine: tests also use it with a SQLite target.
Result<StoreMigrationSummary> MigrateStore(const std::filesystem::path& data_dir,
                                           std::unique_ptr<internal::Connection> target,
                                           const MigrationProgress& progress);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_STORE_MIGRATION_H_
