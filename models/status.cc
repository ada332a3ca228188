#include "models/status.h"

#include <atomic>
#include <cstdlib>
#include <string>

namespace adbridge {
namespace {

std::atomic<Lang> default_lang{Lang::kJa};

bool StartsWithEn(const char* value) {
  return value != nullptr && value[0] == 'e' && value[1] == 'n';
}

}  // namespace

Lang DefaultLang() { return default_lang.load(std::memory_order_relaxed); }

void SetDefaultLang(Lang lang) { default_lang.store(lang, std::memory_order_relaxed); }

void SetDefaultLangFromEnvironment() {
  // ADBRIDGE_LANG wins over LANG so that a Japanese desktop can still ask for English output.
  const char* adbridge_lang = std::getenv("ADBRIDGE_LANG");
  if (adbridge_lang != nullptr && adbridge_lang[0] != '\0') {
    SetDefaultLang(StartsWithEn(adbridge_lang) ? Lang::kEn : Lang::kJa);
    return;
  }
  SetDefaultLang(StartsWithEn(std::getenv("LANG")) ? Lang::kEn : Lang::kJa);
}

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kAlreadyExists: return "already_exists";
    case StatusCode::kFailedPrecondition: return "failed_precondition";
    case StatusCode::kPermissionDenied: return "permission_denied";
    case StatusCode::kResourceExhausted: return "resource_exhausted";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kDataLoss: return "data_loss";
    case StatusCode::kInternal: return "internal";
  }
  return "unknown";
}

Status Status::WithPrefix(std::string_view prefix) const {
  if (ok()) return *this;
  std::string p(prefix);
  return Status(code_, {p + message_.ja, p + message_.en});
}

}  // namespace adbridge
