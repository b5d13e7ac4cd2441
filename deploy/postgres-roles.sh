#!/bin/sh
# Run once by the postgres image when it initialises an empty data directory
# (/docker-entrypoint-initdb.d). Two roles, neither a superuser:
#   factcheck_owner  owns the database and its schema: migrations run as it (the migrate service);
#   factcheck_app    what web, worker and beat connect as: reads and writes rows, nothing more.
# The app cannot alter a table, so it cannot disable the audit triggers or the invariant
# triggers; as no superuser it cannot set session_replication_role to skip them either.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" -v owner_pw="$FACTCHECK_OWNER_PASSWORD" -v app_pw="$FACTCHECK_APP_PASSWORD" <<'SQL'
CREATE ROLE factcheck_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'owner_pw';
CREATE ROLE factcheck_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'app_pw';
ALTER DATABASE :"db" OWNER TO factcheck_owner;
ALTER SCHEMA public OWNER TO factcheck_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO factcheck_app;
ALTER DEFAULT PRIVILEGES FOR ROLE factcheck_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO factcheck_app;
ALTER DEFAULT PRIVILEGES FOR ROLE factcheck_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO factcheck_app;
SQL
