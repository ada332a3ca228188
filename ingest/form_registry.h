// Registering form definitions, and loading registered ones back.
//
//   Result<RegisteredForm> form = RegisterFormFile(store, blobs, "models/forms/juminhyo-request.json");
//   Result<models::FormDefinition> def = LoadRegisteredForm(store, blobs, "juminhyo-request", {});
//
// A definition is validated in full (models::ParseFormDefinition) and each page's reference
// image checked as a scan would be (ProbeImage) before anything is stored. The reference images
// are copied into the BlobStore, so a registered form no longer depends on the files it was
// registered from.
//
// Thread-safety: the functions may be called from several threads; Store and BlobStore are.
#ifndef ADBRIDGE_INGEST_FORM_REGISTRY_H_
#define ADBRIDGE_INGEST_FORM_REGISTRY_H_

#include <filesystem>
#include <optional>
#include <string>

#include "ingest/image_probe.h"
#include "models/blob_store.h"
#include "models/form_definition.h"
#include "models/status.h"
#include "models/store.h"

namespace adbridge::ingest {

struct RegisteredForm {
  models::FormRecord record;
  models::FormDefinition definition;
  bool newly_registered = false;  // false when this exact definition was registered before
};

// Validates the definition file and its reference images and registers them. Every error
// names the file. Returns
// NotFound when the file cannot be read, InvalidArgument naming the field and the reason for a
// broken definition or reference image, AlreadyExists when the same id and version was
// registered with a different definition (a changed form needs a new version).
Result<RegisteredForm> RegisterFormFile(models::Store& store, const models::BlobStore& blobs,
                                        const std::filesystem::path& file,
                                        const ImageLimits& limits = {});

// A registered form with each page's reference_sha256 naming its blob (and reference_path
// pointing at the blob's file when the blobs are files). The newest version when `version` is
// empty. Returns NotFound when there is no such form.
Result<models::FormDefinition> LoadRegisteredForm(models::Store& store,
                                                  const models::BlobStore& blobs,
                                                  const std::string& id,
                                                  std::optional<int> version);

}  // namespace adbridge::ingest

#endif  // ADBRIDGE_INGEST_FORM_REGISTRY_H_
