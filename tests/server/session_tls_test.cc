// Sessions and HTTPS: a session ends when its configured lifetime runs out and when the user
// logs out; `adbridge serve --tls-cert --tls-key` answers HTTPS only, TLS 1.2 or newer, with
// Secure cookies, and refuses a missing or mismatched certificate and key before it serves.
// Certificates are made for the test with Debian's openssl command.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <fstream>
#include <mutex>

#include "api_fixture.h"
#include "tests/server/cli_runner.h"
#include "tests/server/serve_process.h"

namespace adbridge::server {
namespace {

using test_support::Quote;
using ::testing::HasSubstr;
using ::testing::Not;

// A self-signed certificate and its key, and a second key that is not the certificate's.
struct TestCertificate {
  fs::path cert;
  fs::path key;
  fs::path other_key;
};

TestCertificate MakeCertificate(const fs::path& dir) {
  TestCertificate made{dir / "cert.pem", dir / "key.pem", dir / "other-key.pem"};
  const std::string make =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=adbridge-test.example"
      " -keyout " +
      Quote(made.key) + " -out " + Quote(made.cert) +
      " > /dev/null 2>&1 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
      Quote(made.other_key) + " > /dev/null 2>&1";
  EXPECT_EQ(std::system(make.c_str()), 0) << "openssl could not make a test certificate";
  return made;
}

// One HTTPS request; status -1 (and the reason in body) when it gets no answer.
struct HttpsReply {
  int status = -1;
  std::string body;
  std::vector<Poco::Net::HTTPCookie> cookies;
  std::string server_name;  // the certificate's common name
};

HttpsReply SendHttps(int port, const std::string& method, const std::string& path,
                     const std::string& body, const std::string& cookie = "",
                     const std::string& csrf = "", bool old_tls_only = false) {
  HttpsReply reply;
  try {
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    params.loadDefaultCAs = false;
    if (old_tls_only) params.cipherList = "DEFAULT@SECLEVEL=0";
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    if (old_tls_only) {  // offer TLS 1.1 and nothing newer
      SSL_CTX_set_min_proto_version(context->sslContext(), TLS1_1_VERSION);
      SSL_CTX_set_max_proto_version(context->sslContext(), TLS1_1_VERSION);
    }
    Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port), context);
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!cookie.empty()) {
      Poco::Net::NameValueCollection cookies;
      cookies.add(kSessionCookie, cookie);
      request.setCookies(cookies);
    }
    if (!csrf.empty()) request.set("X-CSRF-Token", csrf);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Poco::StreamCopier::copyToString(in, reply.body);
    reply.status = static_cast<int>(response.getStatus());
    response.getCookies(reply.cookies);
    reply.server_name = session.serverCertificate().commonName();
  } catch (const Poco::Exception& e) {
    reply.status = -1;
    reply.body = e.displayText();
  }
  return reply;
}

class SessionTlsTest : public ApiTest {
 protected:
  SessionTlsTest() {
    static std::once_flag initialized;
    std::call_once(initialized, [] { Poco::Net::initializeSSL(); });
  }

  // A second server on the fixture's store, with `options`.
  std::unique_ptr<HttpServer> StartServer(HttpServerOptions options) {
    options.bind = "127.0.0.1";
    options.port = 0;
    Result<std::unique_ptr<HttpServer>> started = HttpServer::Start(store(), data_->blobs, options);
    EXPECT_TRUE(started.ok()) << started.status().message(Lang::kEn);
    return started.ok() ? std::move(*started) : nullptr;
  }

  // A server of HTTPS only, with a certificate made for the test.
  std::unique_ptr<HttpServer> StartTlsServer() {
    const TestCertificate cert = MakeCertificate(dir_);
    HttpServerOptions options;
    options.tls_cert = cert.cert.string();
    options.tls_key = cert.key.string();
    return StartServer(options);
  }

  Status StartStatus(const HttpServerOptions& options) {
    HttpServerOptions o = options;
    o.bind = "127.0.0.1";
    o.port = 0;
    return HttpServer::Start(store(), data_->blobs, o).status();
  }
};

// ---- sessions ----

TEST_F(SessionTlsTest, ASessionIsRefusedOnceItsConfiguredLifetimeHasRunOut) {
  HttpServerOptions options;
  options.api.session_seconds = 1;
  std::unique_ptr<HttpServer> server = StartServer(options);
  ASSERT_TRUE(server);
  Reply reply;
  const Login login =
      http_test::LogIn(server->port(), users_.at("alpha-reviewer"), kPassword, &reply);
  ASSERT_FALSE(login.cookie.empty()) << Describe(reply);
  for (const Poco::Net::HTTPCookie& cookie : reply.cookies) {
    if (cookie.getName() == kSessionCookie) {
      // Sent as an expiry time a second ahead, read back as what is left of it.
      EXPECT_GE(cookie.getMaxAge(), 0);
      EXPECT_LE(cookie.getMaxAge(), 1);
    }
  }
  EXPECT_EQ(Send(server->port(), {.path = "/api/me", .as = &login}).status, 200);
  // The browser would drop the cookie after a second; a client that keeps sending it is
  // refused once the store's expiry has passed.
  int status = 200;
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (status == 200 && std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    status = Send(server->port(), {.path = "/api/me", .as = &login}).status;
  }
  EXPECT_EQ(status, 401);
  // Nor can the expired session do anything that changes data.
  EXPECT_EQ(Send(server->port(),
                 {.method = "POST", .path = "/api/review/next", .body = "{}", .as = &login})
                .status,
            401);
}

TEST_F(SessionTlsTest, LogoutEndsTheSessionForEveryRequestThatStillCarriesTheCookie) {
  const Login& reviewer = As("alpha-reviewer");
  ASSERT_EQ(Get("/api/me", &reviewer).status, 200);
  const Reply out = Post("/api/logout", Json::object(), &reviewer);
  ASSERT_EQ(out.status, 200) << Describe(out);
  bool cleared = false;
  for (const Poco::Net::HTTPCookie& cookie : out.cookies) {
    cleared = cleared || (cookie.getName() == kSessionCookie && cookie.getMaxAge() == 0);
  }
  EXPECT_TRUE(cleared) << "the logout does not tell the browser to drop the cookie";
  EXPECT_EQ(Get("/api/me", &reviewer).status, 401);
  EXPECT_EQ(Post("/api/review/next", Json::object(), &reviewer).status, 401);
  EXPECT_EQ(Post("/api/logout", Json::object(), &reviewer).status, 401);
}

TEST_F(SessionTlsTest, ServeTakesTheSessionLifetimeInHoursAndRefusesOthers) {
  for (const char* bad : {"0", "169", "12h", "-1"}) {
    const test_support::RunResult run = test_support::RunAdbridge(
        dir_, "--data " + Quote(dir_ / "cli-data") + " serve --port 0 --session-hours " + bad);
    EXPECT_EQ(run.exit_code, 2) << bad << ": " << run.err;
    EXPECT_THAT(run.err, HasSubstr("--session-hours")) << bad;
    EXPECT_THAT(run.out, Not(HasSubstr("serving"))) << bad;
  }
}

// ---- TLS ----

TEST_F(SessionTlsTest, OverHttpsALoginWorksAndItsCookieIsSecure) {
  std::unique_ptr<HttpServer> server = StartTlsServer();
  ASSERT_TRUE(server);

  const HttpsReply login =
      SendHttps(server->port(), "POST", "/api/login",
                Json({{"name", "alpha-reviewer"}, {"password", kPassword}}).dump());
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.server_name, "adbridge-test.example");
  std::string token;
  for (const Poco::Net::HTTPCookie& cookie : login.cookies) {
    if (cookie.getName() != kSessionCookie) continue;
    token = cookie.getValue();
    EXPECT_TRUE(cookie.getSecure()) << "the session cookie would also be sent over plain HTTP";
    EXPECT_TRUE(cookie.getHttpOnly());
  }
  ASSERT_FALSE(token.empty());
  const std::string csrf = Json::parse(login.body).value("csrf_token", "");
  const HttpsReply me = SendHttps(server->port(), "GET", "/api/me", "", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Json::parse(me.body)["user"].value("name", ""), "alpha-reviewer");
  const HttpsReply next = SendHttps(server->port(), "POST", "/api/review/next", "{}", token, csrf);
  EXPECT_EQ(next.status, 200) << next.body;
  EXPECT_TRUE(Json::parse(next.body)["task"].is_object()) << next.body;
}

TEST_F(SessionTlsTest, TheServeCommandServesHttpsWithTheCertificateAndTheSessionHoursGiven) {
  const TestCertificate cert = MakeCertificate(dir_);
  const fs::path data = dir_ / "cli-data";
  const test_support::RunResult added =
      test_support::RunAdbridge(dir_, "--data " + Quote(data) + " users add kanri --role admin",
                                "ADBRIDGE_LANG=en", std::string(kPassword) + "\n");
  ASSERT_EQ(added.exit_code, 0) << added.err;
  test_support::ServeProcess serve(dir_);
  ASSERT_TRUE(serve.Start("--data " + Quote(data) + " serve --port 0 --jobs 0 --session-hours 2" +
                          " --tls-cert " + Quote(cert.cert) + " --tls-key " + Quote(cert.key)))
      << serve.err();
  EXPECT_THAT(serve.started().value("serving", ""), ::testing::StartsWith("https://"));

  const HttpsReply login = SendHttps(serve.port(), "POST", "/api/login",
                                     Json({{"name", "kanri"}, {"password", kPassword}}).dump());
  ASSERT_EQ(login.status, 200) << login.body;
  bool secure = false;
  for (const Poco::Net::HTTPCookie& cookie : login.cookies) {
    if (cookie.getName() != kSessionCookie) continue;
    secure = cookie.getSecure();
    // Two hours, read back from the expiry time it was sent as.
    EXPECT_GE(cookie.getMaxAge(), 2 * 3600 - 60);
    EXPECT_LE(cookie.getMaxAge(), 2 * 3600);
  }
  EXPECT_TRUE(secure);
  EXPECT_EQ(Send(serve.port(), {.path = "/api/me"}).status, -1) << "plain HTTP was answered";
  serve.Stop();
}

TEST_F(SessionTlsTest, PlainHttpToTheTlsPortGetsNoAnswer) {
  std::unique_ptr<HttpServer> server = StartTlsServer();
  ASSERT_TRUE(server);
  const Reply login = Send(
      server->port(), {.method = "POST",
                       .path = "/api/login",
                       .body = Json({{"name", "alpha-reviewer"}, {"password", kPassword}}).dump()});
  EXPECT_EQ(login.status, -1) << "an answer over plain HTTP: " << Describe(login);
  EXPECT_TRUE(login.cookies.empty());
  const Reply page = Send(server->port(), {.path = "/"});
  EXPECT_EQ(page.status, -1) << Describe(page);
  // The server still serves HTTPS afterwards.
  EXPECT_EQ(SendHttps(server->port(), "GET", "/api/me", "").status, 401);
}

TEST_F(SessionTlsTest, TlsOlderThan12IsRefused) {
  std::unique_ptr<HttpServer> server = StartTlsServer();
  ASSERT_TRUE(server);
  const HttpsReply old = SendHttps(server->port(), "GET", "/api/me", "", "", "", true);
  EXPECT_EQ(old.status, -1) << "answered over TLS 1.1 or older: " << old.body;
  EXPECT_EQ(SendHttps(server->port(), "GET", "/api/me", "").status, 401);
}

TEST_F(SessionTlsTest, AMissingUnreadableOrMismatchedCertificateOrKeyIsRefusedBeforeServing) {
  const TestCertificate cert = MakeCertificate(dir_);
  std::ofstream(dir_ / "not-pem.pem") << "this is not a certificate\n";
  struct Case {
    std::string cert, key, says;
  };
  const std::vector<Case> cases = {
      {(dir_ / "missing.pem").string(), cert.key.string(), "does not exist"},
      {cert.cert.string(), (dir_ / "missing-key.pem").string(), "does not exist"},
      {(dir_ / "not-pem.pem").string(), cert.key.string(), "is not a PEM CERTIFICATE"},
      {cert.cert.string(), cert.cert.string(), "is not a PEM PRIVATE KEY"},
      {cert.cert.string(), cert.other_key.string(), "does not belong to the certificate"},
      {cert.cert.string(), "", "give both"},
  };
  for (const Case& c : cases) {
    HttpServerOptions options;
    options.tls_cert = c.cert;
    options.tls_key = c.key;
    const Status status = StartStatus(options);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.says;
    EXPECT_THAT(status.message(Lang::kEn), HasSubstr(c.says));
    if (c.key.empty()) continue;
    // The command says the same and exits without serving.
    const test_support::RunResult run = test_support::RunAdbridge(
        dir_, "--data " + Quote(dir_ / "cli-data") + " serve --port 0 --jobs 0 --tls-cert " +
                  Quote(c.cert) + " --tls-key " + Quote(c.key));
    EXPECT_EQ(run.exit_code, 1) << c.says << ": " << run.err;
    EXPECT_THAT(run.err, HasSubstr(c.says));
    EXPECT_THAT(run.out, Not(HasSubstr("serving")));
  }
}

}  // namespace
}  // namespace adbridge::server
