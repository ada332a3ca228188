// A document's pages as the store lists them, made into images, and images made into files:
// what reading, the front desk's thumbnails and splitting a scan in two need.
//
//   Result<std::vector<models::PageRecord>> records = store.ListPages(id);
//   Result<std::vector<GreyPage>> pages = LoadDocumentPages(blobs, *records, ImageLimits{});
//   Result<std::vector<std::uint8_t>> tiff = EncodePagesAsTiff(*pages);    // lossless
//   Result<std::vector<std::uint8_t>> png = EncodePagePreviewPng((*pages)[0], 240);
//
// A page's image is page `source_index` of the file `source_sha256` turned clockwise by
// `rotation`; each source file is decoded once however many pages come from it.
// SplitScannedDocument does a whole split: it writes the split-off pages as a new original and
// asks the store to make them a document.
//
// Thread-safety: every function may be called from several threads at once (BlobStore and
// Store are safe for that).
#ifndef ADBRIDGE_INGEST_DOCUMENT_PAGES_H_
#define ADBRIDGE_INGEST_DOCUMENT_PAGES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ingest/image_probe.h"
#include "models/blob_store.h"
#include "models/status.h"
#include "models/store.h"

namespace adbridge::ingest {

// `page` turned clockwise by `degrees` (0, 90, 180 or 270; anything else is InvalidArgument).
// The dpi stays.
Result<GreyPage> RotateGreyPage(const GreyPage& page, int degrees);

// The images of `pages`, in their order, each decoded from its source and rotated. Returns
// NotFound or DataLoss when a source is missing or damaged in the BlobStore, DataLoss when a
// source has fewer pages than a page names, InvalidArgument for a stored rotation that is not a
// quarter turn, and the decoders' errors (see DecodeGreyPages) under `limits`.
Result<std::vector<GreyPage>> LoadDocumentPages(const models::BlobStore& blobs,
                                                const std::vector<models::PageRecord>& pages,
                                                const ImageLimits& limits);

// A multi-page TIFF of `pages`: 8-bit grey, deflate-compressed (lossless), each page with its
// dpi (none recorded when it is 0). ProbeImage accepts it and DecodeGreyPages gives back the
// same pixels and dpi. InvalidArgument for no pages or a page whose pixels do not match its
// size; Internal when libtiff fails.
Result<std::vector<std::uint8_t>> EncodePagesAsTiff(const std::vector<GreyPage>& pages);

// A PNG of `page` at most `max_width` pixels wide (scaled down by area averaging, keeping its
// proportions; never scaled up), for the front desk's thumbnails. InvalidArgument for a
// max_width below 1 or a malformed page.
Result<std::vector<std::uint8_t>> EncodePagePreviewPng(const GreyPage& page, int max_width);

// Splits document `document_id` of `tenant_code` before page `first_page` (0-based): pages
// [first_page, n) become a new document whose original is a TIFF of those pages as they look
// now (rotations applied), stored in `blobs` and recorded, named "NAME (3–4枚目)". Returns the
// new document's id. Errors as Store::SplitDocument, which does the change in one transaction,
// and LoadDocumentPages's.
Result<std::int64_t> SplitScannedDocument(models::Store& store, const models::BlobStore& blobs,
                                          std::int64_t document_id, const std::string& tenant_code,
                                          int first_page, std::int64_t user_id,
                                          const ImageLimits& limits);

}  // namespace adbridge::ingest

#endif  // ADBRIDGE_INGEST_DOCUMENT_PAGES_H_
