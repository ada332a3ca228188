#include "models/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "models/blob_store.h"
#include "models/data_folder.h"
#include "models/internal/fsync.h"
#include "models/internal/sha256_name.h"
#include "models/internal/sqlite.h"
#include "models/store.h"

namespace adbridge::models {
namespace {

namespace fs = std::filesystem;
using internal::SqliteDb;
using internal::SqliteStatus;
using internal::SqliteStmt;

constexpr char kDatabaseName[] = "adbridge.db";

constexpr char kCreateBackupTables[] =
    "CREATE TABLE adbridge_backup ("
    "  format INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  schema_version INTEGER NOT NULL"
    ");"
    "CREATE TABLE adbridge_backup_blobs ("
    "  sha256 TEXT PRIMARY KEY NOT NULL,"
    "  bytes BLOB NOT NULL"
    ");";

Status FileError(const std::string& ja, const std::string& en, const fs::path& path, int error) {
  const std::string where = path.string() + ": " + std::strerror(error);
  return Status::Unavailable(ja + " (" + where + ")", en + " (" + where + ")");
}

Result<SqliteDb> Open(const fs::path& path, int flags, const Text& what) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_EXRESCODE, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) return SqliteStatus(db.get(), rc, what);
  sqlite3_busy_timeout(db.get(), internal::kBusyTimeoutMs);
  return db;
}

// A prepared statement, finalised when it goes out of scope.
Result<SqliteStmt> Prepare(sqlite3* db, std::string_view sql, const Text& what) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  SqliteStmt stmt(raw);
  if (rc != SQLITE_OK) return SqliteStatus(db, rc, what);
  return stmt;
}

// The first column of the one row `sql` returns, as text (NULL as "").
Result<std::string> QueryText(sqlite3* db, std::string_view sql, const Text& what) {
  ADB_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(db, sql, what));
  const int rc = sqlite3_step(stmt.get());
  if (rc != SQLITE_ROW) return SqliteStatus(db, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, what);
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
  return std::string(text == nullptr ? "" : text);
}

Result<std::int64_t> QueryInt(sqlite3* db, std::string_view sql, const Text& what) {
  ADB_ASSIGN_OR_RETURN(std::string text, QueryText(db, sql, what));
  return static_cast<std::int64_t>(std::strtoll(text.c_str(), nullptr, 10));
}

// A name beside `target` no one else uses, for a file renamed onto `target` once whole.
fs::path TemporaryBeside(const fs::path& target) {
  std::random_device random;
  return target.parent_path() /
         ("." + target.filename().string() + ".tmp-" + std::to_string(random()));
}

// Makes `file` and its directory entry durable.
Status SyncFileAndFolder(const fs::path& file) {
  if (int error = internal::FsyncPath(file); error != 0) {
    return FileError("ファイルを確定できません", "cannot sync the file", file, error);
  }
  const fs::path folder = file.has_parent_path() ? file.parent_path() : fs::path(".");
  if (int error = internal::FsyncPath(folder); error != 0) {
    return FileError("フォルダを確定できません", "cannot sync the folder", folder, error);
  }
  return Status::Ok();
}

// Copies the whole database `from` into `to` with the online backup API: one read transaction
// on `from`, so the copy is the database at one moment while others go on writing.
Status CopyDatabase(sqlite3* from, sqlite3* to) {
  const Text what{"データベースを写せません", "cannot copy the database"};
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) return SqliteStatus(to, sqlite3_errcode(to), what);
  int rc = SQLITE_OK;
  // -1: every page in one step, in one read transaction. BUSY or LOCKED (a writer holding a
  // lock the first read needs) passes; wait a little and start again.
  for (int attempt = 0; attempt < 200; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(25);
  }
  const int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqliteStatus(to, rc, what);
  if (finish != SQLITE_OK) return SqliteStatus(to, finish, what);
  return Status::Ok();
}

Status NotABackup(const fs::path& file, const std::string& why_ja, const std::string& why_en) {
  return Status::DataLoss("バックアップファイルが壊れているか、バックアップではありません: " +
                              file.string() + " (" + why_ja + ")",
                          "the backup file is damaged or not a backup: " + file.string() + " (" +
                              why_en + ")");
}

// Reads the summary of a backup (or a live database, where created_at stays empty).
Result<BackupSummary> Summarise(sqlite3* db, const Text& what) {
  BackupSummary summary;
  ADB_ASSIGN_OR_RETURN(std::int64_t version, QueryInt(db, "PRAGMA user_version", what));
  summary.schema_version = static_cast<int>(version);
  ADB_ASSIGN_OR_RETURN(summary.documents, QueryInt(db, "SELECT count(*) FROM documents", what));
  ADB_ASSIGN_OR_RETURN(summary.blobs, QueryInt(db, "SELECT count(*) FROM blobs", what));
  ADB_ASSIGN_OR_RETURN(summary.blob_bytes,
                       QueryInt(db, "SELECT coalesce(sum(size), 0) FROM blobs", what));
  return summary;
}

// Checks the backup in `db` (opened read-only from `file`); see CheckBackup.
Result<BackupSummary> CheckOpenBackup(sqlite3* db, const fs::path& file) {
  const Text what{"バックアップを読めません: " + file.string(),
                  "cannot read the backup: " + file.string()};
  Result<std::string> integrity = QueryText(db, "PRAGMA integrity_check", what);
  if (!integrity.ok()) {
    if (integrity.status().code() == StatusCode::kDataLoss) {
      return NotABackup(file, "SQLite のデータベースではありません", "not a SQLite database");
    }
    return integrity.status();
  }
  if (*integrity != "ok") return NotABackup(file, "integrity_check: " + *integrity,
                                            "integrity_check: " + *integrity);

  Result<std::int64_t> tables = QueryInt(
      db,
      "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
      "('adbridge_backup', 'adbridge_backup_blobs', 'blobs', 'documents')",
      what);
  if (!tables.ok()) return tables.status();
  if (*tables != 4) {
    return NotABackup(file, "adbridge のバックアップの表がありません",
                      "it has no adbridge backup tables");
  }
  ADB_ASSIGN_OR_RETURN(std::int64_t format,
                       QueryInt(db, "SELECT format FROM adbridge_backup", what));
  if (format > kBackupFormat) {
    return Status::FailedPrecondition(
        "このバックアップは新しい版の adbridge の形式です (形式 " + std::to_string(format) +
            ")。新しい版の adbridge で戻してください。",
        "this backup is in a newer adbridge's format (format " + std::to_string(format) +
            "); restore it with the newer adbridge.");
  }
  ADB_ASSIGN_OR_RETURN(BackupSummary summary, Summarise(db, what));
  if (summary.schema_version > kSchemaVersion) {
    const std::string versions = " (schema " + std::to_string(summary.schema_version) + " > " +
                                 std::to_string(kSchemaVersion) + ")";
    return Status::FailedPrecondition(
        "このバックアップのデータベースは新しい版の adbridge で作られています" + versions +
            "。この版では戻せません。",
        "the database in this backup was made by a newer adbridge" + versions +
            "; this version cannot restore it.");
  }
  ADB_ASSIGN_OR_RETURN(summary.created_at,
                       QueryText(db, "SELECT created_at FROM adbridge_backup", what));
  ADB_ASSIGN_OR_RETURN(std::string broken_keys,
                       QueryText(db,
                                 "SELECT count(*) FROM pragma_foreign_key_check", what));
  if (broken_keys != "0") {
    return NotABackup(file, "参照先のない行が " + broken_keys + " 行あります",
                      broken_keys + " rows refer to rows that are not there");
  }

  // Every blob the database names is in the file, and every stored blob hashes to its name.
  ADB_ASSIGN_OR_RETURN(
      SqliteStmt stmt,
      Prepare(db,
              "SELECT b.sha256, b.size, k.bytes IS NOT NULL, k.bytes FROM blobs b "
              "LEFT JOIN adbridge_backup_blobs k ON k.sha256 = b.sha256",
              what));
  int rc = SQLITE_OK;
  std::int64_t checked = 0;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
    const std::string sha256 = name == nullptr ? "" : name;
    if (sqlite3_column_int(stmt.get(), 2) == 0) {
      return NotABackup(file, "ブロブがありません: " + sha256, "a blob is missing: " + sha256);
    }
    const auto* bytes = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt.get(), 3));
    const int size = sqlite3_column_bytes(stmt.get(), 3);
    if (size != sqlite3_column_int64(stmt.get(), 1) ||
        Sha256Hex(std::span<const std::uint8_t>(bytes, static_cast<std::size_t>(size))) !=
            sha256) {
      return NotABackup(file, "ブロブの内容が SHA-256 と一致しません: " + sha256,
                        "a blob does not match its SHA-256: " + sha256);
    }
    ++checked;
  }
  if (rc != SQLITE_DONE) return SqliteStatus(db, rc, what);
  ADB_ASSIGN_OR_RETURN(std::int64_t stored,
                       QueryInt(db, "SELECT count(*) FROM adbridge_backup_blobs", what));
  if (stored != checked) {
    return NotABackup(file, "データベースが名指さないブロブがあります",
                      "it holds blobs the database does not name");
  }
  return summary;
}

}  // namespace

Result<BackupSummary> WriteBackup(const fs::path& root, const fs::path& out) {
  const fs::path database = root / kDatabaseName;
  std::error_code ec;
  if (!fs::is_regular_file(database, ec)) {
    return Status::NotFound("このフォルダには adbridge のデータがありません: " + root.string(),
                            "this folder holds no adbridge installation: " + root.string());
  }
  const Text reading{"データベースを読めません: " + database.string(),
                     "cannot read the database: " + database.string()};
  ADB_ASSIGN_OR_RETURN(SqliteDb live, Open(database, SQLITE_OPEN_READONLY, reading));

  const fs::path temp = TemporaryBeside(out);
  const Text writing{"バックアップを書けません: " + out.string(),
                     "cannot write the backup: " + out.string()};
  struct RemoveUnlessKept {
    fs::path path;
    bool keep = false;
    ~RemoveUnlessKept() {
      if (!keep) {
        std::error_code ignored;
        fs::remove(path, ignored);
        for (const char* suffix : {"-journal", "-wal", "-shm"}) {
          fs::remove(path.string() + suffix, ignored);
        }
      }
    }
  } cleanup{temp};

  BackupSummary summary;
  {
    ADB_ASSIGN_OR_RETURN(SqliteDb copy,
                         Open(temp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, writing));
    ADB_RETURN_IF_ERROR(CopyDatabase(live.get(), copy.get()));
    live.reset();
    // One self-contained file: no WAL beside it. The file is fsynced once, whole, at the end.
    ADB_RETURN_IF_ERROR(internal::Exec(
        copy.get(), "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF", writing));
    ADB_ASSIGN_OR_RETURN(summary, Summarise(copy.get(), writing));
    // An early return closes the copy, which ends this transaction unfinished; the temporary
    // file is removed either way.
    ADB_RETURN_IF_ERROR(internal::Exec(copy.get(), "BEGIN IMMEDIATE", writing));
    ADB_RETURN_IF_ERROR(internal::Exec(copy.get(), kCreateBackupTables, writing));
    ADB_RETURN_IF_ERROR(internal::Exec(
        copy.get(),
        ("INSERT INTO adbridge_backup (format, created_at, schema_version) VALUES (" +
         std::to_string(kBackupFormat) + ", strftime('%Y-%m-%dT%H:%M:%fZ','now'), " +
         std::to_string(summary.schema_version) + ")")
            .c_str(),
        writing));

    // The blobs the snapshot names; each was durable before its row was committed, and
    // recovery never removes a recorded blob, so each is on disk however far the live
    // database has moved on since.
    const BlobStore blobs(root / "blobs");
    ADB_ASSIGN_OR_RETURN(SqliteStmt names,
                         Prepare(copy.get(), "SELECT sha256 FROM blobs ORDER BY sha256", writing));
    ADB_ASSIGN_OR_RETURN(
        SqliteStmt insert,
        Prepare(copy.get(), "INSERT INTO adbridge_backup_blobs (sha256, bytes) VALUES (?1, ?2)",
                writing));
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(names.get())) == SQLITE_ROW) {
      const std::string sha256 =
          reinterpret_cast<const char*>(sqlite3_column_text(names.get(), 0));
      Result<std::vector<std::uint8_t>> bytes = blobs.Get(sha256);
      if (!bytes.ok()) {
        return Status::DataLoss(
            "データベースが名指すブロブを読めないため、バックアップを作れません: " +
                bytes.status().text().ja,
            "cannot back up: a blob the database names cannot be read: " +
                bytes.status().text().en);
      }
      sqlite3_bind_text(insert.get(), 1, sha256.data(), static_cast<int>(sha256.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_blob64(insert.get(), 2, bytes->data(), bytes->size(), SQLITE_STATIC);
      const int irc = sqlite3_step(insert.get());
      sqlite3_reset(insert.get());
      sqlite3_clear_bindings(insert.get());
      if (irc != SQLITE_DONE) return SqliteStatus(copy.get(), irc, writing);
    }
    if (rc != SQLITE_DONE) return SqliteStatus(copy.get(), rc, writing);
    names.reset();
    insert.reset();
    ADB_RETURN_IF_ERROR(internal::Exec(copy.get(), "COMMIT", writing));
    ADB_ASSIGN_OR_RETURN(summary.created_at,
                         QueryText(copy.get(), "SELECT created_at FROM adbridge_backup", writing));
    if (const int rc_close = sqlite3_close(copy.release()); rc_close != SQLITE_OK) {
      return SqliteStatus(nullptr, rc_close, writing);
    }
  }
  if (int error = internal::FsyncPath(temp); error != 0) {
    return FileError("バックアップを確定できません", "cannot sync the backup", temp, error);
  }
  if (::rename(temp.c_str(), out.c_str()) != 0) {
    return FileError("バックアップを置けません", "cannot put the backup in place", out, errno);
  }
  cleanup.keep = true;
  ADB_RETURN_IF_ERROR(SyncFileAndFolder(out));
  return summary;
}

Result<BackupSummary> CheckBackup(const fs::path& backup) {
  std::error_code ec;
  if (!fs::is_regular_file(backup, ec)) {
    return Status::NotFound("バックアップファイルがありません: " + backup.string(),
                            "no such backup file: " + backup.string());
  }
  const Text what{"バックアップを開けません: " + backup.string(),
                  "cannot open the backup: " + backup.string()};
  // immutable: the file is only read, and no journal or WAL beside it is looked for or made.
  const std::string uri = "file:" + backup.string() + "?immutable=1";
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(uri.c_str(), &raw,
                                 SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE,
                                 nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) return SqliteStatus(db.get(), rc, what);
  return CheckOpenBackup(db.get(), backup);
}

Result<BackupSummary> RestoreBackup(const fs::path& backup, const fs::path& root, bool force) {
  ADB_ASSIGN_OR_RETURN(BackupSummary summary, CheckBackup(backup));
  ADB_ASSIGN_OR_RETURN(DataFolderLock lock, DataFolderLock::OpenExclusive(root));
  const fs::path database = root / kDatabaseName;
  std::error_code ec;
  if (fs::exists(database, ec) && !force) {
    return Status::FailedPrecondition(
        "このフォルダには既に adbridge のデータがあります: " + root.string() +
            "。置き換えるときは --force を付けてください。",
        "this folder already holds an adbridge installation: " + root.string() +
            "; add --force to replace it.");
  }

  const Text what{"バックアップを読めません: " + backup.string(),
                  "cannot read the backup: " + backup.string()};
  const std::string uri = "file:" + backup.string() + "?immutable=1";
  ADB_ASSIGN_OR_RETURN(SqliteDb source,
                       Open(uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, what));

  // The blobs first, each durable before the database that names it is in place.
  const BlobStore blobs(root / "blobs");
  {
    ADB_ASSIGN_OR_RETURN(SqliteStmt stmt,
                         Prepare(source.get(), "SELECT bytes FROM adbridge_backup_blobs", what));
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      const auto* bytes = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt.get(), 0));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt.get(), 0));
      ADB_RETURN_IF_ERROR(blobs.Put(std::span<const std::uint8_t>(bytes, size)).status());
    }
    if (rc != SQLITE_DONE) return SqliteStatus(source.get(), rc, what);
  }

  // The database last: built whole under a temporary name, then renamed into place.
  const fs::path temp = TemporaryBeside(database);
  const Text writing{"データベースを戻せません: " + database.string(),
                     "cannot restore the database: " + database.string()};
  {
    ADB_ASSIGN_OR_RETURN(SqliteDb copy,
                         Open(temp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, writing));
    Status copied = CopyDatabase(source.get(), copy.get());
    if (copied.ok()) {
      copied = internal::Exec(copy.get(),
                              "PRAGMA journal_mode = DELETE;"
                              "DROP TABLE adbridge_backup_blobs;"
                              "DROP TABLE adbridge_backup;"
                              "VACUUM;",
                              writing);
    }
    if (copied.ok()) {
      if (const int rc = sqlite3_close(copy.release()); rc != SQLITE_OK) {
        copied = SqliteStatus(nullptr, rc, writing);
      }
    }
    if (!copied.ok()) {
      copy.reset();
      fs::remove(temp, ec);
      fs::remove(temp.string() + "-journal", ec);
      return copied;
    }
  }
  if (int error = internal::FsyncPath(temp); error != 0) {
    fs::remove(temp, ec);
    return FileError("データベースを確定できません", "cannot sync the database", temp, error);
  }
  // The replaced database's WAL must not be applied to the restored one.
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    fs::remove(database.string() + suffix, ec);
  }
  if (::rename(temp.c_str(), database.c_str()) != 0) {
    const int error = errno;
    fs::remove(temp, ec);
    return FileError("データベースを置けません", "cannot put the database in place", database,
                     error);
  }
  ADB_RETURN_IF_ERROR(SyncFileAndFolder(database));
  return summary;
}

}  // namespace adbridge::models
