#!/usr/bin/env bash
# The test suite: lint, then unit, integration and CLI tests (about 10 minutes of pytest on 2
# idle cores). It first provisions every real component the tests use, and stops with one
# line saying which and why when one cannot be provisioned (nothing is skipped instead):
#   - the Python environment (.venv, the pinned dependency set);
#   - PostgreSQL 15 with the RDKit cartridge, repaired and proven (scripts/postgres.sh);
#   - Debian's chromium for the web page tests (scripts/chromium.sh).
# Extra arguments go to pytest, e.g. -k curate or -m "not moses".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/postgres.sh install
scripts/chromium.sh install
.venv/bin/ruff check molgen flows tests benchmarks
exec .venv/bin/python -m pytest -q "$@"
