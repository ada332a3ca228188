// A document's pages made into images (from their source files, turned) and images made into
// files: the lossless TIFF a split writes, the thumbnails the front desk sees, a whole split.
#include "ingest/document_pages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "ingest/scan_ingestor.h"
#include "tests/ingest/test_images.h"

namespace adbridge::ingest {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A page whose every pixel differs from its neighbours, so any misplaced pixel shows.
GreyPage Pattern(int width, int height, int dpi, int seed) {
  GreyPage page{width, height, dpi, {}};
  page.pixels.resize(static_cast<std::size_t>(width) * height);
  for (std::size_t i = 0; i < page.pixels.size(); ++i) {
    page.pixels[i] = static_cast<std::uint8_t>((i * 37 + seed * 11 + i / width * 5) % 256);
  }
  return page;
}

// The 3×2 page
//   1 2 3
//   4 5 6
GreyPage Small() { return GreyPage{3, 2, 200, {1, 2, 3, 4, 5, 6}}; }

TEST(RotateGreyPageTest, QuarterTurnsAreClockwiseAndKeepTheDpi) {
  Result<GreyPage> right = RotateGreyPage(Small(), 90);
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right->width, 2);
  EXPECT_EQ(right->height, 3);
  EXPECT_EQ(right->dpi, 200);
  EXPECT_THAT(right->pixels, ElementsAre(4, 1, 5, 2, 6, 3));
  Result<GreyPage> half = RotateGreyPage(Small(), 180);
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(half->width, 3);
  EXPECT_THAT(half->pixels, ElementsAre(6, 5, 4, 3, 2, 1));
  Result<GreyPage> left = RotateGreyPage(Small(), 270);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->width, 2);
  EXPECT_THAT(left->pixels, ElementsAre(3, 6, 2, 5, 1, 4));
  EXPECT_THAT(RotateGreyPage(Small(), 0)->pixels, ElementsAre(1, 2, 3, 4, 5, 6));
}

TEST(RotateGreyPageTest, OtherAnglesAndMalformedPagesAreInvalidArgument) {
  for (int degrees : {45, -90, 360}) {
    EXPECT_EQ(RotateGreyPage(Small(), degrees).status().code(), StatusCode::kInvalidArgument);
  }
  GreyPage short_page = Small();
  short_page.pixels.pop_back();
  EXPECT_EQ(RotateGreyPage(short_page, 90).status().code(), StatusCode::kInvalidArgument);
}

TEST(EncodePagesAsTiffTest, ProbeAndDecodeGiveBackTheSamePagesPixelForPixel) {
  const std::vector<GreyPage> pages = {Pattern(640, 480, 300, 1), Pattern(301, 517, 0, 2),
                                       Pattern(1000, 30, 200, 3)};
  Result<std::vector<std::uint8_t>> tiff = EncodePagesAsTiff(pages);
  ASSERT_TRUE(tiff.ok()) << tiff.status().message(Lang::kEn);

  Result<ProbedImage> probed = ProbeImage(*tiff, ImageLimits{});
  ASSERT_TRUE(probed.ok()) << probed.status().message(Lang::kEn);
  EXPECT_EQ(probed->format, ImageFormat::kTiff);
  EXPECT_EQ(probed->media_type, "image/tiff");
  ASSERT_EQ(probed->pages.size(), 3u);
  EXPECT_EQ(probed->pages[1].width_px, 301);
  EXPECT_EQ(probed->pages[1].height_px, 517);
  EXPECT_EQ(probed->pages[1].dpi, 0) << "no resolution is recorded where none was known";

  Result<std::vector<GreyPage>> back = DecodeGreyPages(*tiff, ImageLimits{});
  ASSERT_TRUE(back.ok()) << back.status().message(Lang::kEn);
  ASSERT_EQ(back->size(), pages.size());
  for (std::size_t i = 0; i < pages.size(); ++i) {
    EXPECT_EQ((*back)[i].width, pages[i].width) << i;
    EXPECT_EQ((*back)[i].height, pages[i].height) << i;
    EXPECT_EQ((*back)[i].dpi, pages[i].dpi) << i;
    EXPECT_TRUE((*back)[i].pixels == pages[i].pixels) << "page " << i << " changed";
  }
  // Lossless, yet compressed: a blank scan page does not cost its raw size.
  GreyPage blank{2480, 3508, 300, std::vector<std::uint8_t>(2480u * 3508u, 250)};
  Result<std::vector<std::uint8_t>> small = EncodePagesAsTiff({blank});
  ASSERT_TRUE(small.ok());
  EXPECT_LT(small->size(), blank.pixels.size() / 50);
}

TEST(EncodePagesAsTiffTest, NoPagesOrAMalformedPageIsInvalidArgument) {
  EXPECT_EQ(EncodePagesAsTiff({}).status().code(), StatusCode::kInvalidArgument);
  GreyPage empty{0, 0, 300, {}};
  EXPECT_EQ(EncodePagesAsTiff({Small(), empty}).status().code(), StatusCode::kInvalidArgument);
}

TEST(EncodePagePreviewPngTest, APageIsScaledDownToTheWidthKeepingItsProportionsAndItsInk) {
  // Dark on the left half, white on the right.
  GreyPage page{800, 1000, 300, std::vector<std::uint8_t>(800u * 1000u, 255)};
  for (int y = 0; y < 1000; ++y) {
    for (int x = 0; x < 400; ++x) page.pixels[static_cast<std::size_t>(y) * 800 + x] = 0;
  }
  Result<std::vector<std::uint8_t>> png = EncodePagePreviewPng(page, 200);
  ASSERT_TRUE(png.ok()) << png.status().message(Lang::kEn);
  Result<std::vector<GreyPage>> shown = DecodeGreyPages(*png, ImageLimits{});
  ASSERT_TRUE(shown.ok());
  ASSERT_EQ(shown->size(), 1u);
  const GreyPage& thumb = (*shown)[0];
  EXPECT_EQ(thumb.width, 200);
  EXPECT_EQ(thumb.height, 250);
  EXPECT_EQ(thumb.pixels[125 * 200 + 10], 0);
  EXPECT_EQ(thumb.pixels[125 * 200 + 190], 255);

  Result<std::vector<std::uint8_t>> same = EncodePagePreviewPng(Small(), 200);
  ASSERT_TRUE(same.ok());
  Result<std::vector<GreyPage>> unscaled = DecodeGreyPages(*same, ImageLimits{});
  ASSERT_TRUE(unscaled.ok());
  EXPECT_EQ((*unscaled)[0].width, 3) << "a small page is not blown up";
  EXPECT_THAT((*unscaled)[0].pixels, ElementsAre(1, 2, 3, 4, 5, 6));

  EXPECT_EQ(EncodePagePreviewPng(page, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodePagePreviewPng(GreyPage{}, 100).status().code(), StatusCode::kInvalidArgument);
}

class DocumentPagesTest : public ::testing::Test {
 protected:
  DocumentPagesTest()
      : dir_(fs::temp_directory_path() /
             ("adbridge-document-pages-" + std::to_string(std::random_device()()))),
        blobs_(dir_ / "blobs") {
    fs::create_directories(dir_);
    auto store = models::OpenSqliteStore(dir_ / "adbridge.db");
    EXPECT_TRUE(store.ok());
    store_ = std::move(store).value();
    EXPECT_TRUE(store_->EnsureTenant("shiojiri", "塩尻市").ok());
    models::NewUser clerk;
    clerk.name = "madoguchi";
    clerk.role = models::Role::kFrontdesk;
    clerk.password_hash = "x";
    clerk_ = store_->AddUser(clerk)->id;
  }
  ~DocumentPagesTest() override { fs::remove_all(dir_); }

  // Stores `bytes` as a blob and returns its name.
  std::string Put(const std::vector<std::uint8_t>& bytes) {
    Result<std::string> sha = blobs_.Put(bytes);
    EXPECT_TRUE(sha.ok());
    return *sha;
  }

  // Ingests a TIFF of `pages` and returns the document's id.
  std::int64_t Ingest(const std::vector<GreyPage>& pages, const std::string& name,
                      const std::string& tenant = std::string(models::kDefaultTenant)) {
    IngestOptions options;
    options.tenant_code = tenant;
    ScanIngestor ingestor(*store_, blobs_, options);
    Result<IngestedScan> scan = ingestor.IngestBytes(*EncodePagesAsTiff(pages), name);
    EXPECT_TRUE(scan.ok()) << scan.status().message(Lang::kEn);
    return scan.ok() ? scan->document_id : 0;
  }

  std::vector<GreyPage> Load(std::int64_t id) {
    Result<std::vector<models::PageRecord>> records = store_->ListPages(id);
    EXPECT_TRUE(records.ok());
    Result<std::vector<GreyPage>> pages = LoadDocumentPages(blobs_, *records, ImageLimits{});
    EXPECT_TRUE(pages.ok()) << pages.status().message(Lang::kEn);
    return pages.ok() ? *pages : std::vector<GreyPage>();
  }

  fs::path dir_;
  models::BlobStore blobs_;
  std::unique_ptr<models::Store> store_;
  std::int64_t clerk_ = 0;
};

TEST_F(DocumentPagesTest, PagesComeFromEachOfTheirSourcesTurnedAsStored) {
  const GreyPage a0 = Pattern(60, 80, 300, 1), a1 = Pattern(60, 80, 300, 2);
  const GreyPage b0 = Pattern(50, 70, 200, 3);
  const std::string a = Put(*EncodePagesAsTiff({a0, a1}));
  const std::string b = Put(*EncodePagesAsTiff({b0}));
  std::vector<models::PageRecord> records(3);
  records[0].source_sha256 = a;
  records[0].source_index = 1;
  records[1].source_sha256 = b;
  records[1].rotation = 90;
  records[2].source_sha256 = a;
  records[2].source_index = 0;
  records[2].rotation = 180;
  Result<std::vector<GreyPage>> pages = LoadDocumentPages(blobs_, records, ImageLimits{});
  ASSERT_TRUE(pages.ok()) << pages.status().message(Lang::kEn);
  ASSERT_EQ(pages->size(), 3u);
  EXPECT_TRUE((*pages)[0].pixels == a1.pixels);
  EXPECT_EQ((*pages)[1].width, 70);
  EXPECT_EQ((*pages)[1].height, 50);
  EXPECT_EQ((*pages)[1].dpi, 200);
  EXPECT_TRUE((*pages)[1].pixels == RotateGreyPage(b0, 90)->pixels);
  EXPECT_TRUE((*pages)[2].pixels == RotateGreyPage(a0, 180)->pixels);
}

TEST_F(DocumentPagesTest, AMissingSourceOrAPageItDoesNotHaveIsAnError) {
  const std::string a = Put(*EncodePagesAsTiff({Pattern(10, 10, 300, 1)}));
  std::vector<models::PageRecord> records(1);
  records[0].source_sha256 = a;
  records[0].source_index = 1;
  Result<std::vector<GreyPage>> past = LoadDocumentPages(blobs_, records, ImageLimits{});
  EXPECT_EQ(past.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(past.status().message(Lang::kEn), HasSubstr("no page 2"));
  records[0].source_index = 0;
  records[0].source_sha256 = std::string(64, 'e');
  EXPECT_EQ(LoadDocumentPages(blobs_, records, ImageLimits{}).status().code(),
            StatusCode::kNotFound);
  records[0].source_sha256.clear();
  EXPECT_EQ(LoadDocumentPages(blobs_, records, ImageLimits{}).status().code(),
            StatusCode::kDataLoss);
  records[0].source_sha256 = a;
  records[0].rotation = 45;
  EXPECT_EQ(LoadDocumentPages(blobs_, records, ImageLimits{}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(DocumentPagesTest, SplittingWritesTheLaterPagesAsTheyLookNowIntoANewDocument) {
  const std::vector<GreyPage> pages = {Pattern(60, 80, 300, 1), Pattern(60, 80, 300, 2),
                                       Pattern(60, 80, 300, 3)};
  const std::int64_t id = Ingest(pages, "batch/0007.tif");
  ASSERT_TRUE(store_->RotatePage(id, "default", 2, 90, clerk_).ok());
  const std::vector<GreyPage> before = Load(id);

  Result<std::int64_t> split =
      SplitScannedDocument(*store_, blobs_, id, "default", 1, clerk_, ImageLimits{});
  ASSERT_TRUE(split.ok()) << split.status().message(Lang::kEn);
  const std::vector<GreyPage> kept = Load(id);
  const std::vector<GreyPage> made = Load(*split);
  ASSERT_EQ(kept.size(), 1u);
  ASSERT_EQ(made.size(), 2u);
  EXPECT_TRUE(kept[0].pixels == before[0].pixels);
  EXPECT_TRUE(made[0].pixels == before[1].pixels);
  EXPECT_EQ(made[1].width, 80) << "the turn is in the new original";
  EXPECT_TRUE(made[1].pixels == before[2].pixels);
  Result<std::vector<models::PageRecord>> records = store_->ListPages(*split);
  ASSERT_TRUE(records.ok());
  for (const models::PageRecord& page : *records) EXPECT_EQ(page.rotation, 0);
  Result<models::Document> doc = store_->GetDocument(*split);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->source_name, "batch/0007.tif (2–3枚目)");
  EXPECT_EQ(doc->media_type, "image/tiff");
  EXPECT_EQ(doc->state, models::DocumentState::kReceived);

  // The original handed in again is still the first document.
  ScanIngestor ingestor(*store_, blobs_, IngestOptions{});
  Result<IngestedScan> again = ingestor.IngestBytes(*EncodePagesAsTiff(pages), "again.tif");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->document_id, id);
}

TEST_F(DocumentPagesTest, ASplitTheStoreRefusesStoresNoDocument) {
  const std::int64_t id = Ingest({Pattern(20, 20, 300, 1), Pattern(20, 20, 300, 2)}, "two.tif");
  const std::int64_t theirs =
      Ingest({Pattern(20, 20, 300, 3), Pattern(20, 20, 300, 4)}, "theirs.tif", "shiojiri");
  for (int at : {0, 2}) {
    EXPECT_EQ(SplitScannedDocument(*store_, blobs_, id, "default", at, clerk_, ImageLimits{})
                  .status()
                  .code(),
              StatusCode::kFailedPrecondition)
        << at;
  }
  EXPECT_EQ(SplitScannedDocument(*store_, blobs_, id, "default", -1, clerk_, ImageLimits{})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitScannedDocument(*store_, blobs_, theirs, "default", 1, clerk_, ImageLimits{})
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(SplitScannedDocument(*store_, blobs_, 999, "default", 1, clerk_, ImageLimits{})
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->ListDocuments(std::nullopt)->size(), 2u);
  EXPECT_EQ(store_->ListPages(id)->size(), 2u);
}

}  // namespace
}  // namespace adbridge::ingest
