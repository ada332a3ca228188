// The store's connection to PostgreSQL (models/internal/postgres.h), against the test run's
// server: values in and out, errors as the store's callers see them, transactions, the write
// lock every adbridge writer takes, a server that drops the session, and the migrations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "models/internal/migrations.h"
#include "models/internal/postgres.h"
#include "models/store.h"
#include "tests/models/postgres_test_db.h"

namespace adbridge::models::internal {
namespace {

using test_support::ScratchPostgresDatabase;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// ISO 8601 UTC with milliseconds, as the store writes times (POSIX regex: no \d).
constexpr char kIsoMillis[] = R"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z)";

class PostgresConnectionTest : public ::testing::Test {
 protected:
  // A new connection to this test's database; null (and a failed expectation) when it fails.
  std::unique_ptr<Connection> Connect() {
    if (db_.uri().empty()) return nullptr;
    Result<std::unique_ptr<Connection>> conn = ConnectPostgres(db_.uri());
    EXPECT_TRUE(conn.ok()) << conn.status().message(Lang::kEn);
    return conn.ok() ? std::move(conn).value() : nullptr;
  }

  // Steps `sql` (no parameters) to the end on `conn` and returns its status.
  static Status Run(Connection& conn, std::string_view sql) {
    Result<PreparedStatement*> stmt = conn.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    return Statement(*stmt).Run();
  }

  // Applies every PostgreSQL migration, each in a write transaction, as Migrate does.
  static void MigrateAll(Connection& conn) {
    for (int version = 1; version <= kSchemaVersion; ++version) {
      ASSERT_TRUE(conn.BeginWrite().ok());
      const Status status = conn.Exec(PostgresMigrationSql(version), {"移行", "migrating"});
      ASSERT_TRUE(status.ok()) << version << ": " << status.message(Lang::kEn);
      ASSERT_TRUE(conn.Commit().ok());
    }
  }

  ScratchPostgresDatabase db_;
};

TEST_F(PostgresConnectionTest, EveryKindOfValueComesBackAsItWasBound) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->Exec("CREATE TABLE kept (i bigint, d double precision, t text, b bytea)",
                         {"表", "table"})
                  .ok());
  const std::string japanese = "山田 太郎（ヤマダ タロウ）様 〒399-0786 塩尻市 🏯 髙﨑";
  const std::vector<std::uint8_t> bytes = {0x00, 0xff, 0x00, 0x5c, 0x78, 0x27, 0x00, 0x80};
  struct Row {
    std::int64_t i;
    double d;
    std::string t;
    std::vector<std::uint8_t> b;
  };
  const std::vector<Row> rows = {
      {std::numeric_limits<std::int64_t>::max(), 0.1, japanese, bytes},
      {std::numeric_limits<std::int64_t>::min(), -1.0 / 3.0, "", {}},
      {0, 1e300, "it's \"quoted\" \\ ?1", {0x00}},
  };
  for (const Row& row : rows) {
    Result<PreparedStatement*> insert =
        conn->Prepare("INSERT INTO kept (i, d, t, b) VALUES (?1, ?2, ?3, ?4)");
    ASSERT_TRUE(insert.ok()) << insert.status().message(Lang::kEn);
    Statement stmt(*insert);
    stmt.BindInt(1, row.i).BindDouble(2, row.d).BindText(3, row.t).BindBytes(4, row.b);
    const Status run = stmt.Run();
    ASSERT_TRUE(run.ok()) << run.message(Lang::kEn);
  }
  Result<PreparedStatement*> select = conn->Prepare("SELECT i, d, t, b FROM kept ORDER BY d DESC");
  ASSERT_TRUE(select.ok()) << select.status().message(Lang::kEn);
  Statement stmt(*select);
  for (const int expected : {2, 0, 1}) {
    Result<bool> row = stmt.Step();
    ASSERT_TRUE(row.ok()) << row.status().message(Lang::kEn);
    ASSERT_TRUE(*row);
    EXPECT_EQ(stmt.Int(0), rows[expected].i);
    EXPECT_EQ(stmt.Double(1), rows[expected].d);  // exactly: doubles travel with 17 digits
    EXPECT_EQ(stmt.Text(2), rows[expected].t);
    EXPECT_EQ(stmt.Bytes(3), rows[expected].b);
    EXPECT_FALSE(stmt.IsNull(3));
  }
  Result<bool> end = stmt.Step();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
}

TEST_F(PostgresConnectionTest, NullsAreNullAndNotEmptyValues) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->Exec("CREATE TABLE kept (i bigint, t text, b bytea)", {"表", "table"}).ok());
  Result<PreparedStatement*> insert = conn->Prepare("INSERT INTO kept VALUES (?1, ?2, ?3)");
  ASSERT_TRUE(insert.ok()) << insert.status().message(Lang::kEn);
  {
    Statement stmt(*insert);
    ASSERT_TRUE(stmt.BindNull(1).BindOptionalText(2, std::nullopt).BindNull(3).Run().ok());
  }
  {
    Statement stmt(*insert);
    ASSERT_TRUE(stmt.BindInt(1, 0).BindText(2, "").BindBytes(3, {}).Run().ok());
  }
  Result<PreparedStatement*> select =
      conn->Prepare("SELECT i, t, b FROM kept ORDER BY i NULLS FIRST");
  ASSERT_TRUE(select.ok());
  Statement stmt(*select);
  ASSERT_TRUE(*stmt.Step());
  EXPECT_TRUE(stmt.IsNull(0));
  EXPECT_EQ(stmt.OptionalInt(0), std::nullopt);
  EXPECT_EQ(stmt.OptionalText(1), std::nullopt);
  EXPECT_TRUE(stmt.IsNull(2));
  ASSERT_TRUE(*stmt.Step());
  EXPECT_EQ(stmt.OptionalInt(0), std::optional<std::int64_t>(0));
  EXPECT_EQ(stmt.OptionalText(1), std::optional<std::string>(""));
  EXPECT_FALSE(stmt.IsNull(2));
  EXPECT_TRUE(stmt.Bytes(2).empty());
}

TEST_F(PostgresConnectionTest, ATruthValueReadsAsOneOrZero) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  Result<PreparedStatement*> select = conn->Prepare("SELECT ?1 > 2, ?1 < 2, ?1 * 0.5");
  ASSERT_TRUE(select.ok()) << select.status().message(Lang::kEn);
  Statement stmt(*select);
  stmt.BindInt(1, 5);
  ASSERT_TRUE(*stmt.Step());
  EXPECT_EQ(stmt.Int(0), 1);
  EXPECT_EQ(stmt.Int(1), 0);
  EXPECT_EQ(stmt.Double(2), 2.5);
  EXPECT_EQ(stmt.Int(2), 2);  // a number with a fraction read as an integer is cut, as in SQLite
}

TEST_F(PostgresConnectionTest, QuestionMarksInsideQuotesAreNotParameters) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  Result<PreparedStatement*> select =
      conn->Prepare("SELECT '?1 and ''?2''', ?1, \"?2\".x FROM (SELECT 'in a name' AS x) \"?2\"");
  ASSERT_TRUE(select.ok()) << select.status().message(Lang::kEn);
  Statement stmt(*select);
  stmt.BindText(1, "bound");
  Result<bool> row = stmt.Step();
  ASSERT_TRUE(row.ok()) << row.status().message(Lang::kEn);
  ASSERT_TRUE(*row);
  EXPECT_EQ(stmt.Text(0), "?1 and '?2'");
  EXPECT_EQ(stmt.Text(1), "bound");
  EXPECT_EQ(stmt.Text(2), "in a name");
}

TEST_F(PostgresConnectionTest, AParameterTestedForNullNeedsItsTypeWhereItIsFirstUsed) {
  // The store's optional filters. PostgreSQL types a parameter where it first meets it, and
  // "?1 IS NULL" says nothing: the store's SQL casts there, and a statement that does not is
  // refused when it is prepared, so the mistake shows on its first use in any test.
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->Exec("CREATE TABLE kept (n bigint, t text);"
                         "INSERT INTO kept VALUES (1, 'date'), (2, 'kana'), (3, 'date')",
                         {"表", "table"})
                  .ok());
  Result<PreparedStatement*> count = conn->Prepare(
      "SELECT count(*) FROM kept"
      " WHERE (CAST(?1 AS text) IS NULL OR t = ?1) AND (CAST(?2 AS bigint) IS NULL OR n >= ?2)");
  ASSERT_TRUE(count.ok()) << count.status().message(Lang::kEn);
  Result<PreparedStatement*> untyped =
      conn->Prepare("SELECT count(*) FROM kept WHERE (?1 IS NULL OR t = ?1)");
  EXPECT_EQ(untyped.status().code(), StatusCode::kInternal);
  EXPECT_THAT(untyped.status().message(Lang::kEn),
              HasSubstr("could not determine data type of parameter $1"));
  {
    Statement stmt(*count);
    stmt.BindNull(1).BindNull(2);
    ASSERT_TRUE(*stmt.Step());
    EXPECT_EQ(stmt.Int(0), 3);
  }
  {
    Statement stmt(*count);
    stmt.BindText(1, "date").BindInt(2, 2);
    ASSERT_TRUE(*stmt.Step());
    EXPECT_EQ(stmt.Int(0), 1);
  }
}

TEST_F(PostgresConnectionTest, AStatementIsReadyAgainAfterItsUseEnds) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  Result<PreparedStatement*> first = conn->Prepare("SELECT ?1::bigint + 1");
  ASSERT_TRUE(first.ok());
  Result<PreparedStatement*> again = conn->Prepare("SELECT ?1::bigint + 1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*first, *again);  // prepared once per connection
  for (std::int64_t i = 0; i < 3; ++i) {
    Statement stmt(*first);
    stmt.BindInt(1, i);
    ASSERT_TRUE(*stmt.Step());
    EXPECT_EQ(stmt.Int(0), i + 1);
  }
}

TEST_F(PostgresConnectionTest, ErrorsCarryTheCodeTheStoreExpects) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->Exec("CREATE TABLE parent (id bigint PRIMARY KEY);"
                         "CREATE TABLE child (parent_id bigint REFERENCES parent(id),"
                         "  n bigint NOT NULL CHECK (n >= 0));"
                         "INSERT INTO parent VALUES (1)",
                         {"表", "table"})
                  .ok());
  const Status duplicate = Run(*conn, "INSERT INTO parent VALUES (1)");
  EXPECT_EQ(duplicate.code(), StatusCode::kAlreadyExists) << duplicate.message(Lang::kEn);
  EXPECT_THAT(duplicate.message(Lang::kEn), HasSubstr("parent_pkey"));
  EXPECT_THAT(duplicate.message(Lang::kJa), HasSubstr("既に登録されています"));

  EXPECT_EQ(Run(*conn, "INSERT INTO child VALUES (2, 0)").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Run(*conn, "INSERT INTO child VALUES (1, -1)").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run(*conn, "INSERT INTO child VALUES (1, NULL)").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run(*conn, "SELECT 1 / 0").code(), StatusCode::kInvalidArgument);

  // A text where a number belongs, as a broken request might send.
  Result<PreparedStatement*> insert = conn->Prepare("INSERT INTO child VALUES (1, ?1)");
  ASSERT_TRUE(insert.ok());
  {
    Statement stmt(*insert);
    EXPECT_EQ(stmt.BindText(1, "十二").Run().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(PostgresConnectionTest, ATextWithANulCharacterIsRefusedNotCutShort) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->Exec("CREATE TABLE kept (t text)", {"表", "table"}).ok());
  Result<PreparedStatement*> insert = conn->Prepare("INSERT INTO kept VALUES (?1)");
  ASSERT_TRUE(insert.ok());
  Statement stmt(*insert);
  const Status status = stmt.BindText(1, std::string_view("abc\0def", 7)).Run();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.message(Lang::kEn);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM kept"), "0");
}

TEST_F(PostgresConnectionTest, MistakesInTheStoresSqlAreInternal) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  Result<PreparedStatement*> typo = conn->Prepare("SELEC 1");
  EXPECT_EQ(typo.status().code(), StatusCode::kInternal);
  Result<PreparedStatement*> no_table = conn->Prepare("SELECT * FROM no_such_table");
  EXPECT_EQ(no_table.status().code(), StatusCode::kInternal);
  EXPECT_THAT(no_table.status().message(Lang::kEn), HasSubstr("no_such_table"));
  Result<PreparedStatement*> token = conn->Prepare("SELECT {no_such_token}");
  EXPECT_EQ(token.status().code(), StatusCode::kInternal);
  Result<PreparedStatement*> one = conn->Prepare("SELECT ?1::bigint");
  ASSERT_TRUE(one.ok());
  Statement stmt(*one);
  EXPECT_EQ(stmt.BindInt(2, 5).Step().status().code(), StatusCode::kInternal)
      << "binding a parameter the statement does not have";
  // The connection is still usable.
  EXPECT_TRUE(Run(*conn, "SELECT 1").ok());
}

TEST_F(PostgresConnectionTest, StoreTokensAreSpelledForPostgres) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  Result<PreparedStatement*> now = conn->Prepare("SELECT " ADB_SQL_NOW ", " ADB_SQL_NOW_PLUS("?1"));
  ASSERT_TRUE(now.ok()) << now.status().message(Lang::kEn);
  Statement stmt(*now);
  stmt.BindInt(1, 3600);
  ASSERT_TRUE(*stmt.Step());
  EXPECT_THAT(stmt.Text(0), MatchesRegex(kIsoMillis));
  EXPECT_LT(stmt.Text(0), stmt.Text(1));
}

TEST_F(PostgresConnectionTest, ATransactionNotCommittedLeavesNothing) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->Exec("CREATE TABLE kept (n bigint)", {"表", "table"}).ok());
  {
    Result<Transaction> tx = Transaction::BeginImmediate(*conn);
    ASSERT_TRUE(tx.ok()) << tx.status().message(Lang::kEn);
    ASSERT_TRUE(Run(*conn, "INSERT INTO kept VALUES (1)").ok());
    EXPECT_EQ(db_.Query("SELECT count(*) FROM kept"), "0") << "visible before commit";
  }
  EXPECT_EQ(db_.Query("SELECT count(*) FROM kept"), "0");
  {
    Result<Transaction> tx = Transaction::BeginImmediate(*conn);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(Run(*conn, "INSERT INTO kept VALUES (2)").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(db_.Query("SELECT string_agg(n::text, ',') FROM kept"), "2");
  conn->Rollback();  // no transaction open: nothing happens
  EXPECT_TRUE(Run(*conn, "SELECT 1").ok());
}

TEST_F(PostgresConnectionTest, ACommitAfterAFailedStatementKeepsNothingAndSaysSo) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->Exec("CREATE TABLE kept (n bigint PRIMARY KEY)", {"表", "table"}).ok());
  ASSERT_TRUE(conn->BeginWrite().ok());
  ASSERT_TRUE(Run(*conn, "INSERT INTO kept VALUES (1)").ok());
  EXPECT_EQ(Run(*conn, "INSERT INTO kept VALUES (1)").code(), StatusCode::kAlreadyExists);
  EXPECT_FALSE(conn->Commit().ok());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM kept"), "0");
  EXPECT_TRUE(Run(*conn, "INSERT INTO kept VALUES (1)").ok()) << "the connection goes on";
}

TEST_F(PostgresConnectionTest, AReadSeesOneSnapshotAndCannotWrite) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(
      conn->Exec("CREATE TABLE kept (n bigint); INSERT INTO kept VALUES (1)", {"表", "table"})
          .ok());
  Result<ReadSnapshot> read = ReadSnapshot::Begin(*conn);
  ASSERT_TRUE(read.ok()) << read.status().message(Lang::kEn);
  Result<PreparedStatement*> count = conn->Prepare("SELECT count(*) FROM kept");
  ASSERT_TRUE(count.ok());
  {
    Statement stmt(*count);
    ASSERT_TRUE(*stmt.Step());
    EXPECT_EQ(stmt.Int(0), 1);
  }
  db_.Query("INSERT INTO kept VALUES (2)");  // another process writes meanwhile
  {
    Statement stmt(*count);
    ASSERT_TRUE(*stmt.Step());
    EXPECT_EQ(stmt.Int(0), 1) << "the read's snapshot changed under it";
  }
  EXPECT_NE(Run(*conn, "INSERT INTO kept VALUES (3)").code(), StatusCode::kOk);
}

TEST_F(PostgresConnectionTest, WritersTakeTurnsTheSecondSeesWhatTheFirstCommitted) {
  auto first = Connect();
  auto second = Connect();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first
                  ->Exec("CREATE TABLE turns (id bigint GENERATED ALWAYS AS IDENTITY,"
                         "  who text, seen bigint)",
                         {"表", "table"})
                  .ok());
  constexpr char kTakeTurn[] = "INSERT INTO turns (who, seen) SELECT ?1, count(*) FROM turns";
  ASSERT_TRUE(first->BeginWrite().ok());

  Status second_status;
  std::thread writer([&] {
    second_status = second->BeginWrite();  // waits for the first writer
    if (!second_status.ok()) return;
    Result<PreparedStatement*> take = second->Prepare(kTakeTurn);
    if (!take.ok()) {
      second_status = take.status();
      second->Rollback();
      return;
    }
    {
      Statement stmt(*take);
      second_status = stmt.BindText(1, "second").Run();
    }
    if (second_status.ok()) {
      second_status = second->Commit();
    } else {
      second->Rollback();
    }
  });
  // Wait until the second writer is queued behind the first one's lock (an order, not a time).
  while (db_.Query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                   " AND database = (SELECT oid FROM pg_database"
                   "   WHERE datname = current_database())") != "1") {
    std::this_thread::yield();
  }
  {
    Result<PreparedStatement*> take = first->Prepare(kTakeTurn);
    ASSERT_TRUE(take.ok());
    Statement stmt(*take);
    ASSERT_TRUE(stmt.BindText(1, "first").Run().ok());
  }
  ASSERT_TRUE(first->Commit().ok());
  writer.join();
  ASSERT_TRUE(second_status.ok()) << second_status.message(Lang::kEn);
  EXPECT_EQ(db_.Query("SELECT string_agg(who || ':' || seen, ',' ORDER BY id) FROM turns"),
            "first:0,second:1");
}

TEST_F(PostgresConnectionTest, AWriterHeldUpPastTheLockTimeoutIsToldTheDatabaseIsBusy) {
  // The installation may set its own lock_timeout in the URI; a short one keeps this test short.
  const std::string uri = db_.uri() + "?options=-c%20lock_timeout%3D200ms";
  auto first = Connect();
  ASSERT_NE(first, nullptr);
  Result<std::unique_ptr<Connection>> second = ConnectPostgres(uri);
  ASSERT_TRUE(second.ok()) << second.status().message(Lang::kEn);
  ASSERT_TRUE(first->BeginWrite().ok());
  const Status busy = (*second)->BeginWrite();
  EXPECT_EQ(busy.code(), StatusCode::kUnavailable) << busy.message(Lang::kEn);
  first->Rollback();
  EXPECT_TRUE((*second)->BeginWrite().ok()) << "free again once the first writer is done";
  (*second)->Rollback();
}

TEST_F(PostgresConnectionTest, ASessionTheServerEndedIsOpenedAgainOnTheNextCall) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->Exec("CREATE TABLE kept (n bigint)", {"表", "table"}).ok());
  Result<PreparedStatement*> pid = conn->Prepare("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  auto backend = [&] {
    Statement stmt(*pid);
    Result<bool> row = stmt.Step();
    EXPECT_TRUE(row.ok()) << row.status().message(Lang::kEn);
    return row.ok() && *row ? stmt.Int(0) : 0;
  };
  const std::int64_t before = backend();
  ASSERT_NE(before, 0);
  // As an administrator or a server restart would; waits until the session is gone.
  ASSERT_EQ(db_.Query("SELECT pg_terminate_backend(" + std::to_string(before) + ", 30000)"), "t");

  const std::int64_t after = backend();  // prepared again in the new session
  EXPECT_NE(after, 0);
  EXPECT_NE(after, before);
  EXPECT_TRUE(Run(*conn, "INSERT INTO kept VALUES (1)").ok());

  // Inside a transaction the lost session took the transaction with it: that is reported,
  // never papered over, and the next transaction works.
  ASSERT_TRUE(conn->BeginWrite().ok());
  ASSERT_TRUE(Run(*conn, "INSERT INTO kept VALUES (2)").ok());
  ASSERT_EQ(db_.Query("SELECT pg_terminate_backend(" + std::to_string(after) + ", 30000)"), "t");
  const Status lost = Run(*conn, "INSERT INTO kept VALUES (3)");
  EXPECT_EQ(lost.code(), StatusCode::kUnavailable) << lost.message(Lang::kEn);
  conn->Rollback();
  ASSERT_TRUE(conn->BeginWrite().ok());
  ASSERT_TRUE(Run(*conn, "INSERT INTO kept VALUES (4)").ok());
  ASSERT_TRUE(conn->Commit().ok());
  EXPECT_EQ(db_.Query("SELECT string_agg(n::text, ',' ORDER BY n) FROM kept"), "1,4");
}

TEST_F(PostgresConnectionTest, ARefusedPasswordIsUnavailableAndNeverRepeated) {
  ASSERT_FALSE(db_.uri().empty());
  // The test server asks this one role for its password (scripts/pg-test-server.sh). Roles
  // belong to the whole server, which other tests share: created once, whoever comes first.
  db_.Query(
      "DO $$ BEGIN CREATE ROLE adbridge_password_check LOGIN PASSWORD 'right-Secret-9'; "
      "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$");
  const std::string host = db_.uri().substr(0, db_.uri().rfind('/'));  // postgresql://postgres@h:p
  const std::string server = host.substr(host.find('@') + 1);
  const std::string wrong =
      "postgresql://adbridge_password_check:wrong-Secret-7@" + server + "/" + db_.name();
  Result<std::unique_ptr<Connection>> refused = ConnectPostgres(wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  for (Lang lang : {Lang::kJa, Lang::kEn}) {
    EXPECT_THAT(refused.status().message(lang), Not(HasSubstr("wrong-Secret-7")));
    EXPECT_THAT(refused.status().message(lang), HasSubstr("adbridge_password_check:***@"));
  }
  EXPECT_THAT(refused.status().message(Lang::kEn), HasSubstr("password authentication failed"));

  const std::string right =
      "postgresql://adbridge_password_check:right-Secret-9@" + server + "/" + db_.name();
  EXPECT_TRUE(ConnectPostgres(right).ok()) << "the refusal was the password's";

  const std::string in_query = "postgresql://adbridge_password_check@" + server + "/" + db_.name() +
                               "?password=wrong-Secret-7&sslmode=disable";
  Result<std::unique_ptr<Connection>> refused_again = ConnectPostgres(in_query);
  ASSERT_FALSE(refused_again.ok());
  EXPECT_THAT(refused_again.status().message(Lang::kEn), Not(HasSubstr("wrong-Secret-7")));
}

TEST_F(PostgresConnectionTest, AServerThatCannotBeReachedIsUnavailableWithoutThePassword) {
  // Port 1 on the loopback: nothing listens, the refusal is immediate.
  Result<std::unique_ptr<Connection>> closed =
      ConnectPostgres("postgresql://clerk:hidden-Pass-3@127.0.0.1:1/adbridge");
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(closed.status().message(Lang::kEn), Not(HasSubstr("hidden-Pass-3")));
  EXPECT_THAT(closed.status().message(Lang::kEn), HasSubstr("127.0.0.1"));

  Result<std::unique_ptr<Connection>> unknown =
      ConnectPostgres("postgresql://clerk:hidden-Pass-3@no-such-host.invalid/adbridge");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(unknown.status().message(Lang::kJa), Not(HasSubstr("hidden-Pass-3")));

  ASSERT_FALSE(db_.uri().empty());
  Result<std::unique_ptr<Connection>> no_database =
      ConnectPostgres(test_support::PostgresUriWithDatabase(db_.uri(), "no_such_database"));
  EXPECT_EQ(no_database.status().code(), StatusCode::kUnavailable);
}

TEST_F(PostgresConnectionTest, WhatIsNotAPostgresConnectionStringIsInvalid) {
  EXPECT_EQ(ConnectPostgres("/var/lib/adbridge/adbridge.db").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ConnectPostgres("mysql://clerk@db/adbridge").status().code(),
            StatusCode::kInvalidArgument);
  Result<std::unique_ptr<Connection>> malformed =
      ConnectPostgres("postgresql://clerk:hidden-Pass-3@[::1/adbridge");
  EXPECT_EQ(malformed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(malformed.status().message(Lang::kEn), Not(HasSubstr("hidden-Pass-3")));
  Result<std::unique_ptr<Connection>> bad_port =
      ConnectPostgres("postgresql://clerk:hidden-Pass-3@db:port/adbridge");
  EXPECT_THAT(bad_port.status().message(Lang::kEn), Not(HasSubstr("hidden-Pass-3")));
}

TEST(RedactPostgresUriTest, PasswordsAreHiddenWhereverTheyAreWritten) {
  EXPECT_EQ(RedactPostgresUri("postgresql://clerk:s3cret@db.example:5432/adbridge"),
            "postgresql://clerk:***@db.example:5432/adbridge");
  EXPECT_EQ(RedactPostgresUri("postgres://clerk@db/adbridge?password=s3cret&sslmode=require"),
            "postgres://clerk@db/adbridge?password=***&sslmode=require");
  EXPECT_EQ(RedactPostgresUri("postgresql://db/adbridge?sslmode=require&password=s3cret"),
            "postgresql://db/adbridge?sslmode=require&password=***");
  EXPECT_EQ(RedactPostgresUri("host=db password='a b' dbname=x"), "host=db password=*** dbname=x");
  EXPECT_EQ(RedactPostgresUri("postgresql://clerk@db:5432/adbridge"),
            "postgresql://clerk@db:5432/adbridge");
  EXPECT_EQ(RedactPostgresUri("postgresql://db/a:b@c"), "postgresql://db/a:b@c");
}

TEST(IsPostgresUriTest, OnlyPostgresSchemesAreConnectionStrings) {
  EXPECT_TRUE(IsPostgresUri("postgresql://db/adbridge"));
  EXPECT_TRUE(IsPostgresUri("postgres://db/adbridge"));
  EXPECT_FALSE(IsPostgresUri("data/adbridge.db"));
  EXPECT_FALSE(IsPostgresUri("PostgreSQL-backup.db"));
}

// ---- migrations ----

// The schema as SQLite makes it: table -> column -> "type notnull".
std::map<std::string, std::map<std::string, std::string>> SqliteColumns(
    std::set<std::string>& indexes) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, sqlite3_close);
  for (const Migration& migration : Migrations()) {
    EXPECT_EQ(sqlite3_exec(db.get(), migration.sql, nullptr, nullptr, nullptr), SQLITE_OK);
  }
  std::map<std::string, std::map<std::string, std::string>> columns;
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(
      db.get(),
      "SELECT m.name, p.name, p.type, p.\"notnull\" OR p.pk > 0 FROM sqlite_master m,"
      " pragma_table_info(m.name) p WHERE m.type = 'table'"
      " AND m.name NOT LIKE 'sqlite_%'",
      -1, &stmt, nullptr);
  const std::map<std::string, std::string> types = {
      {"INTEGER", "bigint"}, {"TEXT", "text"}, {"REAL", "double precision"}, {"BLOB", "bytea"}};
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    auto text = [&](int i) {
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)));
    };
    columns[text(0)][text(1)] =
        types.at(text(2)) + (sqlite3_column_int(stmt, 3) ? " not null" : "");
  }
  sqlite3_finalize(stmt);
  sqlite3_prepare_v2(db.get(),
                     "SELECT name FROM sqlite_master WHERE type = 'index'"
                     " AND name NOT LIKE 'sqlite_autoindex%'",
                     -1, &stmt, nullptr);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    indexes.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  return columns;
}

TEST_F(PostgresConnectionTest, MigrationsMakeTheSameTablesColumnsAndIndexesAsOnSqlite) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  MigrateAll(*conn);
  std::set<std::string> sqlite_indexes;
  const auto sqlite = SqliteColumns(sqlite_indexes);

  std::map<std::string, std::map<std::string, std::string>> postgres;
  Result<PreparedStatement*> columns = conn->Prepare(
      "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
      " WHERE table_schema = 'public'");
  ASSERT_TRUE(columns.ok());
  {
    Statement stmt(*columns);
    while (*stmt.Step()) {
      postgres[stmt.Text(0)][stmt.Text(1)] =
          stmt.Text(2) + (stmt.Text(3) == "NO" ? " not null" : "");
    }
  }
  EXPECT_EQ(postgres, sqlite);

  std::set<std::string> postgres_indexes;
  Result<PreparedStatement*> indexes = conn->Prepare(
      "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
      " JOIN pg_namespace n ON n.oid = i.relnamespace"
      " WHERE n.nspname = 'public' AND NOT EXISTS"
      "  (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)");
  ASSERT_TRUE(indexes.ok());
  {
    Statement stmt(*indexes);
    while (*stmt.Step()) postgres_indexes.insert(stmt.Text(0));
  }
  EXPECT_EQ(postgres_indexes, sqlite_indexes);
}

TEST_F(PostgresConnectionTest, TheMigratedSchemaRefusesWhatSqlitesRefuses) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  MigrateAll(*conn);
  const std::string sha(64, 'a');
  ASSERT_TRUE(Run(*conn, "INSERT INTO tenants (code, name) VALUES ('shiojiri', '塩尻市')").ok());
  EXPECT_EQ(Run(*conn, "INSERT INTO tenants (code, name) VALUES ('Shiojiri', 'x')").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Run(*conn, "INSERT INTO blobs (sha256, size, media_type) VALUES ('abc', 1, 'x')").code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(Run(*conn, "INSERT INTO blobs (sha256, size, media_type) VALUES ('" +
                           std::string(64, 'A') + "', 1, 'x')")
                .code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(Run(*conn, "INSERT INTO blobs (sha256, size, media_type) VALUES ('" + sha +
                             "', 3, 'image/png')")
                  .ok());
  EXPECT_EQ(Run(*conn,
                "INSERT INTO forms (id, version, title, definition_json)"
                " VALUES ('f', 1, 't', '{not json')")
                .code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(Run(*conn,
                  "INSERT INTO forms (id, version, title, definition_json)"
                  " VALUES ('f', 1, 't', '{\"fields\": []}')")
                  .ok());
  EXPECT_EQ(Run(*conn,
                "INSERT INTO documents (tenant_id, source, source_name, original_sha256,"
                " media_type, original_size, form_id, form_version)"
                " VALUES (1, 'scan', 'a.tif', '" +
                    sha + "', 'image/tiff', 3, 'f', 2)")
                .code(),
            StatusCode::kFailedPrecondition);
  // A form known by neither id nor version: the composite key does not apply.
  ASSERT_TRUE(Run(*conn,
                  "INSERT INTO documents (tenant_id, source, source_name, original_sha256,"
                  " media_type, original_size)"
                  " VALUES (1, 'scan', 'a.tif', '" +
                      sha + "', 'image/tiff', 3)")
                  .ok());
  EXPECT_THAT(db_.Query("SELECT created_at FROM documents"), MatchesRegex(kIsoMillis));
  const Status page = Run(*conn,
                          "INSERT INTO pages (document_id, page_index, width_px, height_px)"
                          " SELECT id, 0, 10, 10 FROM documents");
  ASSERT_TRUE(page.ok()) << page.message(Lang::kEn);
  EXPECT_EQ(Run(*conn,
                "INSERT INTO fields (document_id, name, state)"
                " SELECT id, '1st', 'verified' FROM documents")
                .code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(
      Run(*conn, "INSERT INTO blob_contents (sha256, bytes) VALUES ('" + sha + "', '\\x000102')")
          .ok());
  EXPECT_EQ(Run(*conn, "INSERT INTO blob_contents (sha256, bytes) VALUES ('" +
                           std::string(64, 'b') + "', '\\x00')")
                .code(),
            StatusCode::kFailedPrecondition);

  // The audit log is append-only, whoever asks.
  ASSERT_TRUE(
      Run(*conn, "INSERT INTO audit_log (action, detail_json) VALUES ('upload', '{}')").ok());
  EXPECT_EQ(Run(*conn, "INSERT INTO audit_log (action, detail_json) VALUES ('x', '{')").code(),
            StatusCode::kInvalidArgument);
  const Status update = Run(*conn, "UPDATE audit_log SET action = 'changed'");
  EXPECT_EQ(update.code(), StatusCode::kFailedPrecondition) << update.message(Lang::kEn);
  EXPECT_THAT(update.message(Lang::kEn), HasSubstr("append-only"));
  EXPECT_EQ(Run(*conn, "DELETE FROM audit_log").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(conn->Exec("TRUNCATE audit_log", {"空に", "truncate"}).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM audit_log"), "1");

  // A document's pages go with it.
  ASSERT_TRUE(Run(*conn, "DELETE FROM documents").ok());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM pages"), "0");
}

TEST_F(PostgresConnectionTest, MigrationThreeGivesExistingTasksTheirFieldsTypes) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  for (int version = 1; version <= 2; ++version) {
    ASSERT_TRUE(conn->Exec(PostgresMigrationSql(version), {"移行", "migrating"}).ok());
  }
  const std::string sha(64, 'c');
  const Status filled = conn->Exec(
      "INSERT INTO tenants (code, name) VALUES ('t', 'T');"
      "INSERT INTO blobs (sha256, size, media_type) VALUES ('" +
          sha +
          "', 1, 'x');"
          "INSERT INTO forms (id, version, title, definition_json) VALUES ('f', 1, 't',"
          " '{\"fields\": [{\"name\": \"birth\", \"type\": \"date\"},"
          "                {\"name\": \"income\", \"type\": \"integer\", \"on_site_only\": "
          "true}]}');"
          "INSERT INTO documents (tenant_id, source, source_name, original_sha256, media_type,"
          " original_size, form_id, form_version) VALUES (1, 'scan', 's', '" +
          sha +
          "', 'x', 1,"
          " 'f', 1);"
          "INSERT INTO fields (document_id, name, state) VALUES (1, 'birth', 'needs_review'),"
          " (1, 'income', 'needs_review');"
          "INSERT INTO review_tasks (document_id, field_id, kind) VALUES (1, 1, 'field'),"
          " (1, 2, 'field'), (1, NULL, 'classification')",
      {"データ", "data"});
  ASSERT_TRUE(filled.ok()) << filled.message(Lang::kEn);
  const Status migrated = conn->Exec(PostgresMigrationSql(3), {"移行", "migrating"});
  ASSERT_TRUE(migrated.ok()) << migrated.message(Lang::kEn);
  EXPECT_EQ(db_.Query("SELECT string_agg(field_type || '/' || on_site_only || '/' || tenant_id,"
                      " ',' ORDER BY id) FROM review_tasks"),
            "date/0/1,integer/1/1,/0/1");
}

TEST(PostgresMigrationSqlTest, ThereIsOneForEverySchemaVersionAndNoOther) {
  for (int version = 1; version <= kSchemaVersion; ++version) {
    ASSERT_NE(PostgresMigrationSql(version), nullptr) << version;
  }
  EXPECT_EQ(PostgresMigrationSql(0), nullptr);
  EXPECT_EQ(PostgresMigrationSql(kSchemaVersion + 1), nullptr);
}

}  // namespace
}  // namespace adbridge::models::internal
