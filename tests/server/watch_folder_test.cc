// Tests of the folder `adbridge serve --watch` takes scans from: a file is taken only once it
// stopped changing, a broken one is moved to failed/ with the reason beside it, a duplicate to
// duplicates/, and a file the store refuses stays where it is; bad files of the corpus
// (tests/data/bad/) and links are refused with their reasons. The looks are given their times,
// so nothing here waits.
#include "server/watch_folder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "models/store.h"
#include "server/data_dir.h"
#include "tests/server/bad_corpus.h"

namespace adbridge::server {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

// A small scan with writing on it; `seed` makes the bytes differ.
std::string ScanPng(int seed) {
  cv::Mat image(300, 420, CV_8UC1, cv::Scalar(250));
  cv::putText(image, "scan " + std::to_string(seed), cv::Point(20, 150), cv::FONT_HERSHEY_SIMPLEX,
              1.5, cv::Scalar(10), 3);
  std::vector<std::uint8_t> png;
  cv::imencode(".png", image, png);
  return std::string(png.begin(), png.end());
}

std::string ReadText(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class WatchFolderTest : public ::testing::Test {
 protected:
  WatchFolderTest() {
    std::random_device random;
    root_ = fs::temp_directory_path() / ("adbridge-watch-test-" + std::to_string(random()));
    inbox_ = root_ / "inbox";
    fs::create_directories(inbox_);
    Result<DataDir> data = OpenDataDir(root_ / "data");
    if (!data.ok()) {
      ADD_FAILURE() << "OpenDataDir: " << data.status().message(Lang::kEn);
      return;
    }
    data_ = std::make_unique<DataDir>(std::move(*data));
  }
  ~WatchFolderTest() override {
    data_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  WatchFolder Watch(const std::string& tenant = std::string(models::kDefaultTenant)) {
    WatchOptions options;
    options.dir = inbox_;
    options.tenant_code = tenant;
    return WatchFolder(*data_->store, data_->blobs, options, log_);
  }

  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream out(inbox_ / name, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  void Append(const std::string& name, const std::string& bytes) {
    std::ofstream out(inbox_ / name, std::ios::binary | std::ios::app);
    out << bytes;
  }

  WatchLook LookAt(WatchFolder& watch, int second) {
    Result<WatchLook> look = watch.Look(t0_ + seconds(second));
    EXPECT_TRUE(look.ok()) << look.status().message(Lang::kEn);
    return look.ok() ? *look : WatchLook{};
  }

  std::vector<models::Document> Documents() {
    Result<std::vector<models::Document>> documents = data_->store->ListDocuments(std::nullopt);
    EXPECT_TRUE(documents.ok());
    return documents.ok() ? *documents : std::vector<models::Document>{};
  }

  fs::path root_;
  fs::path inbox_;
  std::unique_ptr<DataDir> data_;
  std::ostringstream log_;
  const Clock::time_point t0_ = Clock::now();
};

TEST_F(WatchFolderTest, ACompleteScanIsStoredUnderItsNameAndMovedToDone) {
  WatchFolder watch = Watch();
  Write("0001.png", ScanPng(1));
  EXPECT_EQ(LookAt(watch, 0).stored, 0);  // seen once: it may still be being written
  EXPECT_TRUE(fs::exists(inbox_ / "0001.png"));
  EXPECT_TRUE(Documents().empty());

  EXPECT_EQ(LookAt(watch, 1).stored, 1);
  EXPECT_FALSE(fs::exists(inbox_ / "0001.png"));
  EXPECT_EQ(ReadText(inbox_ / "done" / "0001.png"), ScanPng(1));
  const std::vector<models::Document> documents = Documents();
  ASSERT_EQ(documents.size(), 1u);
  EXPECT_EQ(documents[0].source_name, "0001.png");
  EXPECT_EQ(documents[0].tenant_code, "default");
  EXPECT_EQ(documents[0].state, models::DocumentState::kReceived);
  EXPECT_NE(log_.str().find("0001.png"), std::string::npos) << log_.str();
}

TEST_F(WatchFolderTest, AFileStillGrowingIsLeftUntilItStopsChanging) {
  WatchFolder watch = Watch();
  const std::string scan = ScanPng(2);
  Write("0002.png", scan.substr(0, scan.size() / 2));
  LookAt(watch, 0);
  Append("0002.png", scan.substr(scan.size() / 2));
  // Changed since the last look, however long ago that was: not yet.
  EXPECT_EQ(LookAt(watch, 5).stored, 0);
  EXPECT_EQ(LookAt(watch, 5).failed, 0);  // the same time again: not a second apart
  EXPECT_TRUE(fs::exists(inbox_ / "0002.png"));
  EXPECT_TRUE(Documents().empty());

  EXPECT_EQ(LookAt(watch, 6).stored, 1);
  EXPECT_EQ(ReadText(inbox_ / "done" / "0002.png"), scan);
  EXPECT_EQ(Documents().size(), 1u);
}

TEST_F(WatchFolderTest, ABrokenFileIsMovedToFailedWithTheReasonInBothLanguages) {
  WatchFolder watch = Watch();
  const std::string scan = ScanPng(3);
  Write("0003.png", scan.substr(0, scan.size() / 2));  // the scanner gave up half way
  LookAt(watch, 0);
  const WatchLook look = LookAt(watch, 1);
  EXPECT_EQ(look.failed, 1);
  EXPECT_EQ(look.stored, 0);
  EXPECT_FALSE(fs::exists(inbox_ / "0003.png"));
  EXPECT_TRUE(fs::exists(inbox_ / "failed" / "0003.png"));
  const std::string why = ReadText(inbox_ / "failed" / "0003.png.error.txt");
  EXPECT_NE(why.find("取り込めませんでした"), std::string::npos) << why;
  EXPECT_NE(why.find("This file was not stored"), std::string::npos) << why;
  EXPECT_TRUE(Documents().empty());
}

TEST_F(WatchFolderTest, TheSameScanAgainIsMovedToDuplicatesAndAddsNoDocument) {
  WatchFolder watch = Watch();
  Write("a.png", ScanPng(4));
  LookAt(watch, 0);
  LookAt(watch, 1);
  Write("a-again.png", ScanPng(4));
  LookAt(watch, 2);
  const WatchLook look = LookAt(watch, 3);
  EXPECT_EQ(look.duplicates, 1);
  EXPECT_TRUE(fs::exists(inbox_ / "done" / "a.png"));
  EXPECT_TRUE(fs::exists(inbox_ / "duplicates" / "a-again.png"));
  EXPECT_EQ(Documents().size(), 1u);
}

TEST_F(WatchFolderTest, AScanTheStoreRefusesStaysInTheFolder) {
  // A municipality the store does not know: InsertDocument refuses every scan.
  WatchFolder watch = Watch("nowhere");
  Write("0005.png", ScanPng(5));
  LookAt(watch, 0);
  const WatchLook look = LookAt(watch, 1);
  EXPECT_EQ(look.kept, 1);
  EXPECT_EQ(look.stored + look.failed + look.duplicates, 0);
  EXPECT_EQ(ReadText(inbox_ / "0005.png"), ScanPng(5));
  EXPECT_FALSE(fs::exists(inbox_ / "failed"));
  EXPECT_FALSE(fs::exists(inbox_ / "done"));
  EXPECT_TRUE(Documents().empty());
  // Tried again once it has settled again, and still kept.
  EXPECT_EQ(LookAt(watch, 2).kept, 0);
  EXPECT_EQ(LookAt(watch, 3).kept, 1);
  EXPECT_TRUE(fs::exists(inbox_ / "0005.png"));
}

TEST_F(WatchFolderTest, HiddenAndTemporaryFilesAreNeverTouched) {
  WatchFolder watch = Watch();
  const std::vector<std::string> names = {".0006.png", "~0006.png", "0006.png~", "0006.png.part",
                                          "0006.TMP"};
  for (const std::string& name : names) Write(name, ScanPng(6));
  for (int second = 0; second < 4; ++second) LookAt(watch, second);
  for (const std::string& name : names) EXPECT_TRUE(fs::exists(inbox_ / name)) << name;
  EXPECT_TRUE(Documents().empty());
  EXPECT_TRUE(WatchFolder::Ignored(".hidden"));
  EXPECT_FALSE(WatchFolder::Ignored("0006.png"));
}

TEST_F(WatchFolderTest, ANameAlreadyInDoneGetsANumber) {
  WatchFolder watch = Watch();
  Write("scan.png", ScanPng(7));
  LookAt(watch, 0);
  LookAt(watch, 1);
  Write("scan.png", ScanPng(8));  // the scanner reuses its names
  LookAt(watch, 2);
  EXPECT_EQ(LookAt(watch, 3).stored, 1);
  EXPECT_EQ(ReadText(inbox_ / "done" / "scan.png"), ScanPng(7));
  EXPECT_EQ(ReadText(inbox_ / "done" / "scan (2).png"), ScanPng(8));
  EXPECT_EQ(Documents().size(), 2u);
}

TEST_F(WatchFolderTest, AFolderThatIsGoneIsReportedAndNotAnEndOfTheWatch) {
  WatchFolder watch = Watch();
  fs::remove_all(inbox_);
  Result<WatchLook> look = watch.Look(t0_);
  ASSERT_FALSE(look.ok());
  EXPECT_EQ(look.status().code(), StatusCode::kUnavailable);
  fs::create_directories(inbox_);
  Write("0009.png", ScanPng(9));
  LookAt(watch, 1);
  EXPECT_EQ(LookAt(watch, 2).stored, 1);
}

TEST_F(WatchFolderTest, BadFilesAndLinksAreMovedToFailedWithTheReasonAndGoodOnesStillTaken) {
  const std::string good = ScanPng(40);
  // A link to a scan elsewhere (another municipality's blob, say) is never followed.
  std::ofstream(root_ / "elsewhere.png", std::ios::binary) << good;
  fs::create_symlink(root_ / "elsewhere.png", inbox_ / "link.png");
  // A name saved in CP932 (申請.png), a decompression bomb and a PDF.
  Write("\x90\x5c\x90\xbf.png", good);
  Write("bomb.tif", ReadText(test_support::kBadCorpus / "bomb-100000x100000.tif"));
  Write("document.png", ReadText(test_support::kBadCorpus / "document.pdf.png"));
  test_support::Tried(4);
  WatchFolder watch = Watch();
  LookAt(watch, 0);
  const WatchLook look = LookAt(watch, 1);
  EXPECT_EQ(look.failed, 4) << log_.str();
  EXPECT_EQ(look.stored, 0) << log_.str();
  EXPECT_TRUE(Documents().empty());
  EXPECT_TRUE(fs::is_symlink(inbox_ / "failed" / "link.png")) << "the link itself was moved";
  EXPECT_EQ(ReadText(root_ / "elsewhere.png"), good) << "and what it points at is untouched";
  for (const auto& [name, english, japanese] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"link.png", "a symbolic link is not taken", "リンク"},
           {"\x90\x5c\x90\xbf.png", "the file name is not UTF-8", "UTF-8 ではありません"},
           {"bomb.tif", "too large", "大きすぎます"},
           {"document.png", "PDF is not supported", "PDF"}}) {
    const std::string why = ReadText(inbox_ / "failed" / (name + ".error.txt"));
    EXPECT_NE(why.find(english), std::string::npos) << name << ": " << why;
    EXPECT_NE(why.find(japanese), std::string::npos) << name << ": " << why;
  }
  // The folder goes on: a good scan is taken.
  Write("0001.png", good);
  LookAt(watch, 2);
  EXPECT_EQ(LookAt(watch, 3).stored, 1) << log_.str();
  EXPECT_TRUE(fs::exists(inbox_ / "done" / "0001.png"));
}

}  // namespace
}  // namespace adbridge::server
