"""prefect.yaml: the deployments load as ``molgen serve`` and ``prefect deploy`` read them,
their schedules parse, and their parameters fit their flows and configs."""

from __future__ import annotations

import inspect
import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from cronsim import CronSim
from prefect.flows import load_flow_from_entrypoint
from prefect.schedules import Schedule

from flows.deployments import PREFECT_FILE, deployment_specs, load_deployments
from molgen.config import load_pipeline_config
from molgen.utils.errors import InputError

ENTRYPOINTS = {
    "weekly": "flows/scheduled.py:scheduled_pipeline",
    "curate": "flows/scheduled.py:scheduled_curate",
    "train": "flows/scheduled.py:scheduled_train",
    "daily": "flows/champion.py:champion_flow",
}


@pytest.fixture(scope="module")
def deployments(request):
    root = PREFECT_FILE.parent
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)  # entrypoints are relative to prefect.yaml's folder
        return {d.name: d for d in load_deployments()}


def _fire_times(schedule: Schedule, n: int) -> list[datetime]:
    start = datetime(2026, 1, 1, tzinfo=ZoneInfo(schedule.timezone))
    times = CronSim(schedule.cron, start)
    return [next(times) for _ in range(n)]


def test_the_four_deployments_load_with_their_flows(deployments):
    assert {name: d.entrypoint for name, d in deployments.items()} == ENTRYPOINTS
    assert deployments["daily"].flow_name == "champion"
    for deployment in deployments.values():
        assert deployment.tags == ["molgen"] and deployment.description


def test_every_schedule_parses_with_a_valid_cron_and_timezone():
    specs = {spec.name: spec for spec in deployment_specs()}
    for name, spec in specs.items():
        for schedule in spec.built_schedules():
            assert schedule.cron and schedule.interval is None and schedule.rrule is None, name
            ZoneInfo(schedule.timezone)  # a real IANA zone
            assert schedule.timezone == "UTC"
    times = _fire_times(specs["weekly"].built_schedules()[0], 3)
    assert {b - a for a, b in itertools.pairwise(times)} == {timedelta(days=7)}
    times = _fire_times(specs["daily"].built_schedules()[0], 3)
    assert {b - a for a, b in itertools.pairwise(times)} == {timedelta(days=1)}
    assert not specs["curate"].schedules and not specs["train"].schedules


def test_prefect_deploy_accepts_the_same_file():
    """``prefect deploy`` reads prefect.yaml with its own models (internal to Prefect's CLI,
    so they are imported here only): they must accept every entry and schedule."""
    from prefect.cli.deploy._models import DeploymentConfig, RawScheduleConfig

    entries = yaml.safe_load(PREFECT_FILE.read_text())["deployments"]
    for entry in entries:
        config = DeploymentConfig.model_validate(entry)
        assert config.work_pool is not None and config.work_pool.name == "molgen"
        for schedule in entry.get("schedules") or []:
            RawScheduleConfig.model_validate(schedule)


def test_interval_and_rrule_schedules_build(tmp_path):
    path = _write(
        tmp_path,
        "deployments:\n  - name: a\n    entrypoint: f.py:x\n    schedules:\n"
        "      - {interval: 3600, timezone: Europe/Paris}\n"
        "      - {rrule: 'FREQ=WEEKLY;BYDAY=MO', active: false}\n",
    )
    (spec,) = deployment_specs(path)
    hourly, weekly = spec.built_schedules()
    assert hourly.interval == timedelta(hours=1) and hourly.timezone == "Europe/Paris"
    assert weekly.rrule == "FREQ=WEEKLY;BYDAY=MO" and weekly.active is False


def test_runner_deployments_carry_the_schedules_and_limits(deployments):
    assert [s.schedule.cron for s in deployments["weekly"].schedules] == ["0 2 * * 1"]
    assert [s.schedule.cron for s in deployments["daily"].schedules] == ["0 5 * * *"]
    assert deployments["weekly"].concurrency_limit == 1
    assert deployments["curate"].schedules == []


def test_parameters_fit_the_flows_and_the_configs_load(monkeypatch):
    monkeypatch.chdir(PREFECT_FILE.parent)
    for spec in deployment_specs():
        flow = load_flow_from_entrypoint(spec.entrypoint)
        flow.validate_parameters(spec.parameters)  # names and types
        assert set(spec.parameters) <= set(inspect.signature(flow.fn).parameters)
        config = load_pipeline_config(spec.parameters["config_file"])
        assert config.tracking.experiment
    daily = next(spec for spec in deployment_specs() if spec.name == "daily")
    assert daily.parameters["model_uri"] == "models:/char_rnn@champion"


def _write(tmp_path, text: str):
    path = tmp_path / "prefect.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("deployments: []\n", "no 'deployments' list"),
        ("deployments: [{name: a}]\n", "needs a name and an entrypoint"),
        (
            "deployments:\n  - {name: a, entrypoint: 'f.py:x'}\n"
            "  - {name: a, entrypoint: 'f.py:x'}\n",
            "the name is used twice",
        ),
        (
            "deployments:\n  - name: a\n    entrypoint: f.py:x\n"
            "    schedules: [{cron: '0 2 * * 1', tz: UTC}]\n",
            "deployment a: ",
        ),
        ("deployments: [\n", "not valid YAML"),
    ],
)
def test_a_bad_prefect_yaml_is_one_clear_line(tmp_path, text, reason):
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match=reason) as error:
        deployment_specs(path)
    assert str(error.value).startswith(str(path)) and "\n" not in str(error.value)


def test_an_invalid_cron_or_timezone_is_one_clear_line(tmp_path):
    entry = "deployments:\n  - name: a\n    entrypoint: f.py:x\n    schedules: [{}]\n"
    for schedule, reason in (
        ("cron: '61 * * * *'", "Invalid cron"),
        ("cron: '0 2 * * *', timezone: Mars/Base", "deployment a: .*unknown timezone 'Mars/Base'"),
        ("cron: '0 2 * * *', interval: 60", "exactly one of 'cron', 'interval' or 'rrule'"),
    ):
        path = _write(tmp_path, entry.replace("{}", "{" + schedule + "}"))
        with pytest.raises(InputError, match=reason) as error:
            deployment_specs(path)
        assert "\n" not in str(error.value)


def test_unknown_names_and_missing_files_are_reported(tmp_path):
    with pytest.raises(InputError, match="no deployment named nightly; declared: weekly, "):
        load_deployments(PREFECT_FILE, ["nightly"])
    with pytest.raises(InputError, match=r"prefect\.yaml not found"):
        deployment_specs(tmp_path / "prefect.yaml")
    path = _write(tmp_path, "deployments: [{name: a, entrypoint: 'missing.py:flow'}]\n")
    with pytest.raises(InputError, match=r"deployment a: cannot load missing\.py:flow"):
        load_deployments(path)
