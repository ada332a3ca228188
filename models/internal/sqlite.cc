#include "models/internal/sqlite.h"

#include <system_error>
#include <utility>

namespace adbridge::models::internal {
namespace {

namespace fs = std::filesystem;

std::string ErrorDetail(sqlite3* db, int rc) {
  // sqlite3_errmsg names the constraint or the file; sqlite3_errstr is the fallback when there
  // is no connection to ask.
  if (db != nullptr) return sqlite3_errmsg(db);
  return sqlite3_errstr(rc);
}

}  // namespace

Status SqliteStatus(sqlite3* db, int rc, const Text& what) {
  const std::string detail = ErrorDetail(db, rc);
  const std::string ja = what.ja + " (" + detail + ")";
  const std::string en = what.en + " (" + detail + ")";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("データベースが使用中です。もう一度お試しください: " + ja,
                                 "the database is busy; try again: " + en);
    case SQLITE_CONSTRAINT:
      switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
          return Status::AlreadyExists("既に登録されています: " + ja, "already exists: " + en);
        case SQLITE_CONSTRAINT_FOREIGNKEY:
          return Status::FailedPrecondition("参照先が登録されていません: " + ja,
                                            "refers to something not recorded: " + en);
        case SQLITE_CONSTRAINT_TRIGGER:
          return Status::FailedPrecondition("この操作は許されていません: " + ja,
                                            "this change is not allowed: " + en);
        default:
          return Status::InvalidArgument("値が規則に合いません: " + ja,
                                         "a value breaks a rule: " + en);
      }
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return Status::Unavailable("データベースに書き込めません (ディスク): " + ja,
                                 "cannot write the database (disk): " + en);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::DataLoss("データベースファイルではないか、壊れています: " + ja,
                              "the file is not a database or is corrupt: " + en);
    default:
      return Status::Internal("データベースの予期しないエラー: " + ja,
                              "unexpected database error: " + en);
  }
}

Status Exec(sqlite3* db, const char* sql, const Text& what) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(db, rc, what);
  return Status::Ok();
}

Result<SqliteDb> OpenDatabase(const fs::path& path) {
  if (path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      const std::string where = path.parent_path().string() + ": " + ec.message();
      return Status::Unavailable("データベースのフォルダを作れません (" + where + ")",
                                 "cannot create the database folder (" + where + ")");
    }
  }
  sqlite3* raw = nullptr;
  // NOMUTEX: the store serialises calls on its own mutex, so SQLite's would be a second lock.
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw);  // sqlite3_open_v2 returns a handle to close even when it fails
  const std::string name = path.string();
  if (rc != SQLITE_OK) {
    const std::string detail = ErrorDetail(db.get(), rc);
    return Status::Unavailable("データベースを開けません: " + name + " (" + detail + ")",
                               "cannot open the database: " + name + " (" + detail + ")");
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);

  const adbridge::Text setup{"データベースを設定できません: " + name,
                             "cannot configure the database: " + name};
  ADB_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA foreign_keys = ON", setup));

  // journal_mode is the first statement that reads the file, so a file that is not a
  // database fails here with SQLITE_NOTADB (DataLoss). It answers with the mode in force.
  {
    sqlite3_stmt* raw_stmt = nullptr;
    int prc = sqlite3_prepare_v2(db.get(), "PRAGMA journal_mode = WAL", -1, &raw_stmt, nullptr);
    SqliteStmt stmt(raw_stmt);
    if (prc != SQLITE_OK) return SqliteStatus(db.get(), prc, setup);
    prc = sqlite3_step(stmt.get());
    if (prc != SQLITE_ROW) return SqliteStatus(db.get(), prc, setup);
    const auto* mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
    if (mode == nullptr || std::string_view(mode) != "wal") {
      const std::string got = mode == nullptr ? "?" : mode;
      return Status::Unavailable(
          "データベースを WAL モードにできません: " + name + " (" + got + ")",
          "cannot put the database in WAL mode: " + name + " (" + got + ")");
    }
  }
  // FULL, not NORMAL: in WAL mode NORMAL skips the fsync at commit, so a power cut can roll
  // back transactions that already answered. Ingest promises an upload is durable once it
  // answers, and one fsync per commit is small beside reading a page.
  ADB_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA synchronous = FULL", setup));
  return db;
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), bind_rc_(other.bind_rc_) {}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void Statement::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Statement& Statement::BindInt(int index, std::int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::BindDouble(int index, double value) {
  NoteBind(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::BindText(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the text, so temporaries may be bound.
  NoteBind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Statement& Statement::BindOptionalInt(int index, const std::optional<std::int64_t>& value) {
  return value ? BindInt(index, *value) : BindNull(index);
}

Statement& Statement::BindOptionalText(int index, const std::optional<std::string>& value) {
  return value ? BindText(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  const adbridge::Text what{"SQL を実行できません", "cannot run a statement"};
  if (bind_rc_ != SQLITE_OK) {
    return Status::Internal(std::string("SQL の値を渡せません (") + sqlite3_errstr(bind_rc_) + ")",
                            std::string("cannot bind a value (") + sqlite3_errstr(bind_rc_) + ")");
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(db_, rc, what);
}

Status Statement::Run() {
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::Double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::optional<std::string> Statement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

Result<Statement> StatementCache::Get(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    SqliteStmt stmt(raw);
    if (rc != SQLITE_OK) {
      Status status = SqliteStatus(db_, rc, {"SQL を準備できません", "cannot prepare a statement"});
      if (status.code() == StatusCode::kDataLoss || status.code() == StatusCode::kUnavailable) {
        return status;
      }
      // Anything else is a mistake in our SQL, whatever code SQLite chose for it.
      return Status::Internal(status.text().ja, status.text().en);
    }
    it = statements_.emplace(sql, std::move(stmt)).first;
  }
  return Statement(db_, it->second.get());
}

Result<Transaction> Transaction::BeginImmediate(sqlite3* db) {
  ADB_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE",
                           {"トランザクションを始められません", "cannot begin a transaction"}));
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(other.db_), open_(std::exchange(other.open_, false)) {}

Transaction::~Transaction() {
  // Some errors (disk full, I/O) make SQLite roll back on its own; then there is nothing left.
  if (open_ && sqlite3_get_autocommit(db_) == 0) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Status Transaction::Commit() {
  open_ = false;
  const int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return Status::Ok();
  Status status = SqliteStatus(db_, rc, {"変更を確定できません", "cannot commit the change"});
  // A failed COMMIT (busy, disk) leaves the transaction open; end it so the connection is
  // usable again and nothing half-done stays pending.
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return status;
}

}  // namespace adbridge::models::internal
