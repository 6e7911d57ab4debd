"""Where candidates come from: the run that wrote them, and each family's provenance.

A pipeline run directory (``molgen run --out DIR``, laid out as
:mod:`molgen.utils.run_layout` describes) holds ``summary.json`` with the MLflow parent run id
and, per family, its model and MLflow run, and ``<label>/scores.parquet``.
The sampling temperature is read from ``summary.json`` when recorded there, else from the
family run's MLflow params (``sample.temperature``) when its tracking store is local.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from molgen.utils.errors import InputError, first_line
from molgen.utils.hashing import hash_files
from molgen.utils.run_layout import RunLayout

__all__ = ["FamilyOutput", "RunInfo", "file_run", "read_run_dir"]

logger = logging.getLogger(__name__)


class RunInfo(BaseModel):
    """A pipeline run (or an import) as the store records it.

    ``run_key`` identifies it: the MLflow run id of a pipeline, or a content hash of an
    imported file, so importing the same thing twice finds the same run.
    """

    model_config = ConfigDict(extra="forbid")

    run_key: str = Field(min_length=1, max_length=64)
    mlflow_run_id: str | None = Field(default=None, max_length=64)
    mlflow_tracking_uri: str | None = None
    name: str | None = None
    source: str | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        """Naive times are taken as UTC; aware ones are converted to UTC."""
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class FamilyOutput(BaseModel):
    """One family's scored molecules in a run directory, with their provenance."""

    model_config = ConfigDict(extra="forbid")

    label: str
    scores: Path
    model_type: str | None = None
    checkpoint: str | None = None
    temperature: float | None = None


def file_run(path: str | Path, name: str | None = None) -> RunInfo:
    """The run of an imported file: keyed by the hash of its bytes, named after it."""
    path = Path(path)
    stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return RunInfo(
        run_key=f"file:{hash_files([path])[:40]}",
        name=name or path.name,
        source=str(path.resolve()),
        created_at=stamp,
    )


def _local_tracking(uri: str | None) -> bool:
    return bool(uri) and not str(uri).startswith(("http://", "https://", "databricks"))


def _mlflow_runs(uri: str | None, run_ids: list[str]) -> dict[str, Any]:
    """The MLflow runs with these ids from a local tracking store ({} when unavailable)."""
    if not _local_tracking(uri):
        return {}
    try:
        from mlflow.tracking import MlflowClient

        client = MlflowClient(tracking_uri=uri)
        return {run_id: client.get_run(run_id) for run_id in run_ids if run_id}
    except Exception as exc:  # a moved or deleted tracking store is not an import error
        logger.warning("no MLflow provenance from %s: %s", uri, first_line(exc))
        return {}


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def read_run_dir(
    run_dir: str | Path, name: str | None = None
) -> tuple[RunInfo, list[FamilyOutput]]:
    """The run and the families of a pipeline output directory.

    Raises:
        InputError: no readable ``summary.json``, or a family's scores file is missing.
    """
    layout = RunLayout(Path(run_dir))
    summary = layout.read_summary()
    families: dict[str, Any] = summary.get("families") or {}
    parent_id = summary.get("mlflow_run_id")
    uri = summary.get("mlflow_tracking_uri")
    recorded = (summary.get("store") or {}).get("provenance") or {}
    needs_mlflow = [f.get("mlflow_run_id") for k, f in families.items() if k not in recorded]
    mlflow_runs = _mlflow_runs(uri, [parent_id, *needs_mlflow])
    created = datetime.fromtimestamp(layout.summary.stat().st_mtime, UTC)
    if parent_id in mlflow_runs:
        created = datetime.fromtimestamp(mlflow_runs[parent_id].info.start_time / 1000, UTC)
    run = RunInfo(
        run_key=parent_id or f"dir:{hash_files([layout.summary])[:40]}",
        mlflow_run_id=parent_id,
        mlflow_tracking_uri=uri,
        name=name or layout.root.resolve().name,
        source=str(layout.root.resolve()),
        created_at=created,
    )
    outputs = []
    for label, info in families.items():
        folder = layout.family(label)
        scores = folder.scores
        if not scores.is_file():
            raise InputError(scores, f"family {label!r} has no scores file")
        known = recorded.get(label) or {}
        temperature = known.get("temperature")
        family_run = mlflow_runs.get(info.get("mlflow_run_id"))
        if temperature is None and family_run is not None:
            temperature = family_run.data.params.get("sample.temperature")
        checkpoint = folder.checkpoint
        outputs.append(
            FamilyOutput(
                label=label,
                scores=scores,
                model_type=info.get("model"),
                checkpoint=known.get("checkpoint")
                or info.get("model_uri")
                or (str(checkpoint.resolve()) if checkpoint.is_file() else None),
                temperature=_float(temperature),
            )
        )
    return run, outputs
