// Who asks for what leaves adbridge (letters, exports), and for which municipality: the user
// named by --user, or else the operating-system account running the command, recorded as
// "os:<login name>". What is recorded with a batch or an export and in the audit log.
//
//   ADB_ASSIGN_OR_RETURN(Requester requester,
//                        ResolveRequester(*data.store, in, {"手紙を印刷", "print letters"}));
//
// Thread-safety: plain functions.
#ifndef ADBRIDGE_SERVER_REQUESTER_H_
#define ADBRIDGE_SERVER_REQUESTER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "models/status.h"
#include "models/store.h"
#include "server/command_line.h"

namespace adbridge::server {

struct Requester {
  std::string requested_by;  // the user's login name, or "os:<login name>"
  std::optional<std::int64_t> user_id;
  std::string tenant_code;
};

// "os:<login name>" of the account running the command (its uid when it has no name).
std::string OsAccount();

// Whole records leave adbridge only for a department's work: department, supervisor and admin
// users may ask; reviewers see one field at a time and the front desk scans.
bool MayTakeRecordsOut(models::Role role);

// Resolves --user and --tenant. The tenant is --tenant, else the user's own, else "default".
// Returns NotFound for an unknown user or tenant; PermissionDenied for a disabled user, a user
// whose role may not do `action` (ja/en, e.g. "手紙を印刷"/"print letters"), or a --tenant other
// than the user's own.
Result<Requester> ResolveRequester(models::Store& store, const Invocation& in, const Text& action);

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_REQUESTER_H_
