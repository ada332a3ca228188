// adbridge-review-load: simulated reviewers claiming and submitting review tasks, over HTTP
// against `adbridge serve` or in process on review::ReviewQueue (the plain alternative), and
// the results table of both (bench/review/run.sh drives it; bench/README.md explains the
// figures). Run without arguments for usage.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bench/review/integrity.h"
#include "bench/review/load.h"
#include "bench/review/report.h"
#include "bench/review/reviewers.h"
#include "models/status.h"
#include "models/store.h"
#include "review/review_queue.h"

namespace {

namespace fs = std::filesystem;
using namespace adbridge::bench;

constexpr std::string_view kUsage = R"(usage:
  adbridge-review-load --url http://HOST:PORT... USERS [RUN] [--server-pid PID] --out FILE
      Each reviewer logs in (POST /api/login) on its own keep-alive connection and thread,
      then claims (POST /api/review/next) and submits the pre-fill (POST
      /api/review/tasks/ID/submit) until the time is up. With --server-pid, the server's CPU
      time in the window and its peak memory (VmHWM) at the end go into the report. With
      several --url (servers sharing one database), the reviewers are dealt out among them in
      turn: the first user to the first server, the second to the second, and so on.
  adbridge-review-load --in-process DATA USERS [RUN] [--lease-seconds S] [--gold-rate R] --out FILE
      The same cycles by the same users on review::ReviewQueue over DATA/adbridge.db, with no
      HTTP: the plain alternative.
  adbridge-review-load report --seed SEED.json [--date D] [--machine M] [--server-command C]
                              (--storage NAME (--run LOAD.json CHECK.json)...)...
                              --markdown OUT.md
      The results (Markdown) of a run: one table per --storage ("disk", "memory"), a column
      per --run (a load report and its `adbridge-review-seed check` result).

  USERS: --users FILE (one "name password" per line), or --user-prefix P --count N
         [--password PW] (P01 .. PN; the password is needed over HTTP only)
  RUN:   --seconds S (default 60), --field-type T (ask for one field type only),
         --rate R (R cycles/s for all reviewers together, each on a fixed schedule, so latency
         is measured at that load; default: as fast as the queue answers),
         --fsync-probe DIR (time a 4 KiB write + fdatasync in DIR every 100 ms of the window:
         what a commit's wait for that disk cost during the run)
  The load report (FILE) is JSON: cycles, cycles_per_second, requests, requests_per_second,
  latency_ms per request kind (p50, p90, p99, max), errors by kind and status, each
  reviewer's claimed and submitted task ids. A summary line goes to stderr.
)";

struct Credentials {
  std::string name;
  std::string password;
};

// The files of one storage's runs, for the report: pairs of load report and integrity check.
struct StorageFiles {
  std::string storage;
  std::vector<std::pair<fs::path, fs::path>> runs;
};

struct Args {
  std::string command = "load";
  std::vector<std::string> urls;
  std::optional<fs::path> in_process, users_file, out;
  std::optional<std::string> user_prefix, password;
  int count = 0;
  LoadOptions load;
  int lease_seconds = 600;
  double gold_rate = 0;
  // report
  std::optional<fs::path> seed, markdown;
  std::vector<StorageFiles> storages;
  std::string date, machine, server_command;
};

Args Parse(int argc, char** argv) {
  Args a;
  int i = 1;
  if (argc >= 2 && std::string(argv[1]) == "report") {
    a.command = "report";
    i = 2;
  }
  std::string option;
  auto value = [&]() -> std::string {
    if (i + 1 >= argc) throw std::invalid_argument(option + " needs a value");
    return argv[++i];
  };
  auto number = [&]() -> double {
    const std::string v = value();
    std::size_t used = 0;
    const double n = std::stod(v, &used);
    if (used != v.size() || n < 0) throw std::invalid_argument(option + " needs a number");
    return n;
  };
  auto add_run = [&] {
    if (a.storages.empty()) throw std::invalid_argument(option + " must follow a --storage");
    fs::path load = value();
    fs::path check = value();
    a.storages.back().runs.emplace_back(std::move(load), std::move(check));
  };
  using Handlers = std::map<std::string, std::function<void()>>;
  const Handlers report_options = {
      {"--seed", [&] { a.seed = value(); }},
      {"--storage",
       [&] {
         a.storages.push_back({value(), {}});
       }},
      {"--run", add_run},
      {"--markdown", [&] { a.markdown = value(); }},
      {"--date", [&] { a.date = value(); }},
      {"--machine", [&] { a.machine = value(); }},
      {"--server-command", [&] { a.server_command = value(); }},
  };
  const Handlers load_options = {
      {"--url", [&] { a.urls.push_back(value()); }},
      {"--in-process", [&] { a.in_process = value(); }},
      {"--users", [&] { a.users_file = value(); }},
      {"--user-prefix", [&] { a.user_prefix = value(); }},
      {"--count", [&] { a.count = static_cast<int>(number()); }},
      {"--password", [&] { a.password = value(); }},
      {"--seconds", [&] { a.load.seconds = number(); }},
      {"--field-type", [&] { a.load.field_type = value(); }},
      {"--server-pid", [&] { a.load.server_pid = static_cast<int>(number()); }},
      {"--rate", [&] { a.load.rate = number(); }},
      {"--fsync-probe", [&] { a.load.fsync_probe_dir = value(); }},
      {"--lease-seconds", [&] { a.lease_seconds = static_cast<int>(number()); }},
      {"--gold-rate", [&] { a.gold_rate = number(); }},
      {"--out", [&] { a.out = value(); }},
  };
  const Handlers& handlers = a.command == "report" ? report_options : load_options;
  for (; i < argc; ++i) {
    option = argv[i];
    auto handler = handlers.find(option);
    if (handler == handlers.end()) throw std::invalid_argument("unknown option " + option);
    handler->second();
  }

  if (a.command == "report") {
    if (!a.seed || !a.markdown || a.storages.empty()) {
      throw std::invalid_argument("report needs --seed, --markdown and at least one --storage");
    }
    for (const StorageFiles& f : a.storages) {
      if (f.runs.empty()) throw std::invalid_argument("--storage " + f.storage + " has no --run");
    }
    return a;
  }
  if (a.urls.empty() == !a.in_process.has_value()) {
    throw std::invalid_argument("give either --url (one or more) or --in-process");
  }
  if (a.users_file.has_value() == a.user_prefix.has_value()) {
    throw std::invalid_argument("give either --users FILE or --user-prefix P --count N");
  }
  if (a.user_prefix && a.count <= 0) throw std::invalid_argument("--user-prefix needs --count");
  if (a.load.seconds <= 0) throw std::invalid_argument("--seconds must be more than 0");
  if (!a.out) throw std::invalid_argument("--out is required");
  return a;
}

std::vector<Credentials> Users(const Args& a) {
  std::vector<Credentials> users;
  if (a.users_file) {
    std::ifstream in(*a.users_file);
    if (!in) throw std::runtime_error("cannot read " + a.users_file->string());
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      Credentials c;
      if (!(fields >> c.name)) continue;  // a blank line
      fields >> c.password;
      users.push_back(std::move(c));
    }
    if (users.empty()) throw std::runtime_error(a.users_file->string() + " names no user");
    return users;
  }
  const int width = a.count < 100 ? 2 : static_cast<int>(std::to_string(a.count).size());
  for (int i = 1; i <= a.count; ++i) {
    char number[16];
    std::snprintf(number, sizeof(number), "%0*d", width, i);
    users.push_back({*a.user_prefix + number, a.password.value_or("")});
  }
  return users;
}

nlohmann::json ReadJson(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  // The files are JSON lines; the figures are on the last one.
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return nlohmann::json::parse(last);
}

int Fail(const adbridge::Status& status) {
  std::cerr << "adbridge-review-load: " << status.message() << "\n";
  return 1;
}

int WriteReport(const Args& a, LoadReport report) {
  std::ofstream out(*a.out, std::ios::binary | std::ios::trunc);
  out << ReportToJson(report).dump() << "\n";
  if (!out.flush()) {
    std::cerr << "adbridge-review-load: cannot write " << a.out->string() << "\n";
    return 1;
  }
  std::cerr << ReportSummaryLine(report) << "\n";
  int started = 0;
  for (const ReviewerLog& log : report.logs) started += log.started;
  if (started == 0) {
    std::cerr << "adbridge-review-load: no reviewer could start";
    for (const auto& [key, message] : report.first_error)
      std::cerr << "; " << key << ": " << message;
    std::cerr << "\n";
    return 1;
  }
  return 0;
}

int RunHttp(const Args& a) {
  std::vector<HttpEndpoint> endpoints;
  for (const std::string& url : a.urls) {
    adbridge::Result<HttpEndpoint> endpoint = ParseHttpUrl(url);
    if (!endpoint.ok()) return Fail(endpoint.status());
    endpoints.push_back(std::move(*endpoint));
  }
  std::vector<std::unique_ptr<Reviewer>> reviewers;
  for (Credentials& c : Users(a)) {
    const HttpEndpoint& endpoint = endpoints[reviewers.size() % endpoints.size()];
    reviewers.push_back(MakeHttpReviewer(endpoint, std::move(c.name), std::move(c.password)));
  }
  LoadReport report = RunLoad(reviewers, a.load);
  report.mode = "http";
  return WriteReport(a, std::move(report));
}

int RunInProcess(const Args& a) {
  adbridge::Result<std::unique_ptr<adbridge::models::Store>> store =
      adbridge::models::OpenSqliteStore(*a.in_process / "adbridge.db");
  if (!store.ok()) return Fail(store.status());
  adbridge::review::ReviewQueue queue(**store,
                                      {.lease_seconds = a.lease_seconds, .gold_rate = a.gold_rate});
  std::vector<std::unique_ptr<Reviewer>> reviewers;
  for (Credentials& c : Users(a)) {
    reviewers.push_back(MakeInProcessReviewer(**store, queue, std::move(c.name)));
  }
  LoadReport report = RunLoad(reviewers, a.load);
  report.mode = "in_process";
  return WriteReport(a, std::move(report));
}

// The load report and integrity result in two files, or the error naming the file.
adbridge::Result<std::pair<LoadReport, IntegrityResult>> ReadRun(const fs::path& load,
                                                                 const fs::path& check) {
  adbridge::Result<LoadReport> report = ReportFromJson(ReadJson(load));
  if (!report.ok()) return report.status().WithPrefix(load.string() + ": ");
  adbridge::Result<IntegrityResult> integrity = IntegrityFromJson(ReadJson(check));
  if (!integrity.ok()) return integrity.status().WithPrefix(check.string() + ": ");
  return std::make_pair(std::move(*report), std::move(*integrity));
}

int Report(const Args& a) {
  RunFigures figures;
  figures.date = a.date;
  figures.machine = a.machine;
  figures.server_command = a.server_command;
  figures.seed = ReadJson(*a.seed);
  for (const StorageFiles& files : a.storages) {
    StorageRun storage{files.storage, {}};
    for (const auto& [load, check] : files.runs) {
      auto run = ReadRun(load, check);
      if (!run.ok()) return Fail(run.status());
      storage.runs.push_back({std::move(run->first), std::move(run->second)});
    }
    figures.storages.push_back(std::move(storage));
  }
  const std::string markdown = RenderMarkdown(figures);
  std::ofstream out(*a.markdown, std::ios::binary | std::ios::trunc);
  out << markdown;
  if (!out.flush()) {
    std::cerr << "adbridge-review-load: cannot write " << a.markdown->string() << "\n";
    return 1;
  }
  std::cout << markdown;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  adbridge::SetDefaultLang(adbridge::Lang::kEn);
  Args args;
  try {
    args = Parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "adbridge-review-load: " << e.what() << "\n" << kUsage;
    return 2;
  }
  try {
    if (args.command == "report") return Report(args);
    return args.urls.empty() ? RunInProcess(args) : RunHttp(args);
  } catch (const std::exception& e) {
    std::cerr << "adbridge-review-load: " << e.what() << "\n";
    return 1;
  }
}
