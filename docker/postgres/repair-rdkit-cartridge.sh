#!/usr/bin/env bash
# Repair the RDKit cartridge's extension script so that CREATE EXTENSION rdkit works on
# PostgreSQL releases that check operator links (15.20 and later on Debian 12, 17+ upstream).
#
#   repair-rdkit-cartridge.sh [SQL_FILE...]   default: every installed rdkit--*.sql
#
# Why: the cartridge's script (Debian's postgresql-15-rdkit 202209.3-1, extension 4.2.0)
# declares the exact-match operator @= on (mol, mol) and on (reaction, reaction) with
# COMMUTATOR '=' and NEGATOR '<>'. Those operators already name '=' as each other's negator
# and '=' as its own commutator, so the links were never symmetric; older servers kept the
# one-sided link silently, newer ones refuse it ("commutator operator = is already the
# commutator of operator =", postgres commit 2b5154b; rdkit/rdkit#7459). The repair makes
# @= its own commutator (equality is symmetric) and drops its negator link. Query results do
# not change; the planner only loses the rewrite of NOT (a @= b) into a <> b.
#
# Idempotent and content-matched: a script that is already correct (a repaired one, or a
# fixed cartridge release) is left byte for byte as it is. Exit status 1, with one line,
# when a script needs the repair and cannot be written.
set -euo pipefail

die() { echo "repair-rdkit-cartridge.sh: $*" >&2; exit 1; }

# Inside each "CREATE OPERATOR @= (" ... ");" block only.
REPAIR="/^CREATE OPERATOR @= (/,/^);/ {
    s/COMMUTATOR[[:space:]]*=[[:space:]]*'='/COMMUTATOR = '@='/
    /^[[:space:]]*NEGATOR[[:space:]]*=[[:space:]]*'<>'[[:space:]]*,[[:space:]]*$/d
}"

if [ "$#" -eq 0 ]; then
    shopt -s nullglob
    set -- /usr/share/postgresql/*/extension/rdkit--*.sql
    [ "$#" -gt 0 ] || die "no RDKit cartridge scripts under /usr/share/postgresql/*/extension"
fi

for script in "$@"; do
    [ -f "$script" ] || die "$script: no such file"
    repaired="$(mktemp)"
    sed -e "$REPAIR" "$script" >"$repaired"
    if cmp -s "$script" "$repaired"; then
        rm -f "$repaired"
        continue
    fi
    if ! [ -w "$script" ]; then
        rm -f "$repaired"
        die "cannot repair the RDKit cartridge: $script needs the @= operator" \
            "repair and is not writable by $(id -un) (run as root)"
    fi
    cat "$repaired" >"$script"  # keeps the file's owner and mode
    rm -f "$repaired"
    echo "repair-rdkit-cartridge.sh: repaired the @= operator declarations in $script" >&2
done
