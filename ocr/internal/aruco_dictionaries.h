// Private to ocr/: the ArUco dictionaries a form definition may name for its markers, by the
// names cv::aruco gives them.
//
//   std::optional<int> dictionary = ArucoDictionaryId("DICT_4X4_50");
//   if (dictionary) cv::aruco::getPredefinedDictionary(*dictionary);
//
// Thread-safety: an immutable table.
#ifndef ADBRIDGE_OCR_INTERNAL_ARUCO_DICTIONARIES_H_
#define ADBRIDGE_OCR_INTERNAL_ARUCO_DICTIONARIES_H_

#include <optional>
#include <string_view>

namespace adbridge::ocr::internal {

// cv::aruco's predefined dictionary of that name ("DICT_4X4_50"), or nullopt when adbridge
// does not support it.
std::optional<int> ArucoDictionaryId(std::string_view name);

}  // namespace adbridge::ocr::internal

#endif  // ADBRIDGE_OCR_INTERNAL_ARUCO_DICTIONARIES_H_
