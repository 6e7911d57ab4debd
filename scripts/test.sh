#!/usr/bin/env bash
# The test suite: unit, integration and CLI tests (about 2 minutes of pytest on 2 idle cores).
# Extra arguments go to pytest, e.g. -k curate or -m "not moses".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/postgres.sh install  # PostgreSQL + RDKit cartridge for the store tests (apt, as root)
.venv/bin/ruff check molgen flows tests benchmarks
exec .venv/bin/python -m pytest -q "$@"
