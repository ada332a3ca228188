// adbridge scripts --template T [--form ID] [--tenant CODE] --out FILE.pdf|FILE.txt — phone
// scripts for the verified records of a form in one municipality, for callers who phone
// residents.
#include <cstddef>
#include <optional>
#include <string>

#include "output/phone_script_run.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/json_lines.h"
#include "server/progress.h"

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
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  if (Status outside = CheckOutsideDataDir(data.root, *out); !outside.ok()) {
    return Fail(in.err, outside);
  }
  std::optional<Progress> progress;
  output::ScriptRunOptions options;
  options.form_id = in.Get("--form");
  if (std::optional<std::string> tenant = in.Get("--tenant")) {
    ADB_ASSIGN_OR_RETURN_EXIT(models::Tenant found, data.store->GetTenant(*tenant), in.err);
    options.tenant_code = found.code;
  }
  options.on_record = [&progress](std::size_t, std::size_t total) {
    if (!progress) progress.emplace(total, Text{"電話台本", "scripts"});
    progress->Step();
  };
  ADB_ASSIGN_OR_RETURN_EXIT(
      const output::ScriptRunSummary summary,
      output::GeneratePhoneScripts(*data.store, *template_spec, options, *out), in.err);
  if (progress) progress->Finish();
  for (const output::SkippedRecord& skipped : summary.skipped) {
    in.err << "adbridge: " << skipped.reason.message()
           << (DefaultLang() == Lang::kJa ? "。電話台本は作りませんでした" : "; no script") << "\n";
  }
  if (summary.scripts == 0 && !summary.skipped.empty()) {
    const std::string count = std::to_string(summary.skipped.size());
    return Fail(in.err,
                Status::FailedPrecondition(
                    "電話台本を 1 件も作れませんでした (" + count + " 件とも上の理由で除外)",
                    "not one script could be made (all " + count +
                        " records were left out, for the reasons above)"));
  }
  PrintJsonLine(
      in.out, {{"template", summary.template_id},
               {"form", summary.form_id},
               {"scripts", summary.scripts},
               {"skipped", summary.skipped.size()},
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
            {"--tenant",
             "CODE",
             {"この自治体の記録だけ (既定: default)",
              "only records of this municipality (default: default)"}},
            {"--out",
             "FILE.pdf|FILE.txt",
             {"書き出すファイル。拡張子で PDF かテキスト (UTF-8) かが決まる",
              "the file to write; its extension picks PDF or text (UTF-8)"}}},
           0,
           0,
           Scripts}};
}

}  // namespace adbridge::server
