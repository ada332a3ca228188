// WatchFolder: takes scans from a folder a scanner writes to (`adbridge serve --watch DIR`).
//
//   WatchFolder watch(store, blobs, {.dir = "/srv/scans", .tenant_code = "shiojiri"}, std::cerr);
//   for (;;) { watch.Look(std::chrono::steady_clock::now()); sleep(1s); }
//
// A file is taken only when it is complete: its size and modification time were the same at two
// looks at least `settle` apart, so a file the scanner is still writing is left alone. It is then
// stored as `adbridge ingest` stores a scan (under its own file name) and moved aside:
//   DIR/done/        stored as a new document
//   DIR/duplicates/  the same bytes were already a document of the municipality
//   DIR/failed/      not an image adbridge accepts even though it stopped changing; beside it
//                    NAME.error.txt says why, in Japanese and English
// When the store refuses (the database is busy or unavailable), the file stays in DIR and is
// tried again once it has settled again: nothing is lost. A name already taken in the folder it
// moves to gets " (2)", " (3)"... before its extension.
//
// A symbolic link is never followed: it is moved to failed/ with the reason.
//
// Hidden files and temporary names are never touched: names starting with "." or "~", or ending
// with "~", ".part" or ".tmp". Sub-folders are not looked into.
//
// Progress is written to `log`, one line per file, in the default language.
//
// Thread-safety: a WatchFolder belongs to one thread (Look is not reentrant); the Store and
// BlobStore may be shared with other threads.
#ifndef ADBRIDGE_SERVER_WATCH_FOLDER_H_
#define ADBRIDGE_SERVER_WATCH_FOLDER_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>

#include "ingest/image_probe.h"
#include "models/blob_store.h"
#include "models/status.h"
#include "models/store.h"

namespace adbridge::server {

struct WatchOptions {
  std::filesystem::path dir;
  std::string tenant_code{models::kDefaultTenant};
  ingest::ImageLimits limits;
  // How long a file's size and time must stay the same before it is taken.
  std::chrono::steady_clock::duration settle = std::chrono::seconds(1);
};

// What one look did.
struct WatchLook {
  int stored = 0;      // moved to done/
  int duplicates = 0;  // moved to duplicates/
  int failed = 0;      // moved to failed/
  int kept = 0;        // complete, but the store refused; left in the folder to try again
};

class WatchFolder {
 public:
  // `store` and `blobs` must outlive the WatchFolder; `log` too.
  WatchFolder(models::Store& store, const models::BlobStore& blobs, WatchOptions options,
              std::ostream& log);

  // Looks at the folder once at time `now`, taking every file that has settled. Returns
  // Unavailable when the folder cannot be listed (it is reported and the next look tries
  // again); a file's own trouble is never an error of the look.
  Result<WatchLook> Look(std::chrono::steady_clock::time_point now);

  // Whether a file name is one the scanner is still writing or one to leave alone.
  static bool Ignored(const std::string& name);

 private:
  struct Seen {
    std::uintmax_t size = 0;
    std::filesystem::file_time_type mtime;
    std::chrono::steady_clock::time_point since;  // when it was first seen this way
  };

  // Takes one settled file and counts what became of it in `look`.
  void Take(const std::filesystem::path& file, WatchLook& look);
  // Moves `file` into DIR/`folder`, under a free name; returns where it went.
  Result<std::filesystem::path> MoveAside(const std::filesystem::path& file,
                                          const std::string& folder);
  void Report(const std::string& name, const Text& what);

  models::Store& store_;
  const models::BlobStore& blobs_;
  const WatchOptions options_;
  std::ostream& log_;
  std::map<std::string, Seen> seen_;  // by file name
};

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_WATCH_FOLDER_H_
