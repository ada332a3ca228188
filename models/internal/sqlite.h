// The SQLite side of the store's SQL (models/internal/sql.h): owned connection and statement
// handles, the store's Connection over them, and the one place where SQLite result codes
// become Status codes.
//
//   ADB_ASSIGN_OR_RETURN(SqliteDb db, OpenDatabase(path));
//   std::unique_ptr<Connection> conn = MakeSqliteConnection(std::move(db));
//
// Thread-safety: none of these types is safe for concurrent use; the store serialises every
// call on its connection with a mutex.
#ifndef ADBRIDGE_MODELS_INTERNAL_SQLITE_H_
#define ADBRIDGE_MODELS_INTERNAL_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "models/internal/sql.h"
#include "models/status.h"

namespace adbridge::models::internal {

struct SqliteDbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct SqliteStmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteDbCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteStmtFinalizer>;

// How long a call waits for another connection's write lock before it gives up with
// Unavailable.
inline constexpr int kBusyTimeoutMs = 5000;

// Maps the result `rc` of a call on `db` to a Status; `what` says what was being done.
//   BUSY, LOCKED, FULL, IOERR, CANTOPEN, READONLY, PERM -> Unavailable (retrying may help)
//   CONSTRAINT: UNIQUE / PRIMARYKEY -> AlreadyExists, FOREIGNKEY and TRIGGER (append-only)
//               -> FailedPrecondition, CHECK / NOTNULL / others -> InvalidArgument
//   CORRUPT, NOTADB -> DataLoss
//   anything else -> Internal
Status SqliteStatus(sqlite3* db, int rc, const Text& what);

// Opens (creating the file and its folder if needed) the database at `path` and configures
// the connection: extended result codes, busy_timeout, foreign_keys=ON, journal_mode=WAL,
// synchronous=FULL. Returns Unavailable when it cannot be opened or created, DataLoss when the
// file is not a SQLite database.
Result<SqliteDb> OpenDatabase(const std::filesystem::path& path);

// Runs `sql` (one or more statements, no parameters, results ignored).
Status Exec(sqlite3* db, const char* sql, const Text& what);

// The store's Connection (models/internal/sql.h) over an open database: statements prepared
// once (SQLITE_PREPARE_PERSISTENT) and kept, BeginWrite as BEGIN IMMEDIATE.
std::unique_ptr<Connection> MakeSqliteConnection(SqliteDb db);

// The SQLite handle under a connection MakeSqliteConnection made (for SQLite-only work: the
// schema version pragma, the online backup).
sqlite3* SqliteHandle(Connection& conn);

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_SQLITE_H_
