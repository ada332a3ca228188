// adbridge migrate-store --to postgresql://... [--data DIR]
#include <cstdio>
#include <string>

#include "models/internal/postgres.h"
#include "models/store_migration.h"
#include "server/commands.h"
#include "server/json_lines.h"

namespace adbridge::server {
namespace {

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", seconds);
  return text;
}

int MigrateStore(Invocation& in) {
  const std::string target = in.Get("--to").value_or("");
  if (!in.db.empty()) {
    // The source is always the data folder; a --db here would read as if it were the source.
    return Fail(in.err, Status::InvalidArgument(
                            "migrate-store の移行元はデータフォルダ (--data) です。移行先は --to "
                            "で指定し、--db や ADBRIDGE_DB は指定しないでください",
                            "migrate-store moves the data folder (--data); name the target with "
                            "--to, and give neither --db nor ADBRIDGE_DB"));
  }
  const bool ja = DefaultLang() == Lang::kJa;
  auto progress = [&in](const Text& line) {
    in.err << "adbridge: " << line.In(DefaultLang()) << "\n";
    in.err.flush();
  };
  ADB_ASSIGN_OR_RETURN_EXIT(models::StoreMigrationSummary summary,
                            models::MigrateStoreToPostgres(in.data_dir, target, progress), in.err);

  const std::string shown = models::internal::RedactPostgresUri(target);
  std::int64_t rows = 0;
  nlohmann::ordered_json tables = nlohmann::ordered_json::object();
  for (const models::MigratedTable& table : summary.tables) {
    tables[table.name] = table.rows;
    rows += table.rows;
  }
  in.err << "adbridge: "
         << (ja ? "移行しました: " + in.data_dir.string() + " → " + shown + " (表 " +
                      std::to_string(summary.tables.size()) + " 個、" + std::to_string(rows) +
                      " 行、ブロブ " + std::to_string(summary.blobs) + " 個 " +
                      std::to_string(summary.blob_bytes) + " バイト、" +
                      Seconds(summary.seconds) + " 秒)。以後は --db " + shown +
                      " で使ってください"
                : "moved " + in.data_dir.string() + " to " + shown + " (" +
                      std::to_string(summary.tables.size()) + " tables, " +
                      std::to_string(rows) + " rows, " + std::to_string(summary.blobs) +
                      " blobs of " + std::to_string(summary.blob_bytes) + " bytes, " +
                      Seconds(summary.seconds) + " s); from now on use --db " + shown)
         << "\n";
  PrintJsonLine(in.out, {{"migrated", in.data_dir.string()},
                         {"to", shown},
                         {"rows", tables},
                         {"blobs", summary.blobs},
                         {"blob_bytes", summary.blob_bytes},
                         {"seconds", summary.seconds}});
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> MigrateStoreCommands() {
  return {{{"migrate-store"},
           "",
           {"データフォルダの SQLite とブロブを空の PostgreSQL データベースに移す",
            "move the data folder's SQLite database and blobs into an empty PostgreSQL database"},
           {{"--to", "URI",
             {"移行先 (必須): postgresql://USER@HOST:PORT/DB",
              "the target (required): postgresql://USER@HOST:PORT/DB"}}},
           0,
           0,
           [](Invocation& in) {
             if (!in.Get("--to") || in.Get("--to")->empty()) {
               in.err << "adbridge: "
                      << (DefaultLang() == Lang::kJa
                              ? "--to が必要です (adbridge migrate-store --help)"
                              : "--to is required (see adbridge migrate-store --help)")
                      << "\n";
               return kExitUsage;
             }
             return MigrateStore(in);
           }}};
}

}  // namespace adbridge::server
