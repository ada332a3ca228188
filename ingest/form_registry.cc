#include "ingest/form_registry.h"

#include <utility>
#include <vector>

#include "ingest/internal/file_bytes.h"

namespace adbridge::ingest {
namespace {

// The largest form definition read: a real one is a few KiB, and the whole text is kept in the
// store and parsed again whenever the form is loaded.
constexpr std::int64_t kMaxDefinitionBytes = 1 << 20;

// The file's bytes, at most `max_bytes`; errors name the file.
Result<std::vector<std::uint8_t>> ReadBytes(const std::filesystem::path& file,
                                            std::int64_t max_bytes) {
  Result<std::vector<std::uint8_t>> bytes = internal::ReadFileBytes(file, max_bytes);
  if (!bytes.ok()) return bytes.status().WithPrefix(file.string() + ": ");
  return bytes;
}

}  // namespace

Result<RegisteredForm> RegisterFormFile(models::Store& store, const models::BlobStore& blobs,
                                        const std::filesystem::path& file,
                                        const ImageLimits& limits) {
  ADB_ASSIGN_OR_RETURN(std::vector<std::uint8_t> raw, ReadBytes(file, kMaxDefinitionBytes));
  const std::string json(raw.begin(), raw.end());
  const std::string source = file.filename().string();
  ADB_ASSIGN_OR_RETURN(models::FormDefinition definition,
                       models::ParseFormDefinition(json, source, file.parent_path()));

  models::FormRecord record;
  record.id = definition.id;
  record.version = definition.version;
  record.title = definition.title;
  record.department = definition.department;
  record.definition_json = json;
  for (size_t i = 0; i < definition.pages.size(); ++i) {
    const models::PageDefinition& page = definition.pages[i];
    const std::string where = source + ": pages[" + std::to_string(i + 1) + "] " +
                              page.reference + ": ";
    ADB_ASSIGN_OR_RETURN(std::vector<std::uint8_t> image,
                         ReadBytes(page.reference_path, limits.max_bytes));
    Result<ProbedImage> probed = ProbeImage(image, limits);
    if (!probed.ok()) return probed.status().WithPrefix(where);
    ADB_ASSIGN_OR_RETURN(std::string sha256, blobs.Put(image));
    ADB_RETURN_IF_ERROR(
        store.RecordBlob(sha256, static_cast<std::int64_t>(image.size()), probed->media_type));
    record.reference_sha256.push_back(std::move(sha256));
  }

  Result<models::FormRecord> before = store.GetForm(record.id, record.version);
  const bool existed = before.ok() && before->version == record.version;
  Result<models::FormRecord> stored = store.AddForm(record);
  if (!stored.ok()) return stored.status().WithPrefix(source + ": ");
  return RegisteredForm{std::move(stored).value(), std::move(definition), !existed};
}

Result<models::FormDefinition> LoadRegisteredForm(models::Store& store,
                                                  const models::BlobStore& blobs,
                                                  const std::string& id,
                                                  std::optional<int> version) {
  ADB_ASSIGN_OR_RETURN(models::FormRecord record, store.GetForm(id, version));
  ADB_ASSIGN_OR_RETURN(models::FormDefinition definition,
                       models::ParseFormDefinition(record.definition_json, record.id, {},
                                                   /*check_references=*/false));
  if (definition.pages.size() != record.reference_sha256.size()) {
    return Status::DataLoss("登録済みの様式 " + id + " の参照画像の数が合いません",
                            "registered form " + id + " has the wrong number of reference images");
  }
  for (size_t i = 0; i < definition.pages.size(); ++i) {
    definition.pages[i].reference_sha256 = record.reference_sha256[i];
    definition.pages[i].reference_path = blobs.PathFor(record.reference_sha256[i]);
  }
  return definition;
}

}  // namespace adbridge::ingest
