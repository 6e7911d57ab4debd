#!/usr/bin/env bash
# Create .venv (if missing or stale) and install molgen with the pinned, tested dependency set.
# Needs only Python >= 3.11 with pip and venv. Safe to run repeatedly: it reinstalls only when
# pyproject.toml or constraints.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${MOLGEN_VENV:-.venv}"
stamp="$VENV/.molgen-installed"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
echo "bootstrap: installing molgen and its dependencies into $VENV" >&2
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# torch first, from the pinned version, so no other resolver step picks a different build.
"$VENV/bin/python" -m pip install --quiet -c constraints.txt torch
"$VENV/bin/python" -m pip install --quiet -c constraints.txt -e ".[dev]"
echo "$want" > "$stamp"
