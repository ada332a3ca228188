// The store's schema as numbered migrations, the same numbers on SQLite and PostgreSQL.
// Migration N brings a database from schema N-1 to N; the version changes in the same
// transaction as the schema, so a crash leaves the database at one version or the next, never
// between. Migrations are only ever appended: a released one is never edited.
//
// Thread-safety: Migrate is safe against other processes migrating the same file at the same
// time (each step re-reads the version after taking the write lock).
#ifndef ADBRIDGE_MODELS_INTERNAL_MIGRATIONS_H_
#define ADBRIDGE_MODELS_INTERNAL_MIGRATIONS_H_

#include <span>

#include "models/internal/sql.h"
#include "models/status.h"

namespace adbridge::models::internal {

struct Migration {
  int version;              // the schema version this migration produces
  const char* description;  // for people reading the code and the history
  const char* sql;
};

// Every migration, in order; the last one's version is kSchemaVersion.
std::span<const Migration> Migrations();

// The schema version recorded in the database (0 for a new one): SQLite keeps it in the file's
// header (PRAGMA user_version), PostgreSQL in the table adbridge_schema.
Result<int> ReadSchemaVersion(Connection& conn);

// Applies the pending migrations, each in its own write transaction (SQLite's migration text
// or PostgresMigrationSql of the same number). Returns FailedPrecondition (changing nothing)
// when the database was made by a newer adbridge, DataLoss when the file is not a database,
// Unavailable when it is locked past the engine's wait.
Status Migrate(Connection& conn);

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_MIGRATIONS_H_
