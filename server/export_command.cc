// adbridge export --form ID [--format csv|jsonl] [--encoding utf-8|utf-8-bom|cp932]
//   [--status verified|any] [--out FILE] [--new] [--user NAME] [--tenant CODE]
//   [--replace-unmappable]
//
// The records of one form, for a department's own systems. The export is recorded (who asked,
// how, which documents) only once the whole output was written: to standard output, or to a
// temporary file that is renamed into place, so a failed export leaves neither a partial file
// nor a record.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "models/crash_point.h"
#include "output/export.h"
#include "output/output_file.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/json_lines.h"
#include "server/progress.h"
#include "server/requester.h"

namespace adbridge::server {
namespace {

int Usage(std::ostream& err, const std::string& ja, const std::string& en) {
  err << "adbridge: " << (DefaultLang() == Lang::kJa ? ja : en)
      << (DefaultLang() == Lang::kJa ? " (詳しくは adbridge export --help)"
                                     : " (see adbridge export --help)")
      << "\n";
  return kExitUsage;
}

// Sets `value` from `option` when it is given. Returns the exit code of a usage error when the
// value is not one of `choices`.
template <typename Enum>
std::optional<int> ParseChoice(const Invocation& in, const std::string& option,
                               std::optional<Enum> (*parse)(std::string_view), const Text& choices,
                               Enum& value) {
  const std::optional<std::string> given = in.Get(option);
  if (!given) return std::nullopt;
  const std::optional<Enum> parsed = parse(*given);
  if (!parsed) {
    return Usage(in.err, option + " は " + choices.ja + " です: " + *given,
                 option + " is " + choices.en + ": " + *given);
  }
  value = *parsed;
  return std::nullopt;
}

int Export(Invocation& in) {
  const std::optional<std::string> form_id = in.Get("--form");
  if (!form_id || form_id->empty()) {
    return Usage(in.err, "--form で様式を指定してください", "--form is required");
  }
  output::ExportOptions options;
  if (auto failed = ParseChoice(in, "--format", models::ParseExportFormat,
                                {"csv か jsonl", "csv or jsonl"}, options.format)) {
    return *failed;
  }
  if (auto failed =
          ParseChoice(in, "--encoding", models::ParseExportEncoding,
                      {"utf-8、utf-8-bom、cp932 のどれか", "one of utf-8, utf-8-bom, cp932"},
                      options.encoding)) {
    return *failed;
  }
  options.replace_unmappable = in.Has("--replace-unmappable");
  if (Status checked = output::CheckExportOptions(options); !checked.ok()) {
    return Usage(in.err, checked.message(Lang::kJa), checked.message(Lang::kEn));
  }
  output::ExportSelection selection;
  selection.form_id = *form_id;
  selection.only_new = in.Has("--new");
  if (auto failed = ParseChoice(in, "--status", models::ParseExportStatus,
                                {"verified か any", "verified or any"}, selection.status)) {
    return *failed;
  }
  const std::optional<std::string> out_path = in.Get("--out");
  if (out_path && out_path->empty()) return Usage(in.err, "--out が空です", "--out is empty");

  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  if (out_path) {
    if (Status outside = CheckOutsideDataDir(data.root, *out_path); !outside.ok()) {
      return Fail(in.err, outside);
    }
  }
  ADB_ASSIGN_OR_RETURN_EXIT(Requester requester,
                            ResolveRequester(*data.store, in, {"書き出し", "export"}), in.err);
  selection.tenant_code = requester.tenant_code;
  ADB_ASSIGN_OR_RETURN_EXIT(output::ExportBatch batch,
                            output::SelectForExport(*data.store, selection), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(output::ExportWriter writer,
                            output::ExportWriter::Create(batch.versions, options), in.err);

  // Every character CP932 cannot hold is named before anything is written.
  if (!options.replace_unmappable) {
    const std::vector<output::Unmappable> unmappable = writer.FindUnmappable(batch.documents);
    if (!unmappable.empty()) {
      for (const output::Unmappable& u : unmappable) {
        in.err << "adbridge: " << output::DescribeUnmappable(u, false).In(DefaultLang()) << "\n";
      }
      const std::string count = std::to_string(unmappable.size());
      return Fail(in.err,
                  Status::InvalidArgument(
                      "上の文字 (" + count +
                          " 個) は CP932 で書けないため、何も書き出していません。〓 に置き換えて"
                          "書き出すには --replace-unmappable を付けてください",
                      "nothing was exported: CP932 cannot hold the characters named above (" +
                          count + "); --replace-unmappable writes 〓 in their place"));
    }
  }

  std::optional<output::OutputFile> file;
  if (out_path) {
    ADB_ASSIGN_OR_RETURN_EXIT(output::OutputFile created, output::OutputFile::Create(*out_path),
                              in.err);
    file.emplace(std::move(created));
  }
  std::ostream& sink = file ? file->stream() : in.out;
  // Progress only when the export goes to a file: on a terminal, standard output is the export.
  Progress progress(file ? batch.documents.size() : 0, {"書き出し", "export"});
  ADB_ASSIGN_OR_RETURN_EXIT(std::vector<output::Unmappable> replaced,
                            writer.Write(batch.documents, sink, [&] { progress.Step(); }), in.err);
  progress.Finish();
  if (file) {
    if (Status synced = file->Sync(); !synced.ok()) return Fail(in.err, synced);
  }

  const models::NewExport record =
      output::ExportToRecord(selection, options, batch.documents, requester.requested_by,
                             requester.user_id, static_cast<int>(replaced.size()));
  // The file takes its name before the export is recorded: a document recorded as delivered
  // must be in a file that exists. A crash between the two leaves the file unrecorded, and the
  // next --new export delivers its documents again (twice rather than never; each line names
  // its document). When recording fails the file is taken away again, as if never made.
  if (file) {
    if (Status committed = file->Commit(); !committed.ok()) return Fail(in.err, committed);
    models::CrashPoint("export.file_in_place");
  }
  Result<models::ExportRecord> recorded = data.store->RecordExport(record);
  if (!recorded.ok()) {
    if (file) {
      std::error_code ignored;
      std::filesystem::remove(*out_path, ignored);
    }
    return Fail(in.err, recorded.status().WithPrefix(DefaultLang() == Lang::kJa
                                                         ? "書き出しを記録できません: "
                                                         : "the export could not be recorded: "));
  }
  for (const output::Unmappable& u : replaced) {
    in.err << "adbridge: " << output::DescribeUnmappable(u, true).In(DefaultLang()) << "\n";
  }
  if (file) {
    PrintJsonLine(in.out, {{"export", recorded->id},
                           {"form", recorded->form_id},
                           {"tenant", recorded->tenant_code},
                           {"documents", recorded->document_count},
                           {"format", models::ExportFormatName(recorded->format)},
                           {"encoding", models::ExportEncodingName(recorded->encoding)},
                           {"status", models::ExportStatusName(recorded->status)},
                           {"new", recorded->only_new},
                           {"replaced", replaced.size()},
                           {"requested_by", recorded->requested_by},
                           {"out", *out_path}});
  }
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> ExportCommands() {
  return {{{"export"},
           "",
           {"様式 1 つの記録を CSV か JSON Lines で書き出す (既定: 確認済みの文書、CSV、UTF-8、"
            "標準出力)",
            "the records of one form as CSV or JSON Lines (default: verified documents, CSV, "
            "UTF-8, standard output)"},
           {{"--form", "ID", {"書き出す様式 (必須)", "the form to export (required)"}},
            {"--format", "csv|jsonl", {"形式 (既定 csv)", "the format (default csv)"}},
            {"--encoding",
             "utf-8|utf-8-bom|cp932",
             {"文字コード (既定 utf-8)。JSON Lines は utf-8 だけ",
              "the encoding (default utf-8); JSON Lines is utf-8 only"}},
            {"--status",
             "verified|any",
             {"verified: 確認済みの文書だけ (既定)。any: 確認中の文書も機械の読み取りのまま",
              "verified: verified documents only (default); any: documents in review too, with "
              "their machine readings"}},
            {"--out",
             "FILE",
             {"書き出すファイル (既定: 標準出力)。書き終えてから置き換える",
              "the file to write (default: standard output); replaced only once written whole"}},
            {"--new",
             "",
             {"この自治体でこの様式の前の書き出しに入っていない文書だけ",
              "only documents no earlier export of this form in this municipality held"}},
            {"--user",
             "NAME",
             {"書き出しを求める利用者 (省略すると OS のアカウントとして記録)",
              "who asks for the export (otherwise the OS account is recorded)"}},
            {"--tenant",
             "CODE",
             {"自治体 (既定: --user の所属、なければ default)",
              "the municipality (default: that of --user, else default)"}},
            {"--replace-unmappable",
             "",
             {"CP932 にない文字を〓にして書き出し、置き換えを一つずつ表示する",
              "write 〓 for characters CP932 does not have, listing each replacement"}}},
           0,
           0,
           Export}};
}

}  // namespace adbridge::server
