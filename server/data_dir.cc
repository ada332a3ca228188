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
