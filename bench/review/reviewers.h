// The two ways a simulated reviewer reaches the queue (see load.h):
//
//   over HTTP, as the review page does: one keep-alive connection per reviewer, POST
//   /api/login, then /api/review/next and /api/review/tasks/ID/submit with the session cookie
//   and the CSRF token (docs/api.md);
//
//   in process, the plain alternative: review::ReviewQueue::Next and Submit on the same Store
//   the server would use, with no HTTP, JSON or sessions in between.
//
//   Result<HttpEndpoint> at = ParseHttpUrl("http://127.0.0.1:8080");
//   std::unique_ptr<Reviewer> a = MakeHttpReviewer(*at, "bench01", "secret");
//   std::unique_ptr<Reviewer> b = MakeInProcessReviewer(store, queue, "bench01");
//
// Thread-safety: a Reviewer is used by one thread at a time (RunLoad gives each its own). The
// in-process reviewers share `store` and `queue`, which are safe for concurrent use.
#ifndef ADBRIDGE_BENCH_REVIEW_REVIEWERS_H_
#define ADBRIDGE_BENCH_REVIEW_REVIEWERS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "bench/review/load.h"
#include "models/status.h"
#include "models/store.h"
#include "review/review_queue.h"

namespace adbridge::bench {

struct HttpEndpoint {
  std::string host;
  std::uint16_t port = 80;
};

// "http://HOST:PORT" (a trailing "/" allowed). Returns InvalidArgument for anything else,
// https included: the benchmark measures plain HTTP over loopback.
Result<HttpEndpoint> ParseHttpUrl(const std::string& url);

std::unique_ptr<Reviewer> MakeHttpReviewer(const HttpEndpoint& endpoint, std::string name,
                                           std::string password);

// `store` and `queue` must outlive the reviewer.
std::unique_ptr<Reviewer> MakeInProcessReviewer(models::Store& store, review::ReviewQueue& queue,
                                                std::string name);

}  // namespace adbridge::bench

#endif  // ADBRIDGE_BENCH_REVIEW_REVIEWERS_H_
