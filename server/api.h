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
#include <string>

#include "models/blob_store.h"
#include "models/store.h"
#include "review/review_queue.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace adbridge::server {

struct ApiOptions {
  review::QueueOptions queue;
  int session_seconds = 12 * 3600;
  bool secure_cookies = false;  // set under TLS: the cookie is then sent over HTTPS only
  // Failed logins allowed within the window, per login name and per client address.
  int login_failures_per_name = 5;
  int login_failures_per_address = 20;
  int login_window_seconds = 15 * 60;
  std::size_t max_body_bytes = 64 * 1024;
};

class Api {
 public:
  // `store` and `blobs` must outlive the Api.
  Api(models::Store& store, const models::BlobStore& blobs, ApiOptions options);

  void Handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

 private:
  struct Exchange;
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
};

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_API_H_
