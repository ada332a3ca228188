#include "models/store_migration.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "models/blob_store.h"
#include "models/data_folder.h"
#include "models/internal/migrations.h"
#include "models/internal/postgres.h"
#include "models/internal/sqlite.h"
#include "models/internal/sql.h"
#include "models/store.h"

namespace adbridge::models {
namespace {

namespace fs = std::filesystem;

using internal::Connection;
using internal::Dialect;
using internal::SqliteDb;
using internal::SqliteStatus;
using internal::SqliteStmt;
using internal::Statement;

// Blob bytes are copied by the blob pass (checked against their hash, from the folder or the
// source's own blob_contents), not row by row.
constexpr std::string_view kBlobContents = "blob_contents";
// Progress on blobs at least this often.
constexpr std::int64_t kBlobProgressEvery = 200;
constexpr std::int64_t kBlobProgressBytes = std::int64_t{64} << 20;

std::string Quoted(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string Megabytes(std::int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

// One table of the source as the copy needs it.
struct SourceTable {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::string> key;      // primary key columns in key order: the copy's row order
  std::set<std::string> parents;     // tables its foreign keys point to (itself excluded)
  std::optional<std::string> id;     // a lone INTEGER primary key: a sequence on PostgreSQL
  std::int64_t rows = 0;
};

// The source database, read through the SQLite C API: the copy reads whatever tables and
// columns the schema has, so it needs each value's own type, which only SQLite tells.
class Source {
 public:
  static Result<Source> Open(const fs::path& path) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
    SqliteDb db(raw);
    if (rc != SQLITE_OK) {
      return SqliteStatus(db.get(), rc,
                          {"移行元のデータベースを開けません: " + path.string(),
                           "cannot open the source database " + path.string()});
    }
    sqlite3_extended_result_codes(db.get(), 1);
    sqlite3_busy_timeout(db.get(), internal::kBusyTimeoutMs);
    return Source(std::move(db));
  }

  Result<SqliteStmt> Prepare(const std::string& sql) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr);
    SqliteStmt stmt(raw);
    if (rc != SQLITE_OK) {
      return SqliteStatus(db_.get(), rc,
                          {"移行元を読めません: " + sql, "cannot read the source: " + sql});
    }
    return stmt;
  }

  // True while a row is ready.
  Result<bool> Step(sqlite3_stmt* stmt) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteStatus(db_.get(), rc, {"移行元を読めません", "cannot read the source"});
  }

  Result<std::int64_t> QueryInt(const std::string& sql) {
    ADB_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(sql));
    ADB_ASSIGN_OR_RETURN(bool row, Step(stmt.get()));
    if (!row) return Status::Internal("結果がありません: " + sql, "no result: " + sql);
    return sqlite3_column_int64(stmt.get(), 0);
  }

  // Every table of the schema (SQLite's own left out), in an order where a table comes after
  // every table its foreign keys point to.
  Result<std::vector<SourceTable>> Tables() {
    std::map<std::string, SourceTable> found;
    {
      ADB_ASSIGN_OR_RETURN(SqliteStmt names,
                           Prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                                   "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"));
      for (;;) {
        ADB_ASSIGN_OR_RETURN(bool row, Step(names.get()));
        if (!row) break;
        const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(names.get(), 0));
        found[name].name = name;
      }
    }
    for (auto& [name, table] : found) {
      ADB_RETURN_IF_ERROR(Describe(table));
      ADB_ASSIGN_OR_RETURN(table.rows, QueryInt("SELECT count(*) FROM " + Quoted(name)));
    }
    std::vector<SourceTable> ordered;
    std::set<std::string> placed;
    while (!found.empty()) {
      bool progress = false;
      for (auto it = found.begin(); it != found.end();) {
        bool ready = true;
        for (const std::string& parent : it->second.parents) {
          if (!placed.count(parent)) ready = false;
        }
        if (!ready) {
          ++it;
          continue;
        }
        placed.insert(it->first);
        ordered.push_back(std::move(it->second));
        it = found.erase(it);
        progress = true;
      }
      if (!progress) {
        return Status::Internal("表の外部キーが循環しています: " + found.begin()->first,
                                "the tables' foreign keys form a cycle: " + found.begin()->first);
      }
    }
    return ordered;
  }

 private:
  explicit Source(SqliteDb db) : db_(std::move(db)) {}

  Status Describe(SourceTable& table) {
    {
      ADB_ASSIGN_OR_RETURN(SqliteStmt info, Prepare("PRAGMA table_info(" + Quoted(table.name) + ")"));
      std::map<int, std::pair<std::string, std::string>> key;  // position -> (column, type)
      for (;;) {
        ADB_ASSIGN_OR_RETURN(bool row, Step(info.get()));
        if (!row) break;
        const std::string column = reinterpret_cast<const char*>(sqlite3_column_text(info.get(), 1));
        const unsigned char* type = sqlite3_column_text(info.get(), 2);
        table.columns.push_back(column);
        if (const int pk = sqlite3_column_int(info.get(), 5); pk > 0) {
          key[pk] = {column, type == nullptr ? "" : reinterpret_cast<const char*>(type)};
        }
      }
      for (const auto& [position, column] : key) table.key.push_back(column.first);
      if (key.size() == 1 && key.begin()->second.second == "INTEGER") {
        table.id = key.begin()->second.first;
      }
    }
    ADB_ASSIGN_OR_RETURN(SqliteStmt keys,
                         Prepare("PRAGMA foreign_key_list(" + Quoted(table.name) + ")"));
    for (;;) {
      ADB_ASSIGN_OR_RETURN(bool row, Step(keys.get()));
      if (!row) break;
      const std::string parent = reinterpret_cast<const char*>(sqlite3_column_text(keys.get(), 2));
      if (parent != table.name) table.parents.insert(parent);
    }
    if (table.columns.empty()) {
      return Status::Internal("表 " + table.name + " に列がありません",
                              "table " + table.name + " has no columns");
    }
    return Status::Ok();
  }

  SqliteDb db_;
};

// The target's statements are made from the source's schema at run time; Connection::Prepare
// keeps a view of their text, so the texts live here for as long as the connection is used.
class TargetSql {
 public:
  explicit TargetSql(Connection& target) : target_(target) {}

  Result<Statement> Get(std::string sql) {
    texts_.push_back(std::move(sql));
    ADB_ASSIGN_OR_RETURN(internal::PreparedStatement * stmt, target_.Prepare(texts_.back()));
    return Statement(stmt);
  }

  // For a statement run once per row: the caller binds, runs with RunAndReset.
  Result<internal::PreparedStatement*> Prepared(std::string sql) {
    texts_.push_back(std::move(sql));
    return target_.Prepare(texts_.back());
  }

  Result<std::int64_t> Count(const std::string& table) {
    ADB_ASSIGN_OR_RETURN(Statement stmt, Get("SELECT count(*) FROM " + Quoted(table)));
    ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Internal("行数がありません", "no row count");
    return stmt.Int(0);
  }

 private:
  Connection& target_;
  std::deque<std::string> texts_;
};

// Runs a bound statement that returns no rows, then readies it for the next binding.
Status RunAndReset(internal::PreparedStatement* stmt) {
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok() || !*row) {
      stmt->Reset();
      return row.status();
    }
  }
}

Status SchemaVersionMismatch(int source) {
  const std::string versions = " (" + std::to_string(source) + " / " +
                               std::to_string(kSchemaVersion) + ")";
  if (source < kSchemaVersion) {
    return Status::FailedPrecondition(
        "移行元のスキーマの版がこの adbridge より古いです" + versions +
            "。先にこの adbridge で一度開いて (例: adbridge documents) 移行してください",
        "the source's schema is older than this adbridge's" + versions +
            "; open it once with this adbridge first (e.g. adbridge documents) to migrate it");
  }
  return Status::FailedPrecondition(
      "移行元は新しい版の adbridge で作られています" + versions +
          "。その版の adbridge で移してください",
      "the source was made by a newer adbridge" + versions + "; move it with that adbridge");
}

// FailedPrecondition naming what the target holds, or OK. Even a database adbridge only opened
// is refused: it holds the default tenant and the audit event of its creation, and the audit
// log is append-only, so the copy could not keep the source's ids beside them.
Status CheckTargetEmpty(TargetSql& sql, const std::vector<SourceTable>& tables) {
  std::string held_ja;
  std::string held_en;
  auto note = [&](const std::string& table, std::int64_t rows) {
    held_ja += (held_ja.empty() ? "" : "、") + table + " " + std::to_string(rows) + " 行";
    held_en += (held_en.empty() ? "" : ", ") + table + " " + std::to_string(rows) +
               (rows == 1 ? " row" : " rows");
  };
  for (const SourceTable& table : tables) {
    ADB_ASSIGN_OR_RETURN(std::int64_t rows, sql.Count(table.name));
    if (rows > 0) note(table.name, rows);
  }
  if (held_en.empty()) return Status::Ok();
  return Status::FailedPrecondition(
      "移行先のデータベースは空ではありません (" + held_ja +
          ")。adbridge でまだ開いていない新しいデータベース (createdb で作ったもの) を指定して"
          "ください (既にあるデータは上書きしません)",
      "the target database is not empty (" + held_en +
          "); name a new database adbridge has not opened yet (made with createdb): data "
          "already there is never overwritten");
}

// Copies the rows of `table` in key order, keeping every value as the source has it.
Status CopyRows(Source& source, TargetSql& sql, Dialect dialect, const SourceTable& table) {
  std::string columns;
  std::string values;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    columns += (i == 0 ? "" : ", ") + Quoted(table.columns[i]);
    values += (i == 0 ? "?" : ", ?") + std::to_string(i + 1);
  }
  std::string order;
  for (const std::string& k : table.key) order += (order.empty() ? "" : ", ") + Quoted(k);
  ADB_ASSIGN_OR_RETURN(SqliteStmt read,
                       source.Prepare("SELECT " + columns + " FROM " + Quoted(table.name) +
                                      (order.empty() ? "" : " ORDER BY " + order)));
  // The ids are the source's: PostgreSQL hands out identity values unless told otherwise.
  ADB_ASSIGN_OR_RETURN(
      internal::PreparedStatement * insert,
      sql.Prepared("INSERT INTO " + Quoted(table.name) + " (" + columns + ")" +
              (dialect == Dialect::kPostgres ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES (" +
              values + ")"));
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, source.Step(read.get()));
    if (!row) break;
    for (int c = 0; c < static_cast<int>(table.columns.size()); ++c) {
      const int p = c + 1;
      switch (sqlite3_column_type(read.get(), c)) {
        case SQLITE_INTEGER:
          insert->BindInt(p, sqlite3_column_int64(read.get(), c));
          break;
        case SQLITE_FLOAT:
          insert->BindDouble(p, sqlite3_column_double(read.get(), c));
          break;
        case SQLITE_TEXT:
          insert->BindText(p, std::string_view(
                                 reinterpret_cast<const char*>(sqlite3_column_text(read.get(), c)),
                                 static_cast<std::size_t>(sqlite3_column_bytes(read.get(), c))));
          break;
        case SQLITE_BLOB: {
          const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(read.get(), c));
          insert->BindBytes(p, {data, static_cast<std::size_t>(sqlite3_column_bytes(read.get(), c))});
          break;
        }
        default:
          insert->BindNull(p);
      }
    }
    ADB_RETURN_IF_ERROR(RunAndReset(insert));
  }
  return Status::Ok();
}

struct BlobTotals {
  std::int64_t blobs = 0;
  std::int64_t bytes = 0;
};

// Puts the bytes of every blob the source records into the target's blob_contents: from the
// source's blob_contents when it has them, else from the blob's file. Each is checked against
// its name and its recorded size first.
Result<BlobTotals> CopyBlobs(Source& source, TargetSql& sql, const BlobStore& files,
                             std::int64_t expected, const MigrationProgress& progress) {
  ADB_ASSIGN_OR_RETURN(
      SqliteStmt list,
      source.Prepare("SELECT b.sha256, b.size, c.bytes FROM blobs b "
                     "LEFT JOIN blob_contents c ON c.sha256 = b.sha256 ORDER BY b.sha256"));
  ADB_ASSIGN_OR_RETURN(
      internal::PreparedStatement * insert,
      sql.Prepared("INSERT INTO blob_contents (sha256, bytes) VALUES (?1, ?2)"));
  BlobTotals totals;
  std::int64_t reported_bytes = 0;
  auto report = [&] {
    const std::string counts = std::to_string(totals.blobs) + "/" + std::to_string(expected) +
                               " (" + Megabytes(totals.bytes) + ")";
    progress({"ブロブ " + counts, "blobs " + counts});
    reported_bytes = totals.bytes;
  };
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool row, source.Step(list.get()));
    if (!row) break;
    const std::string sha256 = reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 0));
    const std::int64_t size = sqlite3_column_int64(list.get(), 1);
    std::vector<std::uint8_t> bytes;
    if (sqlite3_column_type(list.get(), 2) != SQLITE_NULL) {
      const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(list.get(), 2));
      bytes.assign(data, data + sqlite3_column_bytes(list.get(), 2));
      if (Sha256Hex(bytes) != sha256) {
        return Status::DataLoss("ブロブの内容が名前の SHA-256 と一致しません (破損): " + sha256,
                                "the blob's bytes no longer match its SHA-256 (corrupt): " +
                                    sha256);
      }
    } else {
      Result<std::vector<std::uint8_t>> read = files.Get(sha256);
      if (!read.ok()) return read.status().WithPrefix(files.root().string() + ": ");
      bytes = std::move(read).value();
    }
    if (static_cast<std::int64_t>(bytes.size()) != size) {
      const std::string sizes = std::to_string(size) + " / " + std::to_string(bytes.size());
      return Status::DataLoss("ブロブ " + sha256 + " の大きさが記録と違います (" + sizes + ")",
                              "blob " + sha256 + " is not the size recorded (" + sizes + ")");
    }
    insert->BindText(1, sha256);
    insert->BindBytes(2, bytes);
    ADB_RETURN_IF_ERROR(RunAndReset(insert));
    ++totals.blobs;
    totals.bytes += size;
    if (totals.blobs % kBlobProgressEvery == 0 ||
        totals.bytes - reported_bytes >= kBlobProgressBytes) {
      report();
    }
  }
  report();
  return totals;
}

// Sets each id sequence past the highest id copied, so the next row PostgreSQL numbers does not
// collide with a copied one.
Status SetSequences(TargetSql& sql, const std::vector<SourceTable>& tables) {
  for (const SourceTable& table : tables) {
    if (!table.id) continue;
    ADB_ASSIGN_OR_RETURN(
        Statement stmt,
        sql.Get("SELECT setval(s, COALESCE(m, 1), m IS NOT NULL) FROM (SELECT "
                "pg_get_serial_sequence('" + Quoted(table.name) + "', '" + *table.id +
                "') AS s, (SELECT MAX(" + Quoted(*table.id) + ") FROM " + Quoted(table.name) +
                ") AS m) AS q WHERE s IS NOT NULL"));
    for (;;) {
      ADB_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
    }
  }
  return Status::Ok();
}

// DataLoss naming the first table whose row count differs between the two sides.
Status CheckCounts(TargetSql& sql, const std::vector<SourceTable>& tables, std::int64_t blobs) {
  auto differ = [](const std::string& table, std::int64_t source, std::int64_t target) {
    const std::string counts = std::to_string(source) + " / " + std::to_string(target);
    return Status::DataLoss("表 " + table + " の行数が移行元と移行先で違います (" + counts + ")",
                            "table " + table + " has another row count in the target than in "
                            "the source (" + counts + ")");
  };
  for (const SourceTable& table : tables) {
    if (table.name == kBlobContents) continue;
    ADB_ASSIGN_OR_RETURN(std::int64_t rows, sql.Count(table.name));
    if (rows != table.rows) return differ(table.name, table.rows, rows);
  }
  ADB_ASSIGN_OR_RETURN(std::int64_t contents, sql.Count(std::string(kBlobContents)));
  if (contents != blobs) return differ(std::string(kBlobContents), blobs, contents);
  return Status::Ok();
}

Status Audit(TargetSql& sql, const fs::path& data_dir, const StoreMigrationSummary& summary) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::object();
  for (const MigratedTable& table : summary.tables) rows[table.name] = table.rows;
  std::error_code ec;
  const fs::path from = fs::absolute(data_dir, ec);
  const nlohmann::ordered_json detail = {{"from", (ec ? data_dir : from).string()},
                                         {"schema", kSchemaVersion},
                                         {"rows", rows},
                                         {"blobs", summary.blobs},
                                         {"blob_bytes", summary.blob_bytes}};
  ADB_ASSIGN_OR_RETURN(Statement stmt,
                       sql.Get("INSERT INTO audit_log (action, detail_json) VALUES "
                               "('store.migrated', ?1)"));
  stmt.BindText(1, detail.dump());
  return stmt.Run();
}

using OpenTarget = std::function<Result<std::unique_ptr<Connection>>()>;

Result<StoreMigrationSummary> Migrate(const fs::path& data_dir, const OpenTarget& open_target,
                                      const MigrationProgress& progress) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path database = data_dir / "adbridge.db";
  std::error_code ec;
  if (!fs::is_regular_file(database, ec)) {
    return Status::NotFound("データフォルダ " + data_dir.string() +
                                " に adbridge のデータベースがありません (" + database.string() +
                                ")",
                            "the data folder " + data_dir.string() +
                                " holds no adbridge database (" + database.string() + ")");
  }
  // Held to the end: no server, worker or restore changes the source while it is copied.
  ADB_ASSIGN_OR_RETURN(DataFolderLock lock, DataFolderLock::OpenExclusive(data_dir));
  ADB_ASSIGN_OR_RETURN(Source source, Source::Open(database));
  ADB_ASSIGN_OR_RETURN(std::int64_t version, source.QueryInt("PRAGMA user_version"));
  if (version != kSchemaVersion) return SchemaVersionMismatch(static_cast<int>(version));
  {
    ADB_ASSIGN_OR_RETURN(SqliteStmt begin, source.Prepare("BEGIN"));
    ADB_RETURN_IF_ERROR(source.Step(begin.get()).status());
  }
  ADB_ASSIGN_OR_RETURN(std::vector<SourceTable> tables, source.Tables());
  std::int64_t blob_rows = 0;
  for (const SourceTable& table : tables) {
    if (table.name == "blobs") blob_rows = table.rows;
  }
  {
    const std::string counts = std::to_string(tables.size());
    progress({"移行元: " + data_dir.string() + " (スキーマ " + std::to_string(version) + "、表 " +
                  counts + " 個、ブロブ " + std::to_string(blob_rows) + " 個)",
              "source: " + data_dir.string() + " (schema " + std::to_string(version) + ", " +
                  counts + " tables, " + std::to_string(blob_rows) + " blobs)"});
  }

  // The statements' texts must outlive the connection (Connection::Prepare keeps views of them),
  // so they are declared first and destroyed last.
  std::unique_ptr<TargetSql> sql;
  ADB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> target, open_target());
  sql = std::make_unique<TargetSql>(*target);
  const Dialect dialect = target->dialect();

  ADB_ASSIGN_OR_RETURN(internal::Transaction tx, internal::Transaction::BeginImmediate(*target));
  ADB_RETURN_IF_ERROR(CheckTargetEmpty(*sql, tables));

  StoreMigrationSummary summary;
  for (const SourceTable& table : tables) {
    if (table.name == kBlobContents) continue;
    if (Status copied = CopyRows(source, *sql, dialect, table); !copied.ok()) {
      return copied.WithPrefix(table.name + ": ");
    }
    summary.tables.push_back({table.name, table.rows});
    const std::string rows = std::to_string(table.rows);
    progress({"表 " + table.name + ": " + rows + " 行", "table " + table.name + ": " + rows +
                                                            (table.rows == 1 ? " row" : " rows")});
  }
  ADB_ASSIGN_OR_RETURN(BlobTotals blobs,
                       CopyBlobs(source, *sql, BlobStore(data_dir / "blobs"), blob_rows, progress));
  summary.blobs = blobs.blobs;
  summary.blob_bytes = blobs.bytes;
  if (dialect == Dialect::kPostgres) ADB_RETURN_IF_ERROR(SetSequences(*sql, tables));
  ADB_RETURN_IF_ERROR(CheckCounts(*sql, tables, blobs.blobs));
  progress({"行数を照合しました: 移行元と移行先で同じです",
            "row counts checked: the same on both sides"});
  ADB_RETURN_IF_ERROR(Audit(*sql, data_dir, summary));
  ADB_RETURN_IF_ERROR(tx.Commit());
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace

Result<StoreMigrationSummary> MigrateStoreToPostgres(const fs::path& data_dir,
                                                     const std::string& uri,
                                                     const MigrationProgress& progress) {
  const std::string shown = internal::RedactPostgresUri(uri);
  if (!internal::IsPostgresUri(uri)) {
    return Status::InvalidArgument(
        "移行先は postgresql:// で始まる接続文字列です: " + shown,
        "the target is a connection string starting postgresql://: " + shown);
  }
  auto open_target = [&]() -> Result<std::unique_ptr<Connection>> {
    Result<std::unique_ptr<Connection>> connection = internal::ConnectPostgres(uri);
    if (!connection.ok()) return connection.status().WithPrefix(shown + ": ");
    // This program's schema, as opening a store makes it, but without the default tenant
    // opening adds: the source's tenants come with their ids. A database made by a newer
    // adbridge is refused here.
    ADB_RETURN_IF_ERROR(internal::Migrate(**connection).WithPrefix(shown + ": "));
    return connection;
  };
  return Migrate(data_dir, open_target, progress);
}

}  // namespace adbridge::models
