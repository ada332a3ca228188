// The PostgreSQL server of the test run, for tests that need one: its address and a fresh
// database per test.
//
// ctest starts the server once per run (the `postgres` fixture, scripts/pg-test-server.sh) and
// tells each test that needs it where the server's URI is, in ADBRIDGE_TEST_POSTGRES_URI_FILE
// (see adbridge_postgres_variant in tests/CMakeLists.txt). A test without that variable or
// server fails: PostgreSQL is part of what the suite checks, never silently left out.
//
//   ScratchPostgresDatabase db;  // CREATE DATABASE adbridge_test_<random>
//   ASSERT_FALSE(db.uri().empty());
//   auto conn = internal::ConnectPostgres(db.uri());
//   EXPECT_EQ(db.Query("SELECT count(*) FROM tenants"), "1");
//
// Thread-safety: a ScratchPostgresDatabase belongs to its test's thread.
#ifndef ADBRIDGE_TESTS_MODELS_POSTGRES_TEST_DB_H_
#define ADBRIDGE_TESTS_MODELS_POSTGRES_TEST_DB_H_

#include <libpq-fe.h>

#include <memory>
#include <string>

namespace adbridge::models::test_support {

// The test server's URI (postgresql://postgres@127.0.0.1:PORT/postgres). Fails the calling
// test and returns "" when ADBRIDGE_TEST_POSTGRES_URI_FILE is not set, the file is missing or
// the server does not answer.
std::string TestPostgresUri();

// True when this run asks the store's tests to use PostgreSQL (ADBRIDGE_TEST_STORE=postgresql,
// set by adbridge_postgres_variant).
bool TestStoreIsPostgres();

// `uri` naming the database `name` instead of its own.
std::string PostgresUriWithDatabase(const std::string& uri, const std::string& name);

// A database of its own for one test, with a random name, on the test server; dropped (its
// sessions ended first) when this goes out of scope.
class ScratchPostgresDatabase {
 public:
  ScratchPostgresDatabase();
  ~ScratchPostgresDatabase();
  ScratchPostgresDatabase(const ScratchPostgresDatabase&) = delete;
  ScratchPostgresDatabase& operator=(const ScratchPostgresDatabase&) = delete;

  // The database's URI; "" when it could not be made (the test has failed already).
  const std::string& uri() const { return uri_; }
  const std::string& name() const { return name_; }

  // Runs `sql` in this database as the server's administrator, beside adbridge's own
  // connections (to look at or change what a test's code wrote). Returns the first column of
  // the first row, "" when there is none or it is NULL; fails the test when `sql` fails.
  std::string Query(const std::string& sql);

 private:
  struct PgConnCloser {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
  };

  std::string server_uri_;
  std::string name_;
  std::string uri_;
  std::unique_ptr<PGconn, PgConnCloser> admin_;
};

}  // namespace adbridge::models::test_support

#endif  // ADBRIDGE_TESTS_MODELS_POSTGRES_TEST_DB_H_
