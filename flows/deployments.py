"""The deployments declared in ``prefect.yaml``, as Prefect's ``serve`` takes them.

``prefect.yaml`` is the one declaration: ``prefect deploy`` reads it to register the
deployments with a server for a worker, and :func:`load_deployments` reads the same file
to build :class:`~prefect.deployments.runner.RunnerDeployment` objects that ``molgen serve``
runs on this machine. Only Prefect's public API is used here: the entries are checked by
:class:`DeploymentSpec` (the keys ``molgen serve`` reads, with ``prefect deploy``'s meaning)
and the schedules are built with :mod:`prefect.schedules`. A test checks that Prefect's own
``prefect deploy`` model accepts the same file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from prefect.deployments.runner import RunnerDeployment
from prefect.flows import load_flow_from_entrypoint
from prefect.schedules import Cron, Interval, RRule, Schedule
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from molgen.utils.errors import InputError, first_line

__all__ = [
    "PREFECT_FILE",
    "DeploymentSpec",
    "ScheduleSpec",
    "deployment_specs",
    "load_deployments",
]

PREFECT_FILE = Path(__file__).resolve().parents[1] / "prefect.yaml"
"""The repository's ``prefect.yaml``."""


class ScheduleSpec(BaseModel):
    """One entry of a deployment's ``schedules``: exactly one of cron, interval (seconds or
    a duration) or rrule, with the options ``prefect deploy`` accepts for it."""

    model_config = ConfigDict(extra="forbid")

    cron: str | None = None
    interval: timedelta | None = None
    rrule: str | None = None
    timezone: str | None = None
    anchor_date: datetime | None = None
    day_or: bool = True
    active: bool = True
    parameters: dict[str, Any] = Field(default_factory=dict)
    slug: str | None = None
    replaces: str | None = None

    @model_validator(mode="after")
    def _one_kind_a_real_zone_and_it_builds(self) -> ScheduleSpec:
        if sum(kind is not None for kind in (self.cron, self.interval, self.rrule)) != 1:
            raise ValueError("give exactly one of 'cron', 'interval' or 'rrule'")
        if self.timezone is not None:
            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown timezone {self.timezone!r}") from None
        self.build()  # an invalid cron or rrule raises ValueError here
        return self

    def build(self) -> Schedule:
        """The Prefect schedule."""
        common = {
            "timezone": self.timezone,
            "active": self.active,
            "slug": self.slug,
            "parameters": self.parameters,
        }
        if self.cron is not None:
            return Cron(self.cron, day_or=self.day_or, **common)
        if self.interval is not None:
            return Interval(self.interval, anchor_date=self.anchor_date, **common)
        return RRule(self.rrule, **common)


class DeploymentSpec(BaseModel):
    """One entry of ``deployments``: the keys ``molgen serve`` reads. Keys that only
    ``prefect deploy`` uses (``work_pool``, ``pull``, ...) are accepted and left to it."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(min_length=1)
    entrypoint: str = Field(min_length=1)
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    version: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    schedules: list[ScheduleSpec] = Field(default_factory=list)
    paused: bool | None = None
    concurrency_limit: int | None = Field(default=None, ge=1)

    def built_schedules(self) -> list[Schedule]:
        """The deployment's schedules as Prefect schedule objects."""
        return [schedule.build() for schedule in self.schedules]


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def deployment_specs(path: str | Path = PREFECT_FILE) -> list[DeploymentSpec]:
    """The ``deployments`` of a ``prefect.yaml``, checked: every entry has a name and an
    entrypoint, names are unique, every schedule is exactly one of cron/interval/rrule with
    only known keys and a real timezone, and builds (:class:`ScheduleSpec`).

    Raises:
        InputError: the file is missing, is not YAML, or an entry is invalid.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "prefect.yaml not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not valid YAML: {first_line(exc)}") from None
    entries = data.get("deployments") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise InputError(path, "no 'deployments' list")
    specs: list[DeploymentSpec] = []
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not name or not entry.get("entrypoint"):
            raise InputError(path, f"deployment {name or '?'}: needs a name and an entrypoint")
        if any(spec.name == name for spec in specs):
            raise InputError(path, f"deployment {name}: the name is used twice")
        try:
            spec = DeploymentSpec.model_validate(entry)
        except ValidationError as exc:
            raise InputError(path, f"deployment {name}: {_first_error(exc)}") from None
        specs.append(spec)
    return specs


def _runner_deployment(spec: DeploymentSpec, path: Path) -> RunnerDeployment:
    """One entry as a RunnerDeployment of the flow at its entrypoint."""
    try:
        flow = load_flow_from_entrypoint(spec.entrypoint, use_placeholder_flow=False)
    except Exception as exc:  # ScriptError, MissingFlowError, ImportError, ...
        raise InputError(
            path, f"deployment {spec.name}: cannot load {spec.entrypoint}: {first_line(exc)}"
        ) from None
    return flow.to_deployment(
        name=spec.name,
        description=spec.description,
        tags=spec.tags,
        version=spec.version,
        parameters=spec.parameters,
        schedules=spec.built_schedules(),
        paused=spec.paused,
        concurrency_limit=spec.concurrency_limit,
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
    known = [spec.name for spec in specs]
    unknown = [name for name in names or [] if name not in known]
    if unknown:
        raise InputError(
            path, f"no deployment named {', '.join(unknown)}; declared: {', '.join(known)}"
        )
    return [_runner_deployment(s, path) for s in specs if not names or s.name in names]
