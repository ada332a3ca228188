#include "models/internal/sqlite.h"

#include <system_error>
#include <utility>

#include "models/utf8.h"

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

namespace {

class SqlitePrepared final : public PreparedStatement {
 public:
  SqlitePrepared(sqlite3* db, SqliteStmt stmt) : db_(db), stmt_(std::move(stmt)) {}

  void BindInt(int index, std::int64_t value) override {
    NoteBind(sqlite3_bind_int64(stmt_.get(), index, value));
  }
  void BindDouble(int index, double value) override {
    NoteBind(sqlite3_bind_double(stmt_.get(), index, value));
  }
  void BindText(int index, std::string_view value) override {
    // The store holds UTF-8 text without NUL on either engine (PostgreSQL refuses anything
    // else), so the same value is refused on SQLite rather than kept here and lost in a move.
    if (value.find('\0') != std::string_view::npos || !models::DecodeUtf8(value)) {
      bad_text_ = true;
      return;
    }
    // SQLITE_TRANSIENT: SQLite copies the text, so temporaries may be bound.
    NoteBind(sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(),
                                 SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void BindBytes(int index, std::span<const std::uint8_t> value) override {
    // A zero-length blob is still a blob, not NULL: bind_zeroblob keeps it so.
    if (value.empty()) {
      NoteBind(sqlite3_bind_zeroblob(stmt_.get(), index, 0));
      return;
    }
    NoteBind(sqlite3_bind_blob64(stmt_.get(), index, value.data(), value.size(),
                                 SQLITE_TRANSIENT));
  }
  void BindNull(int index) override { NoteBind(sqlite3_bind_null(stmt_.get(), index)); }

  Result<bool> Step() override {
    if (bad_text_) {
      return Status::InvalidArgument("文字列が UTF-8 ではないか、NUL 文字を含みます",
                                     "a text is not UTF-8 or holds a NUL character");
    }
    if (bind_rc_ != SQLITE_OK) {
      return Status::Internal(
          std::string("SQL の値を渡せません (") + sqlite3_errstr(bind_rc_) + ")",
          std::string("cannot bind a value (") + sqlite3_errstr(bind_rc_) + ")");
    }
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteStatus(db_, rc, {"SQL を実行できません", "cannot run a statement"});
  }

  bool IsNull(int column) const override {
    return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
  }
  std::int64_t Int(int column) const override {
    return sqlite3_column_int64(stmt_.get(), column);
  }
  double Double(int column) const override { return sqlite3_column_double(stmt_.get(), column); }
  std::string Text(int column) const override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
    if (text == nullptr) return {};
    return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)));
  }
  std::vector<std::uint8_t> Bytes(int column) const override {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_.get(), column));
    const int size = sqlite3_column_bytes(stmt_.get(), column);
    if (data == nullptr || size <= 0) return {};
    return std::vector<std::uint8_t>(data, data + size);
  }

  void Reset() override {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
    bind_rc_ = SQLITE_OK;
    bad_text_ = false;
  }

 private:
  void NoteBind(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }

  sqlite3* db_;
  SqliteStmt stmt_;
  int bind_rc_ = SQLITE_OK;
  bool bad_text_ = false;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(SqliteDb db) : db_(std::move(db)) {}
  ~SqliteConnection() override {
    statements_.clear();  // finalised before the connection closes
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<PreparedStatement*> Prepare(std::string_view sql) override {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second.get();
    ADB_ASSIGN_OR_RETURN(std::string text, ExpandSql(sql, Dialect::kSqlite));
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), text.data(), static_cast<int>(text.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    SqliteStmt stmt(raw);
    if (rc != SQLITE_OK) {
      Status status =
          SqliteStatus(db_.get(), rc, {"SQL を準備できません", "cannot prepare a statement"});
      if (status.code() == StatusCode::kDataLoss || status.code() == StatusCode::kUnavailable) {
        return status;
      }
      // Anything else is a mistake in our SQL, whatever code SQLite chose for it.
      return Status::Internal(status.text().ja, status.text().en);
    }
    auto prepared = std::make_unique<SqlitePrepared>(db_.get(), std::move(stmt));
    PreparedStatement* result = prepared.get();
    statements_.emplace(sql, std::move(prepared));
    return result;
  }

  Status Exec(std::string_view sql, const Text& what) override {
    const std::string text(sql);
    return internal::Exec(db_.get(), text.c_str(), what);
  }

  Status BeginWrite() override {
    return internal::Exec(db_.get(), "BEGIN IMMEDIATE",
                          {"トランザクションを始められません", "cannot begin a transaction"});
  }

  Status BeginRowLockedWrite() override { return BeginWrite(); }

  // Deferred: no lock is taken until the first read, which then holds one snapshot.
  Status BeginRead() override {
    return internal::Exec(db_.get(), "BEGIN", {"読み取りを始められません", "cannot begin a read"});
  }

  Status Commit() override {
    const int rc = sqlite3_exec(db_.get(), "COMMIT", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return Status::Ok();
    Status status =
        SqliteStatus(db_.get(), rc, {"変更を確定できません", "cannot commit the change"});
    // A failed COMMIT (busy, disk) leaves the transaction open; end it so the connection is
    // usable again and nothing half-done stays pending.
    Rollback();
    return status;
  }

  void Rollback() override {
    // Some errors (disk full, I/O) make SQLite roll back on its own; then there is nothing left.
    if (sqlite3_get_autocommit(db_.get()) == 0) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }

  sqlite3* handle() const { return db_.get(); }

 private:
  SqliteDb db_;
  std::unordered_map<std::string_view, std::unique_ptr<SqlitePrepared>> statements_;
};

}  // namespace

std::unique_ptr<Connection> MakeSqliteConnection(SqliteDb db) {
  return std::make_unique<SqliteConnection>(std::move(db));
}

sqlite3* SqliteHandle(Connection& conn) {
  return static_cast<SqliteConnection&>(conn).handle();
}

}  // namespace adbridge::models::internal
