// adbridge ingest [--form ID] [--tenant T] [--max-megapixels N] FILE...
// adbridge ingest-phone [--tenant T] FILE.csv
#include <charconv>
#include <string>

#include "ingest/phone_intake.h"
#include "ingest/scan_ingestor.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/json_lines.h"
#include "server/progress.h"

namespace adbridge::server {
namespace {

int Ingest(Invocation& in) {
  ingest::IngestOptions options;
  if (auto megapixels = in.Get("--max-megapixels")) {
    long long value = 0;
    auto [end, ec] = std::from_chars(megapixels->data(), megapixels->data() + megapixels->size(),
                                     value);
    if (ec != std::errc() || end != megapixels->data() + megapixels->size() || value < 1 ||
        value > 10'000) {
      in.err << "adbridge: "
             << (DefaultLang() == Lang::kJa ? "--max-megapixels は 1〜10000 の整数です"
                                            : "--max-megapixels is a whole number from 1 to 10000")
             << "\n";
      return kExitUsage;
    }
    options.limits.max_pixels = value * 1'000'000;
  }
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  if (auto tenant = in.Get("--tenant")) {
    ADB_ASSIGN_OR_RETURN_EXIT(models::Tenant t, data.store->GetTenant(*tenant), in.err);
    options.tenant_code = t.code;
  }
  if (auto form = in.Get("--form")) {
    // Checked once, up front: a wrong --form would fail every file the same way.
    ADB_ASSIGN_OR_RETURN_EXIT(models::FormRecord record, data.store->GetForm(*form, {}), in.err);
    options.form_id = record.id;
  }

  ingest::ScanIngestor ingestor(*data.store, data.blobs, options);
  Progress progress(in.arguments.size(), {"取り込み", "ingest"});
  int failures = 0;
  for (const std::string& file : in.arguments) {
    Result<ingest::IngestedScan> scan = ingestor.IngestFile(file);
    progress.Step();
    if (!scan.ok()) {
      // One line per refused file; the rest of the batch goes on.
      Fail(in.err, scan.status().WithPrefix(file + ": "));
      ++failures;
      continue;
    }
    PrintJsonLine(in.out, {{"document", scan->document_id},
                           {"source", file},
                           {"duplicate", scan->duplicate},
                           {"pages", scan->pages}});
  }
  progress.Finish();
  return failures == 0 ? kExitOk : kExitFailure;
}

// One document per row of a phone-intake CSV file. Rows that are refused are reported on
// stderr by line and the others stored; the exit code says whether any row was refused.
int IngestPhone(Invocation& in) {
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  ingest::PhoneIntakeOptions options;
  if (auto tenant = in.Get("--tenant")) {
    ADB_ASSIGN_OR_RETURN_EXIT(models::Tenant t, data.store->GetTenant(*tenant), in.err);
    options.tenant_code = t.code;
  }
  const std::string& file = in.arguments.at(0);
  ingest::PhoneIntake intake(*data.store, data.blobs, options);
  Result<ingest::PhoneIntakeReport> report = intake.IngestFile(file);
  if (!report.ok()) return Fail(in.err, report.status().WithPrefix(file + ": "));
  for (const ingest::PhoneRecord& record : report->records) {
    PrintJsonLine(in.out, {{"document", record.document_id},
                           {"source", file + ":" + std::to_string(record.line)},
                           {"duplicate", record.duplicate},
                           {"state", models::DocumentStateName(record.state)}});
  }
  for (const ingest::PhoneRowError& error : report->errors) {
    const std::string line = std::to_string(error.line);
    in.err << "adbridge: " << file << ": "
           << (DefaultLang() == Lang::kJa ? line + " 行目: " : "line " + line + ": ")
           << error.reason.In(DefaultLang()) << "\n";
  }
  return report->errors.empty() ? kExitOk : kExitFailure;
}

}  // namespace

std::vector<CommandSpec> IngestCommands() {
  return {{{"ingest"},
           "FILE...",
           {"スキャン (PNG、JPEG、TIFF、複数ページ TIFF) を取り込み、1 ファイル 1 行の JSON で "
            "文書番号を表示する",
            "store scans (PNG, JPEG, TIFF, multi-page TIFF); prints one JSON line per document"},
           {{"--form", "ID",
             {"これらのスキャンの様式 (省略すると OCR が判別する)",
              "the form these scans are (otherwise OCR identifies each)"}},
            {"--tenant", "CODE", {"自治体 (既定: default)", "the municipality (default: default)"}},
            {"--max-megapixels", "N",
             {"1 ページの画素数の上限 (既定: 60)", "largest page in megapixels (default: 60)"}}},
           1,
           -1,
           Ingest},
          {{"ingest-phone"},
           "FILE.csv",
           {"電話受付の記録 (CSV: UTF-8 か CP932) を 1 行 1 文書として取り込み、"
            "1 件 1 行の JSON で表示する",
            "store phone-intake records (CSV in UTF-8 or CP932), one document per row; prints one "
            "JSON line per record"},
           {{"--tenant", "CODE", {"自治体 (既定: default)", "the municipality (default: default)"}}},
           1,
           1,
           IngestPhone}};
}

}  // namespace adbridge::server
