#include "server/requester.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace adbridge::server {

std::string OsAccount() {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 &&
      found != nullptr && found->pw_name != nullptr && found->pw_name[0] != '\0') {
    return std::string("os:") + found->pw_name;
  }
  for (const char* variable : {"USER", "LOGNAME"}) {
    const char* name = std::getenv(variable);
    if (name != nullptr && name[0] != '\0') return std::string("os:") + name;
  }
  return "os:uid-" + std::to_string(geteuid());
}

bool MayTakeRecordsOut(models::Role role) {
  return role == models::Role::kDepartment || role == models::Role::kSupervisor ||
         role == models::Role::kAdmin;
}

Result<Requester> ResolveRequester(models::Store& store, const Invocation& in, const Text& action) {
  Requester requester;
  const std::optional<std::string> tenant = in.Get("--tenant");
  if (std::optional<std::string> name = in.Get("--user")) {
    ADB_ASSIGN_OR_RETURN(models::User user, store.GetUserByName(*name));
    if (user.disabled) {
      return Status::PermissionDenied("利用者 " + user.name + " は無効にされています",
                                      "user " + user.name + " is disabled");
    }
    if (!MayTakeRecordsOut(user.role)) {
      const std::string role(models::RoleName(user.role));
      return Status::PermissionDenied(
          "利用者 " + user.name + " (" + role + ") は" + action.ja +
              "できません。できるのは department、supervisor、admin です",
          "user " + user.name + " (" + role + ") may not " + action.en +
              "; department, supervisor and admin users may");
    }
    if (tenant && *tenant != user.tenant_code) {
      return Status::PermissionDenied("利用者 " + user.name + " は自治体 " + *tenant +
                                          " の記録を扱えません (所属: " + user.tenant_code + ")",
                                      "user " + user.name + " may not work on the records of " +
                                          *tenant + " (they belong to " + user.tenant_code + ")");
    }
    requester.requested_by = user.name;
    requester.user_id = user.id;
    requester.tenant_code = user.tenant_code;
  } else {
    requester.requested_by = OsAccount();
    requester.tenant_code = tenant.value_or(std::string(models::kDefaultTenant));
  }
  ADB_ASSIGN_OR_RETURN(models::Tenant found, store.GetTenant(requester.tenant_code));
  requester.tenant_code = found.code;
  return requester;
}

}  // namespace adbridge::server
