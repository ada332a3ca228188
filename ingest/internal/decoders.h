// The decoders behind ProbeImage, one per format. Each reads the headers of every page, checks
// them against the limits, and only then decodes every page in full, so a bomb is refused
// before it costs memory and a truncated file is refused before it is stored. None of them
// writes to stderr: libtiff and libjpeg's complaints become the Status.
#ifndef ADBRIDGE_INGEST_INTERNAL_DECODERS_H_
#define ADBRIDGE_INGEST_INTERNAL_DECODERS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "ingest/image_probe.h"
#include "models/status.h"

namespace adbridge::ingest::internal {

// Each Probe* keeps the decoded pages in `pages` (grey) when it is not null.

// OK when a page of `width`×`height` is within the limits; `page` is 1-based, for the message.
Status CheckPagePixels(std::int64_t width, std::int64_t height, const ImageLimits& limits,
                       int page);

Status Unreadable(std::string_view format);

Result<ProbedImage> ProbePng(std::span<const std::uint8_t> bytes, const ImageLimits& limits,
                             std::vector<GreyPage>* pages = nullptr);
Result<ProbedImage> ProbeJpeg(std::span<const std::uint8_t> bytes, const ImageLimits& limits,
                             std::vector<GreyPage>* pages = nullptr);
Result<ProbedImage> ProbeTiff(std::span<const std::uint8_t> bytes, const ImageLimits& limits,
                             std::vector<GreyPage>* pages = nullptr);

}  // namespace adbridge::ingest::internal

#endif  // ADBRIDGE_INGEST_INTERNAL_DECODERS_H_
