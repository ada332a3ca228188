// adbridge-review-seed: the review benchmark's data side (bench/review/run.sh drives it;
// bench/README.md explains the figures). Run without arguments for usage.
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench/review/integrity.h"
#include "bench/review/load.h"
#include "bench/review/seeding.h"
#include "models/status.h"

namespace {

namespace fs = std::filesystem;
using namespace adbridge::bench;

constexpr std::string_view kUsage = R"(usage:
  adbridge-review-seed seed (--data DIR | --db URI) --form FORM.json... [--tasks N] [--no-snippets]
      Registers the forms in DIR (created if needed) and adds documents, read as an OCR worker
      would record them, until at least N review tasks are open (default 80000): every field
      a remote reviewer may take, pre-filled with a value that passes its rules. Prints one
      JSON line {"documents", "tasks", "tasks_by_type", "seconds"}.
  adbridge-review-seed check (--data DIR | --db URI) --report LOAD.json [--seeded-tasks N]
      Checks DIR's database against the report of adbridge-review-load: no task handed out
      twice, every successful submit settled its task once, nothing lost. Prints one JSON
      line; exits 1 when a check fails.

  --db postgresql://USER@HOST:PORT/DB: the store (and its blobs) in that PostgreSQL
  database instead of a data folder, as `adbridge --db`.
)";

struct Args {
  std::string command;
  std::optional<fs::path> data, report;
  std::string db;
  std::vector<fs::path> forms;
  std::int64_t tasks = 80000;
  std::optional<std::int64_t> seeded_tasks;
  bool snippets = true;
};

Args Parse(int argc, char** argv) {
  if (argc < 2) throw std::invalid_argument("no command");
  Args a;
  a.command = argv[1];
  if (a.command != "seed" && a.command != "check") {
    throw std::invalid_argument("unknown command " + a.command);
  }
  std::vector<fs::path>* list = nullptr;
  for (int i = 2; i < argc; ++i) {
    const std::string s = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(s + " needs a value");
      return argv[++i];
    };
    auto number = [&]() -> std::int64_t {
      const std::string v = value();
      std::size_t used = 0;
      const long long n = std::stoll(v, &used);
      if (used != v.size() || n < 0) throw std::invalid_argument(s + " needs a number");
      return n;
    };
    if (!s.starts_with("--")) {
      // More definition files after --form.
      if (list == nullptr) throw std::invalid_argument("unexpected argument " + s);
      list->emplace_back(s);
      continue;
    }
    list = nullptr;
    if (s == "--form") {
      list = &a.forms;
      a.forms.emplace_back(value());
    } else if (s == "--data") {
      a.data = value();
    } else if (s == "--db") {
      a.db = value();
      if (a.db.empty()) throw std::invalid_argument("--db needs a connection string");
    } else if (s == "--report") {
      a.report = value();
    } else if (s == "--tasks") {
      a.tasks = number();
    } else if (s == "--seeded-tasks") {
      a.seeded_tasks = number();
    } else if (s == "--no-snippets") {
      a.snippets = false;
    } else {
      throw std::invalid_argument("unknown option " + s);
    }
  }
  if (a.data.has_value() == !a.db.empty()) {
    throw std::invalid_argument("give either --data DIR or --db URI");
  }
  if (a.command == "seed" && a.forms.empty()) throw std::invalid_argument("--form is required");
  if (a.command == "check" && !a.report) throw std::invalid_argument("--report is required");
  return a;
}

int Fail(const adbridge::Status& status) {
  std::cerr << "adbridge-review-seed: " << status.message() << "\n";
  return 1;
}

int Seed(const Args& a) {
  SeedOptions options{.data_dir = a.data.value_or(fs::path()),
                      .db = a.db,
                      .forms = a.forms,
                      .tasks = a.tasks,
                      .snippets = a.snippets};
  adbridge::Result<SeedSummary> seeded = SeedReviewTasks(options);
  if (!seeded.ok()) return Fail(seeded.status());
  nlohmann::ordered_json line = {{"documents", seeded->documents},
                                 {"tasks", seeded->tasks},
                                 {"tasks_by_type", seeded->tasks_by_type},
                                 {"seconds", seeded->seconds}};
  std::cout << line.dump() << "\n";
  return 0;
}

int Check(const Args& a) {
  std::ifstream in(*a.report, std::ios::binary);
  if (!in) {
    std::cerr << "adbridge-review-seed: cannot read " << a.report->string() << "\n";
    return 1;
  }
  const nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  adbridge::Result<LoadReport> report = ReportFromJson(json);
  if (!report.ok()) return Fail(report.status().WithPrefix(a.report->string() + ": "));
  adbridge::Result<IntegrityResult> result =
      CheckIntegrity(a.data.value_or(fs::path()), a.db, *report, a.seeded_tasks);
  if (!result.ok()) return Fail(result.status());
  std::cout << IntegrityToJson(*result).dump() << "\n";
  for (const std::string& problem : result->problems) {
    std::cerr << "adbridge-review-seed: integrity: " << problem << "\n";
  }
  return result->ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  adbridge::SetDefaultLang(adbridge::Lang::kEn);
  Args args;
  try {
    args = Parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "adbridge-review-seed: " << e.what() << "\n" << kUsage;
    return 2;
  }
  try {
    return args.command == "seed" ? Seed(args) : Check(args);
  } catch (const std::exception& e) {
    std::cerr << "adbridge-review-seed: " << e.what() << "\n";
    return 1;
  }
}
