#!/usr/bin/env bash
# PostgreSQL with the RDKit cartridge for the candidate store's tests and benchmarks.
#
#   scripts/postgres.sh install          apt-install postgresql-15 + postgresql-15-rdkit when
#                                        the cartridge is missing (root only; else a note)
#   scripts/postgres.sh start DIR [PORT] a throwaway cluster in DIR (created if needed) on PORT
#                                        (default: a free one), database "molgen" with the
#                                        rdkit extension; prints its SQLAlchemy URL
#   scripts/postgres.sh url DIR          the URL of the cluster running in DIR
#   scripts/postgres.sh stop DIR         stop it (DIR is left for the caller to delete)
#
# initdb refuses to run as root, so as root the server runs as the "postgres" user. The
# cluster trusts local connections and skips fsync: it is for tests, never for data.
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/$PG_VERSION/bin}"
CARTRIDGE="/usr/share/postgresql/$PG_VERSION/extension/rdkit.control"
DB_NAME="molgen"

die() { echo "postgres.sh: $*" >&2; exit 1; }

as_owner() {
    # Run a PostgreSQL binary as the cluster owner (the postgres user when we are root).
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    local py
    py="$(command -v python3 || command -v python)" || die "python3 is needed to pick a free port"
    "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cmd_install() {
    if [ -x "$PG_BIN/initdb" ] && [ -f "$CARTRIDGE" ]; then
        echo "postgres.sh: PostgreSQL $PG_VERSION with the RDKit cartridge is installed" >&2
        return 0
    fi
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "postgres.sh: PostgreSQL $PG_VERSION + RDKit cartridge missing and cannot" \
            "apt-get install as $(id -un); the PostgreSQL tests will be skipped" >&2
        return 0
    fi
    echo "postgres.sh: installing postgresql-$PG_VERSION postgresql-$PG_VERSION-rdkit" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
        "postgresql-$PG_VERSION" "postgresql-$PG_VERSION-rdkit" >/dev/null
    [ -f "$CARTRIDGE" ] || die "apt installed no $CARTRIDGE"
}

url_of() {
    local dir="$1" port
    [ -f "$dir/port" ] || die "$dir: no cluster started here (no port file)"
    port="$(cat "$dir/port")"
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/$DB_NAME"
}

cmd_start() {
    local dir="${1:?usage: postgres.sh start DIR [PORT]}" port="${2:-}"
    [ -x "$PG_BIN/initdb" ] || die "no PostgreSQL binaries in $PG_BIN (run: scripts/postgres.sh install)"
    [ -f "$CARTRIDGE" ] || die "no RDKit cartridge ($CARTRIDGE; run: scripts/postgres.sh install)"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    [ -n "$port" ] || port="$(free_port)"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; chmod 700 "$dir"; fi
    as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || die "initdb failed (see $dir/initdb.log): $(tail -n 1 "$dir/initdb.log")"
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir/data \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || die "server did not start (see $dir/data/server.log)"
    as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt \
        -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DB_NAME" >/dev/null
    as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d "$DB_NAME" -qAt \
        -v ON_ERROR_STOP=1 -c "CREATE EXTENSION IF NOT EXISTS rdkit" >/dev/null
    echo "$port" >"$dir/port"
    url_of "$dir"
}

cmd_stop() {
    local dir="${1:?usage: postgres.sh stop DIR}"
    [ -d "$dir/data" ] || die "$dir: no cluster here"
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

case "${1:-}" in
    install) cmd_install ;;
    start) shift; cmd_start "$@" ;;
    url) shift; url_of "${1:?usage: postgres.sh url DIR}" ;;
    stop) shift; cmd_stop "$@" ;;
    *) die "usage: postgres.sh install | start DIR [PORT] | url DIR | stop DIR" ;;
esac
