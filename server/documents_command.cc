// adbridge documents list [--state STATE]
#include <string>

#include "server/commands.h"
#include "server/data_dir.h"
#include "server/json_lines.h"

namespace adbridge::server {
namespace {

int DocumentsList(Invocation& in) {
  std::optional<models::DocumentState> state;
  if (auto name = in.Get("--state")) {
    state = models::ParseDocumentState(*name);
    if (!state) {
      in.err << "adbridge: "
             << (DefaultLang() == Lang::kJa ? "知らない状態です: " : "unknown state: ") << *name
             << " (received, processing, in_review, verified, failed)\n";
      return kExitUsage;
    }
  }
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir, in.db), in.err);
  ADB_ASSIGN_OR_RETURN_EXIT(std::vector<models::Document> documents,
                            data.store->ListDocuments(state), in.err);
  for (const models::Document& d : documents) {
    nlohmann::ordered_json line = {{"document", d.id},
                           {"tenant", d.tenant_code},
                           {"source", models::DocumentSourceName(d.source)},
                           {"source_name", d.source_name},
                           {"state", models::DocumentStateName(d.state)},
                           {"pages", d.page_count},
                           {"form", d.form_id ? nlohmann::ordered_json(*d.form_id) : nlohmann::ordered_json()},
                           {"created_at", d.created_at}};
    if (d.form_version) line["form_version"] = *d.form_version;
    if (!d.failure_reason.empty()) line["failure_reason"] = d.failure_reason;
    PrintJsonLine(in.out, line);
  }
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> DocumentCommands() {
  return {{{"documents", "list"},
           "",
           {"文書を 1 行 1 件の JSON で表示する", "the documents, one JSON line each"},
           {{"--state", "STATE",
             {"この状態の文書だけ (received, processing, in_review, verified, failed)",
              "only documents in this state (received, processing, in_review, verified, "
              "failed)"}}},
           0,
           0,
           DocumentsList}};
}

}  // namespace adbridge::server
