// adbridge forms add | list | render
#include <charconv>
#include <string>
#include <vector>

#include "ingest/form_registry.h"
#include "models/form_definition.h"
#include "models/form_layout.h"
#include "ocr/form_printer.h"
#include "output/blank_form.h"
#include "output/output_file.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/json_lines.h"

namespace adbridge::server {
namespace {

int Usage(std::ostream& err, const std::string& ja, const std::string& en) {
  err << "adbridge: " << (DefaultLang() == Lang::kJa ? ja : en) << "\n";
  return kExitUsage;
}

int FormsAdd(Invocation& in) {
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  int failures = 0;
  for (const std::string& file : in.arguments) {
    Result<ingest::RegisteredForm> form =
        ingest::RegisterFormFile(*data.store, data.blobs, file);
    if (!form.ok()) {
      Fail(in.err, form.status());  // it names the file
      ++failures;
      continue;
    }
    PrintJsonLine(in.out, {{"form", form->record.id},
                           {"version", form->record.version},
                           {"title", form->record.title},
                           {"pages", form->definition.pages.size()},
                           {"fields", form->definition.fields.size()},
                           {"new", form->newly_registered}});
  }
  return failures == 0 ? kExitOk : kExitFailure;
}

int FormsList(Invocation& in) {
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(std::vector<models::FormRecord> forms, data.store->ListForms(),
                            in.err);
  for (const models::FormRecord& form : forms) {
    nlohmann::ordered_json line = {{"form", form.id},
                           {"version", form.version},
                           {"title", form.title},
                           {"department", form.department},
                           {"pages", form.reference_sha256.size()},
                           {"created_at", form.created_at}};
    Result<models::FormDefinition> definition =
        models::ParseFormDefinition(form.definition_json, form.id, {}, false);
    if (definition.ok()) line["fields"] = definition->fields.size();
    PrintJsonLine(in.out, line);
  }
  return kExitOk;
}

int FormsRender(Invocation& in) {
  const std::optional<std::string> out = in.Get("--out");
  if (!out.has_value() || out->empty()) {
    return Usage(in.err, "--out FILE.pdf が必要です", "--out FILE.pdf is required");
  }
  std::optional<int> version;
  if (const std::optional<std::string> text = in.Get("--version")) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < 1) {
      return Usage(in.err, "--version は 1 以上の整数です", "--version is a whole number from 1");
    }
    version = value;
  }
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  if (Status outside = CheckOutsideDataDir(data.root, *out); !outside.ok()) {
    return Fail(in.err, outside);
  }
  ADB_ASSIGN_OR_RETURN_EXIT(
      models::FormDefinition form,
      ingest::LoadRegisteredForm(*data.store, data.blobs, in.arguments.front(), version), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(const ocr::FormPrinter printer, ocr::FormPrinter::Create(), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(std::vector<models::PageLayout> pages, printer.Layouts(form), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(std::string pdf, output::BlankFormPdf(form, pages), in.err);
  // Whole or not at all: the print room never picks up half a PDF.
  ADB_ASSIGN_OR_RETURN_EXIT(output::OutputFile file, output::OutputFile::Create(*out), in.err);
  file.stream() << pdf;
  if (Status committed = file.Commit(); !committed.ok()) return Fail(in.err, committed);
  PrintJsonLine(
      in.out,
      {{"form", form.id}, {"version", form.version}, {"pages", pages.size()}, {"file", *out}});
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> FormsCommands() {
  return {
      {{"forms", "add"},
       "FILE.json...",
       {"様式定義 (と参照画像) を検査して登録し、様式 ID と版を表示する",
        "validate and register form definitions (and their reference images); prints each "
        "form's id and version"},
       {},
       1,
       -1,
       FormsAdd},
      {{"forms", "list"},
       "",
       {"登録済みの様式を 1 行 1 件の JSON で表示する",
        "the registered forms, one JSON line each"},
       {},
       0,
       0,
       FormsList},
      {{"forms", "render"},
       "ID",
       {"登録済みの様式を印刷用の白紙の PDF にする (実寸、ページごとに様式・版・ページを示す QR "
        "コード付き。記入して読み取ると QR コードで様式が分かる)",
        "print a registered form as a blank PDF for paper (true size, a QR code on each page "
        "naming the form, version and page, so its scans are identified without guesswork)"},
       {{"--out", "FILE.pdf", {"書き出す PDF (必須)", "the PDF to write (required)"}},
        {"--version",
         "N",
         {"様式の版 (省略時は最新)", "the form's version (default: the newest)"}}},
       1,
       1,
       FormsRender},
  };
}

}  // namespace adbridge::server
