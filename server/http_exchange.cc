#include "server/http_exchange.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cctype>
#include <charconv>
#include <istream>
#include <ostream>

namespace adbridge::server {
namespace {

using Poco::Net::HTTPResponse;
using Json = nlohmann::json;

constexpr int kMaxJsonDepth = 16;

// The deepest nesting of arrays and objects in `text`, counted outside strings. Checked before
// parsing so a hostile body cannot make the parser or the destructor recurse deeply.
int JsonDepth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

// attachment; filename="ASCII fallback"; filename*=UTF-8''percent-encoded (RFC 6266, RFC 5987).
std::string ContentDisposition(const std::string& name) {
  std::string ascii;
  std::string encoded;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : name) {
    const bool plain = std::isalnum(c) || c == '.' || c == '-' || c == '_';
    ascii += plain ? static_cast<char>(c) : '_';
    if (plain) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace

// One place where a Status becomes an HTTP status.
HTTPResponse::HTTPStatus HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return HTTPResponse::HTTP_OK;
    case StatusCode::kInvalidArgument:
      return HTTPResponse::HTTP_BAD_REQUEST;
    case StatusCode::kNotFound:
      return HTTPResponse::HTTP_NOT_FOUND;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return HTTPResponse::HTTP_CONFLICT;
    case StatusCode::kPermissionDenied:
      return HTTPResponse::HTTP_FORBIDDEN;
    case StatusCode::kResourceExhausted:
      return HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE;
    case StatusCode::kUnavailable:
      return HTTPResponse::HTTP_SERVICE_UNAVAILABLE;
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
      return HTTPResponse::HTTP_INTERNAL_SERVER_ERROR;
  }
  return HTTPResponse::HTTP_INTERNAL_SERVER_ERROR;
}

Json ErrorJson(const Status& status) {
  return {{"error",
           {{"code", StatusCodeName(status.code())},
            {"message", status.text().ja},
            {"message_en", status.text().en}}}};
}

void Exchange::Send(HTTPResponse::HTTPStatus status, const Json& body) {
  response.setStatus(status);
  response.setContentType("application/json; charset=utf-8");
  response.set("Cache-Control", "no-store");
  const std::string text = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  response.setContentLength(static_cast<std::streamsize>(text.size()));
  response.send() << text;
  answered = true;
}

void Exchange::SendBytes(std::string_view content_type, std::string_view bytes,
                         const std::string& download_name) {
  response.setStatus(HTTPResponse::HTTP_OK);
  response.setContentType(std::string(content_type));
  response.set("Cache-Control", "no-store");
  if (!download_name.empty()) {
    response.set("Content-Disposition", ContentDisposition(download_name));
  }
  response.setContentLength64(static_cast<Poco::Int64>(bytes.size()));
  std::ostream& out = response.send();
  if (method != "HEAD") out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  answered = true;
}

void Exchange::SendBytes(std::string_view content_type, std::span<const std::uint8_t> bytes,
                         const std::string& download_name) {
  SendBytes(content_type,
            std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
            download_name);
}

std::optional<std::string> Exchange::Query(std::string_view name) const {
  for (const auto& [key, value] : uri.getQueryParameters()) {
    if (key == name) return value;
  }
  return std::nullopt;
}

namespace {

Status BodyTooLarge(std::size_t limit) {
  const std::string kib = std::to_string(limit / 1024);
  return Status::ResourceExhausted("要求が大きすぎます (" + kib + " KiB まで)",
                                   "the request is too large (" + kib + " KiB at most)");
}

}  // namespace

Result<std::string> ReadBody(Poco::Net::HTTPServerRequest& request, std::size_t limit) {
  if (request.hasContentLength() &&
      request.getContentLength64() > static_cast<Poco::Int64>(limit)) {
    return BodyTooLarge(limit);
  }
  std::string body;
  std::istream& in = request.stream();
  char buffer[16384];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    body.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (body.size() > limit) return BodyTooLarge(limit);
  }
  if (in.bad()) {
    return Status::InvalidArgument("要求の本文を最後まで受け取れませんでした",
                                   "the request body could not be read to its end");
  }
  return body;
}

Result<Json> ReadJsonBody(Poco::Net::HTTPServerRequest& request, std::size_t limit) {
  ADB_ASSIGN_OR_RETURN(std::string body, ReadBody(request, limit));
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  if (JsonDepth(body) > kMaxJsonDepth) {
    return Status::ResourceExhausted("JSON の入れ子が深すぎます", "the JSON is nested too deeply");
  }
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Status::InvalidArgument("要求の本文が JSON として読めません",
                                   "the request body is not valid JSON");
  }
  if (!parsed.is_object()) {
    return Status::InvalidArgument("要求の本文は JSON のオブジェクトです",
                                   "the request body must be a JSON object");
  }
  return parsed;
}

// A string member of `body`; absent or null is nullopt; another type is an error.
Result<std::optional<std::string>> StringMember(const Json& body, const char* name) {
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) return std::optional<std::string>();
  if (!found->is_string()) {
    return Status::InvalidArgument(std::string("「") + name + "」は文字列です",
                                   std::string("\"") + name + "\" must be a string");
  }
  return std::optional<std::string>(found->get<std::string>());
}

Result<bool> BoolMember(const Json& body, const char* name) {
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) return false;
  if (!found->is_boolean()) {
    return Status::InvalidArgument(std::string("「") + name + "」は true か false です",
                                   std::string("\"") + name + "\" must be true or false");
  }
  return found->get<bool>();
}

Result<std::optional<std::int64_t>> IntMember(const Json& body, const char* name) {
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) return std::optional<std::int64_t>();
  if (!found->is_number_integer()) {
    return Status::InvalidArgument(std::string("「") + name + "」は整数です",
                                   std::string("\"") + name + "\" must be a whole number");
  }
  return std::optional<std::int64_t>(found->get<std::int64_t>());
}

Status RoleRefused() {
  return Status::PermissionDenied("この操作は許されていません", "your role may not do this");
}

bool HasRole(const models::User& user, std::initializer_list<models::Role> roles) {
  for (models::Role role : roles) {
    if (user.role == role) return true;
  }
  return false;
}

bool SeesOnSiteOnly(const models::User& user) {
  return HasRole(user, {models::Role::kAdmin, models::Role::kSupervisor});
}

std::optional<std::int64_t> ParseId(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    parts.push_back(path.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

Json OptionalText(const std::optional<std::string>& text) {
  return text ? Json(*text) : Json(nullptr);
}

}  // namespace adbridge::server
