// adbridge users add NAME --role ROLE [--tenant T] [--display-name N] [--grant T]...
// adbridge users list
#include <iostream>
#include <string>

#include "server/commands.h"
#include "server/credentials.h"
#include "server/data_dir.h"
#include "server/json_lines.h"

namespace adbridge::server {
namespace {

nlohmann::ordered_json UserLine(const models::User& user) {
  return {{"user", user.id},
          {"name", user.name},
          {"display_name", user.display_name},
          {"role", models::RoleName(user.role)},
          {"tenant", user.tenant_code}};
}

// The password is one line on standard input, so it never appears in a process list or a
// shell's history.
Result<std::string> ReadPassword(std::istream& in) {
  std::string password;
  if (!std::getline(in, password) && password.empty()) {
    return Status::InvalidArgument("パスワードを標準入力から 1 行で渡してください",
                                   "give the password as one line on standard input");
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

int AddUser(Invocation& in) {
  const std::string& name = in.arguments.at(0);
  if (Status checked = CheckUserName(name); !checked.ok()) return Fail(in.err, checked);
  const std::string role_name = in.Get("--role").value_or("");
  std::optional<models::Role> role = models::ParseRole(role_name);
  if (!role) {
    in.err << "adbridge: "
           << (DefaultLang() == Lang::kJa
                   ? "--role は admin, supervisor, frontdesk, reviewer, department のどれかです"
                   : "--role is one of admin, supervisor, frontdesk, reviewer, department")
           << "\n";
    return kExitUsage;
  }
  ADB_ASSIGN_OR_RETURN_EXIT(std::string password, ReadPassword(std::cin), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(std::string hash, HashPassword(password), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);

  models::NewUser user;
  user.name = name;
  user.display_name = in.Get("--display-name").value_or("");
  user.role = *role;
  user.password_hash = std::move(hash);
  if (auto tenant = in.Get("--tenant")) {
    // A municipality named for the first time is created; its name can be set by an admin.
    ADB_ASSIGN_OR_RETURN_EXIT(models::Tenant created, data.store->EnsureTenant(*tenant, *tenant),
                              in.err);
    user.tenant_code = created.code;
  }
  if (auto grants = in.Get("--grant")) {
    std::string list = *grants;
    std::size_t start = 0;
    while (start <= list.size()) {
      const std::size_t comma = list.find(',', start);
      const std::string code =
          list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!code.empty()) {
        ADB_ASSIGN_OR_RETURN_EXIT(models::Tenant granted, data.store->EnsureTenant(code, code),
                                  in.err);
        user.grant_tenant_codes.push_back(granted.code);
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  ADB_ASSIGN_OR_RETURN_EXIT(models::User added, data.store->AddUser(user), in.err);
  PrintJsonLine(in.out, UserLine(added));
  return kExitOk;
}

int ListUsers(Invocation& in) {
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(std::vector<models::User> users, data.store->ListUsers(std::nullopt),
                            in.err);
  for (const models::User& user : users) PrintJsonLine(in.out, UserLine(user));
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> UsersCommands() {
  return {{{"users", "add"},
           "NAME",
           {"利用者を作る。パスワードは標準入力から 1 行で読む",
            "create a user; the password is read from standard input"},
           {{"--role",
             "ROLE",
             {"admin, supervisor, frontdesk, reviewer, department のどれか",
              "one of admin, supervisor, frontdesk, reviewer, department"}},
            {"--tenant",
             "T",
             {"所属する自治体のコード (既定 default、なければ作る)",
              "the municipality's code (default: default; created if new)"}},
            {"--display-name", "N", {"画面に出す名前", "the name shown on pages"}},
            {"--grant",
             "T,...",
             {"確認作業を任せる他の自治体 (カンマ区切り)",
              "further municipalities this reviewer works for (commas)"}}},
           1,
           1,
           AddUser},
          {{"users", "list"},
           "",
           {"利用者の一覧 (1 人 1 行の JSON)", "the users, one JSON line each"},
           {},
           0,
           0,
           ListUsers}};
}

}  // namespace adbridge::server
