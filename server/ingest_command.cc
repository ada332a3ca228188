// adbridge ingest [--form ID] [--tenant T] [--max-megapixels N] FILE...
#include <charconv>
#include <string>

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
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir), in.err);
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
           Ingest}};
}

}  // namespace adbridge::server
