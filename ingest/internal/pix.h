// Ownership of Leptonica images inside ingest/.
#ifndef ADBRIDGE_INGEST_INTERNAL_PIX_H_
#define ADBRIDGE_INGEST_INTERNAL_PIX_H_

#include <leptonica/allheaders.h>

#include <memory>

namespace adbridge::ingest::internal {

struct PixDeleter {
  void operator()(PIX* pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

}  // namespace adbridge::ingest::internal

#endif  // ADBRIDGE_INGEST_INTERNAL_PIX_H_
