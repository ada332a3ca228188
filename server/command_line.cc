#include "server/command_line.h"

#include <exception>
#include <string_view>

#include "models/internal/postgres.h"
#include "server/commands.h"
#include "server/data_dir.h"

namespace adbridge::server {
namespace {

const std::string& T(const Text& text) { return text.In(DefaultLang()); }

std::vector<CommandSpec> AllCommands() {
  std::vector<CommandSpec> all;
  for (auto group : {FormsCommands, IngestCommands, ProcessCommands, DocumentCommands,
                     ServeCommands, UsersCommands, ReviewCommands, LettersCommands,
                     ExportCommands, ScriptsCommands, BackupCommands,
                     MigrateStoreCommands}) {
    for (CommandSpec& spec : group()) all.push_back(std::move(spec));
  }
  return all;
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

const std::vector<OptionSpec>& CommonOptions() {
  static const std::vector<OptionSpec> options = {
      {"--data", "DIR",
       {"データフォルダ (既定: $ADBRIDGE_DATA、なければ ./adbridge-data)",
        "the data folder (default: $ADBRIDGE_DATA, else ./adbridge-data)"}},
      {"--db", "URI",
       {"PostgreSQL のデータベース (postgresql://USER@HOST:PORT/DB、既定: $ADBRIDGE_DB、"
        "なければデータフォルダの SQLite)",
        "the PostgreSQL database (postgresql://USER@HOST:PORT/DB; default: $ADBRIDGE_DB, else "
        "SQLite in the data folder)"}},
      {"--lang", "ja|en", {"表示する言語", "the language of messages"}},
      {"--help", "", {"この説明を表示する", "show this help"}},
  };
  return options;
}

void PrintOptions(std::ostream& out, const std::vector<OptionSpec>& options) {
  for (const OptionSpec& o : options) {
    std::string left = "  " + o.name + (o.value_name.empty() ? "" : " " + o.value_name);
    if (left.size() < 26) left.resize(26, ' ');
    out << left << " " << T(o.help) << "\n";
  }
}

void PrintCommandHelp(std::ostream& out, const CommandSpec& spec) {
  const bool ja = DefaultLang() == Lang::kJa;
  out << (ja ? "使い方: adbridge " : "usage: adbridge ") << Joined(spec.words)
      << (spec.options.empty() ? "" : " [OPTIONS]")
      << (spec.arguments_usage.empty() ? "" : " " + spec.arguments_usage) << "\n\n"
      << T(spec.summary) << "\n\n"
      << (ja ? "オプション:\n" : "options:\n");
  PrintOptions(out, spec.options);
  PrintOptions(out, CommonOptions());
}

void PrintOverview(std::ostream& out, const std::vector<CommandSpec>& commands) {
  const bool ja = DefaultLang() == Lang::kJa;
  out << (ja ? "adbridge — 紙と電話の申請をデジタルの記録に、記録を手紙と電話に\n\n"
               "使い方: adbridge COMMAND [OPTIONS] [ARGS]\n\nコマンド:\n"
             : "adbridge — paper and phone applications into digital records, and back\n\n"
               "usage: adbridge COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
  for (const CommandSpec& spec : commands) {
    std::string left = "  " + Joined(spec.words) + " " + spec.arguments_usage;
    if (left.size() < 34) left.resize(34, ' ');
    out << left << " " << T(spec.summary) << "\n";
  }
  out << (ja ? "\n共通のオプション:\n" : "\ncommon options:\n");
  PrintOptions(out, CommonOptions());
  out << (ja ? "\n各コマンドの説明: adbridge COMMAND --help   English: --lang en\n"
             : "\nhelp on a command: adbridge COMMAND --help   日本語: --lang ja\n");
}

int Usage(std::ostream& err, const std::string& ja, const std::string& en,
          const std::string& help_hint) {
  err << "adbridge: " << (DefaultLang() == Lang::kJa ? ja : en) << " ("
      << (DefaultLang() == Lang::kJa ? "詳しくは " : "see ") << help_hint << ")\n";
  return kExitUsage;
}

const OptionSpec* FindOption(const CommandSpec& spec, std::string_view name) {
  for (const auto* list : {&spec.options, &CommonOptions()}) {
    for (const OptionSpec& o : *list) {
      if (o.name == name) return &o;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> Invocation::Get(const std::string& option) const {
  auto it = options.find(option);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

int Fail(std::ostream& err, const Status& status) {
  err << "adbridge: " << status.message() << "\n";
  return kExitFailure;
}

int RunCommandLine(int argc, char** argv, std::ostream& out, std::ostream& err) {
  SetDefaultLangFromEnvironment();
  std::vector<std::string> args(argv + 1, argv + argc);
  // --lang applies before anything is printed, wherever it stands.
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--lang") SetDefaultLang(args[i + 1] == "en" ? Lang::kEn : Lang::kJa);
  }

  // Common options may also stand before the command: adbridge --data DIR ingest FILE.
  std::vector<std::string> leading;
  while (args.size() >= 2 && (args[0] == "--data" || args[0] == "--db" || args[0] == "--lang")) {
    leading.insert(leading.end(), args.begin(), args.begin() + 2);
    args.erase(args.begin(), args.begin() + 2);
  }

  const std::vector<CommandSpec> commands = AllCommands();
  // The longest run of leading words that names a command.
  const CommandSpec* spec = nullptr;
  size_t used = 0;
  for (const CommandSpec& candidate : commands) {
    const auto& words = candidate.words;
    if (words.size() <= args.size() && words.size() > used &&
        std::equal(words.begin(), words.end(), args.begin())) {
      spec = &candidate;
      used = words.size();
    }
  }
  if (spec == nullptr) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      PrintOverview(out, commands);
      return args.empty() ? kExitUsage : kExitOk;
    }
    std::string given = args[0];
    if (args.size() > 1 && args[1].rfind("-", 0) != 0) given += " " + args[1];
    return Usage(err, "知らないコマンドです: " + given, "unknown command: " + given,
                 "adbridge --help");
  }

  const std::string help_hint = "adbridge " + Joined(spec->words) + " --help";
  Invocation invocation{{}, {}, DefaultDataDir(), DefaultDb(), out, err};
  args.insert(args.begin() + static_cast<std::ptrdiff_t>(used), leading.begin(), leading.end());
  for (size_t i = used; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      PrintCommandHelp(out, *spec);
      return kExitOk;
    }
    if (arg == "--") {
      invocation.arguments.insert(invocation.arguments.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      std::string name = arg;
      std::optional<std::string> value;
      if (auto eq = arg.find('='); eq != std::string::npos) {
        name = arg.substr(0, eq);
        value = arg.substr(eq + 1);
      }
      const OptionSpec* option = FindOption(*spec, name);
      if (option == nullptr) {
        return Usage(err, "知らないオプションです: " + name, "unknown option: " + name, help_hint);
      }
      if (!option->value_name.empty() && !value) {
        if (i + 1 >= args.size()) {
          return Usage(err, name + " には値 (" + option->value_name + ") が必要です",
                       name + " needs a value (" + option->value_name + ")", help_hint);
        }
        value = args[++i];
      }
      if (option->value_name.empty() && value) {
        return Usage(err, name + " は値をとりません", name + " takes no value", help_hint);
      }
      invocation.options[name] = value.value_or("");
      continue;
    }
    invocation.arguments.push_back(arg);
  }
  const int n = static_cast<int>(invocation.arguments.size());
  if (n < spec->min_arguments) {
    return Usage(err, spec->arguments_usage + " を指定してください",
                 "missing " + spec->arguments_usage, help_hint);
  }
  if (spec->max_arguments >= 0 && n > spec->max_arguments) {
    return Usage(err, "引数が多すぎます: " + invocation.arguments.back(),
                 "unexpected argument: " + invocation.arguments.back(), help_hint);
  }
  if (auto lang = invocation.Get("--lang"); lang && *lang != "ja" && *lang != "en") {
    return Usage(err, "--lang は ja か en です", "--lang is ja or en", help_hint);
  }
  if (auto data = invocation.Get("--data")) {
    if (data->empty()) return Usage(err, "--data が空です", "--data is empty", help_hint);
    invocation.data_dir = *data;
  }
  if (auto db = invocation.Get("--db")) {
    if (db->empty()) return Usage(err, "--db が空です", "--db is empty", help_hint);
    invocation.db = *db;
  }
  if (!invocation.db.empty() && !models::internal::IsPostgresUri(invocation.db)) {
    const std::string given = models::internal::RedactPostgresUri(invocation.db);
    const std::string from = invocation.Has("--db") ? "--db" : "ADBRIDGE_DB";
    return Usage(err,
                 from + " は postgresql:// で始まる接続文字列です: " + given,
                 from + " is a connection string starting postgresql://: " + given, help_hint);
  }

  try {
    return spec->run(invocation);
  } catch (const std::exception& e) {
    return Fail(err, Status::Internal(std::string("予期しないエラーです: ") + e.what(),
                                      std::string("unexpected error: ") + e.what()));
  }
}

}  // namespace adbridge::server
