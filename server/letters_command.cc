// adbridge letters --template T [--form ID] [--large-print] --out FILE.pdf [--user NAME]
//   [--tenant CODE]
// adbridge letters --reprint BATCH --out FILE.pdf [--user NAME] [--tenant CODE]
//
// One PDF with a letter for each verified record of the template's form that has had none, in
// postal-code order, for the print room. The order of things keeps every record's promise of
// one letter: the PDF is made, kept as a blob, and the batch with one letter per document is
// recorded in one transaction; only then is --out put in place. It is written under a
// temporary name beside --out before the batch is recorded, so a folder that cannot be written
// or a full disk stops the run while nothing is recorded, and a run that loses a race with
// another for the same records leaves no file. When --out cannot be put in place after the
// batch was recorded, the batch stays (its letters are printed as far as adbridge knows) and
// --reprint writes its PDF again.
#include <charconv>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ingest/form_registry.h"
#include "models/cross_checks.h"
#include "output/letter_batch.h"
#include "output/letters.h"
#include "output/output_file.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/json_lines.h"
#include "server/progress.h"
#include "server/requester.h"

namespace adbridge::server {
namespace {

const Text kAction{"手紙を印刷", "print letters"};

int Usage(std::ostream& err, const std::string& ja, const std::string& en) {
  err << "adbridge: " << (DefaultLang() == Lang::kJa ? ja : en)
      << (DefaultLang() == Lang::kJa ? " (詳しくは adbridge letters --help)"
                                     : " (see adbridge letters --help)")
      << "\n";
  return kExitUsage;
}

// Writes `bytes` into `file` under its temporary name and makes them durable there.
Status WriteTemporary(output::OutputFile& file, std::span<const std::uint8_t> bytes) {
  file.stream().write(reinterpret_cast<const char*>(bytes.data()),
                      static_cast<std::streamsize>(bytes.size()));
  return file.Sync();
}

int Print(Invocation& in, const std::string& out_path) {
  const std::string spec = *in.Get("--template");
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  if (Status outside = CheckOutsideDataDir(data.root, out_path); !outside.ok()) {
    return Fail(in.err, outside);
  }
  ADB_ASSIGN_OR_RETURN_EXIT(Requester requester, ResolveRequester(*data.store, in, kAction),
                            in.err);
  const output::FormLookup forms = [&](const std::string& form_id) {
    return ingest::LoadRegisteredForm(*data.store, data.blobs, form_id, std::nullopt);
  };
  ADB_ASSIGN_OR_RETURN_EXIT(output::LetterTemplate letter, output::LoadLetterTemplate(spec, forms),
                            in.err);
  const std::string& form_id = letter.common.form.id;
  if (auto form = in.Get("--form"); form && *form != form_id) {
    return Usage(
        in.err,
        "--form " + *form + " は雛形 " + letter.common.id + " の様式 " + form_id + " と違います",
        "--form " + *form + " is not the form of template " + letter.common.id + " (" + form_id +
            ")");
  }

  // The file is opened (under a temporary name beside --out) before anything is recorded, so
  // that a folder that does not exist or cannot be written stops the run while it has done
  // nothing.
  ADB_ASSIGN_OR_RETURN_EXIT(output::OutputFile out_file, output::OutputFile::Create(out_path),
                            in.err);
  std::optional<Progress> progress;
  output::LetterBatchRequest request;
  request.tenant_code = requester.tenant_code;
  request.requested_by = requester.requested_by;
  request.user_id = requester.user_id;
  request.large_print = in.Has("--large-print");
  request.on_record = [&progress](std::size_t, std::size_t total) {
    if (!progress) progress.emplace(total, Text{"手紙", "letters"});
    progress->Step();
  };
  // --out is written under its temporary name before the batch is recorded, so that a full
  // disk stops the run while nothing is recorded; it is put in place once the batch is.
  request.before_recording = [&out_file](std::span<const std::uint8_t> pdf) {
    return WriteTemporary(out_file, pdf);
  };
  ADB_ASSIGN_OR_RETURN_EXIT(output::MadeLetterBatch made,
                            output::MakeLetterBatch(*data.store, data.blobs, letter, request),
                            in.err);
  if (progress) progress->Finish();
  for (const output::SkippedRecord& skipped : made.skipped) {
    in.err << "adbridge: " << skipped.reason.message()
           << (DefaultLang() == Lang::kJa ? "。手紙は作りませんでした" : "; no letter") << "\n";
  }
  if (!made.batch && made.skipped.empty()) {
    in.err << "adbridge: "
           << Text{"様式 " + form_id +
                       " には手紙を待つ確認済みの記録がありません。PDF は作らず、"
                       "何も記録していません",
                   "no verified record of form " + form_id +
                       " is waiting for a letter; no PDF was made and nothing was recorded"}
                  .In(DefaultLang())
           << "\n";
    PrintJsonLine(in.out, {{"batch", nullptr}, {"letters", 0}, {"pages", 0}, {"file", nullptr}});
    return kExitOk;
  }
  if (!made.batch) {
    const std::string count = std::to_string(made.skipped.size());
    return Fail(in.err, Status::FailedPrecondition(
                            "手紙を 1 通も作れませんでした (" + count + " 件とも上の理由で除外)",
                            "not one letter could be made (all " + count +
                                " records were left out, for the reasons above)"));
  }
  const models::LetterBatch& recorded = *made.batch;

  if (Status written = out_file.Commit(); !written.ok()) {
    const std::string id = std::to_string(recorded.id);
    return Fail(in.err,
                Status(written.code(),
                       {written.message(Lang::kJa) + "。手紙の束 " + id +
                            " は記録済みで、PDF も保管されています。もう一度書き出すには: adbridge "
                            "letters --reprint " +
                            id + " --out FILE.pdf",
                        written.message(Lang::kEn) + ". Letter batch " + id +
                            " is recorded and its PDF kept; to write it again: adbridge letters "
                            "--reprint " +
                            id + " --out FILE.pdf"}));
  }
  PrintJsonLine(in.out, {{"batch", recorded.id},
                         {"letters", recorded.letter_count},
                         {"pages", recorded.page_count},
                         {"skipped", made.skipped.size()},
                         {"large_print", recorded.large_print},
                         {"file", out_path}});
  return kExitOk;
}

int Reprint(Invocation& in, const std::string& out_path) {
  const std::string given = *in.Get("--reprint");
  std::int64_t batch_id = 0;
  auto [end, ec] = std::from_chars(given.data(), given.data() + given.size(), batch_id);
  if (ec != std::errc() || end != given.data() + given.size() || batch_id <= 0) {
    return Usage(in.err, "--reprint には手紙の束の番号を指定してください: " + given,
                 "--reprint takes a letter batch number: " + given);
  }
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  if (Status outside = CheckOutsideDataDir(data.root, out_path); !outside.ok()) {
    return Fail(in.err, outside);
  }
  ADB_ASSIGN_OR_RETURN_EXIT(Requester requester, ResolveRequester(*data.store, in, kAction),
                            in.err);
  Result<models::LetterBatch> batch = data.store->GetLetterBatch(batch_id);
  if (batch.ok() && batch->tenant_code != requester.tenant_code) {
    // Another municipality's batch is answered as if there were none.
    batch = Status::NotFound(
        "自治体 " + requester.tenant_code + " に手紙の束 " + given + " はありません",
        "tenant " + requester.tenant_code + " has no letter batch " + given);
  }
  if (!batch.ok()) return Fail(in.err, batch.status());
  ADB_ASSIGN_OR_RETURN_EXIT(output::OutputFile out_file, output::OutputFile::Create(out_path),
                            in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(std::vector<std::uint8_t> pdf, data.blobs.Get(batch->pdf_sha256),
                            in.err);
  if (Status audited =
          output::AuditBatchHandout(*data.store, *batch, output::BatchHandout::kReprinted,
                                    requester.requested_by, requester.user_id);
      !audited.ok()) {
    return Fail(in.err, audited);
  }
  if (Status written = WriteTemporary(out_file, pdf); !written.ok()) return Fail(in.err, written);
  if (Status written = out_file.Commit(); !written.ok()) return Fail(in.err, written);
  PrintJsonLine(in.out, {{"batch", batch->id},
                         {"letters", batch->letter_count},
                         {"pages", batch->page_count},
                         {"large_print", batch->large_print},
                         {"file", out_path},
                         {"reprint", true}});
  return kExitOk;
}

int Letters(Invocation& in) {
  const std::optional<std::string> out_path = in.Get("--out");
  if (!out_path || out_path->empty()) {
    return Usage(in.err, "--out で PDF の書き出し先を指定してください",
                 "--out FILE.pdf is required");
  }
  if (in.Has("--reprint")) {
    for (const char* option : {"--template", "--form", "--large-print"}) {
      if (in.Has(option)) {
        return Usage(in.err, std::string("--reprint と ") + option + " は一緒に使えません",
                     std::string("--reprint does not take ") + option);
      }
    }
    return Reprint(in, *out_path);
  }
  if (!in.Get("--template") || in.Get("--template")->empty()) {
    return Usage(in.err, "--template で雛形を指定してください (--reprint でなければ)",
                 "--template is required (unless --reprint)");
  }
  return Print(in, *out_path);
}

}  // namespace

std::vector<CommandSpec> LettersCommands() {
  return {{{"letters"},
           "",
           {"手紙を待つ確認済みの記録ごとに 1 通、郵便番号順に 1 つの PDF にする",
            "one PDF with a letter for each verified record that has not had one, in postal-code "
            "order"},
           {{"--template",
             "T",
             {"雛形: 組み込みの雛形の ID (kyufukin-decision など) か .json ファイル",
              "the template: a bundled template's id (kyufukin-decision, ...) or a .json file"}},
            {"--form",
             "ID",
             {"様式 (雛形の様式と同じであること)", "the form (must be the template's)"}},
            {"--large-print",
             "",
             {"大きな文字 (本文 16 ポイント、行間を広く)",
              "large print (16 pt body, wider line spacing)"}},
            {"--out", "FILE.pdf", {"書き出す PDF", "the PDF to write"}},
            {"--user",
             "NAME",
             {"依頼する利用者 (省略時は OS のアカウントを記録)",
              "who asks (without it, the operating-system account is recorded)"}},
            {"--tenant",
             "CODE",
             {"自治体 (既定: --user の所属、なければ default)",
              "the municipality (default: that of --user, else default)"}},
            {"--reprint",
             "BATCH",
             {"記録済みの手紙の束の PDF をもう一度書き出す",
              "write the PDF of a recorded letter batch again"}}},
           0,
           0,
           Letters}};
}

}  // namespace adbridge::server
