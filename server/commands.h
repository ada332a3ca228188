// The subcommands of the adbridge program, each a CommandSpec for the command line.
#ifndef ADBRIDGE_SERVER_COMMANDS_H_
#define ADBRIDGE_SERVER_COMMANDS_H_

#include <vector>

#include "server/command_line.h"

namespace adbridge::server {

std::vector<CommandSpec> FormsCommands();     // forms add, forms list, forms render
std::vector<CommandSpec> IngestCommands();    // ingest, ingest-phone
std::vector<CommandSpec> DocumentCommands();  // documents list
std::vector<CommandSpec> ProcessCommands();   // process
std::vector<CommandSpec> ServeCommands();     // serve
std::vector<CommandSpec> UsersCommands();     // users add, users list
std::vector<CommandSpec> ReviewCommands();    // review next|submit|skip|unreadable|escalate
std::vector<CommandSpec> LettersCommands();   // letters
std::vector<CommandSpec> ExportCommands();    // export
std::vector<CommandSpec> ScriptsCommands();   // scripts
std::vector<CommandSpec> BackupCommands();    // backup, restore
std::vector<CommandSpec> MigrateStoreCommands();  // migrate-store

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_COMMANDS_H_
