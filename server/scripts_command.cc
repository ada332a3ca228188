// adbridge scripts --template T [--form ID] --out FILE.pdf|FILE.txt — phone scripts for the
// verified records of a form, for callers who phone residents.
#include <string>

#include "output/phone_script_run.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/json_lines.h"

namespace adbridge::server {
namespace {

int Usage(std::ostream& err, const std::string& ja, const std::string& en) {
  err << "adbridge: " << (DefaultLang() == Lang::kJa ? ja : en)
      << (DefaultLang() == Lang::kJa ? " (詳しくは adbridge scripts --help)"
                                     : " (see adbridge scripts --help)")
      << "\n";
  return kExitUsage;
}

int Scripts(Invocation& in) {
  const std::optional<std::string> template_spec = in.Get("--template");
  const std::optional<std::string> out = in.Get("--out");
  if (!template_spec || template_spec->empty()) {
    return Usage(in.err, "--template が必要です", "--template is required");
  }
  if (!out || out->empty()) return Usage(in.err, "--out が必要です", "--out is required");
  if (!output::ScriptFileFormatFor(*out)) {
    return Usage(in.err, "--out は .pdf か .txt のファイルです: " + *out,
                 "--out must be a .pdf or .txt file: " + *out);
  }
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(
      const output::ScriptRunSummary summary,
      output::GeneratePhoneScripts(*data.store, *template_spec, in.Get("--form"), *out), in.err);
  PrintJsonLine(
      in.out, {{"template", summary.template_id},
               {"form", summary.form_id},
               {"scripts", summary.scripts},
               {"out", summary.written ? nlohmann::ordered_json(*out) : nlohmann::ordered_json()}});
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> ScriptsCommands() {
  return {{{"scripts"},
           "",
           {"確認済みの記録ごとに電話台本を作る (PDF かテキスト)",
            "phone scripts for the verified records of a form (PDF or text)"},
           {{"--template",
             "T",
             {"電話台本の雛形: 組み込みの ID (kyufukin-call, demand-bus-call) か .json ファイル",
              "the phone-script template: a bundled id (kyufukin-call, demand-bus-call) or a "
              ".json file"}},
            {"--form",
             "ID",
             {"この様式の記録だけ (雛形の様式と同じであること)",
              "only records of this form (must be the template's form)"}},
            {"--out",
             "FILE.pdf|FILE.txt",
             {"書き出すファイル。拡張子で PDF かテキスト (UTF-8) かが決まる",
              "the file to write; its extension picks PDF or text (UTF-8)"}}},
           0,
           0,
           Scripts}};
}

}  // namespace adbridge::server
