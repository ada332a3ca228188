#include "tests/server/http_test_client.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <exception>
#include <map>
#include <mutex>
#include <ostream>
#include <random>
#include <stdexcept>
#include <system_error>

#include "server/credentials.h"

namespace adbridge::server::http_test {

Reply Send(int port, const Request& r, Poco::Net::HTTPClientSession* connection) {
  Reply reply;
  try {
    std::optional<Poco::Net::HTTPClientSession> own;
    if (connection == nullptr) {
      own.emplace("127.0.0.1", static_cast<Poco::UInt16>(port));
      connection = &*own;
    }
    Poco::Net::HTTPClientSession& session = *connection;
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest request(r.method, r.path, Poco::Net::HTTPMessage::HTTP_1_1);
    const std::optional<std::string> cookie =
        r.cookie ? r.cookie : (r.as ? std::optional<std::string>(r.as->cookie) : std::nullopt);
    if (cookie) {
      Poco::Net::NameValueCollection cookies;
      cookies.add(kSessionCookie, *cookie);
      request.setCookies(cookies);
    }
    if (r.csrf) {
      request.set("X-CSRF-Token", *r.csrf);
    } else if (r.as && r.send_csrf) {
      request.set("X-CSRF-Token", r.as->csrf);
    }
    if (r.body) {
      request.setContentType(r.content_type);
      if (r.chunked) {
        request.setChunkedTransferEncoding(true);
      } else {
        request.setContentLength(static_cast<std::streamsize>(r.body->size()));
      }
    } else if (r.method == "POST") {
      request.setContentLength(0);
    }
    std::ostream& out = session.sendRequest(request);
    if (r.body) out << *r.body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Poco::StreamCopier::copyToString(in, reply.body);
    reply.status = static_cast<int>(response.getStatus());
    reply.content_type = response.getContentType();
    for (const auto& [name, value] : response) reply.headers.add(name, value);
    response.getCookies(reply.cookies);
  } catch (const std::exception& e) {
    reply.status = -1;
    reply.body = std::string("no answer: ") + e.what();
  }
  return reply;
}

Login LogIn(int port, const models::User& user, const std::string& password, Reply* reply) {
  Login login;
  login.user = user;
  const Reply answer = Send(port, {.method = "POST",
                                   .path = "/api/login",
                                   .body = Json({{"name", user.name}, {"password", password}}).dump()});
  for (const Poco::Net::HTTPCookie& cookie : answer.cookies) {
    if (cookie.getName() == kSessionCookie) login.cookie = cookie.getValue();
  }
  login.csrf = answer.json().value("csrf_token", "");
  if (reply != nullptr) *reply = answer;
  return login;
}

std::filesystem::path FreshDataFolder(const std::string& prefix) {
  namespace fs = std::filesystem;
  const std::string name = prefix + std::to_string(std::random_device()());
  std::error_code in_memory;
  fs::path dir = fs::path("/dev/shm") / name;
  fs::create_directories(dir, in_memory);
  if (in_memory) dir = fs::temp_directory_path() / name;
  return dir;
}

const std::string& PasswordHashOnce(const std::string& password) {
  static std::mutex mu;
  static std::map<std::string, std::string>* hashes = new std::map<std::string, std::string>;
  std::lock_guard lock(mu);
  auto found = hashes->find(password);
  if (found != hashes->end()) return found->second;
  Result<std::string> hash = HashPassword(password);
  if (!hash.ok()) throw std::runtime_error(hash.status().message(Lang::kEn));
  return hashes->emplace(password, *hash).first->second;
}

std::string Describe(const Reply& reply) {
  return std::to_string(reply.status) + " " + reply.body.substr(0, 300);
}

}  // namespace adbridge::server::http_test
