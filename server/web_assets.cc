#include "server/web_assets.h"

#include <array>
#include <utility>

#include "server/internal/embedded_web_files.h"

namespace adbridge::server {
namespace {

// The pages and the file behind each.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kPageRoutes = {{
    {"/", "index.html"},
    {"/review", "review.html"},
    {"/supervisor", "supervisor.html"},
    {"/frontdesk", "frontdesk.html"},
    {"/department", "department.html"},
    {"/intake", "intake.html"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kContentTypes = {{
    {".csv", "text/csv; charset=utf-8"},
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml; charset=utf-8"},
    {".png", "image/png"},
}};

std::string_view ContentTypeOf(std::string_view name) {
  for (const auto& [extension, type] : kContentTypes) {
    if (name.ends_with(extension)) return type;
  }
  return "application/octet-stream";
}

// The file name `path` asks for, or empty when it names none.
std::string_view FileNameFor(std::string_view path) {
  for (const auto& [route, file] : kPageRoutes) {
    if (path == route) return file;
  }
  if (!path.starts_with('/')) return {};
  std::string_view name = path.substr(1);
  // Pages only at their routes; no folders.
  if (name.empty() || name.ends_with(".html") || name.find('/') != std::string_view::npos) {
    return {};
  }
  return name;
}

}  // namespace

std::optional<WebAsset> FindWebAsset(std::string_view path) {
  std::string_view name = FileNameFor(path);
  if (name.empty()) return std::nullopt;
  for (const internal::EmbeddedWebFile& file : internal::EmbeddedWebFiles()) {
    if (file.name == name) {
      return WebAsset{
          ContentTypeOf(name),
          std::string_view(reinterpret_cast<const char*>(file.bytes.data()), file.bytes.size())};
    }
  }
  return std::nullopt;
}

}  // namespace adbridge::server
