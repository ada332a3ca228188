#include "models/internal/postgres.h"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace adbridge::models::internal {
namespace {

struct PgConnCloser {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
struct PgResultClearer {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
struct PgConninfoFreer {
  void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};
using PgConn = std::unique_ptr<PGconn, PgConnCloser>;
using PgResult = std::unique_ptr<PGresult, PgResultClearer>;
using PgConninfo = std::unique_ptr<PQconninfoOption, PgConninfoFreer>;

// bytea's type OID (catalog/pg_type.h, which only the server's headers carry).
constexpr Oid kByteaOid = 17;

// The oldest server adbridge's SQL is written for (SKIP LOCKED, identity columns,
// pg_terminate_backend's wait, CREATE DATABASE ... WITH (FORCE) in the tests).
constexpr int kMinServerVersion = 130000;

// Every adbridge writer takes this transaction-scoped advisory lock right after BEGIN, so write
// transactions run one after another, as SQLite's BEGIN IMMEDIATE makes them: the store checks
// and then writes (a document's state, a task's lease, the next letter number) and relies on no
// other writer acting in between. Readers never take it. The key is "adbridge" in ASCII, so it
// is recognisable in pg_locks and unlikely to meet another application's key.
constexpr char kBeginWrite[] = "BEGIN; SELECT pg_advisory_xact_lock(7017280452245743461)";
// One snapshot for the whole read; READ ONLY so a write by mistake fails instead of committing.
constexpr char kBeginRead[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

// Set on every session (and again after a reconnect, since they travel with the login):
// - TimeZone UTC: times are stored as UTC text; conversions must not depend on the server.
// - lock_timeout: a writer that waits 30 s for another (a stuck process holding the write lock)
//   gives Unavailable, which callers report as "busy, try again", instead of hanging.
// - statement_timeout: no single statement of the store runs for minutes; one that does is
//   stopped rather than holding its locks and connection forever.
// - idle_in_transaction_session_timeout: a process that stops in the middle of a transaction
//   (frozen, or a bug) loses its session and with it the write lock, so other writers go on.
// - client_min_messages: notices ("table already exists, skipping") are not for people.
constexpr char kSessionOptions[] =
    "-c TimeZone=UTC -c lock_timeout=30s -c statement_timeout=300s "
    "-c idle_in_transaction_session_timeout=300s -c client_min_messages=warning";

// The SQLSTATE of the exception the append-only triggers raise (postgres_migrations.cc).
constexpr std::string_view kAppendOnlySqlstate = "AD001";

// libpq's messages end with a newline and may span lines; one line reads better in a Status.
std::string OneLine(std::string_view message) {
  std::string out;
  for (char c : message) {
    if (c == '\n') {
      out += "; ";
    } else {
      out += c;
    }
  }
  while (out.size() >= 2 && out.ends_with("; ")) out.resize(out.size() - 2);
  return out;
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// Notices are dropped: libpq would print them on stderr.
void IgnoreNotice(void*, const PGresult*) {}

bool StartsWith(const char* sqlstate, std::string_view prefix) {
  return sqlstate != nullptr && std::string_view(sqlstate).starts_with(prefix);
}

// The status of a failed command: `result` may be null (libpq could not even send it).
Status PostgresStatus(PGconn* conn, const PGresult* result, const Text& what) {
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string detail = OneLine(primary != nullptr ? primary : PQerrorMessage(conn));
  if (sqlstate != nullptr) detail += std::string(" [") + sqlstate + "]";
  const std::string ja = what.ja + " (" + detail + ")";
  const std::string en = what.en + " (" + detail + ")";

  const std::string_view state = sqlstate != nullptr ? sqlstate : "";
  if (sqlstate == nullptr || StartsWith(sqlstate, "08") || StartsWith(sqlstate, "57P")) {
    // No SQLSTATE means libpq lost the server before one arrived.
    return Status::Unavailable("データベースサーバーとの接続が切れました: " + ja,
                               "the connection to the database server was lost: " + en);
  }
  if (state == "23505") {
    return Status::AlreadyExists("既に登録されています: " + ja, "already exists: " + en);
  }
  if (state == "23503" || state == "23001") {
    return Status::FailedPrecondition("参照先が登録されていません: " + ja,
                                      "refers to something not recorded: " + en);
  }
  if (state == kAppendOnlySqlstate) {
    return Status::FailedPrecondition("この操作は許されていません: " + ja,
                                      "this change is not allowed: " + en);
  }
  if (StartsWith(sqlstate, "23") || StartsWith(sqlstate, "22")) {
    return Status::InvalidArgument("値が規則に合いません: " + ja, "a value breaks a rule: " + en);
  }
  if (state == "40001" || state == "40P01" || state == "55P03" || state == "57014") {
    return Status::Unavailable("データベースが使用中です。もう一度お試しください: " + ja,
                               "the database is busy; try again: " + en);
  }
  if (StartsWith(sqlstate, "53") || StartsWith(sqlstate, "58")) {
    return Status::Unavailable("データベースサーバーが書き込めません (ディスク・資源): " + ja,
                               "the database server cannot write (disk, resources): " + en);
  }
  if (state == "XX001" || state == "XX002") {
    return Status::DataLoss("データベースのデータが壊れています: " + ja,
                            "the database's data is corrupt: " + en);
  }
  return Status::Internal("データベースの予期しないエラー: " + ja,
                          "unexpected database error: " + en);
}

// `sql` with the store's parameters `?N` spelled as PostgreSQL's `$N`, outside quoted strings
// and identifiers; `max_param` receives the highest N.
std::string ToDollarParameters(std::string_view sql, int& max_param) {
  std::string out;
  out.reserve(sql.size());
  max_param = 0;
  char quote = 0;  // the quote character of the string or identifier we are in, or 0
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote leaves and enters again
      out += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      std::size_t end = i + 1;
      int n = 0;
      while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9' && n < 100000) {
        n = n * 10 + (sql[end] - '0');
        ++end;
      }
      max_param = std::max(max_param, n);
      out += '$';
      out.append(sql.substr(i + 1, end - i - 1));
      i = end - 1;
      continue;
    }
    out += c;
  }
  return out;
}

bool ParseInt(std::string_view text, std::int64_t& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool ParseDouble(std::string_view text, double& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

class PostgresConnection;

class PostgresStatement final : public PreparedStatement {
 public:
  PostgresStatement(PostgresConnection* conn, std::string name, std::string sql, int params)
      : conn_(conn), name_(std::move(name)), sql_(std::move(sql)), params_(params) {}

  const std::string& name() const { return name_; }
  const std::string& sql() const { return sql_; }
  int params() const { return params_; }
  // The session this statement was last prepared on (PostgresConnection::session_).
  std::uint64_t prepared_session = 0;

  void BindInt(int index, std::int64_t value) override {
    Bind(index, std::to_string(value), false);
  }
  void BindDouble(int index, double value) override {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    Bind(index, text, false);
  }
  void BindText(int index, std::string_view value) override {
    // Text parameters travel as C strings: a NUL would cut the value short without a word.
    if (value.find('\0') != std::string_view::npos && !bind_error_) {
      bind_error_ = Status::InvalidArgument(
          "文字列に NUL 文字が含まれているため保存できません (パラメーター " +
              std::to_string(index) + ")",
          "a text contains a NUL character and cannot be stored (parameter " +
              std::to_string(index) + ")");
    }
    Bind(index, std::string(value), false);
  }
  void BindBytes(int index, std::span<const std::uint8_t> value) override {
    std::string raw;  // an empty span may have no data pointer at all
    if (!value.empty()) raw.assign(reinterpret_cast<const char*>(value.data()), value.size());
    Bind(index, std::move(raw), true);
  }
  void BindNull(int index) override {
    if (!InRange(index)) return;
    values_[index - 1].reset();
    binary_[index - 1] = 0;
  }

  Result<bool> Step() override;

  bool IsNull(int column) const override {
    return !HasValue(column) || PQgetisnull(result_.get(), row_, column) != 0;
  }
  std::int64_t Int(int column) const override {
    const std::string_view text = Value(column);
    if (text == "t") return 1;
    if (text == "f") return 0;
    std::int64_t value = 0;
    if (ParseInt(text, value)) return value;
    // A numeric or real result read as an integer is cut towards zero, as SQLite does.
    double real = 0;
    if (!ParseDouble(text, real) || std::isnan(real)) return 0;
    if (real >= 9.2233720368547758e18) return std::numeric_limits<std::int64_t>::max();
    if (real <= -9.2233720368547758e18) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(real);
  }
  double Double(int column) const override {
    const std::string_view text = Value(column);
    if (text == "t") return 1;
    if (text == "f") return 0;
    double value = 0;
    return ParseDouble(text, value) ? value : 0;
  }
  std::string Text(int column) const override { return std::string(Value(column)); }
  std::vector<std::uint8_t> Bytes(int column) const override {
    const std::string_view text = Value(column);
    if (PQftype(result_.get(), column) != kByteaOid || IsNull(column)) {
      return std::vector<std::uint8_t>(text.begin(), text.end());
    }
    std::size_t length = 0;
    unsigned char* raw =
        PQunescapeBytea(reinterpret_cast<const unsigned char*>(text.data()), &length);
    if (raw == nullptr) return {};
    std::vector<std::uint8_t> bytes(raw, raw + length);
    PQfreemem(raw);
    return bytes;
  }

  void Reset() override {
    result_.reset();
    row_ = -1;
    for (auto& value : values_) value.reset();
    std::fill(binary_.begin(), binary_.end(), 0);
    bind_error_.reset();
  }

 private:
  bool InRange(int index) {
    if (index >= 1 && index <= params_) return true;
    if (!bind_error_) {
      bind_error_ = Status::Internal(
          "SQL の値を渡せません (パラメーター " + std::to_string(index) + " はありません)",
          "cannot bind a value (there is no parameter " + std::to_string(index) + ")");
    }
    return false;
  }
  void Bind(int index, std::string value, bool binary) {
    if (!InRange(index)) return;
    values_[index - 1] = std::move(value);
    binary_[index - 1] = binary ? 1 : 0;
  }
  bool HasValue(int column) const {
    return result_ != nullptr && row_ >= 0 && row_ < PQntuples(result_.get()) && column >= 0 &&
           column < PQnfields(result_.get());
  }
  std::string_view Value(int column) const {
    if (!HasValue(column)) return {};
    return std::string_view(PQgetvalue(result_.get(), row_, column),
                            static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
  }

  PostgresConnection* conn_;
  const std::string name_;
  const std::string sql_;  // as sent to the server: tokens expanded, parameters as $N
  const int params_;
  std::vector<std::optional<std::string>> values_ =
      std::vector<std::optional<std::string>>(params_);
  std::vector<int> binary_ = std::vector<int>(params_, 0);
  std::optional<Status> bind_error_;
  PgResult result_;
  int row_ = -1;
};

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PgConn conn) : conn_(std::move(conn)) {
    PQsetNoticeReceiver(conn_.get(), IgnoreNotice, nullptr);
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<PreparedStatement*> Prepare(std::string_view sql) override {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second.get();
    ADB_ASSIGN_OR_RETURN(std::string expanded, ExpandSql(sql, Dialect::kPostgres));
    int params = 0;
    std::string pg_sql = ToDollarParameters(expanded, params);
    auto stmt = std::make_unique<PostgresStatement>(
        this, "adb_" + std::to_string(statements_.size() + 1), std::move(pg_sql), params);
    // Prepared now rather than at first use, so a mistake in the SQL is reported where the
    // statement is asked for.
    ADB_RETURN_IF_ERROR(PrepareOnServer(*stmt));
    PostgresStatement* raw = stmt.get();
    statements_.emplace(sql, std::move(stmt));
    return raw;
  }

  Status Exec(std::string_view sql, const adbridge::Text& what) override {
    ADB_RETURN_IF_ERROR(EnsureSession());
    const std::string text(sql);  // PQexec takes a C string
    PgResult result(PQexec(conn_.get(), text.c_str()));
    return CheckCommand(result.get(), what);
  }

  Status BeginWrite() override {
    return Begin(kBeginWrite, {"書き込みを始められません", "cannot begin a write"});
  }

  // READ COMMITTED without the advisory lock: the caller locks the rows it decides on.
  Status BeginRowLockedWrite() override {
    return Begin("BEGIN", {"書き込みを始められません", "cannot begin a write"});
  }

  Status BeginRead() override {
    return Begin(kBeginRead, {"読み取りを始められません", "cannot begin a read"});
  }

  Status Commit() override {
    const adbridge::Text what{"変更を確定できません", "cannot commit the change"};
    if (!in_transaction_) {
      return Status::Internal("確定するトランザクションがありません",
                              "there is no transaction to commit");
    }
    in_transaction_ = false;
    // PostgreSQL answers COMMIT of a transaction in which a statement failed with ROLLBACK and
    // no error; the caller must not believe its changes were kept.
    const bool failed_before = PQtransactionStatus(conn_.get()) == PQTRANS_INERROR;
    PgResult result(PQexec(conn_.get(), "COMMIT"));
    Status status = CheckCommand(result.get(), what);
    if (status.ok() && failed_before) {
      status = Status::Internal(
          "先に失敗した文があったため、変更は取り消されました",
          "a statement in the transaction had failed, so its changes were rolled back");
    }
    EndTransactionOnServer();
    return status;
  }

  void Rollback() override {
    in_transaction_ = false;
    EndTransactionOnServer();
  }

  // Makes sure `stmt` exists in the current session (a reconnect starts a new one).
  Status Ready(PostgresStatement& stmt) {
    ADB_RETURN_IF_ERROR(EnsureSession());
    if (stmt.prepared_session != session_) ADB_RETURN_IF_ERROR(PrepareOnServer(stmt));
    return Status::Ok();
  }

  PGconn* get() const { return conn_.get(); }

  // The status of a statement that failed.
  Status Failure(const PGresult* result) {
    return PostgresStatus(conn_.get(), result, {"SQL を実行できません", "cannot run a statement"});
  }

 private:
  Status PrepareOnServer(PostgresStatement& stmt) {
    PgResult result;
    // Preparing changes nothing, so a session found lost while sending is opened again and
    // the statement prepared there.
    for (int attempt = 0; attempt < 2; ++attempt) {
      ADB_RETURN_IF_ERROR(EnsureSession());
      result.reset(
          PQprepare(conn_.get(), stmt.name().c_str(), stmt.sql().c_str(), stmt.params(), nullptr));
      if (PQresultStatus(result.get()) == PGRES_COMMAND_OK) {
        stmt.prepared_session = session_;
        return Status::Ok();
      }
      if (in_transaction_ || PQstatus(conn_.get()) == CONNECTION_OK) break;
    }
    Status status = PostgresStatus(conn_.get(), result.get(),
                                   {"SQL を準備できません", "cannot prepare a statement"});
    if (status.code() == StatusCode::kUnavailable) return status;
    // Anything else is a mistake in our SQL, whatever code the server chose for it.
    return Status::Internal(status.text().ja + ": " + stmt.sql(),
                            status.text().en + ": " + stmt.sql());
  }

  Status Begin(const char* sql, const adbridge::Text& what) {
    if (in_transaction_) {
      return Status::Internal("トランザクションが既に始まっています",
                              "a transaction is already open");
    }
    Status status;
    // Beginning changes nothing either: a session found lost while sending is opened again.
    for (int attempt = 0; attempt < 2; ++attempt) {
      ADB_RETURN_IF_ERROR(EnsureSession());
      PgResult result(PQexec(conn_.get(), sql));
      status = CheckCommand(result.get(), what);
      if (status.ok() || PQstatus(conn_.get()) == CONNECTION_OK) break;
    }
    if (!status.ok()) {
      EndTransactionOnServer();  // BEGIN ran but the lock was not granted
      return status;
    }
    in_transaction_ = true;
    return Status::Ok();
  }

  Status CheckCommand(const PGresult* result, const adbridge::Text& what) {
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Status::Ok();
    return PostgresStatus(conn_.get(), result, what);
  }

  void EndTransactionOnServer() {
    const PGTransactionStatusType state = PQtransactionStatus(conn_.get());
    if (state == PQTRANS_INTRANS || state == PQTRANS_INERROR) {
      PgResult ignored(PQexec(conn_.get(), "ROLLBACK"));
    }
  }

  // Before a call: outside a transaction, a session the server ended (a restart, an
  // administrator's pg_terminate_backend, idle_in_transaction_session_timeout) is opened again,
  // so the call goes to a working session instead of failing. Inside a transaction the lost
  // session took the transaction with it: Unavailable, and the caller's rollback ends it here.
  Status EnsureSession() {
    PGconn* conn = conn_.get();
    if (!in_transaction_ && PQstatus(conn) == CONNECTION_OK) {
      // An idle session receives nothing unless the server is about to end it (its last words,
      // then the end of the stream). Reading what is waiting notices that end now.
      for (int i = 0; i < 4 && PQstatus(conn) == CONNECTION_OK && Readable(); ++i) {
        if (PQconsumeInput(conn) == 0) break;
      }
    }
    if (PQstatus(conn) == CONNECTION_OK) return Status::Ok();
    if (in_transaction_) {
      return Status::Unavailable(
          "データベースサーバーとの接続が切れたため、変更は保存されていません (" +
              OneLine(PQerrorMessage(conn)) + ")",
          "the connection to the database server was lost; the change was not saved (" +
              OneLine(PQerrorMessage(conn)) + ")");
    }
    PQreset(conn);
    ++session_;  // prepared statements belong to the old session
    if (PQstatus(conn) != CONNECTION_OK) {
      return Status::Unavailable(
          "データベースサーバーに接続し直せません (" + OneLine(PQerrorMessage(conn)) + ")",
          "cannot reconnect to the database server (" + OneLine(PQerrorMessage(conn)) + ")");
    }
    PQsetNoticeReceiver(conn, IgnoreNotice, nullptr);
    return Status::Ok();
  }

  bool Readable() const {
    pollfd fd{PQsocket(conn_.get()), POLLIN, 0};
    return fd.fd >= 0 && poll(&fd, 1, 0) > 0;
  }

  PgConn conn_;
  std::uint64_t session_ = 1;
  bool in_transaction_ = false;
  std::unordered_map<std::string_view, std::unique_ptr<PostgresStatement>> statements_;
};

Result<bool> PostgresStatement::Step() {
  if (result_ != nullptr) {
    ++row_;
    return row_ < PQntuples(result_.get());
  }
  if (bind_error_) return *bind_error_;
  ADB_RETURN_IF_ERROR(conn_->Ready(*this));
  std::vector<const char*> values(params_, nullptr);
  std::vector<int> lengths(params_, 0);
  for (int i = 0; i < params_; ++i) {
    if (!values_[i]) continue;
    values[i] = values_[i]->c_str();
    lengths[i] = static_cast<int>(values_[i]->size());
  }
  // Text results (the format is one choice for all columns); bytea comes back escaped and
  // Bytes() unescapes it.
  PgResult result(PQexecPrepared(conn_->get(), name_.c_str(), params_, values.data(),
                                 lengths.data(), binary_.data(), 0));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return conn_->Failure(result.get());
  }
  result_ = std::move(result);
  row_ = 0;
  return PQntuples(result_.get()) > 0;
}

// The value of `keyword` in a parsed connection string, or "".
std::string ConninfoValue(const PQconninfoOption* options, std::string_view keyword) {
  for (const PQconninfoOption* o = options; o != nullptr && o->keyword != nullptr; ++o) {
    if (keyword == o->keyword && o->val != nullptr) return o->val;
  }
  return {};
}

}  // namespace

bool IsPostgresUri(std::string_view target) {
  return target.starts_with("postgresql://") || target.starts_with("postgres://");
}

std::string RedactPostgresUri(std::string_view uri) {
  std::string out(uri);
  // user:password@ in the authority (libpq's parser ends the user part at '@' or '/').
  const std::size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const std::size_t start = scheme + 3;
    const std::size_t end = out.find_first_of("@/", start);
    if (end != std::string::npos && out[end] == '@') {
      const std::size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < end) out.replace(colon + 1, end - colon - 1, "***");
    }
  }
  // password=... among the query parameters (or in a "key=value" connection string).
  for (std::size_t at = out.find("password="); at != std::string::npos;
       at = out.find("password=", at + 1)) {
    if (at > 0 && out[at - 1] != '?' && out[at - 1] != '&' && out[at - 1] != ' ') continue;
    const std::size_t value = at + 9;
    std::size_t end;
    if (value < out.size() && out[value] == '\'') {
      end = value + 1;
      while (end < out.size() && out[end] != '\'') end += out[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, out.size());
    } else {
      end = out.find_first_of("& ", value);
      if (end == std::string::npos) end = out.size();
    }
    out.replace(value, end - value, "***");
  }
  return out;
}

Result<std::unique_ptr<Connection>> ConnectPostgres(const std::string& uri) {
  const std::string shown = RedactPostgresUri(uri);
  if (!IsPostgresUri(uri)) {
    return Status::InvalidArgument(
        "PostgreSQL の接続文字列ではありません (postgresql://... と書きます): " + shown,
        "not a PostgreSQL connection string (write postgresql://...): " + shown);
  }
  char* parse_error = nullptr;
  PgConninfo options(PQconninfoParse(uri.c_str(), &parse_error));
  if (options == nullptr) {
    std::string detail = parse_error != nullptr ? OneLine(parse_error) : "out of memory";
    PQfreemem(parse_error);
    ReplaceAll(detail, uri, shown);
    return Status::InvalidArgument(
        "PostgreSQL の接続文字列が不正です: " + shown + " (" + detail + ")",
        "malformed PostgreSQL connection string: " + shown + " (" + detail + ")");
  }
  const std::string password = ConninfoValue(options.get(), "password");
  std::string session_options = kSessionOptions;
  if (const std::string own = ConninfoValue(options.get(), "options"); !own.empty()) {
    session_options += " " + own;  // the installation's own settings win
  }

  // Earlier keywords are defaults the URI may override (connect_timeout, gssencmode); later ones
  // override the URI (the encoding and settings adbridge's SQL relies on).
  const char* keywords[] = {
      "connect_timeout", "gssencmode", "fallback_application_name", "dbname", "client_encoding",
      "options",         nullptr};
  const char* values[] = {
      "10", "disable", "adbridge", uri.c_str(), "UTF8", session_options.c_str(), nullptr};
  PgConn conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (conn == nullptr) {
    return Status::Unavailable("PostgreSQL に接続できません (メモリ不足): " + shown,
                               "cannot connect to PostgreSQL (out of memory): " + shown);
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    std::string detail = OneLine(PQerrorMessage(conn.get()));
    ReplaceAll(detail, uri, shown);
    if (password.size() >= 3) ReplaceAll(detail, password, "***");
    return Status::Unavailable("PostgreSQL に接続できません: " + shown + " (" + detail + ")",
                               "cannot connect to PostgreSQL: " + shown + " (" + detail + ")");
  }
  if (PQserverVersion(conn.get()) < kMinServerVersion) {
    const char* reported = PQparameterStatus(conn.get(), "server_version");
    const std::string found = reported != nullptr ? reported : "?";
    return Status::FailedPrecondition(
        "PostgreSQL " + found + " は古すぎます。13 以降が必要です: " + shown,
        "PostgreSQL " + found + " is too old; adbridge needs 13 or later: " + shown);
  }
  return std::unique_ptr<Connection>(std::make_unique<PostgresConnection>(std::move(conn)));
}

}  // namespace adbridge::models::internal
