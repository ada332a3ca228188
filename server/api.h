// The HTTP API and pages of `adbridge serve` (docs/api.md is the contract): one Api answers
// every request; the POCO server makes one small handler per request that calls it.
//
//   Api api(store, blobs, {.queue = {.lease_seconds = 600}});
//   api.Handle(request, response);  // from a Poco::Net::HTTPRequestHandler
//
// Every request is answered here, whatever goes wrong: exceptions from POCO, the JSON parser
// or the standard library become a 500 with a JSON error, never a dropped connection. Refusals
// (403, 404) to a logged-in user are audited.
//
// Thread-safety: Handle may be called from many threads at once; the Api holds no per-request
// state.
#ifndef ADBRIDGE_SERVER_API_H_
#define ADBRIDGE_SERVER_API_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ingest/image_probe.h"
#include "models/blob_store.h"
#include "models/store.h"
#include "review/review_queue.h"
#include "server/http_exchange.h"

namespace adbridge::server {

// A group of endpoints kept in its own file (the front desk's, the departments'). The Api has
// already found the caller's session and checked the CSRF token of a POST; Route answers the
// request and returns true when it is one of the group's, and returns false otherwise.
// Endpoints lists every endpoint Route answers, as "METHOD /api/path" with ID for an id and N
// for a page number ("GET /api/documents/ID/pages/N/preview.png"): a request to any other path
// is answered 404 before Route is asked.
class RouteGroup {
 public:
  virtual ~RouteGroup() = default;
  virtual bool Route(Exchange& exchange, const std::vector<std::string>& parts) = 0;
  virtual std::vector<std::string> Endpoints() const = 0;
};

struct ApiOptions {
  review::QueueOptions queue;
  int session_seconds = 12 * 3600;
  bool secure_cookies = false;  // set under TLS: the cookie is then sent over HTTPS only
  // Failed logins allowed within the window, per login name and per client address.
  int login_failures_per_name = 5;
  int login_failures_per_address = 20;
  int login_window_seconds = 15 * 60;
  std::size_t max_body_bytes = kMaxJsonBodyBytes;
  // What a scan uploaded at the front desk may be (its bytes, pages and pixels).
  ingest::ImageLimits upload_limits;
  // The largest file uploaded as a request's body (a day's phone-intake CSV is far smaller).
  std::size_t max_upload_bytes = 8 * 1024 * 1024;
};

class Api {
 public:
  // `store` and `blobs` must outlive the Api.
  Api(models::Store& store, const models::BlobStore& blobs, ApiOptions options);

  void Handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

  // Every endpoint the Api answers, as RouteGroup::Endpoints writes them, sorted: the rows of
  // README's permission matrix. A path that is not one of them is 404 whoever asks.
  const std::vector<std::string>& Endpoints() const { return endpoints_; }
  // "POST /api/documents/7/pages/0/rotate" -> "POST /api/documents/ID/pages/N/rotate".
  static std::string EndpointOf(const std::string& method, const std::vector<std::string>& parts);

 private:
  void Route(Exchange& exchange);
  void Login(Exchange& exchange);
  void Logout(Exchange& exchange);
  void Me(Exchange& exchange);
  void NextTask(Exchange& exchange);
  void Snippet(Exchange& exchange, std::int64_t task_id);
  void TaskAction(Exchange& exchange, std::int64_t task_id, const std::string& action);
  void SupervisorQueue(Exchange& exchange);
  void SupervisorEscalations(Exchange& exchange);
  void SupervisorDecide(Exchange& exchange, std::int64_t task_id);
  void SupervisorSnippet(Exchange& exchange, std::int64_t task_id);
  void SupervisorReviewers(Exchange& exchange);
  void ListDocuments(Exchange& exchange);
  void GetDocument(Exchange& exchange, std::int64_t id);
  void ListUsers(Exchange& exchange);
  void AddUser(Exchange& exchange);
  std::string FormTitle(const std::string& form_id, int version);

  models::Store& store_;
  const models::BlobStore& blobs_;
  const ApiOptions options_;
  review::ReviewQueue queue_;
  const std::string dummy_hash_;  // verified against when a login name is unknown
  std::vector<std::unique_ptr<RouteGroup>> groups_;  // asked in order after the Api's own routes
  std::vector<std::string> endpoints_;  // the Api's own and every group's, sorted
};

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_API_H_
