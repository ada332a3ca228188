// A reviewer over HTTP, with POCO's client: one HTTPClientSession per reviewer, kept alive
// across requests, as a browser keeps its connection to the review page's server.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

#include <regex>
#include <utility>
#include <vector>

#include "bench/review/reviewers.h"

namespace adbridge::bench {
namespace {

constexpr char kSessionCookie[] = "adbridge_session";

struct HttpAnswer {
  int status = 0;  // 0 when no answer came
  nlohmann::json body;
  std::string session_cookie;  // when the answer set one
};

// The error of a failed request: its status, and the API's English message when it sent one.
Answer Failure(const HttpAnswer& answer, const std::string& transport_error) {
  Answer failure;
  if (answer.status == 0) {
    failure.error = "transport";
    failure.detail = transport_error;
    return failure;
  }
  failure.error = std::to_string(answer.status);
  if (answer.body.is_object() && answer.body.contains("error") &&
      answer.body["error"].is_object()) {
    failure.detail = answer.body["error"].value("message_en", "");
  }
  return failure;
}

class HttpReviewer final : public Reviewer {
 public:
  HttpReviewer(const HttpEndpoint& endpoint, std::string name, std::string password)
      : session_(endpoint.host, endpoint.port),
        name_(std::move(name)),
        password_(std::move(password)) {
    session_.setKeepAlive(true);
    session_.setTimeout(Poco::Timespan(30, 0));
  }

  const std::string& name() const override { return name_; }

  Answer Start() override {
    std::string transport_error;
    HttpAnswer answer =
        Post("/api/login", {{"name", name_}, {"password", password_}}, transport_error);
    if (answer.status != 200) return Failure(answer, transport_error);
    if (answer.session_cookie.empty() || !answer.body.contains("csrf_token")) {
      return {"bad_answer", "the login answer has no session cookie or no csrf_token"};
    }
    cookie_ = answer.session_cookie;
    csrf_ = answer.body["csrf_token"].get<std::string>();
    return {};
  }

  ClaimAnswer Next(const std::optional<std::string>& field_type) override {
    nlohmann::json request = nlohmann::json::object();
    if (field_type) request["field_type"] = *field_type;
    std::string transport_error;
    HttpAnswer answer = Post("/api/review/next", request, transport_error);
    ClaimAnswer claim;
    if (answer.status != 200) {
      static_cast<Answer&>(claim) = Failure(answer, transport_error);
      return claim;
    }
    if (!answer.body.is_object() || !answer.body.contains("task")) {
      claim.error = "bad_answer";
      claim.detail = "the answer to /api/review/next has no \"task\"";
      return claim;
    }
    const nlohmann::json& task = answer.body["task"];
    if (task.is_null()) return claim;  // nothing waits
    try {
      claim.task_id = task.at("id").get<std::int64_t>();
      claim.field_type = task.value("type", "");
      claim.blind = task.value("blind", false);
      if (task.contains("prefill") && task["prefill"].is_string()) {
        claim.prefill = task["prefill"].get<std::string>();
      }
    } catch (const nlohmann::json::exception& e) {
      claim.task_id.reset();
      claim.error = "bad_answer";
      claim.detail = e.what();
    }
    return claim;
  }

  SubmitAnswer Submit(std::int64_t task_id, const std::string& value) override {
    std::string transport_error;
    HttpAnswer answer = Post("/api/review/tasks/" + std::to_string(task_id) + "/submit",
                             {{"value", value}}, transport_error);
    SubmitAnswer submit;
    if (answer.status != 200) {
      static_cast<Answer&>(submit) = Failure(answer, transport_error);
      return submit;
    }
    submit.result = answer.body.is_object() ? answer.body.value("result", "") : "";
    return submit;
  }

 private:
  // One POST with a JSON body; the whole answer is read so the connection can be reused.
  // A transport failure (refused, reset, timed out) leaves status 0 and drops the connection;
  // the next request opens a new one.
  HttpAnswer Post(const std::string& path, const nlohmann::json& body,
                  std::string& transport_error) {
    HttpAnswer answer;
    const std::string text = body.dump();
    try {
      Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path,
                                     Poco::Net::HTTPMessage::HTTP_1_1);
      request.setKeepAlive(true);
      request.setContentType("application/json");
      request.setContentLength(static_cast<std::streamsize>(text.size()));
      if (!cookie_.empty()) request.set("Cookie", std::string(kSessionCookie) + "=" + cookie_);
      if (!csrf_.empty()) request.set("X-CSRF-Token", csrf_);
      session_.sendRequest(request) << text;
      Poco::Net::HTTPResponse response;
      std::istream& in = session_.receiveResponse(response);
      std::string received;
      Poco::StreamCopier::copyToString(in, received);
      answer.status = static_cast<int>(response.getStatus());
      answer.body = nlohmann::json::parse(received, nullptr, /*allow_exceptions=*/false);
      std::vector<Poco::Net::HTTPCookie> cookies;
      response.getCookies(cookies);
      for (const Poco::Net::HTTPCookie& cookie : cookies) {
        if (cookie.getName() == kSessionCookie) answer.session_cookie = cookie.getValue();
      }
    } catch (const Poco::Exception& e) {
      answer.status = 0;
      transport_error = e.displayText();
      session_.reset();
    } catch (const std::exception& e) {
      answer.status = 0;
      transport_error = e.what();
      session_.reset();
    }
    return answer;
  }

  Poco::Net::HTTPClientSession session_;
  const std::string name_;
  const std::string password_;
  std::string cookie_;
  std::string csrf_;
};

}  // namespace

Result<HttpEndpoint> ParseHttpUrl(const std::string& url) {
  static const std::regex kUrl(R"(^http://([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):([0-9]{1,5})/?$)");
  std::smatch m;
  if (!std::regex_match(url, m, kUrl)) {
    return Status::InvalidArgument("URL は http://HOST:PORT の形で指定してください: " + url,
                                   "give the URL as http://HOST:PORT: " + url);
  }
  const int port = std::stoi(m[2]);
  if (port < 1 || port > 65535) {
    return Status::InvalidArgument("ポート番号が範囲外です: " + url,
                                   "the port is out of range: " + url);
  }
  std::string host = m[1];
  if (host.front() == '[') host = host.substr(1, host.size() - 2);
  return HttpEndpoint{host, static_cast<std::uint16_t>(port)};
}

std::unique_ptr<Reviewer> MakeHttpReviewer(const HttpEndpoint& endpoint, std::string name,
                                           std::string password) {
  return std::make_unique<HttpReviewer>(endpoint, std::move(name), std::move(password));
}

}  // namespace adbridge::bench
