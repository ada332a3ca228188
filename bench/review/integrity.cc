#include "bench/review/integrity.h"

#include <functional>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "models/internal/postgres.h"
#include "models/internal/sql.h"
#include "models/internal/sqlite.h"

namespace adbridge::bench {
namespace {

using models::internal::Connection;
using models::internal::Statement;

// Runs `sql` (a string literal: the connection keeps it) and calls `row` for each result row.
Status ForEachRow(Connection& db, std::string_view sql,
                  const std::function<void(const Statement&)>& row) {
  ADB_ASSIGN_OR_RETURN(models::internal::PreparedStatement * prepared, db.Prepare(sql));
  Statement stmt(prepared);
  for (;;) {
    ADB_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) return Status::Ok();
    row(stmt);
  }
}

Result<std::int64_t> Count(Connection& db, std::string_view sql) {
  std::int64_t n = 0;
  ADB_RETURN_IF_ERROR(ForEachRow(db, sql, [&](const Statement& s) { n = s.Int(0); }));
  return n;
}

// The database of DATA/adbridge.db, or of the PostgreSQL `db`.
Result<std::unique_ptr<Connection>> OpenDatabase(const std::filesystem::path& data_dir,
                                                 const std::string& db) {
  if (!db.empty()) return models::internal::ConnectPostgres(db);
  const std::filesystem::path path = data_dir / "adbridge.db";
  if (!std::filesystem::exists(path)) {
    return Status::Unavailable("データベースがありません: " + path.string(),
                               "no database at " + path.string());
  }
  ADB_ASSIGN_OR_RETURN(models::internal::SqliteDb sqlite, models::internal::OpenDatabase(path));
  return models::internal::MakeSqliteConnection(std::move(sqlite));
}

// A document's review tasks other than gold that are not settled yet (`d` is the document).
#define ADB_UNSETTLED                                                            \
  "SELECT 1 FROM review_tasks t WHERE t.document_id = d.id AND t.kind <> 'gold'" \
  " AND t.state <> 'done'"

}  // namespace

Result<IntegrityResult> CheckIntegrity(const std::filesystem::path& data_dir, const std::string& db,
                                       const LoadReport& report,
                                       std::optional<std::int64_t> seeded_tasks) {
  ADB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, OpenDatabase(data_dir, db));
  Connection& conn = *connection;
  // Every query sees the same state of the database.
  ADB_ASSIGN_OR_RETURN(models::internal::ReadSnapshot snapshot,
                       models::internal::ReadSnapshot::Begin(conn));

  IntegrityResult r;
  r.seeded_tasks = seeded_tasks;
  // Gold tasks are made by the queue during the run (from fields people verified) and never
  // settle a field; the checks below are about the seeded field tasks.
  std::unordered_set<std::int64_t> gold;
  ADB_RETURN_IF_ERROR(ForEachRow(conn, "SELECT id FROM review_tasks WHERE kind = 'gold'",
                                 [&](const Statement& s) { gold.insert(s.Int(0)); }));
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
      conn, "SELECT state, count(*) FROM review_tasks WHERE kind = 'field' GROUP BY state",
      [&](const Statement& s) {
        const std::int64_t n = s.Int(1);
        r.field_tasks_by_state[s.Text(0)] = n;
        r.field_tasks += n;
      }));
  if (auto it = r.field_tasks_by_state.find("done"); it != r.field_tasks_by_state.end()) {
    r.settled = it->second;
  }

  // Each settled field task against the run's submits, and each submit entry's author.
  std::unordered_set<std::int64_t> done;
  ADB_RETURN_IF_ERROR(
      ForEachRow(conn, "SELECT id FROM review_tasks WHERE kind = 'field' AND state = 'done'",
                 [&](const Statement& s) {
                   const std::int64_t id = s.Int(0);
                   done.insert(id);
                   if (submitter.count(id) == 0) ++r.settled_not_submitted;
                 }));
  for (const auto& [id, name] : submitter) {
    if (done.count(id) == 0) ++r.submitted_not_settled;
  }
  std::unordered_map<std::int64_t, int> submits_per_task;
  ADB_RETURN_IF_ERROR(ForEachRow(
      conn,
      "SELECT e.task_id, u.name FROM review_entries e JOIN review_tasks t ON t.id = e.task_id"
      " JOIN users u ON u.id = e.user_id WHERE e.action = 'submit' AND t.kind = 'field'",
      [&](const Statement& s) {
        const std::int64_t id = s.Int(0);
        ++r.submit_entries;
        if (++submits_per_task[id] == 2) ++r.tasks_with_two_submits;
        auto it = submitter.find(id);
        if (it != submitter.end() && it->second != s.Text(1)) ++r.wrong_reviewer;
      }));

  // Claimed tasks that were not submitted must still be leased to their claimer (or settled,
  // when a submit's answer was lost but the store applied it: that shows as settled_not_submitted).
  std::unordered_map<std::int64_t, std::string> leased;
  ADB_RETURN_IF_ERROR(
      ForEachRow(conn,
                 "SELECT t.id, u.name FROM review_tasks t JOIN users u ON u.id = t.lease_owner"
                 " WHERE t.state = 'leased'",
                 [&](const Statement& s) { leased.emplace(s.Int(0), s.Text(1)); }));
  for (const auto& [id, name] : claimer) {
    if (submitter.count(id) > 0 || done.count(id) > 0) continue;
    auto it = leased.find(id);
    if (it == leased.end() || it->second != name) ++r.lost;
  }
  for (const auto& [id, name] : leased) {
    if (claimer.count(id) == 0) ++r.leased_unknown;
  }

  ADB_ASSIGN_OR_RETURN(r.verified_with_open_task,
                       Count(conn,
                             "SELECT count(*) FROM documents d WHERE d.state = 'verified'"
                             " AND EXISTS (" ADB_UNSETTLED ")"));
  ADB_ASSIGN_OR_RETURN(r.in_review_without_task,
                       Count(conn,
                             "SELECT count(*) FROM documents d WHERE d.state = 'in_review'"
                             " AND NOT EXISTS (" ADB_UNSETTLED ")"));

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
