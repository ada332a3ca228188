// adbridge process [--jobs N]
#include <sys/resource.h>

#include <charconv>
#include <cmath>
#include <string>
#include <thread>

#include "ocr/form_library.h"
#include "ocr/processor.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/json_lines.h"
#include "server/progress.h"

namespace adbridge::server {
namespace {

double PeakRssMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // Linux reports kilobytes
}

double Rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

int Process(Invocation& in) {
  ocr::ProcessOptions options;
  options.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (auto jobs = in.Get("--jobs")) {
    int value = 0;
    auto [end, ec] = std::from_chars(jobs->data(), jobs->data() + jobs->size(), value);
    if (ec != std::errc() || end != jobs->data() + jobs->size() || value < 1 || value > 64) {
      in.err << "adbridge: "
             << (DefaultLang() == Lang::kJa ? "--jobs は 1〜64 の整数です"
                                            : "--jobs is a whole number from 1 to 64")
             << "\n";
      return kExitUsage;
    }
    options.jobs = value;
  }
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(std::vector<models::Document> waiting,
                            data.store->ListDocuments(models::DocumentState::kReceived), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(std::vector<models::FormRecord> forms, data.store->ListForms(),
                            in.err);
  if (forms.empty() && !waiting.empty()) {
    return Fail(in.err, Status::FailedPrecondition(
                            "様式が登録されていません。先に adbridge forms add で登録してください",
                            "no form is registered; register one with adbridge forms add first"));
  }
  std::unique_ptr<ocr::FormLibrary> library;
  if (!forms.empty()) {
    ADB_ASSIGN_OR_RETURN_EXIT(library, ocr::FormLibrary::Load(*data.store, data.blobs), in.err);
  }
  Progress progress(waiting.size(), {"読み取り", "reading"});
  options.on_document = [&](const ocr::ProcessedDocument& d) {
    nlohmann::ordered_json line = {{"document", d.id},
                                   {"source", d.source_name},
                                   {"state", models::DocumentStateName(d.state)}};
    if (!d.form_id.empty()) line["form"] = d.form_id;
    if (d.failure.empty()) {
      line["pages"] = d.pages;
      line["fields"] = d.fields;
      line["auto_accepted"] = d.auto_accepted;
      line["review_tasks"] = d.review_tasks;
    } else {
      line["failure_reason"] = d.failure;
    }
    line["seconds"] = Rounded(d.seconds, 3);
    PrintJsonLine(in.out, line);
    progress.Step();
  };
  ocr::ProcessSummary summary;
  if (library) {
    ADB_ASSIGN_OR_RETURN_EXIT(
        summary, ocr::ProcessWaitingDocuments(*data.store, data.blobs, *library, options), in.err);
  }
  progress.Finish();
  PrintJsonLine(in.out,
                nlohmann::ordered_json{
                    {"summary",
                     {{"documents", summary.documents},
                      {"pages", summary.pages},
                      {"fields", summary.fields},
                      {"auto_accepted", summary.auto_accepted},
                      {"retried", summary.retried},
                      {"failed", summary.failed},
                      {"jobs", options.jobs},
                      {"seconds", Rounded(summary.seconds, 3)},
                      {"tesseract_seconds", Rounded(summary.tesseract_seconds, 3)},
                      {"peak_rss_mb", Rounded(PeakRssMegabytes(), 1)}}}});
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> ProcessCommands() {
  return {{{"process"},
           "",
           {"受け付けた文書をすべて読み取る (様式の判別・位置合わせ・読み取り・検証・振り分け)。"
            "1 文書 1 行の JSON と最後に集計を表示する",
            "read every received document: identify, register, read, validate, route; one JSON "
            "line per document, then a summary"},
           {{"--jobs", "N",
             {"同時に読み取る数 (既定: CPU のコア数)",
              "documents read at once (default: the number of cores)"}}},
           0,
           0,
           Process}};
}

}  // namespace adbridge::server
