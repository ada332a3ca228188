// Exchange: one HTTP request to the API and its answer, with the caller's session once it is
// known, and the helpers every group of endpoints uses to read a request and answer it.
//
//   void DoThing(Exchange& ex) {
//     if (!HasRole(*ex.user, {models::Role::kFrontdesk})) return ex.Fail(RoleRefused());
//     Result<nlohmann::json> body = ReadJsonBody(ex.request, kMaxJsonBodyBytes);
//     if (!body.ok()) return ex.Fail(body.status());
//     ex.Ok({{"done", true}});
//   }
//
// Errors are answered as docs/api.md says: {"error": {"code", "message", "message_en"}} with the
// HTTP status of the Status code (HttpStatusOf).
//
// Thread-safety: an Exchange belongs to one request's thread; the free functions are safe from
// any thread.
#ifndef ADBRIDGE_SERVER_HTTP_EXCHANGE_H_
#define ADBRIDGE_SERVER_HTTP_EXCHANGE_H_

#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/status.h"
#include "models/store.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace adbridge::server {

// The largest JSON body an endpoint reads.
inline constexpr std::size_t kMaxJsonBodyBytes = 64 * 1024;

// One place where a Status becomes an HTTP status.
Poco::Net::HTTPResponse::HTTPStatus HttpStatusOf(StatusCode code);

// {"error": {"code", "message", "message_en"}}
nlohmann::json ErrorJson(const Status& status);

struct Exchange {
  Poco::Net::HTTPServerRequest& request;
  Poco::Net::HTTPServerResponse& response;
  std::string method;
  std::string path;
  Poco::URI uri;
  std::optional<models::User> user;
  std::optional<models::Session> session;
  bool answered = false;

  void Send(Poco::Net::HTTPResponse::HTTPStatus status, const nlohmann::json& body);
  void Ok(const nlohmann::json& body) { Send(Poco::Net::HTTPResponse::HTTP_OK, body); }
  void Fail(const Status& status) { Send(HttpStatusOf(status.code()), ErrorJson(status)); }
  // A file for the browser: inline (an image) or, with `download_name`, saved as that name
  // (UTF-8; sent both as an ASCII fallback and as RFC 6266/5987 filename*).
  void SendBytes(std::string_view content_type, std::span<const std::uint8_t> bytes,
                 const std::string& download_name = "");
  void SendBytes(std::string_view content_type, std::string_view bytes,
                 const std::string& download_name = "");
  // The first value of query parameter `name`, or nullopt.
  std::optional<std::string> Query(std::string_view name) const;
};

// The request's body, at most `limit` bytes (ResourceExhausted past it, before reading when the
// length is declared).
Result<std::string> ReadBody(Poco::Net::HTTPServerRequest& request, std::size_t limit);
// The request's body as a JSON object (an empty body is an empty object): InvalidArgument for
// JSON that does not parse or is not an object, ResourceExhausted for too large or too deep.
Result<nlohmann::json> ReadJsonBody(Poco::Net::HTTPServerRequest& request, std::size_t limit);
// Members of a JSON body: absent or null is nullopt (false); another type is InvalidArgument.
Result<std::optional<std::string>> StringMember(const nlohmann::json& body, const char* name);
Result<bool> BoolMember(const nlohmann::json& body, const char* name);
Result<std::optional<std::int64_t>> IntMember(const nlohmann::json& body, const char* name);

Status RoleRefused();
bool HasRole(const models::User& user, std::initializer_list<models::Role> roles);

// What is shown in place of a value the caller may not see.
inline constexpr char kMaskedValue[] = "＊＊＊＊";
// Whether `user` sees the values of fields marked on_site_only (My Number and the like):
// supervisors and admins, who work on site, do; everyone else sees kMaskedValue.
bool SeesOnSiteOnly(const models::User& user);

// A positive decimal id, or nullopt.
std::optional<std::int64_t> ParseId(std::string_view text);
// "/api/documents/7" -> {"api", "documents", "7"}
std::vector<std::string> SplitPath(const std::string& path);
nlohmann::json OptionalText(const std::optional<std::string>& text);

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_HTTP_EXCHANGE_H_
