#!/usr/bin/env bash
# The main job: the whole pipeline on configs/quick.toml with embedded defaults
# (Prefect's temporary local server, MLflow's local store in this directory).
# Extra arguments go to `molgen run`, e.g. --out runs/mine or --config configs/full.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/molgen run --config configs/quick.toml "$@"
