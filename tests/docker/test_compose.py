"""docker/compose.yaml, checked statically (no Docker engine runs here): it parses as the
Compose specification, and its services, volumes, health checks and variables agree."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.compose_file import COMPOSE, ENV_EXAMPLE, load_compose, read_env_file, variables

ONE_SHOT = {"store-migrate"}
PASSWORDS = (
    "MOLGEN_DB_PASSWORD",
    "MOLGEN_READER_PASSWORD",
    "MLFLOW_DB_PASSWORD",
    "PREFECT_DB_PASSWORD",
)
EXPECTED = {"postgres", "store-migrate", "mlflow", "prefect-server", "worker", "ui"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_compose()


def test_compose_is_valid_compose_spec(compose):
    from compose_spec import PyCompose

    parsed = PyCompose.from_json(json.dumps(compose))  # strict: unknown keys, bad durations
    assert set(parsed.service_names()) == EXPECTED


def test_compose_spec_parser_rejects_a_broken_file(compose):
    from compose_spec import PyCompose

    broken = json.loads(json.dumps(compose))
    broken["services"]["ui"]["healthcheck"]["intervl"] = "5s"
    with pytest.raises(ValueError, match="intervl"):
        PyCompose.from_json(json.dumps(broken))


def test_every_variable_is_in_env_example_or_has_a_default():
    env = read_env_file()
    text = COMPOSE.read_text()
    assert variables(text) <= set(env) | {n for n in variables(text) if f"{n}:-" in text}
    assert set(env) <= variables(text), "unused variables in .env.example"
    with pytest.raises(KeyError, match="MOLGEN_DB_PASSWORD"):
        load_compose({k: v for k, v in env.items() if k != "MOLGEN_DB_PASSWORD"})


def test_dependencies_volumes_and_health_checks_agree(compose):
    services, volumes = compose["services"], compose["volumes"]
    used = set()
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            wanted = "service_completed_successfully" if dependency in ONE_SHOT else None
            wanted = wanted or "service_healthy"
            assert rule["condition"] == wanted, (name, dependency)
            if dependency not in ONE_SHOT:
                assert "disable" not in services[dependency]["healthcheck"]
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            assert source in volumes, f"{name} mounts undeclared volume {source}"
            used.add(source)
        if name not in ONE_SHOT:
            check = service["healthcheck"]
            assert check["test"][0] == "CMD" and check["interval"] and check["retries"] >= 3
    assert used == set(volumes), "declared volumes nothing mounts"


def test_services_share_one_postgres_with_three_databases(compose):
    services = compose["services"]
    env = read_env_file()
    store = services["worker"]["environment"]["MOLGEN_DB_URL"]
    assert store == f"postgresql+psycopg://molgen:{env['MOLGEN_DB_PASSWORD']}@postgres:5432/molgen"
    reader = services["ui"]["environment"]["MOLGEN_DB_URL"]
    assert reader.startswith("postgresql+psycopg://molgen_reader:") and reader.endswith("/molgen")
    mlflow = " ".join(services["mlflow"]["command"])
    assert "--backend-store-uri=postgresql+psycopg://mlflow:" in mlflow
    assert "@postgres:5432/mlflow" in mlflow
    prefect = services["prefect-server"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"]
    assert prefect.startswith("postgresql+asyncpg://prefect:")
    assert prefect.endswith("@postgres:5432/prefect")
    init = (COMPOSE.parent / "postgres" / "init-databases.sh").read_text()
    for name in PASSWORDS:
        assert name in init and name in services["postgres"]["environment"]


def test_worker_runs_the_deployments_and_the_ui_serves_on_all_interfaces(compose):
    worker = compose["services"]["worker"]
    script = worker["command"][-1]
    assert "prefect --no-prompt deploy --all" in script and "--pool molgen" in script
    deployments = yaml.safe_load((COMPOSE.parents[1] / "prefect.yaml").read_text())
    pools = {d["work_pool"]["name"] for d in deployments["deployments"]}
    assert pools == {"molgen"}
    assert worker["environment"]["PREFECT_API_URL"] == "http://prefect-server:4200/api"
    assert worker["environment"]["MLFLOW_TRACKING_URI"] == "http://mlflow:5000"
    ui = compose["services"]["ui"]["command"]
    assert ui[:2] == ["molgen", "serve-ui"] and "0.0.0.0" in ui


def test_env_example_passwords_are_url_safe():
    for name, value in read_env_file(ENV_EXAMPLE).items():
        if name.endswith("PASSWORD"):
            assert value.isalnum(), name
