// The files of server/web/ as compiled into the program: a source generated at build time by
// cmake/embed_files.cmake defines EmbeddedWebFiles(). Read through FindWebAsset
// (server/web_assets.h); nothing else should need this.
#ifndef ADBRIDGE_SERVER_INTERNAL_EMBEDDED_WEB_FILES_H_
#define ADBRIDGE_SERVER_INTERNAL_EMBEDDED_WEB_FILES_H_

#include <cstddef>
#include <span>
#include <string_view>

namespace adbridge::server::internal {

struct EmbeddedWebFile {
  std::string_view name;  // the file's name in server/web/, e.g. "review.html"
  std::span<const unsigned char> bytes;
};

// Every embedded file, in the order server/CMakeLists.txt lists them. Static storage.
std::span<const EmbeddedWebFile> EmbeddedWebFiles();

}  // namespace adbridge::server::internal

#endif  // ADBRIDGE_SERVER_INTERNAL_EMBEDDED_WEB_FILES_H_
