#include "tests/models/postgres_test_db.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>

namespace adbridge::models::test_support {
namespace {

struct PgResultClearer {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, PgResultClearer>;

// Runs `sql` on `conn`; the first column of the first row, or "" (and a test failure).
std::string RunSql(PGconn* conn, const std::string& sql) {
  PgResult result(PQexec(conn, sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    ADD_FAILURE() << "the test's own SQL failed: " << sql << "\n" << PQerrorMessage(conn);
    return "";
  }
  if (PQntuples(result.get()) == 0 || PQnfields(result.get()) == 0 ||
      PQgetisnull(result.get(), 0, 0)) {
    return "";
  }
  return PQgetvalue(result.get(), 0, 0);
}

std::unique_ptr<PGconn, void (*)(PGconn*)> Connect(const std::string& uri) {
  return {PQconnectdb(uri.c_str()), PQfinish};
}

}  // namespace

std::string TestPostgresUri() {
  const char* file = std::getenv("ADBRIDGE_TEST_POSTGRES_URI_FILE");
  if (file == nullptr || *file == '\0') {
    ADD_FAILURE() << "ADBRIDGE_TEST_POSTGRES_URI_FILE is not set: run this test through ctest, "
                     "whose `postgres` fixture starts the test server "
                     "(scripts/pg-test-server.sh)";
    return "";
  }
  std::ifstream in(file);
  std::string uri;
  if (!std::getline(in, uri) || uri.empty()) {
    ADD_FAILURE() << "no PostgreSQL test server: " << file
                  << " is missing or empty (did postgres_server_start run and pass?)";
    return "";
  }
  if (PQping(uri.c_str()) != PQPING_OK) {
    ADD_FAILURE() << "the PostgreSQL test server at " << uri << " does not answer";
    return "";
  }
  return uri;
}

bool TestStoreIsPostgres() {
  const char* store = std::getenv("ADBRIDGE_TEST_STORE");
  return store != nullptr && std::string(store) == "postgresql";
}

std::string PostgresUriWithDatabase(const std::string& uri, const std::string& name) {
  const std::size_t scheme = uri.find("://");
  const std::size_t path = uri.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const std::size_t query = uri.find('?', path == std::string::npos ? 0 : path);
  std::string out = uri.substr(0, std::min(path, query));
  out += "/" + name;
  if (query != std::string::npos) out += uri.substr(query);
  return out;
}

ScratchPostgresDatabase::ScratchPostgresDatabase() : server_uri_(TestPostgresUri()) {
  if (server_uri_.empty()) return;
  std::random_device random;
  std::uniform_int_distribution<unsigned long long> digits;
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", digits(random));
  name_ = std::string("adbridge_test_") + suffix;

  auto server = Connect(server_uri_);
  if (PQstatus(server.get()) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to the PostgreSQL test server: "
                  << PQerrorMessage(server.get());
    return;
  }
  PgResult created(PQexec(server.get(), ("CREATE DATABASE " + name_).c_str()));
  if (PQresultStatus(created.get()) != PGRES_COMMAND_OK) {
    ADD_FAILURE() << "cannot create the test database " << name_ << ": "
                  << PQerrorMessage(server.get());
    return;
  }
  uri_ = PostgresUriWithDatabase(server_uri_, name_);
}

ScratchPostgresDatabase::~ScratchPostgresDatabase() {
  admin_.reset();
  if (uri_.empty()) return;
  auto server = Connect(server_uri_);
  if (PQstatus(server.get()) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to drop " << name_ << ": " << PQerrorMessage(server.get());
    return;
  }
  RunSql(server.get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

std::string ScratchPostgresDatabase::Query(const std::string& sql) {
  if (uri_.empty()) {
    ADD_FAILURE() << "no test database to run " << sql;
    return "";
  }
  if (admin_ == nullptr || PQstatus(admin_.get()) != CONNECTION_OK) {
    admin_.reset(PQconnectdb(uri_.c_str()));
    if (PQstatus(admin_.get()) != CONNECTION_OK) {
      ADD_FAILURE() << "cannot connect to " << name_ << ": " << PQerrorMessage(admin_.get());
      return "";
    }
  }
  return RunSql(admin_.get(), sql);
}

}  // namespace adbridge::models::test_support
