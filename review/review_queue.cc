#include "review/review_queue.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <utility>

#include "models/field_types.h"
#include "models/utf8.h"

namespace adbridge::review {
namespace {

using models::EntryAction;
using models::FieldState;
using models::Role;
using models::TaskDetail;
using models::TaskKind;
using models::TaskSettlement;
using models::TaskState;
using models::User;

bool MayReview(const User& user) {
  return user.role == Role::kReviewer || user.role == Role::kSupervisor;
}

// Supervisors work on site; everyone else who reviews works remotely.
bool IsOnSite(const User& user) { return user.role == Role::kSupervisor; }

bool WorksFor(const User& user, std::int64_t tenant_id) {
  return std::find(user.review_tenant_ids.begin(), user.review_tenant_ids.end(), tenant_id) !=
         user.review_tenant_ids.end();
}

// Whether `user` may know the task exists at all. Everything else is answered NotFound, so a
// reviewer cannot probe another municipality's ids.
bool MaySee(const User& user, const TaskDetail& task) {
  if (!MayReview(user) || !WorksFor(user, task.tenant_id)) return false;
  if (task.on_site_only && !IsOnSite(user)) return false;
  return task.task.kind != TaskKind::kClassification;
}

Status MayNotReview() {
  return Status::PermissionDenied("確認作業は確認担当者と監督者だけが行えます",
                                  "only reviewers and supervisors review fields");
}

Status NoSuchTask(std::int64_t id) {
  const std::string n = std::to_string(id);
  return Status::NotFound("確認作業 " + n + " はありません", "there is no review task " + n);
}

Status NotYours(std::int64_t id) {
  const std::string n = std::to_string(id);
  return Status::FailedPrecondition(
      "確認作業 " + n + " はもうあなたの担当ではありません（期限切れか、済んでいます）",
      "review task " + n + " is no longer yours (its time ran out or it was settled)");
}

int SubmitCount(const TaskDetail& task) {
  return static_cast<int>(std::count_if(
      task.entries.begin(), task.entries.end(),
      [](const models::TaskEntry& entry) { return entry.action == EntryAction::kSubmit; }));
}

// A note typed with an entry: shown to supervisors and kept in the audit log, so it must be
// text (the command line passes whatever bytes it is given).
Status CheckNote(const std::string& note) {
  if (models::DecodeUtf8(note)) return Status::Ok();
  return Status::InvalidArgument("申し送りが UTF-8 の文字ではありません",
                                 "the note is not valid UTF-8 text");
}

// What the audit log keeps of a decision: the machine's reading, the value before and after,
// and why. The store adds who and when.
// Characters in `text` (bytes when it is not UTF-8).
std::size_t CodePoints(const std::string& text) {
  const std::optional<std::u32string> decoded = models::DecodeUtf8(text);
  return decoded ? decoded->size() : text.size();
}

// The audit log is read by people who may not see residents' data, and is kept longer than
// the data itself: it says which field was settled, by whom and how, never what the value is.
// The values stay in the store (review_entries, fields), where access is controlled.
std::string AuditDetail(const TaskDetail& task, const std::optional<std::string>& value,
                        const std::string& note, bool confirmed_invalid) {
  nlohmann::json detail = {{"task", task.task.id},
                           {"kind", models::TaskKindName(task.task.kind)},
                           {"field", task.task.field_name},
                           {"had_ocr_value", task.ocr_value.has_value()}};
  if (value) {
    detail["value_chars"] = CodePoints(*value);
    detail["same_as_ocr"] = task.ocr_value && *task.ocr_value == *value;
    detail["same_as_before"] = task.value && *task.value == *value;
  }
  if (!note.empty()) detail["note_chars"] = CodePoints(note);
  if (confirmed_invalid) detail["confirmed_invalid"] = true;
  return detail.dump();
}

// A value a person entered, checked with the field's rules: normalised when it passes; kept as
// the person confirmed it when it fails and the field allows confirming (normalised where the
// type can read it, else as typed); otherwise refused with the reason.
struct CheckedEntry {
  std::string value;
  bool confirmed_invalid = false;
  std::optional<EntryResult> refusal;
};

Result<CheckedEntry> CheckEntry(const models::FieldDefinition& field, std::string_view value,
                                bool confirm) {
  CheckedEntry checked;
  Result<std::string> normalized = models::NormalizeAndValidate(field, value);
  if (normalized.ok()) {
    checked.value = std::move(*normalized);
  } else if (normalized.status().code() != StatusCode::kInvalidArgument) {
    return normalized.status();
  } else if (confirm && field.confirm_invalid) {
    Result<std::string> as_type = models::Normalize(field.type, value);
    checked.value = as_type.ok() ? std::move(*as_type) : std::string(value);
    checked.confirmed_invalid = true;
  } else {
    EntryResult refused;
    refused.outcome = Outcome::kRefused;
    refused.document_state = models::DocumentState::kInReview;
    refused.refusal = normalized.status().text();
    refused.can_confirm = field.confirm_invalid;
    checked.refusal = refused;
  }
  return checked;
}

TaskSettlement SettlementFor(const User& user, const TaskDetail& task, EntryAction action) {
  TaskSettlement settlement;
  settlement.task_id = task.task.id;
  settlement.user_id = user.id;
  settlement.expected_state = TaskState::kLeased;
  settlement.expected_submits = SubmitCount(task);
  settlement.action = action;
  return settlement;
}

}  // namespace

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kVerified:
      return "verified";
    case Outcome::kRecorded:
      return "recorded";
    case Outcome::kDisagreement:
      return "disagreement";
    case Outcome::kUnreadable:
      return "unreadable";
    case Outcome::kSkipped:
      return "skipped";
    case Outcome::kEscalated:
      return "escalated";
    case Outcome::kRefused:
      return "refused";
  }
  return "refused";
}

ReviewQueue::ReviewQueue(models::Store& store, QueueOptions options)
    : store_(store), options_(options), random_(std::random_device{}()) {}

bool ReviewQueue::DrawGold() {
  if (options_.gold_rate <= 0) return false;
  if (options_.gold_rate >= 1) return true;
  std::lock_guard lock(mu_);
  return std::bernoulli_distribution(options_.gold_rate)(random_);
}

Result<std::shared_ptr<const models::FormDefinition>> ReviewQueue::Definition(const std::string& id,
                                                                              int version) {
  {
    std::lock_guard lock(mu_);
    auto found = forms_.find({id, version});
    if (found != forms_.end()) return found->second;
  }
  ADB_ASSIGN_OR_RETURN(models::FormRecord record, store_.GetForm(id, version));
  ADB_ASSIGN_OR_RETURN(models::FormDefinition form,
                       models::ParseFormDefinition(record.definition_json, id, {},
                                                   /*check_references=*/false));
  auto shared = std::make_shared<const models::FormDefinition>(std::move(form));
  std::lock_guard lock(mu_);
  return forms_.try_emplace({id, version}, std::move(shared)).first->second;
}

Result<std::pair<const models::FieldDefinition*, std::string>> ReviewQueue::FieldOf(
    const TaskDetail& task) {
  if (task.form_id.empty() || task.task.field_name.empty()) {
    return Status::NotFound("この作業には項目がありません", "this task has no field");
  }
  ADB_ASSIGN_OR_RETURN(std::shared_ptr<const models::FormDefinition> form,
                       Definition(task.form_id, task.form_version));
  // The cache never drops a form, so the pointer stays valid as long as the queue.
  const models::FieldDefinition* field = form->FindField(task.task.field_name);
  if (field == nullptr) {
    return Status::NotFound(
        "様式 " + task.form_id + " に項目 " + task.task.field_name + " はありません",
        "form " + task.form_id + " has no field " + task.task.field_name);
  }
  return std::make_pair(field, form->title);
}

Result<ReviewItem> ReviewQueue::ItemFor(const TaskDetail& task) {
  ADB_ASSIGN_OR_RETURN(auto field_and_title, FieldOf(task));
  const models::FieldDefinition& field = *field_and_title.first;
  ReviewItem item;
  item.task_id = task.task.id;
  item.label = field.label;
  item.field_name = field.name;
  item.field_type = std::string(models::FieldTypeName(field.type));
  item.form_title = field_and_title.second;
  // Double entry is blind: the second person must not be led by the machine or the first.
  item.blind = task.task.kind == TaskKind::kDoubleEntry;
  if (!item.blind) item.prefill = task.ocr_value.value_or("");
  for (const models::ChoiceOption& option : field.options) {
    item.options.push_back({option.value, option.label});
  }
  item.reason = task.task.reason;
  item.lease_expires_at = task.lease_expires_at;
  item.snippet_sha256 = task.snippet_sha256;
  if (task.source == models::DocumentSource::kPhone) item.note = task.task.reason;
  return item;
}

Result<std::optional<ReviewItem>> ReviewQueue::Next(const User& user,
                                                    const std::optional<std::string>& field_type) {
  if (!MayReview(user)) return MayNotReview();
  models::ClaimOptions claim;
  claim.user_id = user.id;
  claim.lease_seconds = options_.lease_seconds;
  claim.field_type = field_type;
  claim.include_on_site_only = IsOnSite(user);
  claim.skip_cooldown_seconds = options_.skip_cooldown_seconds;
  std::optional<TaskDetail> task;
  if (DrawGold()) {
    ADB_ASSIGN_OR_RETURN(task, store_.ClaimGoldTask(claim));
  }
  if (!task) {
    ADB_ASSIGN_OR_RETURN(task, store_.ClaimTask(claim));
  }
  if (!task) return std::optional<ReviewItem>();
  ADB_ASSIGN_OR_RETURN(ReviewItem item, ItemFor(*task));
  return std::optional<ReviewItem>(std::move(item));
}

Result<TaskDetail> ReviewQueue::HeldTask(const User& user, std::int64_t task_id) {
  if (!MayReview(user)) return MayNotReview();
  Result<TaskDetail> task = store_.GetTask(task_id);
  if (!task.ok()) {
    if (task.status().code() == StatusCode::kNotFound) return NoSuchTask(task_id);
    return task.status();
  }
  if (!MaySee(user, *task)) return NoSuchTask(task_id);
  if (task->task.state != TaskState::kLeased || task->lease_owner != user.id) {
    return NotYours(task_id);
  }
  return task;
}

Result<EntryResult> ReviewQueue::Apply(const TaskSettlement& settlement, Outcome outcome) {
  Result<models::DocumentState> state = store_.SettleTask(settlement);
  if (!state.ok()) {
    if (state.status().code() == StatusCode::kFailedPrecondition) {
      return NotYours(settlement.task_id);
    }
    return state.status();
  }
  EntryResult result;
  result.outcome = outcome;
  result.document_state = *state;
  return result;
}

Result<EntryResult> ReviewQueue::Submit(const User& user, std::int64_t task_id,
                                        std::string_view value, bool confirm) {
  ADB_ASSIGN_OR_RETURN(TaskDetail task, HeldTask(user, task_id));
  ADB_ASSIGN_OR_RETURN(auto field_and_title, FieldOf(task));
  const models::FieldDefinition& field = *field_and_title.first;

  ADB_ASSIGN_OR_RETURN(CheckedEntry checked, CheckEntry(field, value, confirm));
  if (checked.refusal) return *checked.refusal;
  const std::string& entered = checked.value;
  const bool confirmed_invalid = checked.confirmed_invalid;

  TaskSettlement settlement = SettlementFor(user, task, EntryAction::kSubmit);
  settlement.value = entered;
  Outcome outcome = Outcome::kVerified;
  switch (task.task.kind) {
    case TaskKind::kField:
      settlement.new_state = TaskState::kDone;
      settlement.field_state = FieldState::kVerified;
      settlement.field_value = entered;
      settlement.audit_action = "review.submit";
      break;
    case TaskKind::kDoubleEntry: {
      const auto first = std::find_if(
          task.entries.begin(), task.entries.end(),
          [](const models::TaskEntry& entry) { return entry.action == EntryAction::kSubmit; });
      if (first == task.entries.end()) {
        settlement.new_state = TaskState::kOpen;  // for a second, different person
        settlement.audit_action = "review.double_entry.first";
        outcome = Outcome::kRecorded;
      } else if (first->value == entered) {
        settlement.new_state = TaskState::kDone;
        settlement.field_state = FieldState::kVerified;
        settlement.field_value = entered;
        settlement.audit_action = "review.double_entry.agreed";
      } else {
        settlement.new_state = TaskState::kEscalated;
        settlement.audit_action = "review.double_entry.disagreed";
        outcome = Outcome::kDisagreement;
      }
      break;
    }
    case TaskKind::kGold:
      // The reviewer is not told: a gold task looks like any other and changes no field.
      settlement.new_state = TaskState::kDone;
      settlement.gold_correct = task.gold_answer == entered;
      settlement.audit_action = "review.gold";
      break;
    case TaskKind::kClassification:
      return NoSuchTask(task_id);
  }
  settlement.audit_detail_json = AuditDetail(task, entered, "", confirmed_invalid);
  return Apply(settlement, outcome);
}

Result<EntryResult> ReviewQueue::MarkUnreadable(const User& user, std::int64_t task_id,
                                                const std::string& note) {
  ADB_RETURN_IF_ERROR(CheckNote(note));
  ADB_ASSIGN_OR_RETURN(TaskDetail task, HeldTask(user, task_id));
  TaskSettlement settlement = SettlementFor(user, task, EntryAction::kUnreadable);
  settlement.note = note;
  settlement.audit_action = "review.unreadable";
  Outcome outcome = Outcome::kUnreadable;
  switch (task.task.kind) {
    case TaskKind::kField:
      settlement.new_state = TaskState::kDone;
      settlement.field_state = FieldState::kUnreadable;
      break;
    case TaskKind::kDoubleEntry:
      // One person's "unreadable" is not two agreeing entries: a supervisor settles it.
      settlement.new_state = TaskState::kEscalated;
      outcome = Outcome::kEscalated;
      break;
    case TaskKind::kGold:
      settlement.new_state = TaskState::kDone;
      settlement.gold_correct = false;  // a gold answer was read by a person before
      outcome = Outcome::kUnreadable;
      break;
    case TaskKind::kClassification:
      return NoSuchTask(task_id);
  }
  settlement.audit_detail_json = AuditDetail(task, std::nullopt, note, false);
  return Apply(settlement, outcome);
}

Result<EntryResult> ReviewQueue::Skip(const User& user, std::int64_t task_id) {
  ADB_ASSIGN_OR_RETURN(TaskDetail task, HeldTask(user, task_id));
  TaskSettlement settlement = SettlementFor(user, task, EntryAction::kSkip);
  // A skipped gold task simply ends: it exists only to measure this reviewer.
  settlement.new_state = task.task.kind == TaskKind::kGold ? TaskState::kDone : TaskState::kOpen;
  settlement.skipped = true;
  settlement.audit_action = "review.skip";
  settlement.audit_detail_json = AuditDetail(task, std::nullopt, "", false);
  return Apply(settlement, Outcome::kSkipped);
}

Result<EntryResult> ReviewQueue::Escalate(const User& user, std::int64_t task_id,
                                          const std::string& note) {
  ADB_RETURN_IF_ERROR(CheckNote(note));
  ADB_ASSIGN_OR_RETURN(TaskDetail task, HeldTask(user, task_id));
  TaskSettlement settlement = SettlementFor(user, task, EntryAction::kEscalate);
  settlement.note = note;
  settlement.new_state =
      task.task.kind == TaskKind::kGold ? TaskState::kDone : TaskState::kEscalated;
  settlement.audit_action = "review.escalate";
  settlement.audit_detail_json = AuditDetail(task, std::nullopt, note, false);
  return Apply(settlement, Outcome::kEscalated);
}

Result<EntryResult> ReviewQueue::Decide(const User& supervisor, std::int64_t task_id,
                                        const std::optional<std::string>& value, bool confirm) {
  if (supervisor.role != Role::kSupervisor) {
    return Status::PermissionDenied("判断できるのは監督者だけです",
                                    "only a supervisor settles escalations");
  }
  Result<TaskDetail> found = store_.GetTask(task_id);
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound) return NoSuchTask(task_id);
    return found.status();
  }
  const TaskDetail& task = *found;
  if (!MaySee(supervisor, task)) return NoSuchTask(task_id);
  if (task.task.state != TaskState::kEscalated) {
    const std::string n = std::to_string(task_id);
    return Status::FailedPrecondition("確認作業 " + n + " は判断を待っていません",
                                      "review task " + n + " is not waiting for a decision");
  }
  TaskSettlement settlement;
  settlement.task_id = task_id;
  settlement.user_id = supervisor.id;
  settlement.expected_state = TaskState::kEscalated;
  settlement.expected_submits = SubmitCount(task);
  settlement.action = EntryAction::kDecide;
  settlement.new_state = TaskState::kDone;
  settlement.audit_action = "review.decide";
  Outcome outcome = Outcome::kVerified;
  bool confirmed_invalid = false;
  if (!value) {
    settlement.field_state = FieldState::kUnreadable;
    outcome = Outcome::kUnreadable;
  } else {
    ADB_ASSIGN_OR_RETURN(auto field_and_title, FieldOf(task));
    const models::FieldDefinition& field = *field_and_title.first;
    ADB_ASSIGN_OR_RETURN(CheckedEntry checked, CheckEntry(field, *value, confirm));
    if (checked.refusal) return *checked.refusal;
    const std::string& decided = checked.value;
    confirmed_invalid = checked.confirmed_invalid;
    settlement.value = decided;
    settlement.field_state = FieldState::kVerified;
    settlement.field_value = decided;
  }
  settlement.audit_detail_json = AuditDetail(task, settlement.value, "", confirmed_invalid);
  return Apply(settlement, outcome);
}

Result<TaskDetail> ReviewQueue::TaskForSnippet(const User& user, std::int64_t task_id) {
  if (!MayReview(user)) return MayNotReview();
  Result<TaskDetail> task = store_.GetTask(task_id);
  if (!task.ok()) {
    if (task.status().code() == StatusCode::kNotFound) return NoSuchTask(task_id);
    return task.status();
  }
  if (!MaySee(user, *task)) return NoSuchTask(task_id);
  const bool holds = task->task.state == TaskState::kLeased && task->lease_owner == user.id;
  const bool decides = user.role == Role::kSupervisor && task->task.state == TaskState::kEscalated;
  if (!holds && !decides) return NoSuchTask(task_id);
  models::AuditEvent view;
  view.user_id = user.id;
  view.action = "review.view";
  view.document_id = task->task.document_id;
  view.field_id = task->task.field_id;
  view.detail_json = nlohmann::json({{"task", task_id}}).dump();
  ADB_RETURN_IF_ERROR(store_.AppendAudit(view));
  return task;
}

Result<std::vector<Escalation>> ReviewQueue::Escalations(const User& supervisor) {
  if (supervisor.role != Role::kSupervisor) {
    return Status::PermissionDenied("判断待ちを見られるのは監督者だけです",
                                    "only a supervisor sees escalations");
  }
  ADB_ASSIGN_OR_RETURN(std::vector<TaskDetail> tasks,
                       store_.ListEscalatedTasks(supervisor.review_tenant_ids));
  std::vector<Escalation> escalations;
  escalations.reserve(tasks.size());
  for (TaskDetail& task : tasks) {
    Escalation escalation;
    Result<std::pair<const models::FieldDefinition*, std::string>> field = FieldOf(task);
    if (field.ok()) {
      escalation.label = field->first->label;
      escalation.form_title = field->second;
    }
    escalation.detail = std::move(task);
    escalations.push_back(std::move(escalation));
  }
  return escalations;
}

}  // namespace adbridge::review
