// FormLibrary::Load reads each registered form's blank reference image from the blob store's
// bytes, so reading works the same whether the blobs are files or rows of a PostgreSQL
// database (where no file exists to open), and a damaged reference is told rather than
// matched against.
#include "ocr/form_library.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "ingest/form_registry.h"
#include "models/blob_store.h"
#include "models/store.h"
#include "tests/models/postgres_test_db.h"

namespace adbridge::ocr {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kForm = fs::path(ADBRIDGE_SOURCE_DIR) / "models/forms/juminhyo-request.json";
const fs::path kReference =
    fs::path(ADBRIDGE_SOURCE_DIR) / "models/forms/juminhyo-request.p1.png";

// The library loaded from `store` and `blobs` after registering the bundled juminhyo-request
// form there holds the form with the same blank image as the file it was registered from.
void ExpectLoadsTheRegisteredForm(models::Store& store, const models::BlobStore& blobs) {
  Result<ingest::RegisteredForm> registered = ingest::RegisterFormFile(store, blobs, kForm);
  ASSERT_TRUE(registered.ok()) << registered.status().message(Lang::kEn);
  Result<std::unique_ptr<FormLibrary>> library = FormLibrary::Load(store, blobs);
  ASSERT_TRUE(library.ok()) << library.status().message(Lang::kEn);
  const LoadedForm* form = (*library)->Find("juminhyo-request");
  ASSERT_NE(form, nullptr);
  ASSERT_EQ(form->references.size(), 1u);
  const cv::Mat expected = cv::imread(kReference.string(), cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(expected.empty());
  ASSERT_EQ(form->references[0].size(), expected.size());
  EXPECT_EQ(cv::norm(form->references[0], expected, cv::NORM_INF), 0);
}

class FormLibraryFolderTest : public ::testing::Test {
 protected:
  FormLibraryFolderTest() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("adbridge-form-library-" + std::to_string(rd()));
    fs::create_directories(dir_);
    Result<std::unique_ptr<models::Store>> store = models::OpenSqliteStore(dir_ / "adbridge.db");
    if (!store.ok()) ADD_FAILURE() << store.status().message(Lang::kEn);
    store_ = store.ok() ? std::move(store).value() : nullptr;
  }
  ~FormLibraryFolderTest() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::unique_ptr<models::Store> store_;
  models::BlobStore blobs_{dir_ / "blobs"};
};

TEST_F(FormLibraryFolderTest, LoadsTheReferenceImagesOfRegisteredForms) {
  ASSERT_NE(store_, nullptr);
  ExpectLoadsTheRegisteredForm(*store_, blobs_);
}

TEST_F(FormLibraryFolderTest, AReferenceImageDamagedOnDiskIsToldNotMatchedAgainst) {
  ASSERT_NE(store_, nullptr);
  Result<ingest::RegisteredForm> registered = ingest::RegisterFormFile(*store_, blobs_, kForm);
  ASSERT_TRUE(registered.ok()) << registered.status().message(Lang::kEn);
  const std::string sha = registered->record.reference_sha256.at(0);
  const fs::path file = blobs_.PathFor(sha);
  // Same size, some bytes changed: a PNG decoder might still make a picture of it.
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 1000u);
  bytes[bytes.size() - 100] ^= 0x01;
  fs::permissions(file, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;

  Result<std::unique_ptr<FormLibrary>> library = FormLibrary::Load(*store_, blobs_);
  ASSERT_FALSE(library.ok());
  EXPECT_EQ(library.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(library.status().message(Lang::kEn), HasSubstr("juminhyo-request p1"));
  EXPECT_THAT(library.status().message(Lang::kEn), HasSubstr(sha));
}

TEST(FormLibraryPostgresTest, LoadsTheReferenceImagesFromTheDatabaseWithNoFileAnywhere) {
  models::test_support::ScratchPostgresDatabase db;
  ASSERT_FALSE(db.uri().empty());
  Result<std::unique_ptr<models::Store>> store = models::OpenPostgresStore(db.uri());
  ASSERT_TRUE(store.ok()) << store.status().message(Lang::kEn);
  Result<models::BlobStore> blobs = models::BlobStore::InPostgres(db.uri());
  ASSERT_TRUE(blobs.ok()) << blobs.status().message(Lang::kEn);
  ExpectLoadsTheRegisteredForm(**store, *blobs);

  Result<models::FormDefinition> loaded =
      ingest::LoadRegisteredForm(**store, *blobs, "juminhyo-request", std::nullopt);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message(Lang::kEn);
  EXPECT_TRUE(loaded->pages.at(0).reference_path.empty());
  EXPECT_EQ(db.Query("SELECT count(*) FROM blob_contents WHERE sha256 = '" +
                     loaded->pages.at(0).reference_sha256 + "'"),
            "1");
}

}  // namespace
}  // namespace adbridge::ocr
