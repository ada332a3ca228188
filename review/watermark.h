// The watermark on a snippet shown to a reviewer: the reviewer's name and id tiled across the
// image, faint enough to read the writing through, so a photo or screenshot of a resident's
// data says who took it.
//
//   Result<std::string> png = WatermarkSnippet(snippet_png, "reviewer-07 #12");
//
// Thread-safety: a pure function.
#ifndef ADBRIDGE_REVIEW_WATERMARK_H_
#define ADBRIDGE_REVIEW_WATERMARK_H_

#include <string>
#include <string_view>

#include "models/status.h"

namespace adbridge::review {

// Returns the PNG `png` with `mark` (printable ASCII; other bytes are drawn as '?') drawn over
// it in rows. Returns DataLoss when `png` is not a PNG that decodes (a stored snippet is
// damaged), InvalidArgument for an empty mark.
Result<std::string> WatermarkSnippet(std::string_view png, std::string_view mark);

}  // namespace adbridge::review

#endif  // ADBRIDGE_REVIEW_WATERMARK_H_
