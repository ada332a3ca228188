// ScanIngestor: takes scans handed in at the front desk (PNG, JPEG, TIFF, multi-page TIFF) and
// makes each file one document in state `received`.
//
//   ScanIngestor ingestor(store, blobs, {.form_id = "juminhyo-request"});
//   Result<IngestedScan> scan = ingestor.IngestFile("batch-0421/0007.tif");
//
// A file is checked whole (ProbeImage) before anything is stored, so a bad file stores nothing.
// The original bytes are durable in the BlobStore before the document row names them, and the
// same bytes handed in twice are one document (the second answer says duplicate).
//
// Thread-safety: IngestFile may be called from several threads; Store and BlobStore are.
#ifndef ADBRIDGE_INGEST_SCAN_INGESTOR_H_
#define ADBRIDGE_INGEST_SCAN_INGESTOR_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ingest/image_probe.h"
#include "models/blob_store.h"
#include "models/status.h"
#include "models/store.h"

namespace adbridge::ingest {

struct IngestOptions {
  std::string tenant_code{models::kDefaultTenant};
  // The form the front desk says these scans are; empty lets OCR identify each one.
  std::optional<std::string> form_id;
  ImageLimits limits;
};

struct IngestedScan {
  std::int64_t document_id = 0;
  bool duplicate = false;
  int pages = 0;
};

class ScanIngestor {
 public:
  // `store` and `blobs` must outlive the ingestor.
  ScanIngestor(models::Store& store, const models::BlobStore& blobs, IngestOptions options);

  // Reads and ingests one file. Errors name nothing but the reason; the caller names the file.
  // Returns NotFound when the file cannot be read, InvalidArgument or ResourceExhausted when it
  // is not an image adbridge accepts (see ProbeImage), or the store's error.
  Result<IngestedScan> IngestFile(const std::filesystem::path& file);

  // The same for bytes already in memory (an HTTP upload); `source_name` is what people called
  // the file.
  Result<IngestedScan> IngestBytes(std::span<const std::uint8_t> bytes,
                                   std::string_view source_name);

 private:
  models::Store& store_;
  const models::BlobStore& blobs_;
  IngestOptions options_;
};

}  // namespace adbridge::ingest

#endif  // ADBRIDGE_INGEST_SCAN_INGESTOR_H_
