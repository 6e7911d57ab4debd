"""The deployments declared in ``prefect.yaml``, as Prefect's ``serve`` takes them.

``prefect.yaml`` is the one declaration: ``prefect deploy`` reads it to register the
deployments with a server for a worker, and :func:`load_deployments` reads the same file
(validated and with its schedules built by the same Prefect code as ``prefect deploy``) to
build :class:`~prefect.deployments.runner.RunnerDeployment` objects that ``molgen serve``
runs on this machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from prefect.cli.deploy._models import DeploymentConfig, RawScheduleConfig
from prefect.cli.deploy._schedules import _schedule_config_to_deployment_schedule
from prefect.deployments.runner import RunnerDeployment
from prefect.flows import load_flow_from_entrypoint
from pydantic import ValidationError

from molgen.utils.errors import InputError

__all__ = ["PREFECT_FILE", "deployment_specs", "load_deployments", "schedules_of"]

PREFECT_FILE = Path(__file__).resolve().parents[1] / "prefect.yaml"
"""The repository's ``prefect.yaml``."""


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


def deployment_specs(path: str | Path = PREFECT_FILE) -> list[dict[str, Any]]:
    """The ``deployments`` entries of a ``prefect.yaml``, checked as ``prefect deploy``
    checks them, plus: every entry has a name and an entrypoint, names are unique, and every
    schedule is exactly one of cron/interval/rrule with only known keys, and builds.

    Raises:
        InputError: the file is missing, is not YAML, or an entry is invalid.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "prefect.yaml not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not valid YAML: {str(exc).splitlines()[0]}") from None
    entries = data.get("deployments") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise InputError(path, "no 'deployments' list")
    names: set[str] = set()
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not name or not entry.get("entrypoint"):
            raise InputError(path, f"deployment {name or '?'}: needs a name and an entrypoint")
        if name in names:
            raise InputError(path, f"deployment {name}: the name is used twice")
        names.add(name)
        try:
            DeploymentConfig.model_validate(entry)
            for schedule in entry.get("schedules") or []:
                RawScheduleConfig.model_validate(schedule)
            schedules_of(entry)
        except ValidationError as exc:
            raise InputError(path, f"deployment {name}: {_first_error(exc)}") from None
        except ValueError as exc:  # a schedule that does not build (an invalid cron, ...)
            raise InputError(path, f"deployment {name}: {str(exc).splitlines()[0]}") from None
    return entries


def schedules_of(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """A deployment entry's schedules as ``prefect deploy`` builds them: each a dict with a
    ``schedule`` (a Cron, Interval or RRule schedule object) and its options."""
    return [_schedule_config_to_deployment_schedule(s) for s in spec.get("schedules") or []]


def _runner_deployment(spec: dict[str, Any], path: Path) -> RunnerDeployment:
    """One entry as a RunnerDeployment of the flow at its entrypoint."""
    name = spec["name"]
    try:
        flow = load_flow_from_entrypoint(spec["entrypoint"], use_placeholder_flow=False)
    except Exception as exc:  # ScriptError, MissingFlowError, ImportError, ...
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            path, f"deployment {name}: cannot load {spec['entrypoint']}: {reason}"
        ) from None
    return flow.to_deployment(
        name=name,
        description=spec.get("description"),
        tags=spec.get("tags") or [],
        version=spec.get("version"),
        parameters=spec.get("parameters") or {},
        schedules=schedules_of(spec),
        paused=spec.get("paused"),
        concurrency_limit=spec.get("concurrency_limit"),
    )


def load_deployments(
    path: str | Path = PREFECT_FILE, names: Sequence[str] | None = None
) -> list[RunnerDeployment]:
    """The deployments of ``path`` (all, or those named), ready for ``prefect.serve``.

    Entrypoints are relative to the file's folder, which must be the working directory (the
    flow runs start there), as for ``prefect deploy``.

    Raises:
        InputError: the file or an entry is invalid, or a name is not declared there.
    """
    path = Path(path)
    specs = deployment_specs(path)
    known = [spec["name"] for spec in specs]
    unknown = [name for name in names or [] if name not in known]
    if unknown:
        raise InputError(
            path, f"no deployment named {', '.join(unknown)}; declared: {', '.join(known)}"
        )
    return [_runner_deployment(s, path) for s in specs if not names or s["name"] in names]
