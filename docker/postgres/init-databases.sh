#!/usr/bin/env bash
# molgen's databases on one fresh PostgreSQL server (the postgres image runs this once, when
# its data volume is empty; the tests run it against their own server):
#
#   molgen   the candidate store, owned by role molgen, with the RDKit cartridge; role
#            molgen_reader may only read it (the web UI connects as molgen_reader)
#   mlflow   MLflow's tracking backend, owned by role mlflow
#   prefect  Prefect's database, owned by role prefect
#
# Passwords come from MOLGEN_DB_PASSWORD, MOLGEN_READER_PASSWORD, MLFLOW_DB_PASSWORD and
# PREFECT_DB_PASSWORD. psql connects as $POSTGRES_USER to $POSTGRES_DB (and honours
# PGHOST/PGPORT).
set -euo pipefail

for name in MOLGEN_DB_PASSWORD MOLGEN_READER_PASSWORD MLFLOW_DB_PASSWORD PREFECT_DB_PASSWORD; do
    if [ -z "${!name:-}" ]; then
        echo "init-databases.sh: $name is not set" >&2
        exit 1
    fi
done

run_sql() {
    psql -v ON_ERROR_STOP=1 -q --username "${POSTGRES_USER:-postgres}" "$@"
}

# Idempotent: roles and databases that exist already are kept (their passwords and owners
# are set again), so a rerun is harmless.
run_sql --dbname "${POSTGRES_DB:-postgres}" \
    -v molgen_pw="$MOLGEN_DB_PASSWORD" -v reader_pw="$MOLGEN_READER_PASSWORD" \
    -v mlflow_pw="$MLFLOW_DB_PASSWORD" -v prefect_pw="$PREFECT_DB_PASSWORD" <<'SQL'
CREATE TEMP TABLE wanted (role text, password text);
INSERT INTO wanted VALUES ('molgen', :'molgen_pw'), ('molgen_reader', :'reader_pw'),
    ('mlflow', :'mlflow_pw'), ('prefect', :'prefect_pw');
SELECT format('CREATE ROLE %I LOGIN', role) FROM wanted
    WHERE role NOT IN (SELECT rolname FROM pg_roles) \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', role, password) FROM wanted \gexec
ALTER ROLE molgen_reader SET default_transaction_read_only = on;
SELECT format('CREATE DATABASE %I OWNER %I', name, name)
    FROM unnest(ARRAY['molgen', 'mlflow', 'prefect']) AS name
    WHERE name NOT IN (SELECT datname FROM pg_database) \gexec
ALTER DATABASE molgen OWNER TO molgen;
ALTER DATABASE mlflow OWNER TO mlflow;
ALTER DATABASE prefect OWNER TO prefect;
REVOKE CONNECT ON DATABASE mlflow, prefect FROM PUBLIC;
SQL

# The cartridge needs a superuser to install; the store's tables (created by molgen's
# migrations, as role molgen) become readable by molgen_reader as they appear.
run_sql --dbname molgen <<'SQL'
CREATE EXTENSION IF NOT EXISTS rdkit;
GRANT CONNECT ON DATABASE molgen TO molgen_reader;
GRANT USAGE ON SCHEMA public TO molgen_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE molgen IN SCHEMA public GRANT SELECT ON TABLES TO molgen_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE molgen IN SCHEMA public GRANT SELECT ON SEQUENCES TO molgen_reader;
SQL
echo "init-databases.sh: created databases molgen, mlflow, prefect" >&2
