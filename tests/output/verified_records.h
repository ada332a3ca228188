// Verified records made directly in a store, as `adbridge process` and the review queue leave
// them, for tests of what is made from verified records (phone scripts).
//
//   VerifiedRecords records(data_dir);
//   records.RegisterBundledForm("kyufukin-application");
//   std::int64_t id = records.Add("kyufukin-application", {{"applicant_name", "山田 太郎"}, ...});
//
// Thread-safety: one test's; not shared.
#ifndef ADBRIDGE_TESTS_OUTPUT_VERIFIED_RECORDS_H_
#define ADBRIDGE_TESTS_OUTPUT_VERIFIED_RECORDS_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "models/blob_store.h"
#include "models/store.h"

namespace adbridge::testing {

class VerifiedRecords {
 public:
  // Opens (creating) DATA/adbridge.db and DATA/blobs, as the adbridge program lays them out.
  explicit VerifiedRecords(const std::filesystem::path& data_dir);

  models::Store& store() { return *store_; }

  // Registers models/forms/ID.json of the source tree as `version`, with `definition_json`
  // instead of the file's text when it is given. Fails the test when the store refuses it.
  void RegisterBundledForm(const std::string& id, int version = 1,
                           const std::string& definition_json = "");

  // A document of the form whose every field was read and auto-accepted: verified (or, with
  // `verified` false, still in review, its first field waiting for a person). Fields absent
  // from `values` are not recorded. The document is of municipality `tenant` (which must
  // exist). Returns the document's id; 0 (and a failed test) when the store refuses.
  std::int64_t Add(const std::string& form_id, const std::map<std::string, std::string>& values,
                   int version = 1, bool verified = true,
                   const std::string& tenant = std::string(models::kDefaultTenant));

 private:
  std::unique_ptr<models::Store> store_;
  models::BlobStore blobs_;
  int documents_ = 0;
};

// The fields of a kyufukin-application record: 山田 太郎, born 1950-04-01, phone 0263541234,
// account 1234567 at 八十二銀行 塩尻支店.
std::map<std::string, std::string> KyufukinValues();

// The fields of a demand-bus-reservation record: 鈴木 花子, phone 09012345678, 2025-04-14 at
// 9時台 from 市役所前 to 塩尻駅, with a wheelchair.
std::map<std::string, std::string> DemandBusValues();

}  // namespace adbridge::testing

#endif  // ADBRIDGE_TESTS_OUTPUT_VERIFIED_RECORDS_H_
