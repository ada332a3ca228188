// Fuzzes the HTTP API (server/api.h) with requests built from the input, answered in process by
// the same Api the server runs, over a data directory with two municipalities, users of every
// role, the bundled forms and documents waiting for review.
//
// The input is a session choice, then the raw bytes of an HTTP/1.1 request (request line,
// headers, body), parsed by POCO's own HTTPRequest::read as the server parses a connection:
//   byte 0   which session the request carries: none, or the session of one of the users below
//   byte 1   bit 0: whether the session's CSRF token is sent (X-CSRF-Token)
//   rest     "POST /api/frontdesk/uploads?name=a.png HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
// so the fuzzer reaches what the API runs on untrusted bytes after the login check: path
// splitting and ids (SplitPath, ParseId), query parameters, cookies and headers, JSON bodies
// (ReadJsonBody, JsonDepth, StringMember and the other members) and uploaded files.
//
// Checked for every request, beyond not crashing: it is answered exactly once (Api::Handle's
// contract), and the answer has a status.
//
// POST /api/login is answered with 400 here without reaching the Api: every attempt costs an
// Argon2id verification (about 0.1 s), which would leave the fuzzer no time for anything else;
// its body goes through the same ReadJsonBody and StringMember as every other endpoint's.
#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/form_registry.h"
#include "ingest/phone_intake.h"
#include "models/blob_store.h"
#include "models/store.h"
#include "server/api.h"
#include "server/credentials.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace fs = std::filesystem;
using adbridge::Result;
using adbridge::models::Role;

// The answer, kept in memory. Sending twice is a fault of the Api (POCO's own response asserts
// on it), so it stops the fuzzer.
class MemoryResponse : public Poco::Net::HTTPServerResponse {
 public:
  void sendContinue() override {}
  std::ostream& send() override {
    if (sent_) {
      std::fprintf(stderr, "the response was sent twice\n");
      std::abort();
    }
    sent_ = true;
    write(body_);  // status line and headers, as POCO writes them
    return body_;
  }
  void sendFile(const std::string&, const std::string&) override { send(); }
  void sendBuffer(const void* buffer, std::size_t length) override {
    send().write(static_cast<const char*>(buffer), static_cast<std::streamsize>(length));
  }
  void redirect(const std::string& uri, HTTPStatus status) override {
    setStatus(status);
    set("Location", uri);
    send();
  }
  void requireAuthentication(const std::string&) override {
    setStatus(HTTP_UNAUTHORIZED);
    send();
  }
  bool sent() const override { return sent_; }

 private:
  bool sent_ = false;
  std::ostringstream body_;
};

// A request as the server hands one to the Api, its headers read by POCO from the input and its
// body the bytes after them (cut at Content-Length when one is given, as the server does).
class MemoryRequest : public Poco::Net::HTTPServerRequest {
 public:
  explicit MemoryRequest(MemoryResponse& response)
      : response_(response),
        client_("127.0.0.1", 40000),
        server_("127.0.0.1", 8080),
        params_(new Poco::Net::HTTPServerParams) {}

  // Reads the request line and headers from `in`; the rest of `in` is the body. Throws what
  // POCO throws for a malformed request (the server answers that with 400 itself).
  void ReadFrom(std::istream& in) {
    read(in);
    std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (hasContentLength() && getContentLength64() >= 0 &&
        static_cast<std::uint64_t>(getContentLength64()) < rest.size()) {
      rest.resize(static_cast<std::size_t>(getContentLength64()));
    }
    body_.str(rest);
  }

  std::istream& stream() override { return body_; }
  const Poco::Net::SocketAddress& clientAddress() const override { return client_; }
  const Poco::Net::SocketAddress& serverAddress() const override { return server_; }
  const Poco::Net::HTTPServerParams& serverParams() const override { return *params_; }
  Poco::Net::HTTPServerResponse& response() const override { return response_; }
  bool secure() const override { return false; }

 private:
  MemoryResponse& response_;
  Poco::Net::SocketAddress client_;
  Poco::Net::SocketAddress server_;
  Poco::AutoPtr<Poco::Net::HTTPServerParams> params_;
  std::istringstream body_;
};

struct FuzzSession {
  std::string token;  // what the cookie holds
  std::string csrf_token;
};

struct World {
  std::unique_ptr<adbridge::models::Store> store;
  std::unique_ptr<adbridge::models::BlobStore> blobs;
  std::unique_ptr<adbridge::server::Api> api;
  std::vector<FuzzSession> sessions;
};

void Check(const adbridge::Status& status, const std::string& what) {
  if (!status.ok()) adbridge::fuzz::SetupFailed(what + ": " + status.message(adbridge::Lang::kEn));
}

World& TheWorld() {
  static World* world = [] {
    const fs::path dir = adbridge::fuzz::FreshDataDir("adbridge-fuzz-api-");
    Result<std::unique_ptr<adbridge::models::Store>> store =
        adbridge::models::OpenSqliteStore(dir / "adbridge.db");
    Check(store.status(), "OpenSqliteStore");
    auto* made = new World;
    made->store = std::move(*store);
    made->blobs = std::make_unique<adbridge::models::BlobStore>(dir / "blobs");
    adbridge::models::Store& s = *made->store;
    Check(s.EnsureTenant("alpha", "アルファ市").status(), "EnsureTenant alpha");
    Check(s.EnsureTenant("beta", "ベータ町").status(), "EnsureTenant beta");
    for (const char* form :
         {"juminhyo-request.json", "kyufukin-application.json", "demand-bus-reservation.json"}) {
      Check(adbridge::ingest::RegisterFormFile(s, *made->blobs,
                                               adbridge::fuzz::SourceDir() / "models/forms" / form)
                .status(),
            std::string("RegisterFormFile ") + form);
    }
    // Documents with fields waiting for review, in both municipalities.
    for (const char* tenant : {"alpha", "beta"}) {
      adbridge::ingest::PhoneIntakeOptions options;
      options.tenant_code = tenant;
      adbridge::ingest::PhoneIntake intake(s, *made->blobs, options);
      Check(intake.IngestFile(adbridge::fuzz::SourceDir() / "samples/phone/calls-2026-11-21.csv")
                .status(),
            std::string("IngestFile ") + tenant);
    }
    // One session per user; the order is what byte 0 of an input picks (1 = the first).
    const struct {
      const char* name;
      Role role;
      const char* tenant;
    } users[] = {{"alpha-admin", Role::kAdmin, "alpha"},
                 {"alpha-supervisor", Role::kSupervisor, "alpha"},
                 {"alpha-frontdesk", Role::kFrontdesk, "alpha"},
                 {"alpha-reviewer", Role::kReviewer, "alpha"},
                 {"alpha-department", Role::kDepartment, "alpha"},
                 {"beta-supervisor", Role::kSupervisor, "beta"}};
    for (const auto& u : users) {
      adbridge::models::NewUser user;
      user.name = u.name;
      user.display_name = u.name;
      user.role = u.role;
      user.tenant_code = u.tenant;
      user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$bm90IGEgc2FsdA$bm90IGEgaGFzaA";
      Result<adbridge::models::User> added = s.AddUser(user);
      Check(added.status(), std::string("AddUser ") + u.name);
      FuzzSession session{adbridge::server::RandomToken(), adbridge::server::RandomToken()};
      adbridge::models::Session stored;
      stored.token_sha256 = adbridge::server::Sha256Hex(session.token);
      stored.user_id = added->id;
      stored.csrf_token = session.csrf_token;
      Check(s.CreateSession(stored, 365 * 24 * 3600), std::string("CreateSession ") + u.name);
      made->sessions.push_back(session);
    }
    adbridge::server::ApiOptions options;
    options.upload_limits.max_pixels = 1 << 20;  // small, so an image bomb costs nothing
    options.upload_limits.max_bytes = 1 << 20;
    options.upload_limits.max_pages = 4;
    options.max_upload_bytes = 1 << 20;
    made->api = std::make_unique<adbridge::server::Api>(s, *made->blobs, options);
    return made;
  }();
  return *world;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  World& world = TheWorld();
  const std::size_t session_choice = data[0] % (world.sessions.size() + 1);
  const bool send_csrf = (data[1] & 1) != 0;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data + 2), size - 2));

  MemoryResponse response;
  MemoryRequest request(response);
  try {
    request.ReadFrom(in);
  } catch (const Poco::Exception&) {
    return 0;  // POCO's server refuses such a request before the Api sees it
  }
  if (session_choice > 0) {
    const FuzzSession& session = world.sessions[session_choice - 1];
    const std::string cookie = "adbridge_session=" + session.token;
    const std::string sent = request.get("Cookie", "");
    request.set("Cookie", sent.empty() ? cookie : sent + "; " + cookie);
    if (send_csrf) request.set("X-CSRF-Token", session.csrf_token);
  }
  try {
    if (request.getMethod() == "POST" && Poco::URI(request.getURI()).getPath() == "/api/login") {
      return 0;
    }
  } catch (const Poco::Exception&) {
    // A URI POCO cannot parse: the Api answers it (with an error) below.
  }

  world.api->Handle(request, response);
  if (!response.sent()) {
    std::fprintf(stderr, "%s %s was not answered\n", request.getMethod().c_str(),
                 request.getURI().c_str());
    std::abort();
  }
  return 0;
}
