#include "server/watch_folder.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ingest/scan_ingestor.h"

namespace adbridge::server {
namespace {

namespace fs = std::filesystem;

constexpr char kDone[] = "done";
constexpr char kDuplicates[] = "duplicates";
constexpr char kFailed[] = "failed";

bool EndsWith(const std::string& name, std::string_view suffix) {
  if (name.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    const char c = name[name.size() - suffix.size() + i];
    if (std::tolower(static_cast<unsigned char>(c)) != suffix[i]) return false;
  }
  return true;
}

// The whole file, refused as too large before it is read.
Result<std::vector<std::uint8_t>> ReadWhole(const fs::path& file, std::uintmax_t size,
                                            std::int64_t max_bytes) {
  if (size > static_cast<std::uintmax_t>(max_bytes)) {
    const std::string mib = std::to_string(max_bytes >> 20);
    return Status::ResourceExhausted("ファイルが大きすぎます (" + mib + " MiB まで)",
                                     "the file is too large (" + mib + " MiB at most)");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Status::Unavailable("ファイルを開けません", "the file cannot be opened");
  }
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (in.bad()) return Status::Unavailable("ファイルを読めません", "the file cannot be read");
  return bytes;
}

// Whether an ingest error is the file's own (it is not an image adbridge accepts) rather than
// the store's or the disk's: the first is final, the second is tried again.
bool FileIsAtFault(const Status& status) {
  return status.code() == StatusCode::kInvalidArgument ||
         status.code() == StatusCode::kResourceExhausted;
}

}  // namespace

WatchFolder::WatchFolder(models::Store& store, const models::BlobStore& blobs,
                         WatchOptions options, std::ostream& log)
    : store_(store), blobs_(blobs), options_(std::move(options)), log_(log) {}

bool WatchFolder::Ignored(const std::string& name) {
  return name.empty() || name.front() == '.' || name.front() == '~' || name.back() == '~' ||
         EndsWith(name, ".part") || EndsWith(name, ".tmp");
}

Result<WatchLook> WatchFolder::Look(std::chrono::steady_clock::time_point now) {
  WatchLook look;
  std::error_code ec;
  fs::directory_iterator it(options_.dir, ec);
  if (ec) {
    return Status::Unavailable("見張るフォルダ " + options_.dir.string() + " を読めません: " +
                                   ec.message(),
                               "cannot read the watched folder " + options_.dir.string() + ": " +
                                   ec.message());
  }
  std::set<std::string> present;
  std::vector<fs::path> settled;
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    std::error_code stat_error;
    if (Ignored(name) || !entry.is_regular_file(stat_error)) continue;
    const std::uintmax_t size = entry.file_size(stat_error);
    const fs::file_time_type mtime = entry.last_write_time(stat_error);
    if (stat_error) continue;  // gone or unreadable since it was listed: next look
    present.insert(name);
    auto found = seen_.find(name);
    if (found == seen_.end() || found->second.size != size || found->second.mtime != mtime) {
      seen_[name] = Seen{size, mtime, now};
      continue;
    }
    if (now - found->second.since >= options_.settle) settled.push_back(entry.path());
  }
  // Forget files that went away (taken, or removed by someone).
  std::erase_if(seen_, [&](const auto& item) { return present.count(item.first) == 0; });
  for (const fs::path& file : settled) Take(file, look);
  return look;
}

void WatchFolder::Take(const fs::path& file, WatchLook& look) {
  const std::string name = file.filename().string();
  const Seen seen = seen_[name];
  std::error_code ec;
  // A link is never followed: whoever may write to the folder could otherwise have any image
  // the server can read (another municipality's scan among them) stored as this one's.
  Result<std::vector<std::uint8_t>> bytes =
      fs::is_symlink(file, ec)
          ? Result<std::vector<std::uint8_t>>(Status::InvalidArgument(
                "リンク (シンボリックリンク) は取り込みません。ファイルそのものを置いてください",
                "a symbolic link is not taken; put the file itself in the folder"))
          : ReadWhole(file, seen.size, options_.limits.max_bytes);
  if (!bytes.ok() && !fs::exists(file, ec)) {
    seen_.erase(name);  // taken away by someone else since it was listed
    return;
  }
  // The read's error, or the ingest's answer (a Result may not hold an OK status alone).
  Result<ingest::IngestedScan> scan = [&]() -> Result<ingest::IngestedScan> {
    if (!bytes.ok()) return bytes.status();
    ingest::IngestOptions ingest_options;
    ingest_options.tenant_code = options_.tenant_code;
    ingest_options.limits = options_.limits;
    ingest::ScanIngestor ingestor(store_, blobs_, ingest_options);
    return ingestor.IngestBytes(*bytes, name);
  }();

  if (!scan.ok() && !FileIsAtFault(scan.status())) {
    // The store or the disk refused: the file stays, and is taken once it has settled again.
    seen_.erase(name);
    ++look.kept;
    Report(name, {"取り込めませんでした (フォルダに残し、あとでやり直します): " +
                      scan.status().text().ja,
                  "not stored (left in the folder to try again): " + scan.status().text().en});
    return;
  }

  const char* folder = !scan.ok() ? kFailed : scan->duplicate ? kDuplicates : kDone;
  Result<fs::path> moved = MoveAside(file, folder);
  if (!moved.ok()) {
    // Stored, but it cannot be moved: it would be taken again and found a duplicate, so the
    // next looks only say so again.
    seen_.erase(name);
    Report(name, moved.status().text());
    return;
  }
  seen_.erase(name);
  if (!scan.ok()) {
    ++look.failed;
    fs::path error_file = *moved;
    error_file += ".error.txt";
    std::ofstream out(error_file, std::ios::binary | std::ios::trunc);
    out << "このファイルは取り込めませんでした: " << scan.status().text().ja << "\n"
        << "This file was not stored: " << scan.status().text().en << "\n";
    Report(name, {"取り込めません (" + std::string(kFailed) + "/ へ移しました): " +
                      scan.status().text().ja,
                  "not an image adbridge accepts (moved to " + std::string(kFailed) +
                      "/): " + scan.status().text().en});
    return;
  }
  const std::string id = std::to_string(scan->document_id);
  if (scan->duplicate) {
    ++look.duplicates;
    Report(name, {"文書 " + id + " と同じファイルです (" + kDuplicates + "/ へ移しました)",
                  "the same file as document " + id + " (moved to " + kDuplicates + "/)"});
  } else {
    ++look.stored;
    Report(name, {"文書 " + id + " として取り込みました (" + std::to_string(scan->pages) +
                      " ページ)",
                  "stored as document " + id + " (" + std::to_string(scan->pages) +
                      (scan->pages == 1 ? " page)" : " pages)")});
  }
}

Result<fs::path> WatchFolder::MoveAside(const fs::path& file, const std::string& folder) {
  const fs::path dir = options_.dir / folder;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string stem = file.stem().string();
  const std::string extension = file.extension().string();
  for (int n = 1; n < 10000; ++n) {
    const fs::path target =
        dir / (n == 1 ? file.filename().string()
                      : stem + " (" + std::to_string(n) + ")" + extension);
    // A file of that name, or its error note, is already there: the next name.
    if (fs::exists(target, ec) || fs::exists(fs::path(target) += ".error.txt", ec)) continue;
    fs::rename(file, target, ec);
    if (ec) break;
    return target;
  }
  const std::string why = ec ? ec.message() : std::string("no free name");
  return Status::Unavailable(folder + "/ へ移せません: " + why,
                             "cannot move it to " + folder + "/: " + why);
}

void WatchFolder::Report(const std::string& name, const Text& what) {
  log_ << "adbridge serve --watch: " << name << ": " << what.In(DefaultLang()) << std::endl;
}

}  // namespace adbridge::server
