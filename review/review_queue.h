// ReviewQueue: what people do with the fields the machine was unsure of. It hands out one field
// at a time under a lease, checks every value a person enters against the field's rules,
// settles double entry (two blind entries that must agree) and gold tasks (known answers that
// measure a reviewer), and lets supervisors settle escalations and disagreements. The store
// applies each decision in one transaction and audits it.
//
//   ReviewQueue queue(store, {.lease_seconds = 600, .gold_rate = 0.02});
//   ADB_ASSIGN_OR_RETURN(std::optional<ReviewItem> item, queue.Next(user, std::nullopt));
//   ADB_ASSIGN_OR_RETURN(EntryResult done, queue.Submit(user, item->task_id, "1950-04-01", false));
//
// What a reviewer may see is decided here, not by the caller: a ReviewItem holds one field
// and nothing of the document around it.
//
// Thread-safety: safe for concurrent use; the store serialises what must be serialised, and
// the cache of parsed form definitions is locked.
#ifndef ADBRIDGE_REVIEW_REVIEW_QUEUE_H_
#define ADBRIDGE_REVIEW_REVIEW_QUEUE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "models/form_definition.h"
#include "models/status.h"
#include "models/store.h"

namespace adbridge::review {

struct QueueOptions {
  int lease_seconds = 600;
  // The share of claims (0..1) that get a gold task, when one is available.
  double gold_rate = 0.0;
  int skip_cooldown_seconds = 600;
};

// One field, as a reviewer is shown it.
struct ReviewItem {
  std::int64_t task_id = 0;
  std::string label;       // the paper form's label (氏名)
  std::string field_name;  // the export column (applicant_name)
  std::string field_type;  // "date"
  std::string form_title;
  std::string prefill;  // the machine's reading; empty for a blind (double-entry) task
  bool blind = false;
  struct Option {
    std::string value;
    std::string label;
  };
  std::vector<Option> options;  // choice fields
  std::string reason;           // why a person must look
  std::string lease_expires_at;
  std::optional<std::string> snippet_sha256;  // none for a phone record
  std::optional<std::string> note;            // the phone operator's note
};

enum class Outcome {
  kVerified,      // the field is settled with the value
  kRecorded,      // the first of two blind entries
  kDisagreement,  // the second blind entry differs: a supervisor decides
  kUnreadable,    // settled as unreadable
  kSkipped,       // back in the queue
  kEscalated,     // waits for a supervisor
  kRefused,       // the value fails the field's rules; nothing changed
};
std::string_view OutcomeName(Outcome outcome);

struct EntryResult {
  Outcome outcome = Outcome::kVerified;
  models::DocumentState document_state = models::DocumentState::kInReview;
  // For kRefused: why, and whether the field lets the reviewer confirm the value anyway.
  Text refusal;
  bool can_confirm = false;
};

// An escalated task as a supervisor sees it.
struct Escalation {
  models::TaskDetail detail;
  std::string label;
  std::string form_title;
};

class ReviewQueue {
 public:
  // `store` must outlive the queue.
  ReviewQueue(models::Store& store, QueueOptions options);

  // Leases the next field for `user`, of one field type when `field_type` is set. Reviewers
  // and supervisors only (PermissionDenied otherwise); on_site_only fields go to supervisors
  // only. Returns nullopt when nothing waits for the user.
  Result<std::optional<ReviewItem>> Next(const models::User& user,
                                         const std::optional<std::string>& field_type);

  // The value a person entered for a task they hold. The value is normalised and checked with
  // the field's rules; one that fails comes back kRefused (nothing changes) unless `confirm`
  // is set and the field allows confirming (confirm_invalid). NotFound when the task is not
  // the user's to see; FailedPrecondition when their lease ran out or the task was settled.
  Result<EntryResult> Submit(const models::User& user, std::int64_t task_id, std::string_view value,
                             bool confirm);
  // MarkUnreadable and Escalate return InvalidArgument, changing nothing, for a note that is
  // not UTF-8.
  Result<EntryResult> MarkUnreadable(const models::User& user, std::int64_t task_id,
                                     const std::string& note);
  Result<EntryResult> Skip(const models::User& user, std::int64_t task_id);
  Result<EntryResult> Escalate(const models::User& user, std::int64_t task_id,
                               const std::string& note);

  // A supervisor of the task's tenant settles an escalated task (or a disagreement) with a
  // value (checked like Submit, and confirmable where the field allows) or as unreadable when
  // `value` is empty.
  Result<EntryResult> Decide(const models::User& supervisor, std::int64_t task_id,
                             const std::optional<std::string>& value, bool confirm);

  // The task whose snippet `user` asks to see: theirs while leased to them, or, for a
  // supervisor of its tenant, an escalated one. NotFound otherwise (whether or not it exists).
  Result<models::TaskDetail> TaskForSnippet(const models::User& user, std::int64_t task_id);

  // Escalations a supervisor may settle (their tenant's), oldest first.
  Result<std::vector<Escalation>> Escalations(const models::User& supervisor);

  // A registered form's definition, parsed once and cached for the queue's lifetime. NotFound
  // when the form is not registered.
  Result<std::shared_ptr<const models::FormDefinition>> Definition(const std::string& id,
                                                                   int version);

  // The field's definition and form title for a task (from the cached form definition).
  // NotFound when the form or field is not registered.
  Result<std::pair<const models::FieldDefinition*, std::string>> FieldOf(
      const models::TaskDetail& task);

 private:
  Result<models::TaskDetail> HeldTask(const models::User& user, std::int64_t task_id);
  Result<ReviewItem> ItemFor(const models::TaskDetail& task);
  Result<EntryResult> Apply(const models::TaskSettlement& settlement, Outcome outcome);
  bool DrawGold();

  models::Store& store_;
  const QueueOptions options_;
  std::mutex mu_;  // guards forms_ and random_
  std::map<std::pair<std::string, int>, std::shared_ptr<const models::FormDefinition>> forms_;
  std::mt19937_64 random_;
};

}  // namespace adbridge::review

#endif  // ADBRIDGE_REVIEW_REVIEW_QUEUE_H_
