// Whether a string is a blob name: a SHA-256 in lower-case hex, as BlobStore writes them.
// Shared by the blob store and the database so both refuse the same malformed names.
#ifndef ADBRIDGE_MODELS_INTERNAL_SHA256_NAME_H_
#define ADBRIDGE_MODELS_INTERNAL_SHA256_NAME_H_

#include <cstddef>
#include <string_view>

namespace adbridge::models::internal {

inline constexpr std::size_t kSha256HexLength = 64;

inline bool IsSha256Name(std::string_view name) {
  if (name.size() != kSha256HexLength) return false;
  for (char c : name) {
    const bool digit = c >= '0' && c <= '9';
    const bool lower_hex = c >= 'a' && c <= 'f';
    if (!digit && !lower_hex) return false;
  }
  return true;
}

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_SHA256_NAME_H_
