// Fuzzes the decoding of uploaded scans (ingest/image_probe.h): ProbeImage, which the front desk
// runs on every upload before storing it, and DecodeGreyPages, which reading runs on every
// stored original. Any bytes (a truncated PNG, a corrupt TIFF directory, a JPEG whose header
// claims a huge page) must give an error or pages, never a crash, and the two must agree: bytes
// ProbeImage accepts decode, and nothing else does. The limits are small, as a decompression
// bomb must be refused from its header before it costs memory or time.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "ingest/image_probe.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace adbridge::ingest;
  const std::span<const std::uint8_t> bytes(data, size);
  ImageLimits limits;
  limits.max_pixels = 1 << 20;  // 1 megapixel: the seeds are small pages
  limits.max_bytes = 1 << 20;
  limits.max_pages = 4;
  adbridge::Result<ProbedImage> probed = ProbeImage(bytes, limits);
  adbridge::Result<std::vector<GreyPage>> pages = DecodeGreyPages(bytes, limits);
  if (probed.ok() != pages.ok()) {
    std::fprintf(stderr, "ProbeImage %s the image, DecodeGreyPages %s it\n",
                 probed.ok() ? "accepts" : "refuses", pages.ok() ? "decodes" : "refuses");
    std::abort();
  }
  if (!pages.ok()) return 0;
  if (pages->size() != probed->pages.size()) {
    std::fprintf(stderr, "ProbeImage sees %zu pages, DecodeGreyPages %zu\n", probed->pages.size(),
                 pages->size());
    std::abort();
  }
  for (std::size_t i = 0; i < pages->size(); ++i) {
    const GreyPage& page = (*pages)[i];
    if (page.width != probed->pages[i].width_px || page.height != probed->pages[i].height_px ||
        page.pixels.size() != static_cast<std::size_t>(page.width) * page.height) {
      std::fprintf(stderr, "page %zu: probed %dx%d, decoded %dx%d with %zu pixels\n", i,
                   probed->pages[i].width_px, probed->pages[i].height_px, page.width, page.height,
                   page.pixels.size());
      std::abort();
    }
  }
  return 0;
}
