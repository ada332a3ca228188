#include "server/credentials.h"

#include <sodium.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace adbridge::server {
namespace {

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// Admits at most one Argon2id computation per core at a time.
class HashGate {
 public:
  HashGate() : free_(std::max(1u, std::thread::hardware_concurrency())) {}
  void Enter() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void Leave() {
    {
      std::lock_guard lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  unsigned free_;
};

HashGate& Gate() {
  static HashGate gate;
  return gate;
}

struct GatePass {
  GatePass() { Gate().Enter(); }
  ~GatePass() { Gate().Leave(); }
  GatePass(const GatePass&) = delete;
  GatePass& operator=(const GatePass&) = delete;
};

std::string Hex(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

}  // namespace

Status CheckUserName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (std::size_t i = 0; ok && i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    ok = alnum || (i > 0 && (c == '.' || c == '_' || c == '-'));
  }
  if (ok) return Status::Ok();
  return Status::InvalidArgument(
      "ログイン名は英小文字・数字・「. _ -」の 64 文字までで、英数字で始めてください",
      "a login name is up to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
}

Result<std::string> HashPassword(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    const std::string n = std::to_string(kMinPasswordLength);
    return Status::InvalidArgument("パスワードは " + n + " 文字以上にしてください",
                                   "a password needs at least " + n + " characters");
  }
  if (password.size() > 1024) {
    return Status::InvalidArgument("パスワードが長すぎます (1024 バイトまで)",
                                   "the password is too long (1,024 bytes at most)");
  }
  if (!SodiumReady()) {
    return Status::Internal("libsodium を初期化できません", "libsodium cannot start");
  }
  char encoded[crypto_pwhash_STRBYTES];
  GatePass pass;
  if (crypto_pwhash_str_alg(encoded, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("パスワードのハッシュを計算できません (メモリ不足)",
                            "cannot hash the password (out of memory)");
  }
  return std::string(encoded);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (!SodiumReady() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string terminated(hash);
  GatePass pass;
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::string RandomToken() {
  SodiumReady();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return Hex(bytes, sizeof bytes);
}

std::string Sha256Hex(std::string_view text) {
  SodiumReady();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return Hex(digest, sizeof digest);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace adbridge::server
