// adbridge forms add | list
#include <string>

#include "ingest/form_registry.h"
#include "models/form_definition.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/json_lines.h"

namespace adbridge::server {
namespace {

int FormsAdd(Invocation& in) {
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir), in.err);
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
  ADB_ASSIGN_OR_RETURN_EXIT(DataDir data, OpenDataDir(in.data_dir), in.err);
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
  };
}

}  // namespace adbridge::server
