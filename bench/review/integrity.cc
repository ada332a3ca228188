#include "bench/review/integrity.h"

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace adbridge::bench {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

Status SqlError(sqlite3* db, const std::string& sql) {
  const std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  return Status::Unavailable("データベースを読めません: " + message,
                             "cannot read the database: " + message + " (" + sql + ")");
}

// Runs `sql` and calls `row` for each result row.
Status ForEachRow(sqlite3* db, const std::string& sql,
                  const std::function<void(sqlite3_stmt*)>& row) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    return SqlError(db, sql);
  }
  Stmt stmt(raw);
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return SqlError(db, sql);
    row(stmt.get());
  }
}

Result<std::int64_t> Count(sqlite3* db, const std::string& sql) {
  std::int64_t n = 0;
  ADB_RETURN_IF_ERROR(
      ForEachRow(db, sql, [&](sqlite3_stmt* s) { n = sqlite3_column_int64(s, 0); }));
  return n;
}

std::string Text(sqlite3_stmt* s, int column) {
  const unsigned char* text = sqlite3_column_text(s, column);
  return text != nullptr ? reinterpret_cast<const char*>(text) : "";
}

}  // namespace

Result<IntegrityResult> CheckIntegrity(const std::filesystem::path& data_dir,
                                       const LoadReport& report,
                                       std::optional<std::int64_t> seeded_tasks) {
  const std::filesystem::path path = data_dir / "adbridge.db";
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return Status::Unavailable("データベースを開けません: " + path.string(),
                               "cannot open the database " + path.string());
  }
  sqlite3_busy_timeout(db.get(), 5000);

  IntegrityResult r;
  r.seeded_tasks = seeded_tasks;
  // Gold tasks are made by the queue during the run (from fields people verified) and never
  // settle a field; the checks below are about the seeded field tasks.
  std::unordered_set<std::int64_t> gold;
  ADB_RETURN_IF_ERROR(
      ForEachRow(db.get(), "SELECT id FROM review_tasks WHERE kind = 'gold'",
                 [&](sqlite3_stmt* s) { gold.insert(sqlite3_column_int64(s, 0)); }));
  r.gold_tasks = static_cast<std::int64_t>(gold.size());
  // Who the run says claimed and submitted each task.
  std::unordered_map<std::int64_t, std::string> claimer;
  std::unordered_map<std::int64_t, std::string> submitter;
  for (const ReviewerLog& log : report.logs) {
    r.claims += static_cast<std::int64_t>(log.claimed.size());
    for (std::int64_t id : log.claimed) {
      if (gold.count(id) == 0) claimer.emplace(id, log.name);
    }
    for (std::int64_t id : log.submitted) {
      if (gold.count(id) > 0) {
        ++r.gold_submits;
      } else {
        submitter.emplace(id, log.name);
        ++r.submits_ok;
      }
    }
  }
  r.claimed_twice = static_cast<std::int64_t>(report.claimed_twice.size());

  ADB_RETURN_IF_ERROR(ForEachRow(
      db.get(), "SELECT state, count(*) FROM review_tasks WHERE kind = 'field' GROUP BY state",
      [&](sqlite3_stmt* s) {
        const std::int64_t n = sqlite3_column_int64(s, 1);
        r.field_tasks_by_state[Text(s, 0)] = n;
        r.field_tasks += n;
      }));
  if (auto it = r.field_tasks_by_state.find("done"); it != r.field_tasks_by_state.end()) {
    r.settled = it->second;
  }

  // Each settled field task against the run's submits, and each submit entry's author.
  std::unordered_set<std::int64_t> done;
  ADB_RETURN_IF_ERROR(
      ForEachRow(db.get(), "SELECT id FROM review_tasks WHERE kind = 'field' AND state = 'done'",
                 [&](sqlite3_stmt* s) {
                   const std::int64_t id = sqlite3_column_int64(s, 0);
                   done.insert(id);
                   if (submitter.count(id) == 0) ++r.settled_not_submitted;
                 }));
  for (const auto& [id, name] : submitter) {
    if (done.count(id) == 0) ++r.submitted_not_settled;
  }
  std::unordered_map<std::int64_t, int> submits_per_task;
  ADB_RETURN_IF_ERROR(ForEachRow(
      db.get(),
      "SELECT e.task_id, u.name FROM review_entries e JOIN review_tasks t ON t.id = e.task_id"
      " JOIN users u ON u.id = e.user_id WHERE e.action = 'submit' AND t.kind = 'field'",
      [&](sqlite3_stmt* s) {
        const std::int64_t id = sqlite3_column_int64(s, 0);
        ++r.submit_entries;
        if (++submits_per_task[id] == 2) ++r.tasks_with_two_submits;
        auto it = submitter.find(id);
        if (it != submitter.end() && it->second != Text(s, 1)) ++r.wrong_reviewer;
      }));

  // Claimed tasks that were not submitted must still be leased to their claimer (or settled,
  // when a submit's answer was lost but the store applied it: that shows as settled_not_submitted).
  std::unordered_map<std::int64_t, std::string> leased;
  ADB_RETURN_IF_ERROR(
      ForEachRow(db.get(),
                 "SELECT t.id, u.name FROM review_tasks t JOIN users u ON u.id = t.lease_owner"
                 " WHERE t.state = 'leased'",
                 [&](sqlite3_stmt* s) { leased.emplace(sqlite3_column_int64(s, 0), Text(s, 1)); }));
  for (const auto& [id, name] : claimer) {
    if (submitter.count(id) > 0 || done.count(id) > 0) continue;
    auto it = leased.find(id);
    if (it == leased.end() || it->second != name) ++r.lost;
  }
  for (const auto& [id, name] : leased) {
    if (claimer.count(id) == 0) ++r.leased_unknown;
  }

  const std::string unsettled =
      "SELECT 1 FROM review_tasks t WHERE t.document_id = d.id AND t.kind <> 'gold'"
      " AND t.state <> 'done'";
  ADB_ASSIGN_OR_RETURN(r.verified_with_open_task,
                       Count(db.get(),
                             "SELECT count(*) FROM documents d WHERE d.state ="
                             " 'verified' AND EXISTS (" +
                                 unsettled + ")"));
  ADB_ASSIGN_OR_RETURN(r.in_review_without_task,
                       Count(db.get(),
                             "SELECT count(*) FROM documents d WHERE d.state ="
                             " 'in_review' AND NOT EXISTS (" +
                                 unsettled + ")"));

  auto expect_zero = [&](std::int64_t n, const std::string& what) {
    if (n != 0) r.problems.push_back(std::to_string(n) + " " + what);
  };
  expect_zero(r.claimed_twice, "task(s) handed out more than once");
  expect_zero(r.tasks_with_two_submits, "task(s) with two submit entries");
  expect_zero(r.settled_not_submitted, "task(s) settled that no reviewer of the run submitted");
  expect_zero(r.submitted_not_settled, "successful submit(s) whose task is not settled");
  expect_zero(r.wrong_reviewer, "submit entr(ies) under another user than the submitter");
  expect_zero(r.lost, "claimed task(s) neither settled nor leased to their claimer (lost)");
  expect_zero(r.leased_unknown, "task(s) leased without a claim of the run");
  expect_zero(r.verified_with_open_task, "document(s) verified with a task still open");
  expect_zero(r.in_review_without_task, "document(s) in review with no task left");
  if (r.settled != r.submits_ok) {
    r.problems.push_back(std::to_string(r.settled) + " tasks settled but " +
                         std::to_string(r.submits_ok) + " successful submits");
  }
  if (r.submit_entries != r.submits_ok) {
    r.problems.push_back(std::to_string(r.submit_entries) + " submit entries but " +
                         std::to_string(r.submits_ok) + " successful submits");
  }
  if (seeded_tasks && *seeded_tasks != r.field_tasks) {
    r.problems.push_back(std::to_string(*seeded_tasks) + " tasks seeded but " +
                         std::to_string(r.field_tasks) + " field tasks in the database");
  }
  return r;
}

nlohmann::ordered_json IntegrityToJson(const IntegrityResult& r) {
  nlohmann::ordered_json json = {
      {"ok", r.ok()},
      {"claims", r.claims},
      {"claimed_twice", r.claimed_twice},
      {"submits_ok", r.submits_ok},
      {"field_tasks", r.field_tasks},
      {"field_tasks_by_state", r.field_tasks_by_state},
      {"settled", r.settled},
      {"submit_entries", r.submit_entries},
      {"tasks_with_two_submits", r.tasks_with_two_submits},
      {"settled_not_submitted", r.settled_not_submitted},
      {"submitted_not_settled", r.submitted_not_settled},
      {"wrong_reviewer", r.wrong_reviewer},
      {"lost", r.lost},
      {"leased_unknown", r.leased_unknown},
      {"gold_tasks", r.gold_tasks},
      {"gold_submits", r.gold_submits},
      {"verified_with_open_task", r.verified_with_open_task},
      {"in_review_without_task", r.in_review_without_task},
  };
  if (r.seeded_tasks) json["seeded_tasks"] = *r.seeded_tasks;
  json["problems"] = r.problems;
  return json;
}

Result<IntegrityResult> IntegrityFromJson(const nlohmann::json& json) {
  try {
    IntegrityResult r;
    auto get = [&](const char* key) { return json.at(key).get<std::int64_t>(); };
    r.claims = get("claims");
    r.claimed_twice = get("claimed_twice");
    r.submits_ok = get("submits_ok");
    r.gold_submits = get("gold_submits");
    r.field_tasks = get("field_tasks");
    r.field_tasks_by_state =
        json.at("field_tasks_by_state").get<decltype(r.field_tasks_by_state)>();
    r.settled = get("settled");
    r.submit_entries = get("submit_entries");
    r.tasks_with_two_submits = get("tasks_with_two_submits");
    r.settled_not_submitted = get("settled_not_submitted");
    r.submitted_not_settled = get("submitted_not_settled");
    r.wrong_reviewer = get("wrong_reviewer");
    r.lost = get("lost");
    r.leased_unknown = get("leased_unknown");
    r.gold_tasks = get("gold_tasks");
    r.verified_with_open_task = get("verified_with_open_task");
    r.in_review_without_task = get("in_review_without_task");
    if (json.contains("seeded_tasks")) r.seeded_tasks = get("seeded_tasks");
    r.problems = json.at("problems").get<std::vector<std::string>>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument("整合性の検査結果が読めません: " + std::string(e.what()),
                                   "cannot read the integrity result: " + std::string(e.what()));
  }
}

}  // namespace adbridge::bench
