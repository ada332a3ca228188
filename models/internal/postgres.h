// The PostgreSQL side of the store's SQL (models/internal/sql.h): a Connection over libpq, and
// the schema's migrations as PostgreSQL spells them.
//
//   ADB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn,
//                        ConnectPostgres("postgresql://adbridge@db.example:5432/adbridge"));
//
// Statements are prepared on the server once per connection. Values travel as text and come
// back as text (bytes as bytea). A connection the server dropped is opened again on the next
// call outside a transaction.
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
