#include "models/internal/sql.h"

#include <string>

namespace adbridge::models::internal {
namespace {

// The stored time format, as each engine writes it.
constexpr std::string_view kSqliteIso = "'%Y-%m-%dT%H:%M:%fZ'";
constexpr std::string_view kPostgresIso = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";

// What an ISO 8601 time looks like before PostgreSQL is asked to read it: its own reader also
// takes words ("today", "epoch"), which SQLite's strftime would not.
constexpr std::string_view kPostgresTimePattern =
    "'^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?"
    "(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'";

std::string PostgresIso(const std::string& timestamp) {
  return "to_char((" + timestamp + ") AT TIME ZONE 'UTC', " + std::string(kPostgresIso) + ")";
}

Result<std::string> ExpandToken(std::string_view name, std::string_view arg, Dialect dialect) {
  const std::string a(arg);
  const bool pg = dialect == Dialect::kPostgres;
  if (name == "now" && arg.empty()) {
    return pg ? PostgresIso("statement_timestamp()")
              : "strftime(" + std::string(kSqliteIso) + ", 'now')";
  }
  if (name == "now_plus" && !arg.empty()) {
    return pg ? PostgresIso("statement_timestamp() + CAST(" + a +
                            " AS bigint) * interval '1 second'")
              : "strftime(" + std::string(kSqliteIso) + ", 'now', " + a + " || ' seconds')";
  }
  if (name == "seconds_since" && !arg.empty()) {
    return pg ? "CAST(extract(epoch FROM (statement_timestamp() - CAST(" + a +
                    " AS timestamptz))) AS double precision)"
              : "((julianday('now') - julianday(" + a + ")) * 86400.0)";
  }
  if (name == "time" && !arg.empty()) {
    return pg ? "(CASE WHEN CAST(" + a + " AS text) ~ " + std::string(kPostgresTimePattern) +
                    " THEN " + PostgresIso("CAST(" + a + " AS timestamptz)") + " END)"
              : "strftime(" + std::string(kSqliteIso) + ", " + a + ")";
  }
  if (name == "int_list" && !arg.empty()) {
    return pg ? "(SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(" + a +
                    " AS json)))"
              : "(SELECT value FROM json_each(" + a + "))";
  }
  if (name == "text_list" && !arg.empty()) {
    return pg ? "(SELECT value FROM json_array_elements_text(CAST(" + a + " AS json)))"
              : "(SELECT value FROM json_each(" + a + "))";
  }
  if (name == "cross_join" && arg.empty()) return std::string(pg ? "JOIN" : "CROSS JOIN");
  if (name == "skip_locked" && arg.empty()) return std::string(pg ? "FOR UPDATE SKIP LOCKED" : "");
  if (name == "for_update") {
    if (!pg) return std::string();
    return arg.empty() ? std::string("FOR UPDATE") : "FOR UPDATE OF " + a;
  }
  const std::string token = "{" + std::string(name) + (arg.empty() ? "" : " " + a) + "}";
  return Status::Internal("SQL の書き方が不正です: " + token, "malformed SQL token: " + token);
}

}  // namespace

std::string_view DialectName(Dialect dialect) {
  return dialect == Dialect::kPostgres ? "postgresql" : "sqlite";
}

Result<std::string> ExpandSql(std::string_view sql, Dialect dialect) {
  std::string out;
  out.reserve(sql.size() + 64);
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;  // '' inside a string toggles twice: still quoted
    if (quoted || c != '{') {
      out += c;
      continue;
    }
    const std::size_t end = sql.find('}', i);
    if (end == std::string_view::npos) {
      return Status::Internal("SQL の { が閉じていません", "an SQL token is not closed");
    }
    const std::string_view body = sql.substr(i + 1, end - i - 1);
    const std::size_t space = body.find(' ');
    const std::string_view name = body.substr(0, space);
    const std::string_view arg =
        space == std::string_view::npos ? std::string_view() : body.substr(space + 1);
    ADB_ASSIGN_OR_RETURN(std::string expanded, ExpandToken(name, arg, dialect));
    out += expanded;
    i = end;
  }
  return out;
}

Status Statement::Run() {
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

Result<std::int64_t> RunReturningInt(Statement& stmt) {
  ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return Status::Internal("SQL が値を返しませんでした", "a statement returned no value");
  }
  const std::int64_t value = stmt.Int(0);
  ADB_RETURN_IF_ERROR(stmt.Run());
  return value;
}

Result<bool> RunReturningAny(Statement& stmt) {
  ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (row) ADB_RETURN_IF_ERROR(stmt.Run());
  return row;
}

Result<Transaction> Transaction::BeginImmediate(Connection& conn) {
  ADB_RETURN_IF_ERROR(conn.BeginWrite());
  return Transaction(conn);
}

Result<Transaction> Transaction::BeginRowLocked(Connection& conn) {
  ADB_RETURN_IF_ERROR(conn.BeginRowLockedWrite());
  return Transaction(conn);
}

Status Transaction::Commit() {
  open_ = false;
  return conn_->Commit();
}

Result<ReadSnapshot> ReadSnapshot::Begin(Connection& conn) {
  ADB_RETURN_IF_ERROR(conn.BeginRead());
  return ReadSnapshot(conn);
}

}  // namespace adbridge::models::internal
