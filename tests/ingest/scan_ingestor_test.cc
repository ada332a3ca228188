#include "ingest/scan_ingestor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "ingest/form_registry.h"
#include "tests/ingest/test_images.h"

namespace adbridge::ingest {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;

class ScanIngestorTest : public ::testing::Test {
 protected:
  ScanIngestorTest() : dir_(fs::temp_directory_path() / ("adbridge-ingest-" + Random())),
                       blobs_(dir_ / "blobs") {
    fs::create_directories(dir_);
    auto store = models::OpenSqliteStore(dir_ / "adbridge.db");
    if (!store.ok()) throw std::runtime_error(store.status().message(Lang::kEn));
    store_ = std::move(store).value();
  }
  ~ScanIngestorTest() override { fs::remove_all(dir_); }

  static std::string Random() { return std::to_string(std::random_device()()); }

  fs::path Write(const std::string& name, const Bytes& bytes) {
    std::ofstream(dir_ / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return dir_ / name;
  }
  size_t BlobFiles() const {
    size_t n = 0;
    if (!fs::exists(dir_ / "blobs")) return 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "blobs")) n += e.is_regular_file();
    return n;
  }
  size_t Documents() { return store_->ListDocuments({})->size(); }

  fs::path dir_;
  models::BlobStore blobs_;
  std::unique_ptr<models::Store> store_;
};

TEST_F(ScanIngestorTest, ScanBecomesAReceivedDocumentWithItsPagesAndOriginal) {
  ScanIngestor ingestor(*store_, blobs_, {});
  const Bytes tiff = testing::MakeTiff({{600, 848}, {600, 848}, {600, 848}}, 200);
  Result<IngestedScan> scan = ingestor.IngestFile(Write("batch.tif", tiff));
  ASSERT_TRUE(scan.ok()) << scan.status().message(Lang::kEn);
  EXPECT_FALSE(scan->duplicate);
  EXPECT_EQ(scan->pages, 3);

  Result<models::Document> doc = store_->GetDocument(scan->document_id);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->state, models::DocumentState::kReceived);
  EXPECT_EQ(doc->page_count, 3);
  EXPECT_EQ(doc->media_type, "image/tiff");
  EXPECT_EQ(doc->tenant_code, models::kDefaultTenant);
  // The original is stored byte for byte under its hash.
  Result<std::vector<std::uint8_t>> original = blobs_.Get(doc->original_sha256);
  ASSERT_TRUE(original.ok());
  EXPECT_EQ(*original, tiff);
}

TEST_F(ScanIngestorTest, SameBytesUnderAnotherNameAreOneDocument) {
  ScanIngestor ingestor(*store_, blobs_, {});
  const Bytes png = testing::MakePng(620, 877);
  Result<IngestedScan> first = ingestor.IngestFile(Write("0001.png", png));
  Result<IngestedScan> second = ingestor.IngestFile(Write("0001-copy.png", png));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->document_id, first->document_id);
  EXPECT_EQ(Documents(), 1u);
  EXPECT_EQ(BlobFiles(), 1u);
}

TEST_F(ScanIngestorTest, ConcurrentUploadsOfOneFileMakeOneDocument) {
  ScanIngestor ingestor(*store_, blobs_, {});
  const Bytes png = testing::MakePng(620, 877);
  std::vector<std::thread> threads;
  std::vector<Result<IngestedScan>> results(6, Status::Internal("", ""));
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] { results[i] = ingestor.IngestBytes(png, "upload.png"); });
  }
  for (auto& t : threads) t.join();
  int fresh = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().message(Lang::kEn);
    fresh += !r->duplicate;
    EXPECT_EQ(r->document_id, results[0]->document_id);
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(Documents(), 1u);
}

TEST_F(ScanIngestorTest, BadFileStoresNothing) {
  ScanIngestor ingestor(*store_, blobs_, {});
  Bytes png = testing::MakePng(620, 877);
  png.resize(png.size() / 3);
  EXPECT_EQ(ingestor.IngestFile(Write("cut.png", png)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ingestor.IngestFile(dir_ / "absent.png").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ingestor.IngestFile(dir_).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BlobFiles(), 0u);
  EXPECT_EQ(Documents(), 0u);
}

TEST_F(ScanIngestorTest, OversizeFileIsRefusedBeforeItIsRead) {
  IngestOptions options;
  options.limits.max_bytes = 1024;
  ScanIngestor ingestor(*store_, blobs_, options);
  EXPECT_EQ(ingestor.IngestFile(Write("big.png", testing::MakePng(620, 877))).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(BlobFiles(), 0u);
}

TEST_F(ScanIngestorTest, UnknownTenantIsRefused) {
  IngestOptions options;
  options.tenant_code = "nowhere";
  ScanIngestor ingestor(*store_, blobs_, options);
  Result<IngestedScan> scan = ingestor.IngestBytes(testing::MakePng(100, 100), "a.png");
  EXPECT_EQ(scan.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Documents(), 0u);
}

TEST_F(ScanIngestorTest, SameScanForTwoMunicipalitiesIsTwoDocuments) {
  ASSERT_TRUE(store_->EnsureTenant("shiojiri", "塩尻市").ok());
  const Bytes png = testing::MakePng(300, 300);
  ScanIngestor here(*store_, blobs_, {});
  IngestOptions shiojiri;
  shiojiri.tenant_code = "shiojiri";
  ScanIngestor there(*store_, blobs_, shiojiri);
  Result<IngestedScan> a = here.IngestBytes(png, "a.png");
  Result<IngestedScan> b = there.IngestBytes(png, "a.png");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->document_id, b->document_id);
  EXPECT_FALSE(b->duplicate);
  EXPECT_EQ(store_->GetDocument(b->document_id)->tenant_code, "shiojiri");
}

TEST_F(ScanIngestorTest, RegisteredFormComesBackWithItsReferenceFromTheBlobStore) {
  const fs::path form = fs::path(ADBRIDGE_SOURCE_DIR) / "tests/data/forms/juminhyo-request.json";
  Result<RegisteredForm> registered = RegisterFormFile(*store_, blobs_, form);
  ASSERT_TRUE(registered.ok()) << registered.status().message(Lang::kEn);
  EXPECT_TRUE(registered->newly_registered);
  EXPECT_FALSE(RegisterFormFile(*store_, blobs_, form)->newly_registered);

  Result<models::FormDefinition> loaded =
      LoadRegisteredForm(*store_, blobs_, "juminhyo-request", {});
  ASSERT_TRUE(loaded.ok()) << loaded.status().message(Lang::kEn);
  EXPECT_EQ(loaded->fields.size(), registered->definition.fields.size());
  ASSERT_EQ(loaded->pages.size(), 1u);
  EXPECT_TRUE(fs::exists(loaded->pages[0].reference_path));
  EXPECT_EQ(loaded->pages[0].reference_path.parent_path().parent_path(), dir_ / "blobs");
  // The blob's name too, which reads it wherever the blob store keeps it.
  EXPECT_EQ(loaded->pages[0].reference_sha256, registered->record.reference_sha256.at(0));
  Result<std::vector<std::uint8_t>> reference = blobs_.Get(loaded->pages[0].reference_sha256);
  ASSERT_TRUE(reference.ok());
  EXPECT_EQ(reference->size(), fs::file_size(loaded->pages[0].reference_path));

  IngestOptions options;
  options.form_id = "juminhyo-request";
  ScanIngestor ingestor(*store_, blobs_, options);
  Result<IngestedScan> scan = ingestor.IngestBytes(testing::MakePng(300, 300), "a.png");
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(store_->GetDocument(scan->document_id)->form_version, 1);
}

TEST_F(ScanIngestorTest, FormWhoseReferenceIsNotAnImageIsRefusedNamingTheFile) {
  fs::create_directories(dir_ / "form");
  std::ofstream(dir_ / "form/f.json") << R"({"id": "f", "version": 1, "title": "t",
    "pages": [{"size_mm": [210, 297], "reference": "f.p1.png"}],
    "fields": [{"name": "a", "label": "A", "page": 1, "box_mm": [10, 10, 50, 10],
                "type": "text"}]})";
  std::ofstream(dir_ / "form/f.p1.png") << "not really a png";
  Result<RegisteredForm> registered = RegisterFormFile(*store_, blobs_, dir_ / "form/f.json");
  ASSERT_FALSE(registered.ok());
  EXPECT_EQ(registered.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(registered.status().message(Lang::kEn).find("f.p1.png"), std::string::npos);
  EXPECT_TRUE(store_->ListForms()->empty());
}

}  // namespace
}  // namespace adbridge::ingest
