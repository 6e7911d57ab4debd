"""``molgen serve`` end to end: it starts a Prefect server with its scheduler, the scheduler
fires a deployment's schedule, the served flow runs, and stopping ``molgen serve`` stops the
server it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from flows.deployments import PREFECT_FILE
from flows.prefect_server import free_port, port_in_use
from tests.pipeline_configs import DATA

pytestmark = pytest.mark.slow

ROOT = PREFECT_FILE.parent


def _completed_runs(api: str) -> list[dict]:
    body = {"limit": 10, "sort": "EXPECTED_START_TIME_ASC"}
    runs = httpx.post(f"{api}/flow_runs/filter", json=body, timeout=10).json()
    return [r for r in runs if r["state_type"] == "COMPLETED" and r["deployment_id"]]


def test_serve_runs_a_deployment_on_its_schedule(tmp_path):
    (tmp_path / "tiny.toml").write_text(
        f'[curate]\nsources = ["{DATA / "tiny.smi"}"]\nn_jobs = 1\n'
        '[tracking]\nexperiment = "serve-test"\n'
    )
    (tmp_path / "prefect.yaml").write_text(
        "deployments:\n"
        "  - name: every-20s\n"
        f"    entrypoint: {ROOT / 'flows' / 'scheduled.py'}:scheduled_curate\n"
        "    parameters: {config_file: tiny.toml, out_dir: curated}\n"
        "    schedules: [{interval: 20}]\n"
        "    concurrency_limit: 1\n"
    )
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1",
        "MOLGEN_CACHE_DIR": str(tmp_path / "cache"),
        "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}",
    }
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "molgen", "serve", "--file", str(tmp_path / "prefect.yaml")]
    with (tmp_path / "serve.log").open("wb") as log:
        serve = subprocess.Popen(
            [*command, "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline, done = time.monotonic() + 300, []
        while time.monotonic() < deadline and not done and serve.poll() is None:
            time.sleep(2)
            try:
                done = _completed_runs(api)
            except httpx.HTTPError:
                continue
        assert done, (tmp_path / "serve.log").read_text()[-3000:]
        assert (tmp_path / "curated" / "summary.json").is_file()
        assert done[0]["auto_scheduled"] is True  # made by the scheduler, not by hand
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
    for _ in range(30):
        if not port_in_use(port):
            break
        time.sleep(1)
    assert not port_in_use(port), "the Prefect server outlived molgen serve"
