#include "models/blob_store.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace adbridge::models {
namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> Bytes(std::string_view text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

// Every regular file under `dir`, recursively.
std::vector<fs::path> FilesUnder(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

class BlobStoreTest : public ::testing::Test {
 protected:
  BlobStoreTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-blob-test-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  ~BlobStoreTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path dir_;
};

TEST(Sha256HexTest, MatchesTheKnownDigestsOfTheStandard) {
  EXPECT_EQ(Sha256Hex({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex(Bytes("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(BlobStoreTest, PutThenGetReturnsTheSameBytes) {
  BlobStore blobs(dir_ / "blobs");
  using namespace std::string_view_literals;
  const std::vector<std::uint8_t> bytes = Bytes("住民票の写し等交付請求書\x00\xff"sv);
  Result<std::string> sha = blobs.Put(bytes);
  ASSERT_TRUE(sha.ok()) << sha.status().message();
  EXPECT_EQ(*sha, Sha256Hex(bytes));
  EXPECT_TRUE(blobs.Contains(*sha));

  Result<std::vector<std::uint8_t>> back = blobs.Get(*sha);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, bytes);
}

TEST_F(BlobStoreTest, BlobLivesInAFanOutFolderNamedByTheFirstTwoHexDigits) {
  BlobStore blobs(dir_ / "blobs");
  Result<std::string> sha = blobs.Put(Bytes("scan"));
  ASSERT_TRUE(sha.ok());
  const fs::path expected = dir_ / "blobs" / sha->substr(0, 2) / *sha;
  EXPECT_EQ(blobs.PathFor(*sha), expected);
  EXPECT_TRUE(fs::is_regular_file(expected));
}

TEST_F(BlobStoreTest, EmptyBlobRoundTrips) {
  BlobStore blobs(dir_ / "blobs");
  Result<std::string> sha = blobs.Put({});
  ASSERT_TRUE(sha.ok());
  Result<std::vector<std::uint8_t>> back = blobs.Get(*sha);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->empty());
}

TEST_F(BlobStoreTest, LargeBlobRoundTrips) {
  BlobStore blobs(dir_ / "blobs");
  std::vector<std::uint8_t> bytes(3 * 1024 * 1024 + 17);
  std::mt19937 gen(42);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(gen());
  Result<std::string> sha = blobs.Put(bytes);
  ASSERT_TRUE(sha.ok());
  Result<std::vector<std::uint8_t>> back = blobs.Get(*sha);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, bytes);
}

TEST_F(BlobStoreTest, SameBytesTwiceAreOneFile) {
  BlobStore blobs(dir_ / "blobs");
  Result<std::string> first = blobs.Put(Bytes("the same scan"));
  Result<std::string> second = blobs.Put(Bytes("the same scan"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(FilesUnder(dir_ / "blobs").size(), 1u);
}

TEST_F(BlobStoreTest, DifferentBytesAreDifferentFiles) {
  BlobStore blobs(dir_ / "blobs");
  Result<std::string> a = blobs.Put(Bytes("page 1"));
  Result<std::string> b = blobs.Put(Bytes("page 2"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(FilesUnder(dir_ / "blobs").size(), 2u);
}

TEST_F(BlobStoreTest, NoTemporaryFilesAreLeftBehind) {
  BlobStore blobs(dir_ / "blobs");
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(blobs.Put(Bytes("scan " + std::to_string(i % 7))).ok());
  }
  const std::vector<fs::path> files = FilesUnder(dir_ / "blobs");
  EXPECT_EQ(files.size(), 7u);
  for (const fs::path& file : files) {
    EXPECT_EQ(file.filename().string().rfind(".tmp-", 0), std::string::npos) << file;
    EXPECT_EQ(file.filename().string().size(), 64u) << file;
  }
}

TEST_F(BlobStoreTest, CorruptedFileOnDiskIsDataLoss) {
  BlobStore blobs(dir_ / "blobs");
  Result<std::string> sha = blobs.Put(Bytes("original bytes"));
  ASSERT_TRUE(sha.ok());
  {
    std::ofstream out(blobs.PathFor(*sha), std::ios::binary | std::ios::trunc);
    out << "tampered bytes";
  }
  Result<std::vector<std::uint8_t>> back = blobs.Get(*sha);
  EXPECT_EQ(back.status().code(), StatusCode::kDataLoss);
}

TEST_F(BlobStoreTest, PutRepairsABlobTruncatedOnDisk) {
  BlobStore blobs(dir_ / "blobs");
  const std::vector<std::uint8_t> bytes = Bytes("a whole application form");
  Result<std::string> sha = blobs.Put(bytes);
  ASSERT_TRUE(sha.ok());
  fs::resize_file(blobs.PathFor(*sha), 3);
  ASSERT_EQ(blobs.Get(*sha).status().code(), StatusCode::kDataLoss);

  ASSERT_TRUE(blobs.Put(bytes).ok());
  Result<std::vector<std::uint8_t>> back = blobs.Get(*sha);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, bytes);
}

TEST_F(BlobStoreTest, MissingBlobIsNotFound) {
  BlobStore blobs(dir_ / "blobs");
  const std::string sha = Sha256Hex(Bytes("never stored"));
  EXPECT_EQ(blobs.Get(sha).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(blobs.Contains(sha));
}

TEST_F(BlobStoreTest, MalformedNamesAreInvalidArgument) {
  BlobStore blobs(dir_ / "blobs");
  const std::string upper = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
  for (const std::string& name :
       {std::string(), std::string("abc"), upper, std::string(63, 'a'), std::string(65, 'a'),
        std::string("../") + std::string(61, 'a'), std::string(64, 'g')}) {
    EXPECT_EQ(blobs.Get(name).status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_FALSE(blobs.Contains(name)) << name;
  }
}

TEST_F(BlobStoreTest, ErrorsExplainThemselvesInBothLanguages) {
  BlobStore blobs(dir_ / "blobs");
  Status status = blobs.Get("nope").status();
  EXPECT_FALSE(status.message(Lang::kJa).empty());
  EXPECT_FALSE(status.message(Lang::kEn).empty());
  EXPECT_NE(status.message(Lang::kJa), status.message(Lang::kEn));
}

TEST_F(BlobStoreTest, PutIntoAFolderThatCannotBeCreatedIsUnavailable) {
  // Tests run as root, so permissions would not stop the write; a path under a regular file
  // fails for everyone (ENOTDIR).
  const fs::path file = dir_ / "not-a-folder";
  std::ofstream(file) << "x";
  BlobStore blobs(file / "blobs");
  Result<std::string> sha = blobs.Put(Bytes("scan"));
  EXPECT_EQ(sha.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(sha.status().message(Lang::kEn).find("not-a-folder"), std::string::npos);
}

TEST_F(BlobStoreTest, FailedPutRemovesItsTemporaryFile) {
  // A non-empty folder where the blob should be makes the final rename fail after the bytes
  // were written and synced: the temporary file must go, and nothing may look like the blob.
  BlobStore blobs(dir_ / "blobs");
  const std::vector<std::uint8_t> bytes = Bytes("scan");
  const std::string sha = Sha256Hex(bytes);
  fs::create_directories(blobs.PathFor(sha));
  std::ofstream(blobs.PathFor(sha) / "obstacle") << "in the way";

  Result<std::string> put = blobs.Put(bytes);
  EXPECT_EQ(put.status().code(), StatusCode::kUnavailable);
  const std::vector<fs::path> files = FilesUnder(dir_ / "blobs");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename(), "obstacle");
  EXPECT_FALSE(blobs.Contains(sha));
}

TEST_F(BlobStoreTest, PutWhereTheFanOutFolderIsAFileIsUnavailable) {
  BlobStore blobs(dir_ / "blobs");
  const std::vector<std::uint8_t> bytes = Bytes("scan");
  const std::string sha = Sha256Hex(bytes);
  fs::create_directories(dir_ / "blobs");
  std::ofstream(dir_ / "blobs" / sha.substr(0, 2)) << "in the way";

  EXPECT_EQ(blobs.Put(bytes).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(FilesUnder(dir_ / "blobs").size(), 1u);  // only the obstacle
  EXPECT_FALSE(blobs.Contains(sha));
}

TEST_F(BlobStoreTest, ConcurrentPutsOfTheSameBytesAgreeAndLeaveOneFile) {
  BlobStore blobs(dir_ / "blobs");
  const std::vector<std::uint8_t> bytes(256 * 1024, 0x5a);
  std::vector<std::string> names(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < names.size(); ++i) {
    threads.emplace_back([&, i] {
      Result<std::string> sha = blobs.Put(bytes);
      if (sha.ok()) names[i] = *sha;
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& name : names) EXPECT_EQ(name, Sha256Hex(bytes));
  EXPECT_EQ(FilesUnder(dir_ / "blobs").size(), 1u);
  EXPECT_TRUE(blobs.Get(names[0]).ok());
}

}  // namespace
}  // namespace adbridge::models
