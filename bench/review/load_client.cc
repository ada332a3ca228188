// adbridge-review-load: simulated reviewers claiming and submitting review tasks, over HTTP
// against `adbridge serve` or in process on review::ReviewQueue (the plain alternative), and
// the results table of both (bench/review/run.sh drives it; bench/README.md explains the
// figures). Run without arguments for usage.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
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
  adbridge-review-load --url http://HOST:PORT USERS [RUN] [--server-pid PID] --out FILE
      Each reviewer logs in (POST /api/login) on its own keep-alive connection and thread,
      then claims (POST /api/review/next) and submits the pre-fill (POST
      /api/review/tasks/ID/submit) until the time is up. With --server-pid, the server's CPU
      time in the window and its peak memory (VmHWM) at the end go into the report.
  adbridge-review-load --in-process DATA USERS [RUN] [--lease-seconds S] [--gold-rate R] --out FILE
      The same cycles by the same users on review::ReviewQueue over DATA/adbridge.db, with no
      HTTP: the plain alternative.
  adbridge-review-load report --seed SEED.json --http LOAD.json --http-check CHECK.json
                              [--in-process LOAD.json --in-process-check CHECK.json]
                              [--date D] [--machine M] [--server-command C] --markdown OUT.md
      The results table (Markdown) of a run, from the files the steps above wrote.

  USERS: --users FILE (one "name password" per line), or --user-prefix P --count N
         [--password PW] (P01 .. PN; the password is needed over HTTP only)
  RUN:   --seconds S (default 60), --field-type T (ask for one field type only)
  The load report (FILE) is JSON: cycles, cycles_per_second, requests, requests_per_second,
  latency_ms per request kind (p50, p90, p99, max), errors by kind and status, each
  reviewer's claimed and submitted task ids. A summary line goes to stderr.
)";

struct Credentials {
  std::string name;
  std::string password;
};

struct Args {
  std::string command = "load";
  std::optional<std::string> url;
  std::optional<fs::path> in_process, users_file, out;
  std::optional<std::string> user_prefix, password;
  int count = 0;
  LoadOptions load;
  int lease_seconds = 600;
  double gold_rate = 0;
  // report
  std::optional<fs::path> seed, http, http_check, in_process_report, in_process_check, markdown;
  std::string date, machine, server_command;
};

Args Parse(int argc, char** argv) {
  Args a;
  int i = 1;
  if (argc >= 2 && std::string(argv[1]) == "report") {
    a.command = "report";
    i = 2;
  }
  for (; i < argc; ++i) {
    const std::string s = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(s + " needs a value");
      return argv[++i];
    };
    auto number = [&]() -> double {
      const std::string v = value();
      std::size_t used = 0;
      const double n = std::stod(v, &used);
      if (used != v.size() || n < 0) throw std::invalid_argument(s + " needs a number");
      return n;
    };
    if (a.command == "report") {
      if (s == "--seed")
        a.seed = value();
      else if (s == "--http")
        a.http = value();
      else if (s == "--http-check")
        a.http_check = value();
      else if (s == "--in-process")
        a.in_process_report = value();
      else if (s == "--in-process-check")
        a.in_process_check = value();
      else if (s == "--markdown")
        a.markdown = value();
      else if (s == "--date")
        a.date = value();
      else if (s == "--machine")
        a.machine = value();
      else if (s == "--server-command")
        a.server_command = value();
      else
        throw std::invalid_argument("unknown option " + s);
      continue;
    }
    if (s == "--url")
      a.url = value();
    else if (s == "--in-process")
      a.in_process = value();
    else if (s == "--users")
      a.users_file = value();
    else if (s == "--user-prefix")
      a.user_prefix = value();
    else if (s == "--count")
      a.count = static_cast<int>(number());
    else if (s == "--password")
      a.password = value();
    else if (s == "--seconds")
      a.load.seconds = number();
    else if (s == "--field-type")
      a.load.field_type = value();
    else if (s == "--server-pid")
      a.load.server_pid = static_cast<int>(number());
    else if (s == "--lease-seconds")
      a.lease_seconds = static_cast<int>(number());
    else if (s == "--gold-rate")
      a.gold_rate = number();
    else if (s == "--out")
      a.out = value();
    else
      throw std::invalid_argument("unknown option " + s);
  }
  if (a.command == "report") {
    if (!a.seed || !a.http || !a.http_check || !a.markdown) {
      throw std::invalid_argument("report needs --seed, --http, --http-check and --markdown");
    }
    if (a.in_process_report.has_value() != a.in_process_check.has_value()) {
      throw std::invalid_argument("--in-process and --in-process-check go together");
    }
    return a;
  }
  if (a.url.has_value() == a.in_process.has_value()) {
    throw std::invalid_argument("give either --url or --in-process");
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
  adbridge::Result<HttpEndpoint> endpoint = ParseHttpUrl(*a.url);
  if (!endpoint.ok()) return Fail(endpoint.status());
  std::vector<std::unique_ptr<Reviewer>> reviewers;
  for (Credentials& c : Users(a)) {
    reviewers.push_back(MakeHttpReviewer(*endpoint, std::move(c.name), std::move(c.password)));
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

int Report(const Args& a) {
  RunFigures figures;
  figures.date = a.date;
  figures.machine = a.machine;
  figures.server_command = a.server_command;
  figures.seed = ReadJson(*a.seed);
  adbridge::Result<LoadReport> http = ReportFromJson(ReadJson(*a.http));
  if (!http.ok()) return Fail(http.status().WithPrefix(a.http->string() + ": "));
  figures.http = std::move(*http);
  adbridge::Result<IntegrityResult> http_check = IntegrityFromJson(ReadJson(*a.http_check));
  if (!http_check.ok()) return Fail(http_check.status().WithPrefix(a.http_check->string() + ": "));
  figures.http_integrity = std::move(*http_check);
  if (a.in_process_report) {
    adbridge::Result<LoadReport> in = ReportFromJson(ReadJson(*a.in_process_report));
    if (!in.ok()) return Fail(in.status().WithPrefix(a.in_process_report->string() + ": "));
    figures.in_process = std::move(*in);
    adbridge::Result<IntegrityResult> in_check = IntegrityFromJson(ReadJson(*a.in_process_check));
    if (!in_check.ok()) {
      return Fail(in_check.status().WithPrefix(a.in_process_check->string() + ": "));
    }
    figures.in_process_integrity = std::move(*in_check);
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
    return args.url ? RunHttp(args) : RunInProcess(args);
  } catch (const std::exception& e) {
    std::cerr << "adbridge-review-load: " << e.what() << "\n";
    return 1;
  }
}
