#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas to the server's version, with
# temporal-sql-tool (plugin postgres12). Run by docker-compose (temporalio/admin-tools) and `npm run cluster`.
# Safe to run again: create and setup-schema -v 0.0 keep what exists, update-schema applies only what is new.
# Any failure stops the script with the tool's error (nothing is ignored).
#   POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, SQL_PASSWORD   where PostgreSQL is, as whom
#   SQL_TOOL     temporal-sql-tool binary (default: on PATH)
#   SCHEMA_DIR   the server's schema folder (default: the admin-tools image's /etc/temporal/schema)
set -eu
SQL_TOOL="${SQL_TOOL:-temporal-sql-tool}"
SCHEMA_DIR="${SCHEMA_DIR:-/etc/temporal/schema}"
export SQL_PASSWORD
sql() { "$SQL_TOOL" --plugin postgres12 --ep "${POSTGRES_SEEDS}" -p "${DB_PORT}" -u "${POSTGRES_USER}" "$@"; }
if command -v nc >/dev/null 2>&1; then
  until nc -z -w 5 "${POSTGRES_SEEDS}" "${DB_PORT}"; do echo 'waiting for PostgreSQL'; sleep 2; done
fi
for db in temporal temporal_visibility; do
  sql --db "$db" create
  sql --db "$db" setup-schema -v 0.0
done
sql --db temporal update-schema -d "$SCHEMA_DIR/postgresql/v12/temporal/versioned"
sql --db temporal_visibility update-schema -d "$SCHEMA_DIR/postgresql/v12/visibility/versioned"
echo 'PostgreSQL schemas ready'
