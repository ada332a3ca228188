// BlobStore: the content-addressed bytes of an installation (originals, page images, field
// snippets, generated PDFs), each named by the SHA-256 of its bytes. They live in one of two
// places:
// - files under DATA/blobs/ (the default, beside a SQLite store on one machine):
//     BlobStore blobs(data_dir / "blobs");
// - the store's own database, table blob_contents (an installation on PostgreSQL, whose
//   machines share no file system):
//     ADB_ASSIGN_OR_RETURN(BlobStore blobs, BlobStore::InPostgres(uri));
//
//   Result<std::string> sha = blobs.Put(bytes);   // durable when it returns
//   Result<std::vector<std::uint8_t>> back = blobs.Get(*sha);
//
// In a folder, a blob is written to a temporary name in the same folder, fsynced, renamed into
// place and the folder fsynced, so a crash leaves either the whole blob or none. In a database,
// a blob is one committed transaction that also records it in the `blobs` table (size, media
// type "application/octet-stream" until Store::RecordBlob says what it is), because
// blob_contents references that table and Put comes before RecordBlob. Putting the same bytes
// twice is cheap and returns the same name. Blobs are never changed once written.
//
// A BlobStore is a small value: copies share the folder or the database connection.
//
// Thread-safety: safe for concurrent use from several threads and processes. In a folder the
// rename is the only step that publishes a blob; in a database the blob store has a connection
// of its own, used under a mutex, apart from the store's (blobs are written before the store
// records them, and never inside one of its transactions).
#ifndef ADBRIDGE_MODELS_BLOB_STORE_H_
#define ADBRIDGE_MODELS_BLOB_STORE_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/status.h"

namespace adbridge::models {

namespace internal {
class Connection;
}  // namespace internal

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::span<const std::uint8_t> bytes);

class BlobStore {
 public:
  // `root` is created on first Put if it does not exist.
  explicit BlobStore(std::filesystem::path root);

  // Blobs in the table blob_contents of the database `connection` is open on, whose schema is
  // the store's (version 6 or later: open the store first). The blob store takes the
  // connection; give it one of its own, not the store's.
  static BlobStore InDatabase(std::unique_ptr<internal::Connection> connection);
  // InDatabase over a new connection to the PostgreSQL database `uri` names. Returns
  // Unavailable when the server cannot be reached, InvalidArgument for a malformed `uri`
  // (messages never show the password).
  static Result<BlobStore> InPostgres(const std::string& uri);

  // Stores `bytes` durably and returns their SHA-256 (lower-case hex). Returns Unavailable when
  // the disk or the database refuses (full, read-only, unreachable) and leaves no partial blob
  // behind.
  Result<std::string> Put(std::span<const std::uint8_t> bytes) const;

  // Returns NotFound when there is no such blob, InvalidArgument for a malformed name,
  // DataLoss when the stored bytes no longer hash to their name, and Unavailable when the disk
  // or the database cannot be read.
  Result<std::vector<std::uint8_t>> Get(std::string_view sha256) const;

  // False too when the database cannot be asked.
  bool Contains(std::string_view sha256) const;

  // True when the blobs are kept in a database rather than in a folder.
  bool in_database() const { return database_ != nullptr; }

  // Where the blob's file lives (root/ab/abcdef…); it may not exist. Empty in a database: read
  // blobs with Get, which works in both places.
  std::filesystem::path PathFor(std::string_view sha256) const;

  // The folder; empty in a database.
  const std::filesystem::path& root() const { return root_; }

 private:
  class Database;

  std::filesystem::path root_;
  std::shared_ptr<Database> database_;  // null for a folder
};

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_BLOB_STORE_H_
