// Thin RAII over the SQLite C API for the store: owned connection and statement handles,
// statements that reset themselves when a call is done with them, transactions that roll back
// unless committed, and the one place where SQLite result codes become Status codes.
//
//   ADB_ASSIGN_OR_RETURN(SqliteDb db, OpenDatabase(path));
//   StatementCache statements(db.get());
//   ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(db.get()));
//   ADB_ASSIGN_OR_RETURN(Statement stmt, statements.Get("SELECT id FROM tenants WHERE code=?1"));
//   stmt.BindText(1, code);
//   ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
//   ...
//   ADB_RETURN_IF_ERROR(tx.Commit());
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

// A prepared statement borrowed for one call: binding, stepping and reading columns. It does
// not own the handle (a StatementCache does); when it goes out of scope it resets the handle and
// clears its bindings, so no read stays open and no value leaks into the next call.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite. A failed bind is reported by the next Step.
  Statement& BindInt(int index, std::int64_t value);
  Statement& BindDouble(int index, double value);
  Statement& BindText(int index, std::string_view value);
  Statement& BindNull(int index);
  Statement& BindOptionalInt(int index, const std::optional<std::int64_t>& value);
  Statement& BindOptionalText(int index, const std::optional<std::string>& value);

  // Returns true when a row is ready, false when the statement is done.
  Result<bool> Step();
  // Steps to the end, for statements that return no rows.
  Status Run();

  // Columns are 0-based, as in SQLite.
  bool IsNull(int column) const;
  std::int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  std::optional<std::int64_t> OptionalInt(int column) const;
  std::optional<std::string> OptionalText(int column) const;

 private:
  void NoteBind(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;
};

// Statements prepared once per connection and kept (SQLITE_PREPARE_PERSISTENT), keyed by their
// SQL text. The SQL must outlive the cache: pass string literals or static constants.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}

  // Prepares `sql` on first use. Returns Internal when it does not compile (a bug), DataLoss
  // when the schema cannot be read.
  Result<Statement> Get(std::string_view sql);

 private:
  sqlite3* db_;
  std::unordered_map<std::string_view, SqliteStmt> statements_;
};

// A write transaction begun with BEGIN IMMEDIATE, so the write lock is taken up front (waiting
// up to busy_timeout) and the reads inside it see the newest committed data. Rolls back when
// it goes out of scope without Commit().
class Transaction {
 public:
  // Returns Unavailable when another connection holds the write lock past busy_timeout.
  static Result<Transaction> BeginImmediate(sqlite3* db);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  bool open_ = true;
};

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_SQLITE_H_
