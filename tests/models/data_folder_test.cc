// The data folder's lock and the start-up recovery: what a crash leaves in blobs/ is cleared
// away, recorded blobs are never touched, documents a dead worker was reading are read again.
#include "models/data_folder.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/models/store_test_support.h"

namespace adbridge::models {
namespace {

namespace fs = std::filesystem;

class DataFolderTest : public test_support::StoreTest {};

TEST_F(DataFolderTest, TheFirstProcessIsAloneAndLaterOnesShare) {
  {
    Result<DataFolderLock> first = DataFolderLock::Open(dir_);
    ASSERT_TRUE(first.ok()) << first.status().message(Lang::kEn);
    EXPECT_TRUE(first->exclusive());
    ASSERT_TRUE(first->Share().ok());
    {
      Result<DataFolderLock> second = DataFolderLock::Open(dir_);
      ASSERT_TRUE(second.ok());
      EXPECT_FALSE(second->exclusive());
      // A restore cannot take the folder from under them.
      Result<DataFolderLock> restore = DataFolderLock::OpenExclusive(dir_);
      EXPECT_EQ(restore.status().code(), StatusCode::kFailedPrecondition);
      EXPECT_NE(restore.status().message(Lang::kEn).find("another adbridge"), std::string::npos);
    }
    // One closed; the other still holds it.
    EXPECT_EQ(DataFolderLock::OpenExclusive(dir_).status().code(),
              StatusCode::kFailedPrecondition);
  }
  // The last holder is gone, as when a process dies.
  EXPECT_TRUE(DataFolderLock::OpenExclusive(dir_).ok());
}

TEST_F(DataFolderTest, RecoveryRemovesTemporaryAndUnrecordedBlobsAndKeepsRecordedOnes) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  const std::string recorded = AddBlob(*store, "a recorded scan");
  // A Put whose process died before RecordBlob, and one that died before its rename.
  Result<std::string> unrecorded = blobs_->Put(std::vector<std::uint8_t>{'x', 'y', 'z'});
  ASSERT_TRUE(unrecorded.ok());
  const fs::path temporary = blobs_->PathFor(recorded).parent_path() / ".tmp-AbC123";
  std::ofstream(temporary) << "half a blob";

  Result<BlobRecovery> recovery = RecoverBlobs(db_path_, *blobs_);
  ASSERT_TRUE(recovery.ok()) << recovery.status().message(Lang::kEn);
  EXPECT_EQ(recovery->temporary_files, 1);
  EXPECT_EQ(recovery->unrecorded_blobs, 1);
  EXPECT_TRUE(blobs_->Get(recorded).ok());
  EXPECT_FALSE(blobs_->Contains(*unrecorded));
  EXPECT_FALSE(fs::exists(temporary));
  // Nothing more to do the second time.
  recovery = RecoverBlobs(db_path_, *blobs_);
  ASSERT_TRUE(recovery.ok());
  EXPECT_EQ(recovery->temporary_files + recovery->unrecorded_blobs, 0);
}

TEST_F(DataFolderTest, DocumentsADeadWorkerWasReadingAreReadAgainThenFailed) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  Form(*store);
  const std::string sha = AddBlob(*store, "scan bytes");
  Result<DocumentInsert> doc = store->InsertDocument(Scan(sha));
  ASSERT_TRUE(doc.ok());
  for (int attempt = 1; attempt <= 3; ++attempt) {
    SCOPED_TRACE(attempt);
    Result<std::optional<Document>> claimed = store->ClaimDocument("host:1:1", 600);
    ASSERT_TRUE(claimed.ok() && claimed->has_value());
    // The worker dies; its lease has ten minutes to run.
    Result<int> released = store->ReleaseAbandonedDocuments(3);
    ASSERT_TRUE(released.ok()) << released.status().message(Lang::kEn);
    EXPECT_EQ(*released, 1);
    Result<Document> after = store->GetDocument(doc->document_id);
    ASSERT_TRUE(after.ok());
    if (attempt < 3) {
      EXPECT_EQ(after->state, DocumentState::kReceived);
    } else {
      EXPECT_EQ(after->state, DocumentState::kFailed);
      EXPECT_NE(after->failure_reason.find("3"), std::string::npos) << after->failure_reason;
    }
  }
  EXPECT_EQ(*store->ReleaseAbandonedDocuments(3), 0);
  Result<std::vector<AuditEvent>> audit = store->RecentAudit(3);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ((*audit)[0].action, "document.failed");
  EXPECT_EQ((*audit)[1].action, "document.lease_released");
}

}  // namespace
}  // namespace adbridge::models
