// The review benchmark's tools driven as bench/review/run.sh drives them, so the benchmark
// cannot rot silently: what adbridge-review-seed makes must be tasks a reviewer can claim and
// settle with their pre-fill, and its integrity check must catch a task handed out twice.
// Run twice by ctest: with a data folder (--data), and as pg.* with the store in a scratch
// PostgreSQL database (--db), as bench/scaleout/run.sh uses them.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>

#include "models/store.h"
#include "review/review_queue.h"
#include "tests/models/postgres_test_db.h"

namespace adbridge::bench {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;

struct RunResult {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command line; stdout is captured, stderr passes through to the test's log.
RunResult RunCommand(const std::string& command) {
  RunResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) {
    result.out.append(buffer, n);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class ReviewBenchTest : public ::testing::Test {
 protected:
  ReviewBenchTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-review-bench-test-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  ~ReviewBenchTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Where the tools find the store: "--data DIR/data", or "--db URI" of this test's scratch
  // PostgreSQL database when the run is the pg.* one.
  std::string StoreArgs() {
    if (!models::test_support::TestStoreIsPostgres()) return "--data " + Quote(data().string());
    if (!postgres_) postgres_ = std::make_unique<models::test_support::ScratchPostgresDatabase>();
    return "--db " + Quote(postgres_->uri());
  }

  Result<std::unique_ptr<models::Store>> OpenStore() {
    if (!models::test_support::TestStoreIsPostgres()) {
      return models::OpenSqliteStore(data() / "adbridge.db");
    }
    StoreArgs();
    return models::OpenPostgresStore(postgres_->uri());
  }

  // Seeds the store with at least `tasks` tasks; returns the tool's summary line.
  nlohmann::json Seed(int tasks) {
    RunResult seeded =
        RunCommand(std::string(ADBRIDGE_REVIEW_SEED) + " seed " + StoreArgs() + " --form " +
                   Quote((kSource / "models/forms/juminhyo-request.json").string()) + " --tasks " +
                   std::to_string(tasks));
    EXPECT_EQ(seeded.exit_code, 0);
    return nlohmann::json::parse(seeded.out, nullptr, /*allow_exceptions=*/false);
  }

  fs::path data() const { return dir_ / "data"; }

  fs::path dir_;
  std::unique_ptr<models::test_support::ScratchPostgresDatabase> postgres_;
};

TEST_F(ReviewBenchTest, SeededTasksAreClaimableAndTheirPrefillVerifies) {
  const nlohmann::json summary = Seed(30);
  ASSERT_TRUE(summary.is_object()) << summary;
  const std::int64_t tasks = summary.at("tasks").get<std::int64_t>();
  const std::int64_t documents = summary.at("documents").get<std::int64_t>();
  EXPECT_GE(tasks, 30);
  EXPECT_GT(documents, 1);

  auto store = OpenStore();
  ASSERT_TRUE(store.ok()) << store.status().message();
  models::NewUser reviewer;
  reviewer.name = "bench-test-reviewer";
  reviewer.role = models::Role::kReviewer;
  reviewer.password_hash = "not-used-here";  // the queue never logs anyone in
  auto user = (*store)->AddUser(reviewer);
  ASSERT_TRUE(user.ok()) << user.status().message();

  review::ReviewQueue queue(**store, {});
  std::set<std::int64_t> claimed;
  std::map<std::string, int> by_type;
  for (;;) {
    auto item = queue.Next(*user, std::nullopt);
    ASSERT_TRUE(item.ok()) << item.status().message();
    if (!*item) break;
    const review::ReviewItem& task = **item;
    ASSERT_TRUE(claimed.insert(task.task_id).second) << "task " << task.task_id << " came twice";
    EXPECT_FALSE(task.blind);
    ASSERT_FALSE(task.prefill.empty()) << task.field_name;
    ++by_type[task.field_type];
    auto entry = queue.Submit(*user, task.task_id, task.prefill, /*confirm=*/false);
    ASSERT_TRUE(entry.ok()) << entry.status().message();
    EXPECT_EQ(entry->outcome, review::Outcome::kVerified)
        << task.field_name << " = " << task.prefill << ": " << entry->refusal.en;
  }
  EXPECT_EQ(static_cast<std::int64_t>(claimed.size()), tasks);
  for (const auto& [type, n] : summary.at("tasks_by_type").items()) {
    EXPECT_EQ(by_type[type], n.get<int>()) << type;
  }
  auto verified = (*store)->ListDocuments(models::DocumentState::kVerified);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(static_cast<std::int64_t>(verified->size()), documents);
}

TEST_F(ReviewBenchTest, IntegrityCheckCatchesATaskHandedOutTwice) {
  Seed(12);
  // Two reviewers' logs that both claim task 1, as a broken queue would hand it out; nobody
  // submitted anything, so the store agrees with everything else in the report.
  nlohmann::json report = {{"mode", "http"},
                           {"reviewers", 2},
                           {"seconds", 1.0},
                           {"cycles", 0},
                           {"requests", 2},
                           {"empty_claims", 0},
                           {"latency_ms", nlohmann::json::object()},
                           {"errors", nlohmann::json::object()},
                           {"submit_results", nlohmann::json::object()},
                           {"claimed_twice", {1}},
                           {"reviewer_logs",
                            {{{"name", "a"},
                              {"started", true},
                              {"gave_up", false},
                              {"claimed", {1}},
                              {"submitted", nlohmann::json::array()}},
                             {{"name", "b"},
                              {"started", true},
                              {"gave_up", false},
                              {"claimed", {1}},
                              {"submitted", nlohmann::json::array()}}}}};
  const fs::path report_file = dir_ / "load.json";
  std::ofstream(report_file) << report.dump();

  RunResult checked = RunCommand(std::string(ADBRIDGE_REVIEW_SEED) + " check " + StoreArgs() +
                                 " --report " + Quote(report_file.string()) + " 2>/dev/null");
  EXPECT_EQ(checked.exit_code, 1);
  const nlohmann::json result = nlohmann::json::parse(checked.out, nullptr, false);
  ASSERT_TRUE(result.is_object()) << checked.out;
  EXPECT_FALSE(result.at("ok").get<bool>());
  EXPECT_EQ(result.at("claimed_twice").get<int>(), 1);
  // Task 1 is still open, not leased to its claimer: the check also calls it lost.
  EXPECT_EQ(result.at("lost").get<int>(), 1);
}

TEST_F(ReviewBenchTest, IntegrityCheckPassesAnUntouchedSeed) {
  const nlohmann::json summary = Seed(12);
  nlohmann::json report = {{"mode", "in_process"},
                           {"reviewers", 1},
                           {"seconds", 1.0},
                           {"cycles", 0},
                           {"requests", 0},
                           {"empty_claims", 0},
                           {"latency_ms", nlohmann::json::object()},
                           {"errors", nlohmann::json::object()},
                           {"submit_results", nlohmann::json::object()},
                           {"claimed_twice", nlohmann::json::array()},
                           {"reviewer_logs", nlohmann::json::array()}};
  const fs::path report_file = dir_ / "load.json";
  std::ofstream(report_file) << report.dump();
  RunResult checked = RunCommand(std::string(ADBRIDGE_REVIEW_SEED) + " check " + StoreArgs() +
                                 " --report " + Quote(report_file.string()) + " --seeded-tasks " +
                                 std::to_string(summary.at("tasks").get<int>()));
  EXPECT_EQ(checked.exit_code, 0) << checked.out;
  // A wrong count of seeded tasks is caught: the check reads the store itself.
  RunResult miscounted =
      RunCommand(std::string(ADBRIDGE_REVIEW_SEED) + " check " + StoreArgs() + " --report " +
                 Quote(report_file.string()) + " --seeded-tasks " +
                 std::to_string(summary.at("tasks").get<int>() + 1) + " 2>/dev/null");
  EXPECT_EQ(miscounted.exit_code, 1) << miscounted.out;
}

TEST_F(ReviewBenchTest, TheStoreIsNamedOnceAndAnUnreachableDatabaseIsAnError) {
  const std::string seed = std::string(ADBRIDGE_REVIEW_SEED) + " seed ";
  const std::string form =
      " --form " + Quote((kSource / "models/forms/juminhyo-request.json").string());
  // Neither, both, or an empty connection string: wrong usage (2), nothing made.
  EXPECT_EQ(RunCommand(seed + form + " 2>/dev/null").exit_code, 2);
  EXPECT_EQ(RunCommand(seed + "--data " + Quote(data().string()) +
                       " --db postgresql://postgres@127.0.0.1:1/x" + form + " 2>/dev/null")
                .exit_code,
            2);
  EXPECT_EQ(RunCommand(seed + "--db ''" + form + " 2>/dev/null").exit_code, 2);
  EXPECT_FALSE(fs::exists(data()));
  // Not a connection string, and a server that does not answer: a failure (1).
  EXPECT_EQ(RunCommand(seed + "--db not-a-uri" + form + " 2>/dev/null").exit_code, 1);
  EXPECT_EQ(RunCommand(std::string(ADBRIDGE_REVIEW_SEED) +
                       " check --db postgresql://postgres@127.0.0.1:1/x --report " +
                       Quote((dir_ / "none.json").string()) + " 2>/dev/null")
                .exit_code,
            1);
}

}  // namespace
}  // namespace adbridge::bench
