// The phone-intake page's endpoint (docs/api.md "Phone intake"): a CSV file typed during calls,
// uploaded as the request's body and stored as `adbridge ingest-phone` stores it
// (ingest/phone_intake.h), in the caller's municipality.
//
//   groups_.push_back(std::make_unique<IntakeApi>(store, blobs));
//
// Front-desk users, supervisors and admins may upload; every other role is refused.
//
// Thread-safety: Route may be called from many threads at once; the group holds no
// per-request state.
#ifndef ADBRIDGE_SERVER_INTAKE_API_H_
#define ADBRIDGE_SERVER_INTAKE_API_H_

#include <cstddef>
#include <string>
#include <vector>

#include "models/blob_store.h"
#include "models/store.h"
#include "server/api.h"
#include "server/http_exchange.h"

namespace adbridge::server {

class IntakeApi : public RouteGroup {
 public:
  // `store` and `blobs` must outlive the group. A file larger than `max_bytes` is refused
  // with 413.
  IntakeApi(models::Store& store, const models::BlobStore& blobs, std::size_t max_bytes);

  bool Route(Exchange& exchange, const std::vector<std::string>& parts) override;
  std::vector<std::string> Endpoints() const override;

 private:
  void UploadPhone(Exchange& ex);

  models::Store& store_;
  const models::BlobStore& blobs_;
  const std::size_t max_bytes_;
};

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_INTAKE_API_H_
