#include "server/data_dir.h"

#include <cstdlib>
#include <system_error>
#include <utility>

namespace adbridge::server {

std::filesystem::path DefaultDataDir() {
  const char* env = std::getenv("ADBRIDGE_DATA");
  if (env != nullptr && env[0] != '\0') return env;
  return "adbridge-data";
}

Status CheckOutsideDataDir(const std::filesystem::path& root, const std::filesystem::path& out) {
  std::error_code ec;
  const std::filesystem::path folder = std::filesystem::weakly_canonical(root, ec);
  if (ec) return Status::Ok();  // no data folder yet: nothing in it to replace
  const std::filesystem::path target = std::filesystem::weakly_canonical(out, ec);
  if (ec) return Status::Ok();  // OutputFile::Create names what is wrong with the path
  auto t = target.begin();
  for (auto f = folder.begin(); f != folder.end(); ++f, ++t) {
    if (f->empty()) continue;  // a trailing separator
    if (t == target.end() || *t != *f) return Status::Ok();
  }
  return Status::InvalidArgument("書き出し先 " + out.string() + " はデータフォルダ " +
                                     root.string() +
                                     " の中です。データフォルダの外を指定してください",
                                 "the output " + out.string() + " is inside the data folder " +
                                     root.string() + "; write it outside the data folder");
}

Result<DataDir> OpenDataDir(const std::filesystem::path& root) {
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) {
    return Status::Unavailable(
        "データフォルダを作れません: " + root.string() + " (" + ec.message() + ")",
        "cannot create the data folder " + root.string() + " (" + ec.message() + ")");
  }
  ADB_ASSIGN_OR_RETURN(std::unique_ptr<models::Store> store,
                       models::OpenSqliteStore(root / "adbridge.db"));
  return DataDir{root, std::move(store), models::BlobStore(root / "blobs")};
}

}  // namespace adbridge::server
