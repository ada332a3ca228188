// The web pages and the files they load (server/web/), compiled into the adbridge program so
// that `adbridge serve` needs no files at run time.
//
//   std::optional<WebAsset> asset = FindWebAsset("/review");
//   if (asset) { response.setContentType(std::string(asset->content_type)); ... asset->body ... }
//
// The views point to static storage and stay valid for the life of the program. Thread-safe:
// nothing is mutable.
#ifndef ADBRIDGE_SERVER_WEB_ASSETS_H_
#define ADBRIDGE_SERVER_WEB_ASSETS_H_

#include <optional>
#include <string_view>

namespace adbridge::server {

struct WebAsset {
  std::string_view content_type;  // e.g. "text/html; charset=utf-8"
  std::string_view body;
};

// The page or file served at `path` ("/", "/review", "/supervisor", "/app.css", "/app.js", …);
// nullopt when none. `path` is the request's path without its query ("?lang=en"). A page is
// served only at its route ("/review", not "/review.html").
std::optional<WebAsset> FindWebAsset(std::string_view path);

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_WEB_ASSETS_H_
