#include "ingest/scan_ingestor.h"

#include <utility>
#include <vector>

#include "ingest/internal/file_bytes.h"
#include "models/crash_point.h"

namespace adbridge::ingest {

ScanIngestor::ScanIngestor(models::Store& store, const models::BlobStore& blobs,
                           IngestOptions options)
    : store_(store), blobs_(blobs), options_(std::move(options)) {}

Result<IngestedScan> ScanIngestor::IngestFile(const std::filesystem::path& file) {
  ADB_ASSIGN_OR_RETURN(std::vector<std::uint8_t> bytes,
                       internal::ReadFileBytes(file, options_.limits.max_bytes));
  return IngestBytes(bytes, file.string());
}

Result<IngestedScan> ScanIngestor::IngestBytes(std::span<const std::uint8_t> bytes,
                                               std::string_view source_name) {
  ADB_RETURN_IF_ERROR(internal::CheckSourceName(source_name));
  ADB_ASSIGN_OR_RETURN(ProbedImage image, ProbeImage(bytes, options_.limits));

  // Durable first: the blob is on disk and recorded before any document points to it.
  ADB_ASSIGN_OR_RETURN(std::string sha256, blobs_.Put(bytes));
  ADB_RETURN_IF_ERROR(
      store_.RecordBlob(sha256, static_cast<std::int64_t>(bytes.size()), image.media_type));
  models::CrashPoint("ingest.blob_recorded");

  models::NewDocument document;
  document.tenant_code = options_.tenant_code;
  document.source = models::DocumentSource::kScan;
  document.source_name = std::string(source_name);
  document.original_sha256 = sha256;
  document.media_type = image.media_type;
  document.original_size = static_cast<std::int64_t>(bytes.size());
  document.form_id = options_.form_id;
  for (const PageGeometry& page : image.pages) {
    document.pages.push_back({page.width_px, page.height_px, page.dpi});
  }
  ADB_ASSIGN_OR_RETURN(models::DocumentInsert inserted, store_.InsertDocument(document));
  return IngestedScan{inserted.document_id, inserted.duplicate,
                      static_cast<int>(image.pages.size())};
}

}  // namespace adbridge::ingest
