#include "server/http_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

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
  auto impl = std::make_unique<Impl>(store, blobs, options);
  int port = 0;
  try {
    Poco::Net::ServerSocket socket(
        Poco::Net::SocketAddress(options.bind, static_cast<Poco::UInt16>(options.port)));
    port = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(options.max_threads);
    params->setMaxQueued(1000);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(0);  // no limit: a reviewer's browser keeps one connection
    params->setKeepAliveTimeout(Poco::Timespan(30, 0));
    params->setTimeout(Poco::Timespan(30, 0));
    impl->server = std::make_unique<Poco::Net::HTTPServer>(
        new ApiHandlerFactory(impl->api), impl->pool, socket, params);
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
