// Several machines' worth of adbridge on one PostgreSQL database: two `adbridge serve`
// processes (each with its background reader) take the front desk's uploads of generated scans
// and the reviewers' work, while three `adbridge process` workers read beside them. Afterwards
// every document must have been read exactly once and every review task settled exactly once:
// no document or task was handed to two processes, whichever process asked.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/crash/child_process.h"
#include "tests/models/postgres_test_db.h"
#include "tests/server/http_test_client.h"
#include "tests/server/serve_process.h"

namespace adbridge {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using server::http_test::Login;
using server::http_test::LogIn;
using server::http_test::Reply;
using server::http_test::Send;
using test_support::ChildExit;
using test_support::ChildProcess;
using test_support::RunToEnd;
using Clock = std::chrono::steady_clock;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;
constexpr char kPassword[] = "scale-out-password-1";
constexpr int kScans = 12;
constexpr int kWorkers = 3;
constexpr int kReviewers = 4;  // two on each server

class ScaleOutTest : public ::testing::Test {
 protected:
  ScaleOutTest() {
    dir_ = server::http_test::FreshDataFolder("adbridge-scaleout-test-");
    uri_ = db_.uri();
  }
  ~ScaleOutTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // `adbridge --db URI ARGS`, to the end; its exit code must be 0.
  ChildExit Adbridge(const std::vector<std::string>& args,
                     const std::optional<std::string>& input = std::nullopt) {
    std::vector<std::string> all = {"--db", uri_};
    all.insert(all.end(), args.begin(), args.end());
    ChildExit done = RunToEnd(dir_, all, {"OMP_THREAD_LIMIT=1"}, input);
    EXPECT_EQ(done.exit_code, 0) << "adbridge " << args[0] << ": " << done.err;
    return done;
  }

  // A server on a port of its own, reading in the background with one job; its output goes
  // to a folder of its own.
  bool StartServer(test_support::ServeProcess& server) {
    return server.Start("--db " + uri_ + " serve --port 0 --bind 127.0.0.1 --jobs 1");
  }

  // The database's answer to `sql` (first column of the first row), from the test's own
  // connection; serialised, since reviewers ask from several threads.
  std::string Query(const std::string& sql) {
    std::lock_guard lock(query_mu_);
    return db_.Query(sql);
  }
  std::int64_t Count(const std::string& sql) { return std::stoll("0" + Query(sql)); }

  models::test_support::ScratchPostgresDatabase db_;
  std::string uri_;
  fs::path dir_;
  std::mutex query_mu_;
};

TEST_F(ScaleOutTest, ThreeWorkersAndTwoServersReadEachDocumentOnceAndSettleEachTaskOnce) {
  ASSERT_FALSE(uri_.empty());
  // The installation: the bundled forms, a front desk, reviewers and a supervisor.
  std::vector<std::string> add_forms = {"forms", "add"};
  for (const char* form : {"juminhyo-request", "kyufukin-application", "demand-bus-reservation"}) {
    add_forms.push_back((kSource / "models/forms" / (std::string(form) + ".json")).string());
  }
  Adbridge(add_forms);
  const std::string password_line = std::string(kPassword) + "\n";
  Adbridge({"users", "add", "desk", "--role", "frontdesk"}, password_line);
  Adbridge({"users", "add", "chief", "--role", "supervisor"}, password_line);
  for (int r = 0; r < kReviewers; ++r) {
    Adbridge({"users", "add", "reviewer-" + std::to_string(r), "--role", "reviewer"},
             password_line);
  }

  // Generated scans of the three forms: printed and handwriting-like, PNG, JPEG and TIFF.
  const fs::path scans = dir_ / "scans";
  std::string generate = std::string(ADBRIDGE_SCANGEN) + " fill";
  for (const char* form : {"juminhyo-request", "kyufukin-application", "demand-bus-reservation"}) {
    generate += " " + (kSource / "models/forms" / (std::string(form) + ".json")).string();
  }
  generate += " --count " + std::to_string(kScans) + " --out " + scans.string() +
              " --seed 808 --format mixed > " + (dir_ / "scangen.log").string() + " 2>&1";
  ASSERT_EQ(std::system(generate.c_str()), 0) << test_support::Slurp(dir_ / "scangen.log");
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(scans)) {
    if (entry.path().extension() != ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), static_cast<std::size_t>(kScans));

  fs::create_directories(dir_ / "server-a");
  fs::create_directories(dir_ / "server-b");
  test_support::ServeProcess server_a(dir_ / "server-a");
  test_support::ServeProcess server_b(dir_ / "server-b");
  ASSERT_TRUE(StartServer(server_a)) << "the first server did not start: " << server_a.err();
  ASSERT_TRUE(StartServer(server_b)) << "the second server did not start: " << server_b.err();
  const int ports[2] = {server_a.port(), server_b.port()};

  // The front desk uploads half the scans to each server at the same time.
  std::vector<std::thread> desks;
  std::atomic<int> stored{0};
  for (int s = 0; s < 2; ++s) {
    desks.emplace_back([&, s] {
      models::User desk;
      desk.name = "desk";
      const Login login = LogIn(ports[s], desk, kPassword);
      ASSERT_FALSE(login.cookie.empty());
      for (std::size_t i = static_cast<std::size_t>(s); i < files.size(); i += 2) {
        const Reply reply = Send(ports[s], {.method = "POST",
                                            .path = "/api/documents/upload?name=" +
                                                    files[i].filename().string(),
                                            .body = test_support::Slurp(files[i]),
                                            .as = &login,
                                            .content_type = "application/octet-stream"});
        EXPECT_EQ(reply.status, 200) << server::http_test::Describe(reply);
        if (reply.status == 200 && !reply.json().value("duplicate", true)) ++stored;
      }
    });
  }
  for (std::thread& desk : desks) desk.join();
  ASSERT_EQ(stored.load(), kScans);

  // Three workers read beside the servers' own readers.
  std::vector<ChildProcess> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.push_back(ChildProcess::Start(dir_, {"--db", uri_, "process", "--jobs", "1"},
                                          {"OMP_THREAD_LIMIT=1"}));
  }

  // Reviewers on both servers settle whatever the queue hands them, until nothing is left to
  // read and no task waits. Each keeps the tasks it was handed.
  std::mutex handed_mu;
  std::map<std::int64_t, std::vector<int>> handed;  // task -> reviewers it was leased to
  std::atomic<bool> failed{false};
  const auto reading_done = [&] {
    return Count("SELECT count(*) FROM documents WHERE state IN ('received', 'processing')") ==
           0;
  };
  std::vector<std::thread> reviewers;
  for (int r = 0; r < kReviewers; ++r) {
    reviewers.emplace_back([&, r] {
      const int port = ports[r % 2];
      models::User user;
      user.name = "reviewer-" + std::to_string(r);
      const Login login = LogIn(port, user, kPassword);
      if (login.cookie.empty()) {
        failed = true;
        return;
      }
      const Clock::time_point give_up = Clock::now() + std::chrono::minutes(8);
      while (Clock::now() < give_up) {
        const Reply next =
            Send(port, {.method = "POST", .path = "/api/review/next", .body = "{}", .as = &login});
        if (next.status != 200) {
          ADD_FAILURE() << user.name << ": " << server::http_test::Describe(next);
          failed = true;
          return;
        }
        const Json task = next.json().value("task", Json());
        if (!task.is_object()) {
          if (reading_done() &&
              Count("SELECT count(*) FROM review_tasks WHERE kind IN ('field', 'double_entry') "
                    "AND state IN ('open', 'leased')") == 0) {
            return;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
          continue;
        }
        const std::int64_t id = task["id"].get<std::int64_t>();
        {
          std::lock_guard lock(handed_mu);
          handed[id].push_back(r);
        }
        // A blind double entry shows no reading; the test knows it from the database, so the
        // two entries agree.
        const std::string value = Query(
            "SELECT coalesce(f.ocr_value, '') FROM review_tasks t JOIN fields f "
            "ON f.id = t.field_id WHERE t.id = " + std::to_string(id));
        const std::string base = "/api/review/tasks/" + std::to_string(id);
        Reply done = Send(port, {.method = "POST",
                                 .path = base + "/submit",
                                 .body = Json{{"value", value}, {"confirm", true}}.dump(),
                                 .as = &login});
        if (done.status == 400) {  // a reading the field's rules refuse: the person cannot read it
          done = Send(port,
                      {.method = "POST", .path = base + "/unreadable", .body = "{}", .as = &login});
        }
        if (done.status != 200) {
          ADD_FAILURE() << user.name << " task " << id << ": "
                        << server::http_test::Describe(done);
          failed = true;
          return;
        }
      }
      ADD_FAILURE() << user.name << " still had work after 8 minutes";
      failed = true;
    });
  }
  for (std::thread& reviewer : reviewers) reviewer.join();
  std::vector<ChildExit> worker_exits;
  for (ChildProcess& worker : workers) worker_exits.push_back(worker.Wait());
  ASSERT_FALSE(failed.load());

  // A supervisor settles the double entries whose two entries differed.
  {
    models::User chief;
    chief.name = "chief";
    const Login login = LogIn(ports[0], chief, kPassword);
    const Reply escalations =
        Send(ports[0], {.path = "/api/supervisor/escalations", .as = &login});
    ASSERT_EQ(escalations.status, 200) << server::http_test::Describe(escalations);
    const Json waiting = escalations.json();  // kept: the loop walks into it
    for (const Json& task : waiting["tasks"]) {
      const Reply decided = Send(
          ports[1], {.method = "POST",
                     .path = "/api/supervisor/tasks/" +
                             std::to_string(task["id"].get<std::int64_t>()) + "/decide",
                     .body = R"({"unreadable": true})",
                     .as = &login});
      EXPECT_EQ(decided.status, 200) << server::http_test::Describe(decided);
    }
  }
  server_a.Stop();
  server_b.Stop();

  // Who read what: each worker prints a line per document it read; the servers' readers read
  // the rest.
  std::int64_t read_by_workers = 0;
  for (std::size_t w = 0; w < worker_exits.size(); ++w) {
    EXPECT_EQ(worker_exits[w].exit_code, 0) << worker_exits[w].err;
    std::int64_t read = 0;
    for (const Json& line : worker_exits[w].JsonLines()) read += line.contains("document") ? 1 : 0;
    std::cout << "worker " << w << " read " << read << " documents\n";
    read_by_workers += read;
  }
  std::cout << "the two servers read " << kScans - read_by_workers << " documents\n";
  std::map<int, int> per_reviewer;
  for (const auto& [task, who] : handed) {
    for (int r : who) ++per_reviewer[r];
  }
  for (const auto& [r, n] : per_reviewer) std::cout << "reviewer " << r << ": " << n << " tasks\n";
  // Every worker found work or found the queue empty; between them and the servers' readers
  // every scan was read.
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), kScans);
  EXPECT_EQ(Count("SELECT count(*) FROM documents WHERE state IN ('received', 'processing')"), 0);

  // Read once: each document was claimed once and its reading recorded once.
  EXPECT_EQ(Count("SELECT count(*) FROM documents WHERE attempts <> 1"), 0)
      << Query("SELECT string_agg(id || ':' || attempts, ' ') FROM documents");
  EXPECT_EQ(Count("SELECT count(*) FROM (SELECT document_id FROM audit_log "
                  "WHERE action = 'document.read' GROUP BY document_id "
                  "HAVING count(*) <> 1) AS twice"),
            0);
  EXPECT_EQ(Count("SELECT count(DISTINCT document_id) FROM audit_log "
                  "WHERE action = 'document.read'"),
            Count("SELECT count(*) FROM documents WHERE state <> 'failed'"));
  // Settled once: a field task has exactly one entry that settles it; a double entry has two
  // entries by two different people, and a supervisor's decision when they differed.
  const std::int64_t tasks =
      Count("SELECT count(*) FROM review_tasks WHERE kind IN ('field', 'double_entry')");
  EXPECT_GT(tasks, 0) << "the scans should leave fields for people";
  EXPECT_EQ(Count("SELECT count(*) FROM review_tasks WHERE kind IN ('field', 'double_entry') "
                  "AND state <> 'done'"),
            0);
  EXPECT_EQ(Count("SELECT count(*) FROM review_tasks t WHERE t.kind = 'field' AND "
                  "(SELECT count(*) FROM review_entries e WHERE e.task_id = t.id "
                  " AND e.action IN ('submit', 'unreadable', 'decide')) <> 1"),
            0);
  // A double entry has two entries by two different people (and a supervisor's decision when
  // they differed), or one person's "unreadable" that a supervisor then decided.
#define ADB_ENTRIES(actions) \
  "(SELECT count(*) FROM review_entries e WHERE e.task_id = t.id AND e.action IN " actions ")"
  EXPECT_EQ(
      Count("SELECT count(*) FROM review_tasks t WHERE t.kind = 'double_entry' AND NOT ("
            "  (" ADB_ENTRIES("('submit', 'unreadable')") " = 2 AND "
            "   (SELECT count(DISTINCT e.user_id) FROM review_entries e WHERE e.task_id = t.id "
            "    AND e.action IN ('submit', 'unreadable')) = 2 AND "
            "   " ADB_ENTRIES("('decide')") " <= 1) OR "
            "  (" ADB_ENTRIES("('unreadable')") " = 1 AND " ADB_ENTRIES("('submit')") " = 0 AND "
            "   " ADB_ENTRIES("('decide')") " = 1))"),
      0);
#undef ADB_ENTRIES
  // What the reviewers saw agrees: each task was handed out once per entry it holds, a
  // double entry never twice to the same reviewer.
  std::int64_t handed_tasks = 0;
  for (const auto& [task, who] : handed) {
    ++handed_tasks;
    const std::string id = std::to_string(task);
    const std::string kind = Query("SELECT kind FROM review_tasks WHERE id = " + id);
    const std::int64_t entries = Count(
        "SELECT count(*) FROM review_entries WHERE task_id = " + id +
        " AND action IN ('submit', 'unreadable')");
    const std::set<int> people(who.begin(), who.end());
    EXPECT_EQ(static_cast<std::int64_t>(who.size()), entries) << "task " << id << " " << kind;
    EXPECT_EQ(people.size(), who.size()) << "task " << id << " went to one reviewer twice";
    if (kind != "double_entry") {
      EXPECT_EQ(who.size(), 1u) << "task " << id << " (" << kind << ")";
    }
  }
  EXPECT_EQ(handed_tasks, tasks);
  // And every document whose fields were all settled is verified.
  EXPECT_EQ(Count("SELECT count(*) FROM documents d WHERE d.state = 'in_review' AND NOT EXISTS "
                  "(SELECT 1 FROM review_tasks t WHERE t.document_id = d.id "
                  " AND t.state IN ('open', 'leased', 'escalated'))"),
            0);
}

}  // namespace
}  // namespace adbridge
