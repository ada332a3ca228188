// adbridge-letters-bench: the letters of a seeded data directory rendered in process, two ways,
// timed (bench/README.md, "Letters"):
//   batch       every letter into one PDF, as `adbridge letters` makes it (the fonts once)
//   per letter  each letter into a PDF of its own (the fonts in every one): the plain way
//
//   adbridge-letters-bench --data DIR --template T --form FILE.json [--large-print]
//                          [--batch-out FILE.pdf] [--per-letter N]
//
// --per-letter N draws only the first N letters one PDF each (a PDF per letter costs the fonts
// every time, so all of a large batch would take minutes); 0 leaves that part out. Default: all.
//
// Prints one JSON line: {"records": N, "large_print": B,
//   "batch": {"seconds", "letters", "pages", "bytes"},
//   "per_letter": {"seconds", "letters", "pages", "bytes"}}.
// Nothing is recorded in the data directory: it only reads the records waiting for a letter.
// Run it on one core (taskset -c 0) to measure what one core does.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "models/cross_checks.h"
#include "models/form_definition.h"
#include "models/store.h"
#include "output/letters.h"

namespace {

using adbridge::Result;
using adbridge::Status;
namespace output = adbridge::output;

int Usage() {
  std::cerr << "usage: adbridge-letters-bench --data DIR --template T --form FILE.json "
               "[--large-print] [--batch-out FILE.pdf] [--per-letter N]\n";
  return 2;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Result<nlohmann::json> Run(const std::map<std::string, std::string>& options, bool large_print,
                           std::size_t per_letter_limit) {
  ADB_ASSIGN_OR_RETURN(std::unique_ptr<adbridge::models::Store> store,
                       adbridge::models::OpenSqliteStore(
                           std::filesystem::path(options.at("--data")) / "adbridge.db"));
  ADB_ASSIGN_OR_RETURN(adbridge::models::FormDefinition form,
                       adbridge::models::LoadFormDefinition(options.at("--form")));
  const output::FormLookup forms =
      [&](const std::string& id) -> Result<adbridge::models::FormDefinition> {
    if (id == form.id) return form;
    return Status::NotFound("様式が違います: " + id, "not the form given: " + id);
  };
  ADB_ASSIGN_OR_RETURN(output::LetterTemplate letter,
                       output::LoadLetterTemplate(options.at("--template"), forms));
  ADB_ASSIGN_OR_RETURN(
      std::vector<output::RecordValues> records,
      output::RecordsAwaitingLetter(*store, std::string(adbridge::models::kDefaultTenant), form.id,
                                    adbridge::models::TodayInJapan()));
  output::SortForPrintRoom(letter, records);
  const output::LetterOptions letter_options{.large_print = large_print};

  auto start = std::chrono::steady_clock::now();
  ADB_ASSIGN_OR_RETURN(output::LetterBatchPdf batch,
                       output::RenderLetterBatch(letter, records, letter_options));
  const double batch_seconds = SecondsSince(start);
  if (auto out = options.find("--batch-out"); out != options.end()) {
    std::ofstream(out->second, std::ios::binary) << batch.pdf;
  }

  // The layout's ruler is made once, as in a batch; what each PDF of its own costs is counted.
  ADB_ASSIGN_OR_RETURN(output::LetterRenderer renderer,
                       output::LetterRenderer::Create(letter, letter_options));
  start = std::chrono::steady_clock::now();
  std::size_t bytes = 0;
  int pages = 0;
  int letters = 0;
  for (std::size_t i = 0; i < records.size() && i < per_letter_limit; ++i) {
    const output::RecordValues& record = records[i];
    ADB_ASSIGN_OR_RETURN(output::PdfDocument pdf, output::PdfDocument::Create());
    Result<int> drawn = renderer.Draw(record, pdf);
    if (!drawn.ok()) continue;  // skipped in the batch too
    ADB_ASSIGN_OR_RETURN(std::string one, pdf.Save());
    bytes += one.size();
    pages += *drawn;
    ++letters;
  }
  const double per_letter_seconds = SecondsSince(start);

  return nlohmann::json{{"records", records.size()},
                        {"large_print", large_print},
                        {"batch",
                         {{"seconds", batch_seconds},
                          {"letters", batch.letters.size()},
                          {"pages", batch.page_count},
                          {"bytes", batch.pdf.size()}}},
                        {"per_letter",
                         {{"seconds", per_letter_seconds},
                          {"letters", letters},
                          {"pages", pages},
                          {"bytes", bytes}}}};
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> options;
  bool large_print = false;
  std::size_t per_letter_limit = SIZE_MAX;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--large-print") {
      large_print = true;
    } else if (arg == "--per-letter" && i + 1 < argc) {
      per_letter_limit = std::strtoull(argv[++i], nullptr, 10);
    } else if ((arg == "--data" || arg == "--template" || arg == "--form" ||
                arg == "--batch-out") &&
               i + 1 < argc) {
      options[arg] = argv[++i];
    } else {
      return Usage();
    }
  }
  if (!options.count("--data") || !options.count("--template") || !options.count("--form")) {
    return Usage();
  }
  Result<nlohmann::json> result = Run(options, large_print, per_letter_limit);
  if (!result.ok()) {
    std::cerr << "adbridge-letters-bench: " << result.status().message() << "\n";
    return 1;
  }
  std::cout << result->dump() << "\n";
  return 0;
}
