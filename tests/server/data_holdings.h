// What a data folder holds, counted straight from its database (opened read-only, beside a
// running server or after a command) and its blob folder: how the bad-input tests show that a
// refused input changed nothing.
//
//   const Holdings before = CountHoldings(data_dir);
//   ... send the bad input ...
//   EXPECT_EQ(CountHoldings(data_dir), before);
//
// Thread-safety: a free function; the database may be written by others meanwhile.
#ifndef ADBRIDGE_TESTS_SERVER_DATA_HOLDINGS_H_
#define ADBRIDGE_TESTS_SERVER_DATA_HOLDINGS_H_

#include <filesystem>
#include <map>
#include <ostream>
#include <string>

namespace adbridge::test_support {

struct Holdings {
  std::map<std::string, long long> rows;  // by table: documents, blobs, review_tasks, audit_log...
  long long blob_files = 0;               // files under blobs/
  bool operator==(const Holdings&) const = default;
  long long Rows(const std::string& table) const;
};

std::ostream& operator<<(std::ostream& out, const Holdings& h);

// The rows of every table that holds residents' data or who did what, and the blob files.
// A table that cannot be counted is a test failure (ADD_FAILURE).
Holdings CountHoldings(const std::filesystem::path& data_dir);

}  // namespace adbridge::test_support

#endif  // ADBRIDGE_TESTS_SERVER_DATA_HOLDINGS_H_
