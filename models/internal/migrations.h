// The store's schema as numbered migrations. Migration N brings a database from schema N-1 to
// N; the version is kept in the database header (PRAGMA user_version), which changes in the same
// transaction as the schema, so a crash leaves the database at one version or the next, never
// between. Migrations are only ever appended: a released one is never edited.
//
// Thread-safety: Migrate is safe against other processes migrating the same file at the same
// time (each step re-reads the version after taking the write lock).
#ifndef ADBRIDGE_MODELS_INTERNAL_MIGRATIONS_H_
#define ADBRIDGE_MODELS_INTERNAL_MIGRATIONS_H_

#include <sqlite3.h>

#include <span>

#include "models/status.h"

namespace adbridge::models::internal {

struct Migration {
  int version;              // the schema version this migration produces
  const char* description;  // for people reading the code and the history
  const char* sql;
};

// Every migration, in order; the last one's version is kSchemaVersion.
std::span<const Migration> Migrations();

// The schema version recorded in the database (0 for a new file).
Result<int> ReadSchemaVersion(sqlite3* db);

// Applies the pending migrations, each in its own IMMEDIATE transaction. Returns
// FailedPrecondition (changing nothing) when the database was made by a newer adbridge,
// DataLoss when the file is not a database, Unavailable when it is locked past busy_timeout.
Status Migrate(sqlite3* db);

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_MIGRATIONS_H_
