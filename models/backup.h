// Backup and restore of an installation: one file that holds the database and every blob the
// database names, for an administrator to copy away and bring back.
//
//   Result<BackupSummary> made = WriteBackup(data_dir, "/mnt/backup/adbridge-2026-11-21.db");
//   Result<BackupSummary> back = RestoreBackup("/mnt/backup/adbridge-2026-11-21.db", data_dir,
//                                              /*force=*/false);
//
// The backup file is itself a SQLite database: the copy of adbridge.db that SQLite's online
// backup API takes in one read transaction (so servers and workers go on writing, and the copy
// is the database as it stood at one moment), plus two tables added to the copy, never to the
// live database: `adbridge_backup` (format, time, schema version) and `adbridge_backup_blobs`
// (each blob the copy's `blobs` table names, with its bytes, checked against its SHA-256 as it
// is read). One file is what an administrator can copy, check and keep; `sqlite3` opens it.
//
// Thread-safety: free functions; WriteBackup may run while other processes use the folder,
// RestoreBackup takes the folder for itself.
#ifndef ADBRIDGE_MODELS_BACKUP_H_
#define ADBRIDGE_MODELS_BACKUP_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "models/status.h"

namespace adbridge::models {

// The version of the backup file's own layout (the two added tables).
inline constexpr int kBackupFormat = 1;

struct BackupSummary {
  std::string created_at;  // when the snapshot was taken, ISO 8601 UTC
  int schema_version = 0;  // of the database in the backup
  std::int64_t documents = 0;
  std::int64_t blobs = 0;
  std::int64_t blob_bytes = 0;
};

// Writes a backup of the installation in `root` to `out`: to a temporary file beside it,
// fsynced, then renamed, so `out` is either a whole backup or untouched. Returns NotFound when
// `root` holds no installation, DataLoss when a blob the database names is missing or no longer
// matches its SHA-256 (the backup would not restore), Unavailable when `out` cannot be written.
Result<BackupSummary> WriteBackup(const std::filesystem::path& root,
                                  const std::filesystem::path& out);

// Checks a backup file without changing anything: it is a SQLite database whose
// `PRAGMA integrity_check` is ok, of a format this program knows, with a schema no newer than
// this program's, holding every blob its database names with bytes that hash to the name.
// Returns DataLoss for a damaged or truncated file (or one that is not a backup),
// FailedPrecondition for a newer schema or format, NotFound when the file does not exist.
Result<BackupSummary> CheckBackup(const std::filesystem::path& backup);

// Restores `backup` into the data folder `root`. Everything is checked first (CheckBackup);
// only then are the blobs written (durably, as BlobStore::Put writes them) and, last, the
// database put in place by a rename, so an interrupted restore leaves no database that names a
// missing blob. Returns FailedPrecondition when another adbridge uses the folder, or when it
// already holds an installation (adbridge.db) and `force` is false; with `force` the restored
// database replaces it (blobs only the old database named are removed by the next start's
// recovery). Errors of CheckBackup as they are.
Result<BackupSummary> RestoreBackup(const std::filesystem::path& backup,
                                    const std::filesystem::path& root, bool force);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_BACKUP_H_
