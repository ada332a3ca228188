// The store's SQL, run the same way on SQLite and on PostgreSQL: a Connection to one database,
// statements prepared once per connection, transactions that roll back unless committed, and
// the few spellings the two engines disagree on written as tokens the connection expands.
//
//   std::unique_ptr<Connection> conn = ...;  // MakeSqliteConnection or ConnectPostgres
//   StatementCache statements(conn.get());
//   ADB_ASSIGN_OR_RETURN(Transaction tx, Transaction::BeginImmediate(*conn));
//   ADB_ASSIGN_OR_RETURN(Statement stmt, statements.Get(
//       "UPDATE documents SET updated_at = " ADB_SQL_NOW " WHERE id = ?1 RETURNING id"));
//   stmt.BindInt(1, id);
//   ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
//   ADB_RETURN_IF_ERROR(tx.Commit());
//
// The SQL the store writes:
// - Parameters are `?1`, `?2`... (PostgreSQL's connection turns them into `$1`, `$2`...).
// - Times are ISO 8601 UTC text with milliseconds ("2026-11-21T09:30:00.123Z"), which sorts in
//   time order as text, in both engines.
// - Truth values are stored as INTEGER 0/1; a comparison is never stored or summed directly
//   (PostgreSQL keeps booleans apart from integers): write CASE WHEN ... THEN 1 ELSE 0 END.
// - New rows' ids come back through RETURNING.
// - Where the engines spell a thing differently, one of the tokens below stands for it.
//
// Thread-safety: a Connection and everything made from it belong to one thread at a time; the
// store serialises its calls on a mutex.
#ifndef ADBRIDGE_MODELS_INTERNAL_SQL_H_
#define ADBRIDGE_MODELS_INTERNAL_SQL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/status.h"

// ---- tokens (expanded by ExpandSql for each engine) ----
// The current time as stored ("2026-11-21T09:30:00.123Z").
#define ADB_SQL_NOW "{now}"
// The current time plus the seconds (an integer, may be negative) bound to parameter `param`.
#define ADB_SQL_NOW_PLUS(param) "{now_plus " param "}"
// The seconds from the stored time `expr` to now, as a real number.
#define ADB_SQL_SECONDS_SINCE(expr) "{seconds_since " expr "}"
// A stored time (or an ISO 8601 time with an offset, bound to `param`) in the stored form;
// NULL when it is not a time.
#define ADB_SQL_TIME(param) "{time " param "}"
// The integers (texts) of a JSON array bound to `param`, as a one-column subquery: one
// prepared statement serves a list of any length.
#define ADB_SQL_INT_LIST(param) "{int_list " param "}"
#define ADB_SQL_TEXT_LIST(param) "{text_list " param "}"
// A join whose left side is the outer loop (SQLite's planner is told so; PostgreSQL chooses).
#define ADB_SQL_OUTER_JOIN_FIRST "{cross_join}"
// After a SELECT that picks rows to change: those rows are locked against other writers, and
// rows another writer holds are passed over (PostgreSQL's FOR UPDATE SKIP LOCKED; nothing on
// SQLite, where a writer holds the whole database).
#define ADB_SQL_SKIP_LOCKED "{skip_locked}"
// After a SELECT that checks rows before changing them: those rows are locked until the
// transaction ends (FOR UPDATE on PostgreSQL; nothing on SQLite). ADB_SQL_FOR_UPDATE_OF("d")
// locks only the rows of the table named d in the FROM clause.
#define ADB_SQL_FOR_UPDATE "{for_update}"
#define ADB_SQL_FOR_UPDATE_OF(alias) "{for_update " alias "}"

namespace adbridge::models::internal {

enum class Dialect { kSqlite, kPostgres };
std::string_view DialectName(Dialect dialect);  // "sqlite", "postgresql"

// `sql` with the tokens above spelled for `dialect` (parameters are left as `?N`). Returns
// Internal for a `{` token it does not know (a mistake in the store's SQL).
Result<std::string> ExpandSql(std::string_view sql, Dialect dialect);

// One prepared statement on one connection, between a first bind and the statement being done
// with (Reset). Parameters are 1-based, columns 0-based.
class PreparedStatement {
 public:
  virtual ~PreparedStatement() = default;
  virtual void BindInt(int index, std::int64_t value) = 0;
  virtual void BindDouble(int index, double value) = 0;
  virtual void BindText(int index, std::string_view value) = 0;
  virtual void BindBytes(int index, std::span<const std::uint8_t> value) = 0;
  virtual void BindNull(int index) = 0;
  // Runs the statement on the first call; true while a row is ready.
  virtual Result<bool> Step() = 0;
  virtual bool IsNull(int column) const = 0;
  virtual std::int64_t Int(int column) const = 0;
  virtual double Double(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  virtual std::vector<std::uint8_t> Bytes(int column) const = 0;
  // Ends this use: results dropped, bindings cleared, ready to be bound again.
  virtual void Reset() = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // The statement for `sql` (store SQL with tokens), prepared on first use and kept; `sql` must
  // outlive the connection (pass string literals or static constants). Internal when it does
  // not compile (a bug); Unavailable when the database cannot be reached.
  virtual Result<PreparedStatement*> Prepare(std::string_view sql) = 0;
  // Runs `sql` (one or more statements without parameters or tokens; results ignored).
  virtual Status Exec(std::string_view sql, const Text& what) = 0;
  // A write transaction that sees the newest committed data and is ordered after every other
  // writer's: SQLite's BEGIN IMMEDIATE; on PostgreSQL BEGIN and one advisory lock every
  // adbridge writer takes, so the store's check-then-write steps never interleave.
  virtual Status BeginWrite() = 0;
  // A write transaction that takes no lock up front: on PostgreSQL, writers of different rows
  // run side by side. It must lock (ADB_SQL_FOR_UPDATE, ADB_SQL_SKIP_LOCKED) every row it reads
  // to decide what to write, documents before their tasks, and every BeginWrite transaction
  // that changes those rows locks them the same way. SQLite has one writer at a time, so there
  // it is BeginWrite.
  virtual Status BeginRowLockedWrite() = 0;
  // A read of several statements that see one snapshot.
  virtual Status BeginRead() = 0;
  virtual Status Commit() = 0;
  // Ends the open transaction, if any, without keeping its changes. Never fails.
  virtual void Rollback() = 0;
};

// A prepared statement borrowed for one call. When it goes out of scope the statement is reset,
// so no read stays open and no value leaks into the next call.
class Statement {
 public:
  explicit Statement(PreparedStatement* stmt) : stmt_(stmt) {}
  ~Statement() {
    if (stmt_ != nullptr) stmt_->Reset();
  }
  Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& BindInt(int index, std::int64_t value) {
    stmt_->BindInt(index, value);
    return *this;
  }
  Statement& BindDouble(int index, double value) {
    stmt_->BindDouble(index, value);
    return *this;
  }
  Statement& BindText(int index, std::string_view value) {
    stmt_->BindText(index, value);
    return *this;
  }
  Statement& BindBytes(int index, std::span<const std::uint8_t> value) {
    stmt_->BindBytes(index, value);
    return *this;
  }
  Statement& BindNull(int index) {
    stmt_->BindNull(index);
    return *this;
  }
  Statement& BindOptionalInt(int index, const std::optional<std::int64_t>& value) {
    return value ? BindInt(index, *value) : BindNull(index);
  }
  Statement& BindOptionalText(int index, const std::optional<std::string>& value) {
    return value ? BindText(index, *value) : BindNull(index);
  }

  // True when a row is ready, false when the statement is done.
  Result<bool> Step() { return stmt_->Step(); }
  // Steps to the end, for statements that return no rows.
  Status Run();

  bool IsNull(int column) const { return stmt_->IsNull(column); }
  std::int64_t Int(int column) const { return stmt_->Int(column); }
  double Double(int column) const { return stmt_->Double(column); }
  std::string Text(int column) const { return stmt_->Text(column); }
  std::vector<std::uint8_t> Bytes(int column) const { return stmt_->Bytes(column); }
  std::optional<std::int64_t> OptionalInt(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Int(column);
  }
  std::optional<std::string> OptionalText(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Text(column);
  }

 private:
  PreparedStatement* stmt_;
};

// Runs a statement whose first row's first column is an integer (an INSERT ... RETURNING id)
// to the end and returns that integer; Internal when it returned no row.
Result<std::int64_t> RunReturningInt(Statement& stmt);
// Runs a statement with a RETURNING clause to the end; true when it returned a row (it changed
// something).
Result<bool> RunReturningAny(Statement& stmt);

// The store's way to its connection's statements.
class StatementCache {
 public:
  explicit StatementCache(Connection* conn) : conn_(conn) {}
  Result<Statement> Get(std::string_view sql) {
    ADB_ASSIGN_OR_RETURN(PreparedStatement * stmt, conn_->Prepare(sql));
    return Statement(stmt);
  }

 private:
  Connection* conn_;
};

// A write transaction (Connection::BeginWrite) that rolls back when it goes out of scope
// without Commit().
class Transaction {
 public:
  // Unavailable when another writer holds the database past the engine's wait.
  static Result<Transaction> BeginImmediate(Connection& conn);
  // Connection::BeginRowLockedWrite, for the review queue's hot path.
  static Result<Transaction> BeginRowLocked(Connection& conn);

  Transaction(Transaction&& other) noexcept
      : conn_(other.conn_), open_(std::exchange(other.open_, false)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (open_) conn_->Rollback();
  }

  Status Commit();

 private:
  explicit Transaction(Connection& conn) : conn_(&conn) {}

  Connection* conn_;
  bool open_ = true;
};

// A read of several statements that must see one snapshot (Connection::BeginRead); ends the
// read when it goes out of scope.
class ReadSnapshot {
 public:
  static Result<ReadSnapshot> Begin(Connection& conn);

  ReadSnapshot(ReadSnapshot&& other) noexcept
      : conn_(other.conn_), open_(std::exchange(other.open_, false)) {}
  ReadSnapshot& operator=(ReadSnapshot&&) = delete;
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  ~ReadSnapshot() {
    if (open_) conn_->Rollback();  // nothing was written: ending it either way is the same
  }

 private:
  explicit ReadSnapshot(Connection& conn) : conn_(&conn) {}

  Connection* conn_;
  bool open_ = true;
};

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_SQL_H_
