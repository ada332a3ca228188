// Credentials: password hashes (Argon2id through libsodium, slow on purpose), session tokens and
// CSRF tokens (random), and the SHA-256 under which the store keeps a session token (so a copy
// of the database holds no usable session).
//
//   ADB_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
//   if (VerifyPassword(hash, attempt)) { ... }
//
// Thread-safety: every function is safe to call from several threads. Hashing is bounded to
// as many concurrent computations as the machine has cores, so a burst of logins cannot
// exhaust memory (each Argon2id computation holds 64 MiB).
#ifndef ADBRIDGE_SERVER_CREDENTIALS_H_
#define ADBRIDGE_SERVER_CREDENTIALS_H_

#include <string>
#include <string_view>

#include "models/status.h"

namespace adbridge::server {

// Passwords shorter than this are refused when a user is created.
inline constexpr std::size_t kMinPasswordLength = 8;

// A login name: 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit. It is
// drawn on every snippet a reviewer sees, so it must be plain and short. Returns
// InvalidArgument otherwise.
Status CheckUserName(std::string_view name);

// Returns the encoded Argon2id hash (algorithm, parameters and salt included). Returns
// InvalidArgument for a password shorter than kMinPasswordLength or longer than 1,024 bytes,
// Internal when libsodium cannot start or runs out of memory.
Result<std::string> HashPassword(std::string_view password);

// Whether `password` matches `hash`. False for a malformed hash.
bool VerifyPassword(std::string_view hash, std::string_view password);

// A fresh random token of 32 bytes, as 64 lowercase hex digits.
std::string RandomToken();

// SHA-256 of `text` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view text);

// Compares two strings in time that does not depend on where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_CREDENTIALS_H_
