// A reviewer in process: the plain alternative to the HTTP run. The same claim and submit, by
// the same user, straight on review::ReviewQueue.
#include <utility>

#include "bench/review/reviewers.h"

namespace adbridge::bench {
namespace {

Answer Failure(const Status& status) {
  return {std::string(StatusCodeName(status.code())), status.message(Lang::kEn)};
}

class InProcessReviewer final : public Reviewer {
 public:
  InProcessReviewer(models::Store& store, review::ReviewQueue& queue, std::string name)
      : store_(store), queue_(queue), name_(std::move(name)) {}

  const std::string& name() const override { return name_; }

  Answer Start() override {
    Result<models::User> user = store_.GetUserByName(name_);
    if (!user.ok()) return Failure(user.status());
    user_ = std::move(*user);
    return {};
  }

  ClaimAnswer Next(const std::optional<std::string>& field_type) override {
    ClaimAnswer claim;
    Result<std::optional<review::ReviewItem>> item = queue_.Next(user_, field_type);
    if (!item.ok()) {
      static_cast<Answer&>(claim) = Failure(item.status());
      return claim;
    }
    if (!*item) return claim;  // nothing waits
    claim.task_id = (*item)->task_id;
    claim.field_type = (*item)->field_type;
    claim.prefill = (*item)->prefill;
    claim.blind = (*item)->blind;
    return claim;
  }

  SubmitAnswer Submit(std::int64_t task_id, const std::string& value) override {
    SubmitAnswer submit;
    Result<review::EntryResult> entry = queue_.Submit(user_, task_id, value, false);
    if (!entry.ok()) {
      static_cast<Answer&>(submit) = Failure(entry.status());
      return submit;
    }
    if (entry->outcome == review::Outcome::kRefused) {
      // Over HTTP this is a 400; here it gets the same name as the other failures.
      submit.error = "refused";
      submit.detail = entry->refusal.en;
      return submit;
    }
    submit.result = std::string(review::OutcomeName(entry->outcome));
    return submit;
  }

 private:
  models::Store& store_;
  review::ReviewQueue& queue_;
  const std::string name_;
  models::User user_;
};

}  // namespace

std::unique_ptr<Reviewer> MakeInProcessReviewer(models::Store& store, review::ReviewQueue& queue,
                                                std::string name) {
  return std::make_unique<InProcessReviewer>(store, queue, std::move(name));
}

}  // namespace adbridge::bench
