// BlobStore: the content-addressed files of an installation (originals, page images, field
// snippets, generated PDFs) under DATA/blobs/, each named by the SHA-256 of its bytes.
//
//   BlobStore blobs(data_dir / "blobs");
//   Result<std::string> sha = blobs.Put(bytes);   // durable on disk when it returns
//   Result<std::vector<std::uint8_t>> back = blobs.Get(*sha);
//
// A blob is written to a temporary name in the same folder, fsynced, renamed into place and the
// folder fsynced, so a crash leaves either the whole blob or none. Putting the same bytes twice
// is cheap and returns the same name. Blobs are never changed once written.
//
// Thread-safety: safe for concurrent use from several threads and processes; the rename is the
// only step that publishes a blob.
#ifndef ADBRIDGE_MODELS_BLOB_STORE_H_
#define ADBRIDGE_MODELS_BLOB_STORE_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/status.h"

namespace adbridge::models {

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::span<const std::uint8_t> bytes);

class BlobStore {
 public:
  // `root` is created on first Put if it does not exist.
  explicit BlobStore(std::filesystem::path root);

  // Stores `bytes` durably and returns their SHA-256 (lower-case hex). Returns Unavailable when
  // the disk refuses (full, read-only) and leaves no partial file behind.
  Result<std::string> Put(std::span<const std::uint8_t> bytes) const;

  // Returns NotFound when there is no such blob, InvalidArgument for a malformed name, and
  // DataLoss when the bytes on disk no longer hash to their name.
  Result<std::vector<std::uint8_t>> Get(std::string_view sha256) const;

  bool Contains(std::string_view sha256) const;

  // Where the blob lives (root/ab/abcdef…); it may not exist.
  std::filesystem::path PathFor(std::string_view sha256) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_BLOB_STORE_H_
