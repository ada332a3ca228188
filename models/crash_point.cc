#include "models/crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace adbridge::models {

void CrashPoint(std::string_view name) {
  static const std::string armed = [] {
    const char* env = std::getenv("ADBRIDGE_CRASH_AT");
    return std::string(env == nullptr ? "" : env);
  }();
  if (!armed.empty() && armed == name) ::kill(::getpid(), SIGKILL);
}

}  // namespace adbridge::models
