// adbridge backup --out FILE
// adbridge restore [--force] FILE
#include <string>

#include "models/backup.h"
#include "models/internal/postgres.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/json_lines.h"

namespace adbridge::server {
namespace {

nlohmann::ordered_json SummaryLine(const std::string& key, const std::string& file,
                                   const models::BackupSummary& summary) {
  return {{key, file},
          {"created_at", summary.created_at},
          {"schema", summary.schema_version},
          {"documents", summary.documents},
          {"blobs", summary.blobs},
          {"blob_bytes", summary.blob_bytes}};
}

// A backup file holds a SQLite database and its blobs; an installation on PostgreSQL is backed
// up by PostgreSQL's own tools, which copy a live database consistently.
int RefuseOnPostgres(Invocation& in, const std::string& command) {
  const std::string db = models::internal::RedactPostgresUri(in.db);
  return Fail(in.err,
              Status::FailedPrecondition(
                  "adbridge " + command + " はデータフォルダ (SQLite) のためのものです。" + db +
                      " は PostgreSQL のデータベースなので、pg_dump / pg_restore を使ってください"
                      " (ブロブもデータベースの中にあります)",
                  "adbridge " + command + " is for a data folder (SQLite); " + db +
                      " is a PostgreSQL database: use pg_dump and pg_restore (its blobs are in "
                      "the database too)"));
}

int Backup(Invocation& in) {
  if (!in.db.empty()) return RefuseOnPostgres(in, "backup");
  const std::string out = *in.Get("--out");
  // Opening the folder as every command does (shared lock, migrations, recovery) means the
  // backup is of a database this program understands, and no recovery runs during it.
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(models::BackupSummary summary, models::WriteBackup(data.root, out),
                            in.err);
  PrintJsonLine(in.out, SummaryLine("backup", out, summary));
  return kExitOk;
}

int Restore(Invocation& in) {
  if (!in.db.empty()) return RefuseOnPostgres(in, "restore");
  const std::string file = in.arguments.at(0);
  ADB_ASSIGN_OR_RETURN_EXIT(models::BackupSummary summary,
                            models::RestoreBackup(file, in.data_dir, in.Has("--force")), in.err);
  // Opened once so the restored database is migrated to this program's schema and the blobs
  // only a replaced database named are cleared away, before anyone else uses the folder.
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  PrintJsonLine(in.out, SummaryLine("restored", file, summary));
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> BackupCommands() {
  return {{{"backup"},
           "",
           {"データベースとブロブを 1 つのファイルにバックアップする (サーバーを止めずに)",
            "back up the database and its blobs into one file (while the server runs)"},
           {{"--out", "FILE", {"バックアップファイル (必須)", "the backup file (required)"}}},
           0,
           0,
           [](Invocation& in) {
             if (!in.Get("--out") || in.Get("--out")->empty()) {
               in.err << "adbridge: "
                      << (DefaultLang() == Lang::kJa ? "--out が必要です (adbridge backup --help)"
                                                     : "--out is required (see adbridge backup "
                                                       "--help)")
                      << "\n";
               return kExitUsage;
             }
             return Backup(in);
           }},
          {{"restore"},
           "FILE",
           {"バックアップを検査してからデータフォルダに戻す",
            "check a backup, then restore it into the data folder"},
           {{"--force", "",
             {"既にあるデータを置き換える", "replace the installation already in the folder"}}},
           1,
           1,
           Restore}};
}

}  // namespace adbridge::server
