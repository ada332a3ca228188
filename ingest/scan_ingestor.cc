#include "ingest/scan_ingestor.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>
#include <vector>

namespace adbridge::ingest {

ScanIngestor::ScanIngestor(models::Store& store, const models::BlobStore& blobs,
                           IngestOptions options)
    : store_(store), blobs_(blobs), options_(std::move(options)) {}

Result<IngestedScan> ScanIngestor::IngestFile(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    return Status::InvalidArgument("フォルダです。ファイルを指定してください",
                                   "is a folder, not a file");
  }
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) {
    return Status::NotFound("ファイルを読めません (" + ec.message() + ")",
                            "cannot read the file (" + ec.message() + ")");
  }
  // Refuse an oversize file before reading it into memory.
  if (static_cast<std::int64_t>(size) > options_.limits.max_bytes) {
    const std::string mb = std::to_string(options_.limits.max_bytes >> 20);
    return Status::ResourceExhausted("ファイルが大きすぎます (上限 " + mb + " MiB)",
                                     "the file is too large (the limit is " + mb + " MiB)");
  }
  std::ifstream in(file, std::ios::binary);
  std::vector<std::uint8_t> bytes(size);
  if (!in || !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) {
    const std::string why = std::strerror(errno);
    return Status::NotFound("ファイルを読めません (" + why + ")",
                            "cannot read the file (" + why + ")");
  }
  return IngestBytes(bytes, file.string());
}

Result<IngestedScan> ScanIngestor::IngestBytes(std::span<const std::uint8_t> bytes,
                                               std::string_view source_name) {
  ADB_ASSIGN_OR_RETURN(ProbedImage image, ProbeImage(bytes, options_.limits));

  // Durable first: the blob is on disk and recorded before any document points to it.
  ADB_ASSIGN_OR_RETURN(std::string sha256, blobs_.Put(bytes));
  ADB_RETURN_IF_ERROR(
      store_.RecordBlob(sha256, static_cast<std::int64_t>(bytes.size()), image.media_type));

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
