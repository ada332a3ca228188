// HttpServer: the POCO HTTP server that carries the Api, on a port of its own.
//
//   ADB_ASSIGN_OR_RETURN(std::unique_ptr<HttpServer> server,
//                        HttpServer::Start(store, blobs, {.bind = "127.0.0.1", .port = 0}));
//   server->port();  // the port it listens on (a free one when 0 was asked for)
//   server->Stop();
//
// With `tls_cert` and `tls_key` (PEM files) it answers HTTPS only, TLS 1.2 or newer, and the
// session cookie is marked Secure.
//
// Each connection is served by one thread of the server's own pool for as long as the browser
// keeps it alive, so the pool is sized for many reviewers at once.
// Thread-safety: Start and Stop from one thread; requests are handled concurrently.
#ifndef ADBRIDGE_SERVER_HTTP_SERVER_H_
#define ADBRIDGE_SERVER_HTTP_SERVER_H_

#include <memory>
#include <string>

#include "models/blob_store.h"
#include "models/status.h"
#include "models/store.h"
#include "server/api.h"

namespace adbridge::server {

struct HttpServerOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0: any free port
  int max_threads = 200;
  ApiOptions api;
  // Both set: HTTPS with this certificate (chain) and its private key.
  std::string tls_cert;
  std::string tls_key;
};

class HttpServer {
 public:
  // Returns Unavailable when the address cannot be bound (in use, no permission);
  // InvalidArgument when only one of tls_cert and tls_key is given, when either cannot be read
  // or is not PEM, or when the key is not the certificate's.
  static Result<std::unique_ptr<HttpServer>> Start(models::Store& store,
                                                   const models::BlobStore& blobs,
                                                   const HttpServerOptions& options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  // Stops accepting and waits for requests in flight. Called by the destructor too.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl, int port);
  std::unique_ptr<Impl> impl_;
  int port_;
};

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_HTTP_SERVER_H_
