// The letters benchmark run as bench/letters/run.sh --quick runs it, so it cannot rot silently:
// it seeds, prints through adbridge letters, renders in process both ways and writes its table.
// No figure is judged here (the machine running the tests may be busy): only that each run
// made every letter and the table says so.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

namespace adbridge::bench {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LettersBenchTest, AQuickRunMakesEveryLetterEachWayAndWritesItsTable) {
  std::random_device rd;
  const fs::path work =
      fs::temp_directory_path() / ("adbridge-letters-bench-" + std::to_string(rd()));
  const fs::path readme = fs::path(ADBRIDGE_SOURCE_DIR) / "bench/README.md";
  const std::string readme_before = Slurp(readme);
  const std::string command = "BUILD_DIR='" + std::string(ADBRIDGE_BINARY_DIR) + "' BENCH_WORK='" +
                              work.string() + "' '" + ADBRIDGE_SOURCE_DIR +
                              "/bench/letters/run.sh' --quick --no-build > '" +
                              (work / "run.out").string() + "'";
  fs::create_directories(work);
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "bench/letters/run.sh failed";

  const nlohmann::json command_summary = nlohmann::json::parse(Slurp(work / "command.json"));
  EXPECT_EQ(command_summary["letters"], 20);
  const nlohmann::json normal = nlohmann::json::parse(Slurp(work / "normal.json"));
  EXPECT_EQ(normal["records"], 20);
  EXPECT_EQ(normal["batch"]["letters"], 20);
  EXPECT_EQ(normal["batch"]["pages"], 20);
  EXPECT_EQ(normal["per_letter"]["letters"], 20);
  EXPECT_GT(normal["per_letter"]["bytes"].get<double>(), normal["batch"]["bytes"].get<double>())
      << "twenty PDFs with their own fonts outweigh one with the fonts once";
  const nlohmann::json large = nlohmann::json::parse(Slurp(work / "large.json"));
  EXPECT_EQ(large["batch"]["pages"], 40) << "a large-print letter takes two pages";

  const std::string table = Slurp(work / "results.md");
  for (const char* row : {"`adbridge letters`, end to end", "one batch PDF, in process",
                          "one batch PDF, large print", "one PDF per letter"}) {
    EXPECT_NE(table.find(row), std::string::npos) << row;
  }
  EXPECT_NE(table.find("Targets"), std::string::npos);
  EXPECT_EQ(Slurp(readme), readme_before) << "a quick run leaves bench/README.md alone";
  std::error_code ec;
  fs::remove_all(work, ec);
}

}  // namespace
}  // namespace adbridge::bench
