"""The services docker/compose.yaml starts, started outside Docker with the compose file's own
commands and settings (only hosts, ports and paths are local): PostgreSQL with the RDKit
cartridge set up by the image's init script, the MLflow tracking server on PostgreSQL, and
the Prefect server on PostgreSQL. PostgreSQL is provisioned by the test command; without it
these tests fail in one line, they are never skipped."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from flows.prefect_server import free_port, wait_healthy
from tests.compose_file import DOCKER, load_compose, read_env_file
from tests.store_fixtures import SCRIPT, start_cluster

pytestmark = [pytest.mark.slow, pytest.mark.services]

INIT_SCRIPT = DOCKER / "postgres" / "init-databases.sh"
BIN = Path(sys.executable).parent


class Services:
    """A PostgreSQL server set up by the init script, and the compose file read for it."""

    def __init__(self, port: int, folder: Path) -> None:
        self.port, self.folder = port, folder
        self.env = read_env_file()
        self.compose = load_compose(self.env)

    def local(self, value: str) -> str:
        """A compose setting as it reads outside Docker: PostgreSQL on this machine."""
        return value.replace("@postgres:5432/", f"@127.0.0.1:{self.port}/")

    def service(self, name: str) -> dict:
        """A service of the compose file."""
        return self.compose["services"][name]


@pytest.fixture(scope="module")
def services() -> Iterator[Services]:
    """A throwaway PostgreSQL (scripts/postgres.sh) set up by docker/postgres/init-databases.sh
    with the passwords of docker/.env.example."""
    folder = Path(tempfile.mkdtemp(prefix="molgen-services-"))  # postgres.sh hands it over
    try:
        start_cluster(str(folder))
        port = int((folder / "port").read_text())
        setup = Services(port, folder)
        init_env = {**os.environ, **setup.env, "PGHOST": "127.0.0.1", "PGPORT": str(port)}
        init_env |= {"POSTGRES_USER": "postgres", "POSTGRES_DB": "postgres"}
        for _ in range(2):  # the second run shows it is idempotent
            done = subprocess.run(
                ["bash", str(INIT_SCRIPT)], env=init_env, capture_output=True, text=True, timeout=60
            )
            assert done.returncode == 0, done.stderr
        yield setup
    finally:
        subprocess.run([str(SCRIPT), "stop", str(folder)], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def server(command: list[str], health: str, env: dict[str, str], log: Path) -> Iterator[None]:
    """Run ``command`` until the block ends, once ``health`` answers 200."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **env}
        )
    try:
        wait_healthy(health, process, timeout=240, log=log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_init_script_makes_three_databases_and_a_read_only_store_role(services):
    store_url = services.local(services.service("worker")["environment"]["MOLGEN_DB_URL"])
    migrate = services.service("store-migrate")["command"]
    assert migrate[:3] == ["molgen", "store", "upgrade"]
    done = subprocess.run(
        [sys.executable, "-m", "molgen", *migrate[1:-1], services.local(migrate[-1])],
        capture_output=True, text=True, timeout=180, env={**os.environ, "PYTHONPATH": os.getcwd()},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert store_url == services.local(migrate[-1])

    owner = sa.create_engine(store_url)
    with owner.begin() as conn:
        assert conn.execute(sa.text("SELECT extname FROM pg_extension WHERE extname = 'rdkit'"))
        conn.execute(sa.text("SELECT count(*) FROM molecules")).scalar_one()
    owner.dispose()

    from molgen.store.engine import open_store

    reader_url = services.local(services.service("ui")["environment"]["MOLGEN_DB_URL"])
    reader = open_store(reader_url, read_only=True)  # what the web UI opens
    try:
        with reader.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM molecules")).scalar_one() == 0
            with pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):
                conn.execute(sa.text("CREATE TABLE intruder (id int)"))
    finally:
        reader.dispose()
    for role, database in (("mlflow", "mlflow"), ("prefect", "prefect")):
        url = f"postgresql+psycopg://{role}@127.0.0.1:{services.port}/{database}"
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_user")).scalar_one() == role
        engine.dispose()


def test_mlflow_server_on_postgres_records_runs_and_serves_artifacts(services, tmp_path):
    from mlflow.tracking import MlflowClient

    port = free_port()
    command = [services.local(arg) for arg in services.service("mlflow")["command"]]
    assert command[:2] == ["mlflow", "server"]
    local = {"--host=0.0.0.0": "--host=127.0.0.1", "--port=5000": f"--port={port}"}
    command = [local.get(arg, arg) for arg in command]
    command = [a.replace("/mlartifacts", str(tmp_path / "artifacts")) for a in command]
    command = [a.replace("127.0.0.1:5000", f"127.0.0.1:{port}") for a in command]
    assert "--backend-store-uri=postgresql+psycopg://mlflow:" in " ".join(command)

    url = f"http://127.0.0.1:{port}"
    with server([str(BIN / "mlflow"), *command[1:]], f"{url}/health", {}, tmp_path / "mlflow.log"):
        client = MlflowClient(tracking_uri=url)
        experiment = client.create_experiment("services-test")
        run = client.create_run(experiment, run_name="over-http")
        client.log_param(run.info.run_id, "model.name", "char_rnn")
        client.log_metric(run.info.run_id, "validity", 0.9, step=1)
        note = tmp_path / "note.txt"
        note.write_text("stored by the MLflow server")
        client.log_artifact(run.info.run_id, str(note))
        client.set_terminated(run.info.run_id)

        back = client.get_run(run.info.run_id)
        assert back.data.params == {"model.name": "char_rnn"}
        assert back.data.metrics == {"validity": 0.9}
        fetched = client.download_artifacts(run.info.run_id, "note.txt", str(tmp_path / "dl"))
        assert Path(fetched).read_text() == "stored by the MLflow server"
    assert list((tmp_path / "artifacts").rglob("note.txt")), "artifact not in the served store"
    backend = sa.create_engine(f"postgresql+psycopg://mlflow@127.0.0.1:{services.port}/mlflow")
    with backend.connect() as conn:
        names = conn.execute(sa.text("SELECT name FROM runs")).scalars().all()
    backend.dispose()
    assert names == ["over-http"]


@dataclass
class PrefectServer:
    """The compose file's Prefect server on PostgreSQL, set up as its worker sets it up."""

    api: str
    database: str
    env: dict[str, str]
    """The environment of a process that talks to the server from the checkout."""
    worker: list[str]
    """The compose worker's final command, without ``exec``."""


@pytest.fixture(scope="module")
def prefect_server(services, tmp_path_factory) -> Iterator[PrefectServer]:
    """``prefect server start`` with the compose file's command and database, then the
    compose worker's own set-up steps: the work pool, then ``prefect deploy --all``."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import PREFECT_FILE

    tmp_path = tmp_path_factory.mktemp("prefect-server")
    spec = services.service("prefect-server")
    database = services.local(spec["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"])
    assert database.startswith("postgresql+asyncpg://prefect:")
    port = free_port()
    command = [str(BIN / "prefect"), *spec["command"][1:]]
    command[command.index("0.0.0.0")] = "127.0.0.1"
    command[command.index("4200")] = str(port)
    env = {
        "PREFECT_API_DATABASE_CONNECTION_URL": database,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1",
    }
    api = f"http://127.0.0.1:{port}/api"
    client_env = {**os.environ, "PREFECT_API_URL": api, "PYTHONPATH": str(PREFECT_FILE.parent)}
    with (
        server(command, f"{api}/health", env, tmp_path / "prefect.log"),
        temporary_settings({PREFECT_API_URL: api}),
    ):
        script = services.service("worker")["command"][-1]
        steps = [step.strip().split() for step in script.split("&&")]
        setup = steps[:-1]
        assert [step[:2] for step in setup] == [
            ["prefect", "work-pool"],
            ["prefect", "--no-prompt"],
        ]
        for step in setup:
            done = subprocess.run(
                [str(BIN / "prefect"), *step[1:]], cwd=PREFECT_FILE.parent, env=client_env,
                capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        worker = steps[-1]
        assert worker[:3] == ["exec", "prefect", "worker"]
        yield PrefectServer(api, database, client_env, worker[1:])


def test_prefect_server_on_postgres_runs_flows_and_schedules_deployments(prefect_server):
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    @flow(name="services-check")
    def add(a: int, b: int) -> int:
        return a + b

    async def deployment_id(name):
        async with get_client() as client:
            deployment = await client.read_deployment_by_name(name)
            assert deployment.work_pool_name == "molgen" and deployment.paused is False
            return deployment.id

    async def read(deployment_id):
        async with get_client() as client:
            order = {"limit": 50, "sort": FlowRunSort.EXPECTED_START_TIME_ASC}
            done = await client.read_flow_runs(**order)
            only = DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
            for _ in range(60):  # the scheduler runs every second here
                scheduled = await client.read_flow_runs(deployment_filter=only, **order)
                if scheduled:
                    break
                await asyncio.sleep(1)
            return done, scheduled

    assert add(2, 3) == 5
    daily = asyncio.run(deployment_id("champion/daily"))
    done, scheduled = asyncio.run(read(daily))
    assert [r.state.name for r in done if r.deployment_id is None] == ["Completed"]
    assert scheduled, "the scheduler created no runs of the daily deployment"
    assert all(r.state.is_scheduled() for r in scheduled)
    assert {r.expected_start_time.hour for r in scheduled} == {5}
    assert all(r.parameters["model_uri"] == "models:/char_rnn@champion" for r in scheduled)
    engine = sa.create_engine(prefect_server.database.replace("+asyncpg", "+psycopg"))
    with engine.connect() as conn:
        flows = conn.execute(sa.text("SELECT name FROM flow")).scalars().all()
    engine.dispose()
    assert {"services-check", "champion"} <= set(flows)


def test_the_compose_worker_runs_a_deployment_run(prefect_server, tmp_path):
    """A run of the curate deployment, created through the API as ``prefect deployment run``
    creates it, is picked up and completed by the compose worker's own command (polling
    once), which runs the flow in a new process from the checkout."""
    from prefect.client.orchestration import get_client

    from flows.deployments import PREFECT_FILE

    config = tmp_path / "tiny.toml"
    config.write_text(
        f'[curate]\nsources = ["{PREFECT_FILE.parent / "tests" / "data" / "tiny.smi"}"]\n'
        f'n_jobs = 1\n[tracking]\ntracking_uri = "sqlite:///{tmp_path / "mlflow.db"}"\n'
    )
    out = tmp_path / "curated"

    async def create():
        async with get_client() as client:
            deployment = await client.read_deployment_by_name("scheduled-curate/curate")
            parameters = {"config_file": str(config), "out_dir": str(out)}
            return await client.create_flow_run_from_deployment(
                deployment.id, parameters=parameters
            )

    async def read(run_id):
        async with get_client() as client:
            return await client.read_flow_run(run_id)

    created = asyncio.run(create())
    worker = [str(BIN / "prefect"), *prefect_server.worker[1:]]
    worker = [arg for arg in worker if arg != "--with-healthcheck"] + ["--run-once"]
    env = {**prefect_server.env, "MOLGEN_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        worker, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    run = asyncio.run(read(created.id))
    for _ in range(30):  # the final state may be recorded just after the worker exits
        if run.state.is_final():
            break
        time.sleep(1)
        run = asyncio.run(read(created.id))
    assert run.state.is_completed(), (run.state, done.stderr[-2000:])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["input"] == summary["kept"] + summary["rejected"] > 0
