// A small HTTP client for tests of adbridge's API over real HTTP: one request with a user's
// session cookie and CSRF token, and its answer.
//
//   Reply reply = Send(port, {.method = "POST", .path = "/api/logout", .body = "{}", .as = &login});
//   EXPECT_EQ(reply.status, 200) << Describe(reply);
//
// Thread-safety: plain functions; a Reply belongs to its caller.
#ifndef ADBRIDGE_TESTS_SERVER_HTTP_TEST_CLIENT_H_
#define ADBRIDGE_TESTS_SERVER_HTTP_TEST_CLIENT_H_

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/NameValueCollection.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "models/store.h"

namespace adbridge::server::http_test {

using Json = nlohmann::json;

inline constexpr char kSessionCookie[] = "adbridge_session";

// One HTTP answer.
struct Reply {
  int status = 0;
  std::string body;
  std::string content_type;
  Poco::Net::NameValueCollection headers;
  std::vector<Poco::Net::HTTPCookie> cookies;

  // The body as JSON; null when it is not JSON.
  Json json() const {
    Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    return parsed.is_discarded() ? Json() : parsed;
  }
  std::string ErrorCode() const {
    const Json j = json();
    return j.is_object() && j.contains("error") && j["error"].is_object()
               ? j["error"].value("code", "")
               : "";
  }
};

// A user logged in over HTTP.
struct Login {
  models::User user;
  std::string cookie;  // the session token
  std::string csrf;
};

// One request. The caller's session cookie and CSRF token are sent unless told otherwise.
struct Request {
  std::string method = "GET";
  std::string path;
  std::optional<std::string> body = std::nullopt;
  const Login* as = nullptr;
  bool send_csrf = true;
  std::optional<std::string> csrf = std::nullopt;    // sent instead of the caller's own token
  std::optional<std::string> cookie = std::nullopt;  // sent instead of the caller's own cookie
  bool chunked = false;                              // no Content-Length: the body in chunks
  std::string content_type = "application/json";     // of the body
};

// Sends `r` on a connection of its own, or on `connection` (kept alive between requests, as a
// browser does). A request that gets no answer has status -1 and the reason in `body`.
Reply Send(int port, const Request& r, Poco::Net::HTTPClientSession* connection = nullptr);

// Logs `user` in with `password` over HTTP. The Login's cookie is empty when the server
// refused; `reply`, when given, receives the answer.
Login LogIn(int port, const models::User& user, const std::string& password,
            Reply* reply = nullptr);

// A fresh folder for a test's data, in memory (/dev/shm) where the system has it: the store
// and blobs sync every write to disk, which costs a third of a second per test on a disk and
// tests nothing of the API. The caller removes it.
std::filesystem::path FreshDataFolder(const std::string& prefix);

// The hash of `password`, made once per process (an Argon2id hash costs about 0.1 s).
const std::string& PasswordHashOnce(const std::string& password);

// "403 {...}" for a failure message.
std::string Describe(const Reply& reply);

}  // namespace adbridge::server::http_test

#endif  // ADBRIDGE_TESTS_SERVER_HTTP_TEST_CLIENT_H_
