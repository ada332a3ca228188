// The web pages as the program serves them: every page at its route, in Japanese, with the
// content type a browser needs, byte for byte the files in server/web/, with every file a page
// loads, and with every string it shows in both languages.
#include "server/web_assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace adbridge::server {
namespace {

namespace fs = std::filesystem;

const fs::path kWebDir = fs::path(ADBRIDGE_SOURCE_DIR) / "server" / "web";

// The pages, by route, and the file behind each.
const std::map<std::string, std::string> kPages = {
    {"/", "index.html"},
    {"/review", "review.html"},
    {"/supervisor", "supervisor.html"},
    {"/frontdesk", "frontdesk.html"},
    {"/department", "department.html"},
    {"/intake", "intake.html"}};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The path a file of server/web/ is served at.
std::string PathOf(const std::string& file) {
  for (const auto& [route, page] : kPages) {
    if (page == file) return route;
  }
  return "/" + file;
}

TEST(WebAssetsTest, EachPageIsServedAtItsRouteAsJapaneseHtml) {
  for (const auto& [route, file] : kPages) {
    SCOPED_TRACE(route);
    std::optional<WebAsset> asset = FindWebAsset(route);
    ASSERT_TRUE(asset.has_value());
    EXPECT_EQ(asset->content_type, "text/html; charset=utf-8");
    EXPECT_NE(asset->body.find("<html lang=\"ja\""), std::string_view::npos);
    EXPECT_NE(asset->body.find("<meta charset=\"utf-8\">"), std::string_view::npos);
  }
}

TEST(WebAssetsTest, StylesAndScriptsCarryTheirTextTypes) {
  EXPECT_EQ(FindWebAsset("/app.css")->content_type, "text/css; charset=utf-8");
  for (const char* script : {"/app.js", "/login.js", "/review.js", "/supervisor.js", "/frontdesk.js"}) {
    SCOPED_TRACE(script);
    std::optional<WebAsset> asset = FindWebAsset(script);
    ASSERT_TRUE(asset.has_value());
    EXPECT_EQ(asset->content_type, "text/javascript; charset=utf-8");
  }
}

TEST(WebAssetsTest, EveryFileInTheWebFolderIsEmbeddedByteForByte) {
  int files = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(kWebDir)) {
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    std::optional<WebAsset> asset = FindWebAsset(PathOf(name));
    ASSERT_TRUE(asset.has_value())
        << "add " << name << " to the web FILES in server/CMakeLists.txt";
    EXPECT_EQ(asset->body, ReadFile(entry.path()));
    ++files;
  }
  EXPECT_GE(files, 5);
}

TEST(WebAssetsTest, EveryFileAPageLoadsIsServed) {
  const std::regex reference(R"re((?:src|href)="(/[^"?#]*))re");
  for (const auto& [route, file] : kPages) {
    const std::string body(FindWebAsset(route)->body);
    int references = 0;
    for (auto it = std::sregex_iterator(body.begin(), body.end(), reference);
         it != std::sregex_iterator(); ++it) {
      const std::string target = (*it)[1];
      EXPECT_TRUE(FindWebAsset(target).has_value()) << route << " loads " << target;
      ++references;
    }
    EXPECT_GE(references, 2) << route;  // app.css and app.js at least
  }
}

TEST(WebAssetsTest, UnknownPathsFindNothing) {
  for (const char* path : {"", "/nope", "/review.html", "/index.html", "/review/", "review",
                           "/web/app.css", "/../app.css", "/app.css/", "/API/me", "/App.js"}) {
    EXPECT_FALSE(FindWebAsset(path).has_value()) << '"' << path << '"';
  }
}

// Every string key a page or script names (data-i18n="…" and t('…')) is in both the Japanese and
// the English dictionary (app.js's, or the page's own given to Adb.addStrings), so no page shows
// a bare key in either language.
TEST(WebAssetsTest, EveryStringThePagesShowIsInJapaneseAndEnglish) {
  std::string ja_block;
  std::string en_block;
  for (const char* script : {"/app.js", "/department.js", "/intake.js"}) {
    SCOPED_TRACE(script);
    const std::string text(FindWebAsset(script)->body);
    const size_t ja = text.find("  ja: {");
    const size_t en = text.find("  en: {");
    ASSERT_NE(ja, std::string::npos);
    ASSERT_NE(en, std::string::npos);
    ASSERT_LT(ja, en);
    const size_t end = text.find("\n  }", en);  // the end of the English dictionary
    ja_block += text.substr(ja, en - ja);
    en_block += text.substr(en, end == std::string::npos ? std::string::npos : end - en);
  }

  const std::regex attribute(R"re(data-i18n(?:-placeholder|-aria-label)?="([a-zA-Z.]+)")re");
  const std::regex call(R"re(\bt\('([a-zA-Z.]+)')re");
  std::set<std::string> keys;
  for (const fs::directory_entry& entry : fs::directory_iterator(kWebDir)) {
    const std::string text = ReadFile(entry.path());
    for (const std::regex* re : {&attribute, &call}) {
      for (auto it = std::sregex_iterator(text.begin(), text.end(), *re);
           it != std::sregex_iterator(); ++it) {
        keys.insert((*it)[1]);
      }
    }
  }
  EXPECT_GE(keys.size(), 50u);
  for (const std::string& key : keys) {
    const std::string entry = "'" + key + "':";
    EXPECT_NE(ja_block.find(entry), std::string::npos) << key << " has no Japanese";
    EXPECT_NE(en_block.find(entry), std::string::npos) << key << " has no English";
  }
}

TEST(WebAssetsTest, TheReviewPageSaysWhenADocumentIsVerifiedInBothLanguages) {
  const std::string app(FindWebAsset("/app.js")->body);
  EXPECT_NE(app.find("この書類の確認がすべて終わりました"), std::string::npos);
  EXPECT_NE(app.find("The document is now fully verified"), std::string::npos);
}

}  // namespace
}  // namespace adbridge::server
