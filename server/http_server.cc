#include "server/http_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>

namespace adbridge::server {
namespace {

class ApiHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ApiHandler(Api& api) : api_(api) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    api_.Handle(request, response);
  }

 private:
  Api& api_;
};

// Stateless: every handler shares the one Api, which is safe for concurrent use.
class ApiHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit ApiHandlerFactory(Api& api) : api_(api) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new ApiHandler(api_);
  }

 private:
  Api& api_;
};

Status TlsRefused(const std::string& ja, const std::string& en) {
  return Status::InvalidArgument("TLS を使えません: " + ja, "cannot serve TLS: " + en);
}

// Whether `path` (given as `option`) is a file, so that the error names the option and file.
Status CheckFileExists(const std::string& path, const std::string& option) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return TlsRefused(option + " のファイル " + path + " がありません",
                      option + " file " + path + " does not exist");
  }
  return Status::Ok();
}

// The first certificate of `cert_path` and the key of `key_path`, read as OpenSSL reads them, and
// whether they are a pair.
Status CheckKeyIsTheCertificates(const std::string& cert_path, const std::string& key_path) {
  using File = std::unique_ptr<FILE, int (*)(FILE*)>;
  File cert_file(std::fopen(cert_path.c_str(), "rb"), &std::fclose);
  File key_file(std::fopen(key_path.c_str(), "rb"), &std::fclose);
  if (!cert_file || !key_file) {
    const std::string& which = cert_file ? key_path : cert_path;
    return TlsRefused(which + " を開けません", which + " cannot be opened");
  }
  // No passphrase is asked for (OpenSSL would otherwise ask on the terminal and wait).
  pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };
  std::unique_ptr<X509, void (*)(X509*)> cert(
      PEM_read_X509(cert_file.get(), nullptr, no_passphrase, nullptr), &X509_free);
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key(
      PEM_read_PrivateKey(key_file.get(), nullptr, no_passphrase, nullptr), &EVP_PKEY_free);
  ERR_clear_error();
  if (!cert) {
    return TlsRefused("--tls-cert のファイル " + cert_path + " は PEM 形式の CERTIFICATE ではありません",
                      "--tls-cert file " + cert_path + " is not a PEM CERTIFICATE");
  }
  if (!key) {
    return TlsRefused("--tls-key のファイル " + key_path +
                          " は PEM 形式の PRIVATE KEY ではありません (パスフレーズ付きの鍵は使えません)",
                      "--tls-key file " + key_path +
                          " is not a PEM PRIVATE KEY (a key with a passphrase cannot be used)");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return TlsRefused("鍵 " + key_path + " は証明書 " + cert_path + " のものではありません",
                      "the key " + key_path + " does not belong to the certificate " + cert_path);
  }
  return Status::Ok();
}

// The server's TLS context: the certificate and key of `options`, TLS 1.2 or newer, no client
// certificates asked for.
Result<Poco::Net::Context::Ptr> TlsContext(const HttpServerOptions& options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return TlsRefused("--tls-cert と --tls-key は両方とも指定します",
                      "give both --tls-cert and --tls-key");
  }
  if (Status s = CheckFileExists(options.tls_cert, "--tls-cert"); !s.ok()) return s;
  if (Status s = CheckFileExists(options.tls_key, "--tls-key"); !s.ok()) return s;
  if (Status s = CheckKeyIsTheCertificates(options.tls_cert, options.tls_key); !s.ok()) return s;
  static std::once_flag initialized;
  std::call_once(initialized, [] { Poco::Net::initializeSSL(); });
  Poco::Net::Context::Ptr context;
  try {
    Poco::Net::Context::Params params;
    params.certificateFile = options.tls_cert;
    params.privateKeyFile = options.tls_key;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    params.loadDefaultCAs = false;
    context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  } catch (const Poco::Exception& e) {
    return TlsRefused("証明書か鍵を読み込めません: " + e.displayText(),
                      "the certificate or key cannot be loaded: " + e.displayText());
  }
  return context;
}

}  // namespace

struct HttpServer::Impl {
  Impl(models::Store& store, const models::BlobStore& blobs, const HttpServerOptions& options)
      : api(store, blobs, options.api), pool(4, options.max_threads) {}
  Api api;
  Poco::ThreadPool pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  bool stopped = false;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(models::Store& store,
                                                      const models::BlobStore& blobs,
                                                      const HttpServerOptions& options) {
  const bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  Poco::Net::Context::Ptr context;
  if (tls) {
    ADB_ASSIGN_OR_RETURN(context, TlsContext(options));
  }
  HttpServerOptions effective = options;
  if (tls) effective.api.secure_cookies = true;
  auto impl = std::make_unique<Impl>(store, blobs, effective);
  int port = 0;
  try {
    const Poco::Net::SocketAddress address(options.bind, static_cast<Poco::UInt16>(options.port));
    Poco::Net::ServerSocket socket = tls ? Poco::Net::SecureServerSocket(address, 64, context)
                                         : Poco::Net::ServerSocket(address);
    port = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(options.max_threads);
    params->setMaxQueued(1000);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(0);  // no limit: a reviewer's browser keeps one connection
    params->setKeepAliveTimeout(Poco::Timespan(30, 0));
    params->setTimeout(Poco::Timespan(30, 0));
    // POCO 1.11 wakes its idle connection threads once when stopping; a thread that was not yet
    // waiting sleeps its whole idle time before it sees the stop, and Stop waits for it (10 s by
    // default, one Stop in twenty in the API tests). Idle threads beyond the first end after a
    // second anyway; the pool keeps the OS threads, so this costs nothing under load.
    params->setThreadIdleTime(Poco::Timespan(1, 0));
    impl->server = std::make_unique<Poco::Net::HTTPServer>(new ApiHandlerFactory(impl->api),
                                                           impl->pool, socket, params);
    impl->server->start();
  } catch (const Poco::Exception& e) {
    const std::string where = options.bind + ":" + std::to_string(options.port);
    return Status::Unavailable(where + " で待ち受けできません: " + e.displayText(),
                               "cannot listen on " + where + ": " + e.displayText());
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), port));
}

void HttpServer::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  impl_->server->stopAll(/*abortCurrent=*/false);
  impl_->pool.joinAll();
}

}  // namespace adbridge::server
