#include "tests/server/data_holdings.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <system_error>

namespace adbridge::test_support {

namespace fs = std::filesystem;

long long Holdings::Rows(const std::string& table) const {
  auto found = rows.find(table);
  return found == rows.end() ? -1 : found->second;
}

std::ostream& operator<<(std::ostream& out, const Holdings& h) {
  for (const auto& [table, n] : h.rows) out << table << "=" << n << " ";
  return out << "blob files=" << h.blob_files;
}

Holdings CountHoldings(const fs::path& data_dir) {
  Holdings h;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2((data_dir / "adbridge.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK) {
    ADD_FAILURE() << "cannot open the database of " << data_dir;
    sqlite3_close(db);
    return h;
  }
  sqlite3_busy_timeout(db, 5000);
  for (const char* table :
       {"documents", "pages", "fields", "blobs", "review_tasks", "review_entries", "audit_log",
        "users", "sessions", "tenants", "forms", "exports", "letter_batches"}) {
    sqlite3_stmt* statement = nullptr;
    const std::string sql = std::string("SELECT count(*) FROM ") + table;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      h.rows[table] = sqlite3_column_int64(statement, 0);
    } else {
      ADD_FAILURE() << "cannot count " << table << ": " << sqlite3_errmsg(db);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(data_dir / "blobs", ec)) {
    if (entry.is_regular_file()) ++h.blob_files;
  }
  return h;
}

}  // namespace adbridge::test_support
