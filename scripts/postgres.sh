#!/usr/bin/env bash
# PostgreSQL with the RDKit cartridge for the candidate store's tests and benchmarks.
#
#   scripts/postgres.sh install          provision postgresql-15 + postgresql-15-rdkit (apt, as
#                                        root, when missing), repair the cartridge's extension
#                                        script (docker/postgres/repair-rdkit-cartridge.sh) and
#                                        prove it: CREATE EXTENSION rdkit, a substructure and a
#                                        similarity query on a scratch cluster. Exit 1 with one
#                                        line saying why when any of it fails.
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
REPAIR="$(cd "$(dirname "$0")/../docker/postgres" && pwd)/repair-rdkit-cartridge.sh"
DB_NAME="molgen"

die() { echo "postgres.sh: $*" >&2; exit 1; }
# shellcheck source=scripts/apt-provision.sh
. "$(dirname "$0")/apt-provision.sh"

as_owner() {
    # Run a PostgreSQL binary as the cluster owner (the postgres user when we are root).
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    local py
    py="$(command -v python3 || command -v python)" || die "python3 is needed to pick a free port"
    "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

package_version() {
    dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not from a package"
}

cmd_install() {
    if ! [ -x "$PG_BIN/initdb" ] || ! [ -f "$CARTRIDGE" ]; then
        apt_provision "PostgreSQL $PG_VERSION with the RDKit cartridge" \
            "$PG_BIN/initdb or $CARTRIDGE is missing" \
            "postgresql-$PG_VERSION" "postgresql-$PG_VERSION-rdkit"
        [ -f "$CARTRIDGE" ] || die "apt installed no $CARTRIDGE"
    fi
    # Debian's cartridge script needs a two-line repair on PostgreSQL >= 15.20 (see the
    # repair script's header and the README); a no-op once the script is correct.
    "$REPAIR" /usr/share/postgresql/"$PG_VERSION"/extension/rdkit--*.sql || exit 1
    prove_cartridge
}

prove_cartridge() {
    # CREATE EXTENSION rdkit and one substructure and one similarity query on a scratch
    # cluster, so a broken cartridge fails here in one line, not in every store test.
    local dir answer versions
    versions="PostgreSQL $(package_version "postgresql-$PG_VERSION")"
    versions+=", postgresql-$PG_VERSION-rdkit $(package_version "postgresql-$PG_VERSION-rdkit")"
    dir="$(mktemp -d /tmp/molgen-pg-check.XXXXXX)"
    if ! "$0" start "$dir" >/dev/null 2>"$dir.err"; then
        "$0" stop "$dir" >/dev/null 2>&1 || true
        local why
        why="$(tail -n 1 "$dir.err")"
        rm -rf "$dir" "$dir.err"
        die "the RDKit cartridge does not work on $versions: ${why#postgres.sh: }"
    fi
    answer="$(as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$(cat "$dir/port")" -U postgres \
        -d "$DB_NAME" -qAt -v ON_ERROR_STOP=1 -c "SELECT
            'Oc1ccccc1'::mol @> 'c1ccccc1'::qmol,
            round(tanimoto_sml(morganbv_fp('Oc1ccccc1'::mol), morganbv_fp('Nc1ccccc1'::mol))::numeric, 3),
            (SELECT extversion FROM pg_extension WHERE extname = 'rdkit')" 2>&1)" || answer="error: $answer"
    "$0" stop "$dir" >/dev/null 2>&1 || true
    rm -rf "$dir" "$dir.err"
    # Phenol contains benzene; Morgan r=2 Tanimoto of phenol and aniline is 6/16 in RDKit.
    case "$answer" in
        "t|0.375|"*) echo "postgres.sh: $versions, rdkit extension ${answer##*|}: CREATE" \
            "EXTENSION, substructure and similarity queries work" >&2 ;;
        *) die "the RDKit cartridge does not answer correctly on $versions:" \
            "$(echo "$answer" | tr '\n' ' ')" ;;
    esac
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
    echo "$port" >"$dir/port"
    local failed
    if ! failed="$(as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d "$DB_NAME" \
        -qAt -v ON_ERROR_STOP=1 -c "CREATE EXTENSION IF NOT EXISTS rdkit" 2>&1 >/dev/null)"; then
        cmd_stop "$dir" >/dev/null 2>&1 || true
        die "CREATE EXTENSION rdkit failed: $(echo "$failed" | head -n 1)"
    fi
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
