// FrontdeskApi: the endpoints of the front desk's page (/frontdesk, docs/api.md "The front
// desk"): uploading scans one file per request, the municipality's documents with their live
// states, a document's pages with previews, and the fixes for what the scanner got wrong
// (assign the form, rotate or remove a page, split a document, merge two).
//
//   groups_.push_back(std::make_unique<FrontdeskApi>(store, blobs, options.upload_limits));
//
// Front desk, supervisors and administrators only, and only their own municipality's
// documents: another municipality's id is answered 404 like an id that does not exist.
//
// Thread-safety: Route may be called from many threads at once; the group holds no
// per-request state.
#ifndef ADBRIDGE_SERVER_FRONTDESK_API_H_
#define ADBRIDGE_SERVER_FRONTDESK_API_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ingest/image_probe.h"
#include "models/blob_store.h"
#include "models/store.h"
#include "server/api.h"
#include "server/http_exchange.h"

namespace adbridge::server {

class FrontdeskApi : public RouteGroup {
 public:
  // `store` and `blobs` must outlive the group. An upload may be as large as
  // `limits.max_bytes`.
  FrontdeskApi(models::Store& store, const models::BlobStore& blobs, ingest::ImageLimits limits);

  bool Route(Exchange& exchange, const std::vector<std::string>& parts) override;
  std::vector<std::string> Endpoints() const override;

 private:
  void Upload(Exchange& ex);
  void ListDocuments(Exchange& ex);
  void Detail(Exchange& ex, std::int64_t id);
  void Preview(Exchange& ex, std::int64_t id, int page_index);
  void Forms(Exchange& ex);
  void Fix(Exchange& ex, std::int64_t id, const std::string& fix);
  void FixPage(Exchange& ex, std::int64_t id, int page_index, const std::string& fix);

  // The document, when it is the caller's municipality's; NotFound otherwise.
  Result<models::Document> OwnDocument(const models::User& user, std::int64_t id);
  // A row of the front desk's list. `titles` caches form titles over one request.
  Result<nlohmann::json> DocumentRow(const models::Document& document,
                                     std::map<std::string, std::string>& titles);
  // The document with its pages, form and classification task (the answer of a fix too).
  Result<nlohmann::json> DocumentDetail(const models::Document& document);

  models::Store& store_;
  const models::BlobStore& blobs_;
  const ingest::ImageLimits limits_;
};

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_FRONTDESK_API_H_
