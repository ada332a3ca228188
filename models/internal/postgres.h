// The PostgreSQL side of the store's SQL (models/internal/sql.h): a Connection over libpq, and
// the schema's migrations as PostgreSQL spells them.
//
//   ADB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn,
//                        ConnectPostgres("postgresql://adbridge@db.example:5432/adbridge"));
//
// Statements are prepared on the server once per connection. Values travel as text with no
// declared type, so the server types each parameter from the SQL; bytes travel as binary. Results
// come back as text (bytea unescaped by Bytes(); a boolean reads as 1 or 0). A session the server
// ended is opened again on the next call outside a transaction; inside one the call is
// Unavailable and the transaction is gone.
//
// What the store's SQL must respect here, beyond sql.h:
// - A parameter takes its type where it is first used, and "?1 IS NULL" gives it none: write
//   "CAST(?1 AS text) IS NULL OR col = ?1" (or the comparison first). Prepare refuses such a
//   statement with Internal ("could not determine data type of parameter $1").
// - Bytes (BindBytes) go where the server expects bytea: a bytea column, or CAST(?N AS bytea).
// - After a statement fails inside a transaction, PostgreSQL only allows ending it: Commit then
//   keeps nothing and returns Internal. (SQLite would let the transaction go on.)
// - Every session has TimeZone UTC and lock_timeout 30 s (a writer held up that long gets
//   Unavailable), statement_timeout and idle_in_transaction_session_timeout 5 min; settings in
//   the URI's own options= take precedence.
//
// Thread-safety: as Connection.
#ifndef ADBRIDGE_MODELS_INTERNAL_POSTGRES_H_
#define ADBRIDGE_MODELS_INTERNAL_POSTGRES_H_

#include <memory>
#include <string>
#include <string_view>

#include "models/internal/sql.h"
#include "models/status.h"

namespace adbridge::models::internal {

// True for a connection string adbridge hands to PostgreSQL: "postgresql://..." or
// "postgres://...".
bool IsPostgresUri(std::string_view target);

// Connects to the database `uri` names. Unavailable when the server cannot be reached or
// refuses the login (the message names the server, never the password); InvalidArgument when
// `uri` is not a connection string; FailedPrecondition when the server is older than
// PostgreSQL 13.
Result<std::unique_ptr<Connection>> ConnectPostgres(const std::string& uri);

// `uri` with any password replaced by "***", for messages and logs.
std::string RedactPostgresUri(std::string_view uri);

// The SQL of schema version `version` (1..kSchemaVersion) for PostgreSQL: the same tables,
// columns, constraints and indexes as the SQLite migration of that number; null for any other
// number.
const char* PostgresMigrationSql(int version);

}  // namespace adbridge::models::internal

#endif  // ADBRIDGE_MODELS_INTERNAL_POSTGRES_H_
