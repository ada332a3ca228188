// Crash points: named places where the crash-safety tests make adbridge die as a power cut
// would, at the one moment between two durable steps that a random kill rarely hits.
//
//   CrashPoint("export.recorded");  // dies here when ADBRIDGE_CRASH_AT=export.recorded
//
// When the environment variable ADBRIDGE_CRASH_AT names the point, the process kills itself
// with SIGKILL (no destructors, no flush, exactly as `kill -9`); otherwise nothing happens. The
// variable is read once; an installation never sets it.
//
// Thread-safety: safe from any thread.
#ifndef ADBRIDGE_MODELS_CRASH_POINT_H_
#define ADBRIDGE_MODELS_CRASH_POINT_H_

#include <string_view>

namespace adbridge::models {

void CrashPoint(std::string_view name);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_CRASH_POINT_H_
