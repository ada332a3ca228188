// The adbridge command line (../shared/spec/cli.md): subcommands, their options and help, and
// the exit codes every subcommand keeps: 0 success, 1 a failure explained on stderr in one
// line, 2 wrong usage.
//
//   return RunCommandLine(argc, argv, std::cout, std::cerr);
//
// Thread-safety: run from main, once.
#ifndef ADBRIDGE_SERVER_COMMAND_LINE_H_
#define ADBRIDGE_SERVER_COMMAND_LINE_H_

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "models/status.h"

namespace adbridge::server {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// What a subcommand is given once its arguments are parsed.
struct Invocation {
  std::map<std::string, std::string> options;  // "--form" -> "juminhyo-request"; flags -> ""
  std::vector<std::string> arguments;          // positional
  std::filesystem::path data_dir;
  // The PostgreSQL database the store is in ("postgresql://..."): --db, else ADBRIDGE_DB; empty
  // for the SQLite database in the data folder.
  std::string db;
  std::ostream& out;
  std::ostream& err;

  bool Has(const std::string& option) const { return options.count(option) > 0; }
  std::optional<std::string> Get(const std::string& option) const;
};

struct OptionSpec {
  std::string name;        // "--form"
  std::string value_name;  // "ID"; empty for a flag
  Text help;
};

struct CommandSpec {
  std::vector<std::string> words;  // {"forms", "add"}
  std::string arguments_usage;     // "FILE.json"
  Text summary;
  std::vector<OptionSpec> options;
  int min_arguments = 0;
  int max_arguments = 0;  // -1: any number
  std::function<int(Invocation&)> run;
};

// Parses argv, runs the subcommand, and returns the exit code. Exceptions from libraries are
// caught here and reported in one line.
int RunCommandLine(int argc, char** argv, std::ostream& out, std::ostream& err);

// Prints "adbridge: <message>" on `err` in the default language and returns kExitFailure.
int Fail(std::ostream& err, const Status& status);

}  // namespace adbridge::server

// In a subcommand: evaluates `rexpr` (a Result); on error prints it and returns kExitFailure.
#define ADB_ASSIGN_OR_RETURN_EXIT(lhs, rexpr, err)                                \
  ADB_ASSIGN_OR_RETURN_EXIT_IMPL_(ADB_CONCAT_(adb_exit_result_, __LINE__), lhs, rexpr, err)
#define ADB_ASSIGN_OR_RETURN_EXIT_IMPL_(result, lhs, rexpr, err)                  \
  auto result = (rexpr);                                                          \
  if (!result.ok()) return ::adbridge::server::Fail(err, result.status());        \
  lhs = std::move(result).value()

#endif  // ADBRIDGE_SERVER_COMMAND_LINE_H_
