#!/usr/bin/env bash
# Create a separate venv holding chemprop 2.3.1, used by benchmarks/bench_predictor.py as a
# reference predictor (run as a subprocess through its CLI; molgen never imports it).
#
#   scripts/setup_chemprop_venv.sh            # -> .venv-chemprop
#   CHEMPROP_VENV=/somewhere scripts/setup_chemprop_venv.sh
#
# torch goes in first and stays pinned at 2.13.0, the CPU build molgen is tested with (and
# the one available offline here); chemprop 2.3.1 only asks for torch >= 2.1. Safe to run
# again: it does nothing once the stamp file matches this script's pins.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${CHEMPROP_VENV:-${1:-.venv-chemprop}}"
TORCH="torch==2.13.0"
CHEMPROP="chemprop==2.3.1"
stamp="$VENV/.chemprop-installed"
want="$TORCH $CHEMPROP"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
echo "setup_chemprop_venv: installing $CHEMPROP with $TORCH into $VENV" >&2
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "$TORCH"
pins="$(mktemp)"
trap 'rm -f "$pins"' EXIT
echo "$TORCH" > "$pins"
"$VENV/bin/python" -m pip install --quiet -c "$pins" "$CHEMPROP"
"$VENV/bin/python" -c "import chemprop, torch; print('chemprop', chemprop.__version__, 'torch', torch.__version__)"
echo "$want" > "$stamp"
