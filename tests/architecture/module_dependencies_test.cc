// Module boundaries (DESIGN.md, "Modules and dependency direction"): each module includes only
// the headers of the modules it may depend on, Tesseract stays inside ocr/, and POCO Net inside
// server/. The rules are checked on every source file of the repository.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace adbridge {
namespace {

namespace fs = std::filesystem;

// What each module may include from the repository. server may include everything.
const std::map<std::string, std::set<std::string>>& AllowedModules() {
  static const std::map<std::string, std::set<std::string>> allowed = {
      {"models", {"models"}},
      {"ingest", {"models", "ingest"}},
      {"ocr", {"models", "ingest", "ocr"}},
      {"review", {"models", "review"}},
      {"output", {"models", "output"}},
      {"server", {"models", "ingest", "ocr", "review", "output", "server"}},
  };
  return allowed;
}

// Third-party headers that belong to one module only.
const std::vector<std::pair<std::string, std::string>>& ConfinedLibraries() {
  static const std::vector<std::pair<std::string, std::string>> confined = {
      {"tesseract/", "ocr"},
      {"Poco/Net/", "server"},
  };
  return confined;
}

// The violations in one file's text, as "file:line: reason".
std::vector<std::string> Violations(const std::string& module, const std::string& file,
                                    const std::string& text) {
  static const std::regex include_re(R"re(^\s*#\s*include\s*([<"])([^>"]+)[>"])re");
  std::vector<std::string> found;
  const auto& allowed = AllowedModules().at(module);
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    std::smatch m;
    if (!std::regex_search(line, m, include_re)) continue;
    const std::string path = m[2];
    const std::string where = file + ":" + std::to_string(number) + ": ";
    if (m[1] == "\"") {
      const std::string target = path.substr(0, path.find('/'));
      if (AllowedModules().count(target) > 0 && allowed.count(target) == 0) {
        found.push_back(where + module + " must not include " + path);
      }
    }
    for (const auto& [prefix, owner] : ConfinedLibraries()) {
      if (path.rfind(prefix, 0) == 0 && module != owner) {
        found.push_back(where + path + " belongs to " + owner + " only");
      }
    }
  }
  return found;
}

TEST(ModuleDependenciesTest, CheckerFlagsAnIncludeAgainstTheDirection) {
  EXPECT_EQ(Violations("models", "models/a.h", "#include \"ingest/scan_ingestor.h\"\n").size(),
            1u);
  EXPECT_EQ(Violations("review", "review/q.cc", "#include \"ocr/recognizer.h\"\n").size(), 1u);
  EXPECT_EQ(Violations("output", "output/l.cc", "  #  include <tesseract/baseapi.h>\n").size(),
            1u);
  EXPECT_EQ(Violations("ingest", "ingest/a.cc", "#include <Poco/Net/HTTPServer.h>\n").size(), 1u);
}

TEST(ModuleDependenciesTest, CheckerAcceptsIncludesAlongTheDirection) {
  EXPECT_TRUE(Violations("ocr", "ocr/a.cc",
                         "#include \"ocr/a.h\"\n#include \"ingest/image_probe.h\"\n"
                         "#include \"models/status.h\"\n#include <tesseract/baseapi.h>\n")
                  .empty());
  EXPECT_TRUE(Violations("server", "server/m.cc",
                         "#include \"review/queue.h\"\n#include <Poco/Net/HTTPServer.h>\n")
                  .empty());
}

TEST(ModuleDependenciesTest, NoModuleIncludesAHeaderItMustNotDependOn) {
  const fs::path root = ADBRIDGE_SOURCE_DIR;
  std::vector<std::string> violations;
  int files = 0;
  for (const auto& [module, allowed] : AllowedModules()) {
    if (!fs::exists(root / module)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / module)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".h" && ext != ".cc") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      ++files;
      for (std::string& v : Violations(module, fs::relative(entry.path(), root).string(),
                                       text.str())) {
        violations.push_back(std::move(v));
      }
    }
  }
  EXPECT_GT(files, 10) << "the module folders were not found under " << root;
  for (const std::string& v : violations) ADD_FAILURE() << v;
}

}  // namespace
}  // namespace adbridge
