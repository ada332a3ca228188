// The department page's endpoints (/api/department/..., docs/api.md "Departments"): the
// verified records of the municipality's forms, exports of them, letter batches and phone
// scripts, made by the same code as `adbridge export`, `adbridge letters` and `adbridge scripts`.
//
//   groups_.push_back(std::make_unique<DepartmentApi>(store, blobs));
//
// Department users and admins may do everything here; supervisors may read (forms, records,
// histories, a kept batch's PDF); every other role is refused. Everything is of the caller's
// own municipality: another municipality's batch is not found.
//
// Thread-safety: Route may be called from many threads at once; the group holds no
// per-request state.
#ifndef ADBRIDGE_SERVER_DEPARTMENT_API_H_
#define ADBRIDGE_SERVER_DEPARTMENT_API_H_

#include <cstdint>
#include <string>
#include <vector>

#include "models/blob_store.h"
#include "models/store.h"
#include "server/api.h"
#include "server/http_exchange.h"

namespace adbridge::server {

class DepartmentApi : public RouteGroup {
 public:
  // `store` and `blobs` must outlive the group.
  DepartmentApi(models::Store& store, const models::BlobStore& blobs);

  bool Route(Exchange& exchange, const std::vector<std::string>& parts) override;
  std::vector<std::string> Endpoints() const override;

 private:
  void Forms(Exchange& ex);
  void Records(Exchange& ex);
  void Export(Exchange& ex);
  void Exports(Exchange& ex);
  void Letters(Exchange& ex);
  void LetterBatches(Exchange& ex);
  void LetterBatchPdf(Exchange& ex, std::int64_t batch_id);
  void Scripts(Exchange& ex);

  models::Store& store_;
  const models::BlobStore& blobs_;
};

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_DEPARTMENT_API_H_
