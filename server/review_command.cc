// adbridge review next|submit|skip|unreadable|escalate — the review queue from the command line,
// acting as a named user (the command line runs on the server, with the data directory's own
// rights, so it takes no password).
#include <charconv>
#include <string>

#include "review/review_queue.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/json_lines.h"

namespace adbridge::server {
namespace {

int Usage(std::ostream& err, const std::string& ja, const std::string& en) {
  err << "adbridge: " << (DefaultLang() == Lang::kJa ? ja : en) << "\n";
  return kExitUsage;
}

std::optional<std::int64_t> TaskId(const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

nlohmann::ordered_json ResultLine(std::int64_t task_id, const review::EntryResult& result) {
  nlohmann::ordered_json line = {
      {"task", task_id},
      {"result", review::OutcomeName(result.outcome)},
      {"document_state", models::DocumentStateName(result.document_state)}};
  return line;
}

// The user named by --user, and a queue on the data directory's store.
struct Session {
  DataDir data;
  models::User user;
  std::unique_ptr<review::ReviewQueue> queue;
};

Result<Session> OpenSession(Invocation& in) {
  const std::string name = in.Get("--user").value_or("");
  ADB_ASSIGN_OR_RETURN(DataDir data, OpenDataDir(in.data_dir, in.db));
  ADB_ASSIGN_OR_RETURN(models::User user, data.store->GetUserByName(name));
  review::QueueOptions options;
  if (auto minutes = in.Get("--lease-minutes")) {
    int value = 0;
    auto [end, ec] = std::from_chars(minutes->data(), minutes->data() + minutes->size(), value);
    if (ec == std::errc() && end == minutes->data() + minutes->size() && value >= 1 &&
        value <= 1440) {
      options.lease_seconds = value * 60;
    }
  }
  auto queue = std::make_unique<review::ReviewQueue>(*data.store, options);
  return Session{std::move(data), std::move(user), std::move(queue)};
}

int Next(Invocation& in) {
  if (!in.Get("--user")) return Usage(in.err, "--user が必要です", "--user is required");
  ADB_ASSIGN_OR_RETURN_EXIT(Session session, OpenSession(in), in.err);
  std::optional<std::string> field_type = in.Get("--field-type");
  ADB_ASSIGN_OR_RETURN_EXIT(std::optional<review::ReviewItem> item,
                            session.queue->Next(session.user, field_type), in.err);
  if (!item) {
    PrintJsonLine(in.out, {{"task", nullptr}});
    return kExitOk;
  }
  nlohmann::ordered_json options = nlohmann::ordered_json::array();
  for (const review::ReviewItem::Option& option : item->options) {
    options.push_back({{"value", option.value}, {"label", option.label}});
  }
  PrintJsonLine(in.out, {{"task", item->task_id},
                         {"label", item->label},
                         {"field", item->field_name},
                         {"type", item->field_type},
                         {"form_title", item->form_title},
                         {"prefill", item->prefill},
                         {"blind", item->blind},
                         {"options", options},
                         {"reason", item->reason},
                         // The phone operator's note; a phone record has no snippet to look at.
                         {"note", item->note ? nlohmann::ordered_json(*item->note) : nullptr},
                         {"lease_expires_at", item->lease_expires_at}});
  return kExitOk;
}

int Act(Invocation& in, const std::string& action) {
  std::optional<std::int64_t> task_id = TaskId(in.arguments.at(0));
  if (!task_id) return Usage(in.err, "TASK は作業番号です", "TASK is a task number");
  if (!in.Get("--user")) return Usage(in.err, "--user が必要です", "--user is required");
  if (action == "submit" && !in.Get("--value")) {
    return Usage(in.err, "--value が必要です", "--value is required");
  }
  ADB_ASSIGN_OR_RETURN_EXIT(Session session, OpenSession(in), in.err);
  const std::string note = in.Get("--note").value_or("");
  // Every branch below replaces it; a Result may not hold an OK status without a value.
  Result<review::EntryResult> result =
      Status::Internal("その操作はありません", "there is no such action on a task");
  if (action == "submit") {
    result = session.queue->Submit(session.user, *task_id, *in.Get("--value"), in.Has("--confirm"));
  } else if (action == "skip") {
    result = session.queue->Skip(session.user, *task_id);
  } else if (action == "unreadable") {
    result = session.queue->MarkUnreadable(session.user, *task_id, note);
  } else {
    result = session.queue->Escalate(session.user, *task_id, note);
  }
  if (!result.ok()) return Fail(in.err, result.status());
  if (result->outcome == review::Outcome::kRefused) {
    PrintJsonLine(in.out, {{"task", *task_id},
                           {"result", "refused"},
                           {"reason", result->refusal.In(DefaultLang())},
                           {"can_confirm", result->can_confirm}});
    return Fail(in.err, Status(StatusCode::kInvalidArgument, result->refusal));
  }
  PrintJsonLine(in.out, ResultLine(*task_id, *result));
  return kExitOk;
}

OptionSpec UserOption() {
  return {"--user", "NAME", {"作業する利用者のログイン名", "the login name of the person working"}};
}

OptionSpec LeaseOption() {
  return {"--lease-minutes",
          "M",
          {"作業を預ける時間 (既定 10 分)", "how long the task is held (default 10 minutes)"}};
}

}  // namespace

std::vector<CommandSpec> ReviewCommands() {
  const OptionSpec note{"--note", "TEXT", {"理由や申し送り", "why, for the supervisor"}};
  return {
      {{"review", "next"},
       "",
       {"次の確認作業を預かり、1 行の JSON で表示する (なければ {\"task\":null})",
        "take the next review task and print it as one JSON line ({\"task\":null} when none)"},
       {UserOption(),
        LeaseOption(),
        {"--field-type", "TYPE", {"この種類の項目だけ (date など)", "only fields of this type"}}},
       0,
       0,
       Next},
      {{"review", "submit"},
       "TASK",
       {"預かった作業に値を入れる (項目の規則で検証する)",
        "enter a value for a task you hold (checked with the field's rules)"},
       {UserOption(),
        {"--value", "V", {"入れる値", "the value"}},
        {"--confirm",
         "",
         {"規則に合わない値を承知のうえで確定する (様式が許す項目のみ)",
          "confirm a value that fails the rules (where the form allows)"}}},
       1,
       1,
       [](Invocation& in) { return Act(in, "submit"); }},
      {{"review", "skip"},
       "TASK",
       {"預かった作業を列に戻す", "give a task back to the queue"},
       {UserOption()},
       1,
       1,
       [](Invocation& in) { return Act(in, "skip"); }},
      {{"review", "unreadable"},
       "TASK",
       {"判読できないとする", "mark the field unreadable"},
       {UserOption(), note},
       1,
       1,
       [](Invocation& in) { return Act(in, "unreadable"); }},
      {{"review", "escalate"},
       "TASK",
       {"監督者に回す", "pass the task to a supervisor"},
       {UserOption(), note},
       1,
       1,
       [](Invocation& in) { return Act(in, "escalate"); }},
  };
}

}  // namespace adbridge::server
