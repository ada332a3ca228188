// The crash harness: adbridge killed with SIGKILL at random moments while it ingests scans and
// phone records, reads them (`process`, and `serve`'s background worker), takes review
// submissions and exports, many times over; after every kill the data folder is opened again
// (its start-up recovery runs) and checked: every input is one document, nothing acknowledged
// is lost, no task is handed out twice, no blob is missing or orphaned, the database is whole.
// Each run then finishes its work and must end exactly where the same work ends without
// crashes.
//
// Seeds are printed; ADBRIDGE_CRASH_SEED=S replays run choices (which command dies, after how
// long, at which crash point) from seed S; ADBRIDGE_CRASH_KILLS sets how many kills to reach
// (default 100). A replay repeats the choices, not the exact instruction a kill lands on.
#include <sqlite3.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "models/blob_store.h"
#include "tests/crash/child_process.h"

namespace adbridge {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using test_support::ChildExit;
using test_support::ChildProcess;
using test_support::RunToEnd;
using test_support::Slurp;
using Clock = std::chrono::steady_clock;

const fs::path kSource = ADBRIDGE_SOURCE_DIR;
constexpr char kExportForm[] = "juminhyo-request";
// As the data folder's recovery: the third time reading a document is cut short fails it.
constexpr int kReadingDeaths = 2;
const std::vector<std::string> kReviewers = {"crash-reviewer-1", "crash-reviewer-2"};

std::uint64_t EnvNumber(const char* name, std::uint64_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return std::strtoull(value, nullptr, 10);
}

// A read-only look at the database, for the checks. Opened only while no adbridge runs.
class Db {
 public:
  explicit Db(const fs::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    }
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Every row of `sql` (with `?1` bound to `param` when given), each column as text.
  std::vector<std::vector<std::string>> Rows(const std::string& sql,
                                             std::optional<std::string> param = std::nullopt) {
    std::vector<std::vector<std::string>> rows;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return rows;
    }
    if (param) sqlite3_bind_text(stmt, 1, param->c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        row.emplace_back(text == nullptr ? "<null>" : text);
      }
      rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return rows;
  }
  std::string One(const std::string& sql, std::optional<std::string> param = std::nullopt) {
    auto rows = Rows(sql, std::move(param));
    return rows.empty() || rows[0].empty() ? "" : rows[0][0];
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string Describe(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    out += "\n   ";
    for (const auto& cell : row) out += " " + cell;
  }
  return out;
}

// Where a document ended up, as the harness compares runs: state, form, and each field.
using Outcome = std::map<std::string, std::string>;  // source_name -> description

// One installation the harness works on: inputs shared by every run, a data folder of its own.
class Installation {
 public:
  Installation(const fs::path& root, const std::string& name, std::uint64_t seed,
               const std::vector<fs::path>& scans, const fs::path& phone)
      : dir_(root / name), data_(dir_ / "data"), rng_(seed), scans_(scans), phone_(phone) {
    fs::create_directories(dir_ / "exports");
    Setup();
  }

  // Kill choices: with no seed given the installation runs every command to its end and
  // learns how long each takes (the reference run).
  void EnableKills(const std::map<std::string, double>* typical_us) { typical_us_ = typical_us; }

  int kills() const { return kills_; }
  int crash_points() const { return crash_points_; }
  const std::map<std::string, double>& durations_us() const { return durations_us_; }

  void RunWorkload() {
    Until("ingest", [&] {
      std::vector<std::string> args = {"--data", data_.string(), "ingest"};
      for (const fs::path& scan : scans_) args.push_back(scan.string());
      return args;
    }, {"blob.written", "blob.renamed", "ingest.blob_recorded"});
    Until("ingest-phone",
          [&] { return std::vector<std::string>{"--data", data_.string(), "ingest-phone",
                                                phone_.string()}; },
          {"blob.written", "blob.renamed"});
    Until("process",
          [&] {
            // The server's background worker reads too; it is killed like the others.
            if (typical_us_ != nullptr && reading_deaths_ < kReadingDeaths && Chance(0.3)) {
              return std::vector<std::string>{"--data", data_.string(), "serve", "--port", "0",
                                              "--bind", "127.0.0.1", "--jobs", "1"};
            }
            return std::vector<std::string>{"--data", data_.string(), "process", "--jobs", "1"};
          },
          {"blob.written", "blob.renamed"});
    Export();
    Review();
    Export();
  }

  // Checks what must hold at every moment (after the folder's recovery).
  void CheckInvariants(const std::string& when) {
    SCOPED_TRACE(when);
    // Opening the folder runs the start-up recovery, as the next adbridge would.
    const ChildExit opened = RunToEnd(dir_, {"--data", data_.string(), "documents", "list"});
    ASSERT_EQ(opened.exit_code, 0) << opened.err;
    Db db(data_ / "adbridge.db");
    EXPECT_EQ(db.One("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(Describe(db.Rows("PRAGMA foreign_key_check")), "");
    // No document left being read by a dead worker.
    EXPECT_EQ(Describe(db.Rows("SELECT id, lease_owner FROM documents WHERE state = "
                               "'processing'")), "");
    // Every input at most one document; everything acknowledged still there.
    EXPECT_EQ(Describe(db.Rows("SELECT source_name, count(*) FROM documents GROUP BY "
                               "source_name HAVING count(*) > 1")), "");
    EXPECT_EQ(Describe(db.Rows("SELECT source_sha256, count(DISTINCT document_id) FROM pages "
                               "GROUP BY source_sha256 HAVING count(DISTINCT document_id) > 1")),
              "");
    for (std::int64_t id : acknowledged_) {
      EXPECT_EQ(db.One("SELECT count(*) FROM documents WHERE id = ?1", std::to_string(id)), "1")
          << "document " << id << " was acknowledged and is gone";
    }
    const std::int64_t documents = std::stoll(db.One("SELECT count(*) FROM documents"));
    EXPECT_LE(documents, static_cast<std::int64_t>(scans_.size()) + phone_rows_);
    // No task handed out twice: one settling entry per person and task, one entry for a
    // single-entry task, one task per field, a settled task never open again.
    EXPECT_EQ(Describe(db.Rows(
                  "SELECT task_id, user_id, count(*) FROM review_entries WHERE action IN "
                  "('submit', 'unreadable') GROUP BY task_id, user_id HAVING count(*) > 1")),
              "");
    EXPECT_EQ(Describe(db.Rows(
                  "SELECT t.id FROM review_tasks t WHERE t.kind = 'field' AND (SELECT count(*) "
                  "FROM review_entries e WHERE e.task_id = t.id AND e.action IN ('submit', "
                  "'unreadable', 'decide')) > 1")),
              "");
    EXPECT_EQ(Describe(db.Rows("SELECT field_id, count(*) FROM review_tasks WHERE kind IN "
                               "('field', 'double_entry') GROUP BY field_id HAVING count(*) > 1")),
              "");
    EXPECT_EQ(Describe(db.Rows(
                  "SELECT t.id, t.state FROM review_tasks t WHERE t.kind = 'field' AND t.state "
                  "IN ('open', 'leased') AND EXISTS (SELECT 1 FROM review_entries e WHERE "
                  "e.task_id = t.id AND e.action IN ('submit', 'unreadable', 'decide'))")),
              "");
    EXPECT_EQ(Describe(db.Rows(
                  "SELECT t.id FROM review_tasks t WHERE t.state = 'done' AND t.kind IN "
                  "('field', 'double_entry') AND NOT EXISTS (SELECT 1 FROM review_entries e "
                  "WHERE e.task_id = t.id AND e.action IN ('submit', 'unreadable', 'decide'))")),
              "");
    EXPECT_EQ(Describe(db.Rows(
                  "SELECT f.id FROM fields f WHERE f.state = 'needs_review' AND NOT EXISTS "
                  "(SELECT 1 FROM review_tasks t WHERE t.field_id = f.id AND t.state IN "
                  "('open', 'leased', 'escalated'))")),
              "");
    const char* kUnsettled =
        "EXISTS (SELECT 1 FROM review_tasks t WHERE t.document_id = d.id AND t.kind <> 'gold' "
        "AND t.state IN ('open', 'leased', 'escalated'))";
    EXPECT_EQ(Describe(db.Rows(std::string("SELECT d.id FROM documents d WHERE (d.state = "
                                           "'verified' AND ") + kUnsettled +
                               ") OR (d.state = 'in_review' AND NOT " + kUnsettled + ")")),
              "");
    CheckBlobs(db);
    CheckExports(db);
  }

  // The end of a run: every document where it ends without crashes.
  Outcome Outcomes() {
    Db db(data_ / "adbridge.db");
    Outcome outcome;
    for (const auto& doc : db.Rows("SELECT id, source_name, state, coalesce(form_id, '-') "
                                   "FROM documents ORDER BY id")) {
      std::string described = doc[2] + " " + doc[3];
      for (const auto& field :
           db.Rows("SELECT name, coalesce(value, '<none>'), state FROM fields WHERE "
                   "document_id = ?1 ORDER BY name", doc[0])) {
        described += " | " + field[0] + "=" + field[1] + " (" + field[2] + ")";
      }
      outcome[fs::path(doc[1]).filename().string()] = described;
    }
    return outcome;
  }

  // Every document an export takes is in an export file: the department got it.
  void CheckEverythingDelivered() {
    Db db(data_ / "adbridge.db");
    const std::set<std::string> delivered = DeliveredIds();
    for (const auto& row : db.Rows(std::string("SELECT id FROM documents WHERE form_id = '") +
                                   kExportForm + "' AND state IN ('in_review', 'verified')")) {
      EXPECT_TRUE(delivered.count(row[0]) == 1) << "document " << row[0] << " never exported";
    }
  }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  void Setup() {
    for (const char* form : {"juminhyo-request", "kyufukin-application",
                             "demand-bus-reservation"}) {
      const ChildExit added = RunToEnd(
          dir_, {"--data", data_.string(), "forms", "add",
                 (kSource / "models/forms" / (std::string(form) + ".json")).string()});
      ASSERT_EQ(added.exit_code, 0) << added.err;
    }
    for (const std::string& name : kReviewers) {
      const ChildExit added = RunToEnd(
          dir_, {"--data", data_.string(), "users", "add", name, "--role", "reviewer"}, {},
          std::string("crash-harness-password\n"));
      ASSERT_EQ(added.exit_code, 0) << added.err;
    }
    std::istringstream csv(Slurp(phone_));
    std::string line;
    while (std::getline(csv, line)) phone_rows_ += line.empty() ? 0 : 1;
    phone_rows_ -= 1;  // the header
  }

  // Runs one command, perhaps killing it (or letting it die at a crash point); checks the
  // folder after every death. Returns how it ended.
  ChildExit Once(const std::string& phase, const std::vector<std::string>& args,
                 const std::vector<std::string>& crash_points) {
    std::vector<std::string> env;
    std::chrono::microseconds kill_after = std::chrono::hours(1);
    const bool server = std::find(args.begin(), args.end(), "serve") != args.end();
    // A document whose reading was cut short three times is failed by design (a file that
    // ends the program every time must not stop the rest), so reading dies at most twice.
    const bool may_die = typical_us_ != nullptr &&
                         (phase != "process" || reading_deaths_ < kReadingDeaths);
    if (may_die) {
      const double typical = typical_us_->count(phase) ? typical_us_->at(phase) : 200'000.0;
      if (server) {
        kill_after = std::chrono::microseconds(static_cast<std::int64_t>(
            std::uniform_real_distribution<double>(0.1, 1.2)(rng_) * typical));
      } else if (!crash_points.empty() && Chance(0.25)) {
        env.push_back("ADBRIDGE_CRASH_AT=" +
                      crash_points[std::uniform_int_distribution<std::size_t>(
                          0, crash_points.size() - 1)(rng_)]);
      } else if (Chance(phase == "process" ? 0.8 : phase.rfind("review", 0) == 0 ? 0.5 : 0.75)) {
        kill_after = std::chrono::microseconds(static_cast<std::int64_t>(
            std::uniform_real_distribution<double>(0.15, 1.1)(rng_) * typical));
      }
    }
    const auto started = Clock::now();
    ChildProcess child = ChildProcess::Start(dir_, args, env);
    if (phase == "process" && kill_after < std::chrono::hours(1)) {
      // Reading starts after the program has loaded its forms and Tesseract, which takes a
      // while of its own: the kill is timed from the moment a document is being read.
      while (child.Running() && Clock::now() - started < std::chrono::seconds(60) &&
             Db(data_ / "adbridge.db").One("SELECT count(*) FROM documents WHERE state = "
                                           "'processing'") == "0") {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      kill_after = std::chrono::microseconds(static_cast<std::int64_t>(
          std::uniform_real_distribution<double>(0.0, 0.7)(rng_) * typical_us_->at(phase)));
    }
    ChildExit done = child.WaitOrKill(kill_after);
    const double took =
        std::chrono::duration<double, std::micro>(Clock::now() - started).count();
    for (const Json& line : done.JsonLines()) {
      if (line.contains("document") && line["document"].is_number_integer()) {
        acknowledged_.insert(line["document"].get<std::int64_t>());
      }
    }
    if (done.killed || done.signal == SIGKILL) {
      std::cout << "  " << (done.killed ? "killed " : "died at " + env.front() + ": ") << phase
                << (server ? " (serve)" : "") << " after " << static_cast<int>(took / 1000)
                << " ms" << std::endl;
    }
    if (phase == "process" && (done.killed || done.signal == SIGKILL)) ++reading_deaths_;
    if (done.killed) {
      ++kills_;
      CheckInvariants("after killing `" + phase + "` at " + std::to_string(took / 1000) + " ms");
    } else if (done.signal == SIGKILL) {
      ++crash_points_;
      CheckInvariants("after `" + phase + "` died at " + env.front());
    } else {
      EXPECT_EQ(done.signal, 0) << phase << " died of signal " << done.signal << "\n" << done.err;
      if (typical_us_ == nullptr && !server) {
        durations_us_[phase] = std::max(durations_us_[phase], took);
      }
    }
    return done;
  }

  template <typename Args>
  ChildExit Until(const std::string& phase, Args args, const std::vector<std::string>& points) {
    for (int attempt = 0; attempt < 60; ++attempt) {
      const std::vector<std::string> a = args();
      ChildExit done = Once(phase, a, points);
      if (std::find(a.begin(), a.end(), "serve") != a.end()) continue;  // never done alone
      if (!done.killed && done.signal == 0) {
        EXPECT_TRUE(done.exit_code == 0 || phase == "ingest-phone") << phase << ": " << done.err;
        return done;
      }
    }
    ADD_FAILURE() << phase << " never finished";
    return {};
  }

  void Export() {
    Until("export", [&] {
      const fs::path out = dir_ / "exports" / ("e" + std::to_string(++exports_) + ".jsonl");
      return std::vector<std::string>{"--data", data_.string(), "export", "--form", kExportForm,
                                      "--format", "jsonl", "--status", "any", "--new",
                                      "--out", out.string()};
    }, {"export.file_in_place"});
  }

  // Two reviewers take turns until neither is handed a task. A reviewer whose command died
  // after the claim finds the task still leased to them (as the review page does on reload).
  void Review() {
    int idle = 0;
    for (int turn = 0; turn < 600 && idle < 2; ++turn) {
      const std::string& user = kReviewers[turn % 2];
      std::optional<std::string> task;
      {
        Db db(data_ / "adbridge.db");
        task = db.One("SELECT t.id FROM review_tasks t JOIN users u ON u.id = t.lease_owner "
                      "WHERE u.name = ?1 AND t.state = 'leased' AND t.lease_expires_at > "
                      "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ORDER BY t.id LIMIT 1",
                      user);
        if (task->empty()) task.reset();
      }
      if (!task) {
        const ChildExit next =
            Once("review-next", {"--data", data_.string(), "review", "next", "--user", user}, {});
        if (next.killed || next.signal != 0) continue;
        const std::vector<Json> lines = next.JsonLines();
        if (lines.empty() || lines[0]["task"].is_null()) {
          ++idle;
          continue;
        }
        task = std::to_string(lines[0]["task"].get<std::int64_t>());
      }
      idle = 0;
      std::string value;
      {
        Db db(data_ / "adbridge.db");
        value = db.One("SELECT coalesce(f.value, f.ocr_value, '') FROM review_tasks t JOIN "
                       "fields f ON f.id = t.field_id WHERE t.id = ?1", *task);
      }
      ChildExit submitted{};
      if (!value.empty()) {
        submitted = Once("review-submit", {"--data", data_.string(), "review", "submit", *task,
                                           "--user", user, "--value", value, "--confirm"},
                         {});
      }
      if (value.empty() ||
          (!submitted.killed && submitted.signal == 0 && submitted.exit_code != 0 &&
           submitted.out.find("refused") != std::string::npos)) {
        Once("review-submit",
             {"--data", data_.string(), "review", "unreadable", *task, "--user", user}, {});
      }
    }
    EXPECT_EQ(idle, 2) << "the review queue never emptied";
  }

  void CheckBlobs(Db& db) {
    std::set<std::string> recorded;
    for (const auto& row : db.Rows("SELECT sha256, size FROM blobs")) {
      recorded.insert(row[0]);
      const fs::path file = data_ / "blobs" / row[0].substr(0, 2) / row[0];
      const std::string bytes = Slurp(file);
      EXPECT_TRUE(fs::exists(file)) << "blob missing: " << row[0];
      EXPECT_EQ(std::to_string(bytes.size()), row[1]) << row[0];
      EXPECT_EQ(models::Sha256Hex(std::span(
                    reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size())),
                row[0]);
    }
    std::error_code ec;
    if (!fs::exists(data_ / "blobs")) return;
    for (const auto& entry : fs::recursive_directory_iterator(data_ / "blobs", ec)) {
      if (entry.is_directory()) continue;
      const std::string name = entry.path().filename().string();
      EXPECT_EQ(recorded.count(name), 1u) << "orphaned file in blobs/: " << entry.path();
    }
  }

  std::set<std::string> DeliveredIds() {
    std::set<std::string> ids;
    for (const auto& entry : fs::directory_iterator(dir_ / "exports")) {
      const std::string name = entry.path().filename().string();
      if (name.front() == '.') continue;  // a temporary file of an export that died
      const std::string text = Slurp(entry.path());
      EXPECT_TRUE(text.empty() || text.back() == '\n') << "cut short: " << entry.path();
      std::istringstream lines(text);
      std::string line;
      while (std::getline(lines, line)) {
        const Json j = Json::parse(line, nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << "cut short: " << entry.path();
        if (!j.is_discarded()) ids.insert(std::to_string(j["document"].get<std::int64_t>()));
      }
    }
    return ids;
  }

  void CheckExports(Db& db) {
    EXPECT_EQ(Describe(db.Rows("SELECT e.id FROM exports e WHERE e.document_count <> (SELECT "
                               "count(*) FROM export_documents x WHERE x.export_id = e.id)")),
              "");
    // A document recorded as delivered is in a file the department has.
    const std::set<std::string> delivered = DeliveredIds();
    for (const auto& row : db.Rows("SELECT DISTINCT document_id FROM export_documents")) {
      EXPECT_EQ(delivered.count(row[0]), 1u)
          << "document " << row[0] << " is recorded as exported but no export file holds it";
    }
  }

  fs::path dir_;
  fs::path data_;
  std::mt19937_64 rng_;
  std::vector<fs::path> scans_;
  fs::path phone_;
  std::int64_t phone_rows_ = 0;
  const std::map<std::string, double>* typical_us_ = nullptr;
  std::map<std::string, double> durations_us_;
  std::set<std::int64_t> acknowledged_;
  int kills_ = 0;
  int crash_points_ = 0;
  int reading_deaths_ = 0;
  int exports_ = 0;
};

fs::path FreshFolder() {
  std::random_device rd;
  const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  fs::path dir = base / ("adbridge-crash-" + std::to_string(rd()));
  fs::create_directories(dir);
  return dir;
}

TEST(CrashHarnessTest, KilledAtRandomAdbridgeLosesNothingAndFinishesAsWithoutCrashes) {
  const auto started = Clock::now();
  const fs::path root = FreshFolder();
  // Inputs shared by every run: a sample scan and the sample phone calls. One scan keeps a run
  // short (reading it is most of a run's time) while every kind of work is still killed.
  const std::vector<fs::path> scans = {kSource / "samples/scans/0001-juminhyo-request.jpg"};
  const fs::path phone = kSource / "samples/phone/calls-2026-11-21.csv";

  Installation reference(root, "reference", 0, scans, phone);
  reference.RunWorkload();
  reference.CheckInvariants("the reference run, no crashes");
  const Outcome expected = reference.Outcomes();
  ASSERT_EQ(expected.size(), scans.size() + 3u) << "the sample inputs changed";
  const std::map<std::string, double> typical = reference.durations_us();

  const std::uint64_t first_seed = EnvNumber("ADBRIDGE_CRASH_SEED", std::random_device()());
  const std::uint64_t kill_target = EnvNumber("ADBRIDGE_CRASH_KILLS", 100);
  std::cout << "crash harness: first seed " << first_seed
            << " (replay: ADBRIDGE_CRASH_SEED=" << first_seed << ")" << std::endl;
  int kills = 0;
  int crash_points = 0;
  int runs = 0;
  // At least five runs, so that every phase is killed at many moments, not only the review
  // loop where most kills land.
  for (std::uint64_t seed = first_seed;
       (kills < static_cast<int>(kill_target) || runs < 5) && runs < 60; ++seed, ++runs) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Installation run(root, "run-" + std::to_string(runs), seed, scans, phone);
    run.EnableKills(&typical);
    run.RunWorkload();
    run.CheckInvariants("the end of the run");
    run.CheckEverythingDelivered();
    EXPECT_EQ(run.Outcomes(), expected) << "seed " << seed << " ends elsewhere than no crashes";
    kills += run.kills();
    crash_points += run.crash_points();
    std::cout << "crash harness: seed " << seed << ": " << run.kills() << " kills, "
              << run.crash_points() << " crash points" << std::endl;
    fs::remove_all(root / ("run-" + std::to_string(runs)));
    if (::testing::Test::HasFailure()) break;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::cout << "crash harness: " << kills << " kills and " << crash_points
            << " crash points survived in " << runs << " runs, " << seconds << " s" << std::endl;
  EXPECT_GE(kills, static_cast<int>(kill_target));
  fs::remove_all(root);
}

}  // namespace
}  // namespace adbridge
