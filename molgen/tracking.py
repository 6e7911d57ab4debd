"""MLflow helpers shared by the flows and the CLI.

The library's training code never imports MLflow; it reports through a ``MetricLogger``
callback, and :func:`metric_logger` builds one that writes to a given MLflow run.
"""

from __future__ import annotations

import json
import logging
import math
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from mlflow.entities import Metric
from mlflow.tracking import MlflowClient
from pydantic import BaseModel

from molgen.models.base import MetricLogger
from molgen.utils.config import flatten
from molgen.utils.errors import InputError, MolgenError, first_line
from molgen.utils.run_layout import ModelLayout
from molgen.utils.runtime import environment_tags

__all__ = [
    "check_tracking_server",
    "configure_tracking",
    "is_mlflow_uri",
    "log_config",
    "log_dataset",
    "log_metrics",
    "metric_logger",
    "resolve_model_path",
    "stage_run",
]

log = logging.getLogger(__name__)

_PARAM_LIMIT = 6000


def check_tracking_server(tracking_uri: str, timeout: float = 5.0) -> None:
    """Fail fast when an ``http(s)`` MLflow tracking server does not answer.

    Asks ``<tracking_uri>/health`` once, waiting at most ``timeout`` seconds (MLflow's own
    client would retry for minutes). Any HTTP answer below 500 counts as reachable; other
    tracking URIs (databases, files) are not checked here.

    Raises:
        MolgenError: no answer within ``timeout``, or a server error (5xx), as one line.
    """
    if not tracking_uri.startswith(("http://", "https://")):
        return
    url = tracking_uri.rstrip("/") + "/health"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            reason = f"no answer within {timeout:g} s"
        raise MolgenError(
            f"MLflow tracking server {tracking_uri} is unreachable ({reason}); start it, or "
            "set MLFLOW_TRACKING_URI or tracking.tracking_uri to a running one"
        ) from None
    if status >= 500:
        raise MolgenError(
            f"MLflow tracking server {tracking_uri} is not healthy ({url} answered HTTP {status})"
        )


def configure_tracking(tracking_uri: str | None, experiment: str, timeout: float = 5.0) -> str:
    """Point MLflow at ``tracking_uri`` (None keeps the default) and select the experiment.

    An ``http(s)`` tracking server is first checked with :func:`check_tracking_server`, so
    an unreachable one fails within ``timeout`` seconds instead of after MLflow's retries.

    Returns:
        The tracking URI in use.

    Raises:
        MolgenError: the tracking server cannot be reached, or the store is not usable.
    """
    if tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)
    check_tracking_server(mlflow.get_tracking_uri(), timeout)
    try:
        mlflow.set_experiment(experiment)
    except Exception as exc:  # MLflow raises many types for an unreachable store
        reason = first_line(exc)
        raise MolgenError(
            f"MLflow tracking store {mlflow.get_tracking_uri()} is not usable: {reason}"
        ) from None
    return mlflow.get_tracking_uri()


@contextmanager
def stage_run(
    name: str, parent_run_id: str | None = None, tags: dict[str, str] | None = None
) -> Iterator[mlflow.ActiveRun]:
    """Start an MLflow run for a stage, nested under ``parent_run_id`` or the active run.

    Every run gets the environment tags (git sha, package versions, device).
    """
    active = mlflow.active_run()
    parent = parent_run_id or (active.info.run_id if active else None)
    all_tags = {**environment_tags(), "molgen.stage": name, **(tags or {})}
    with mlflow.start_run(
        run_name=name,
        nested=parent is not None,
        parent_run_id=parent,
        tags=all_tags,
    ) as run:
        yield run


def log_config(config: BaseModel, prefix: str = "") -> None:
    """Log a pydantic config as flattened params, and as ``config.json``."""
    data = config.model_dump(mode="json")
    params = {}
    for key, value in flatten(data).items():
        text = json.dumps(value) if isinstance(value, list | dict) else str(value)
        params[f"{prefix}{key}"] = text[:_PARAM_LIMIT]
    if params:
        mlflow.log_params(params)
    mlflow.log_dict(data, f"{prefix.rstrip('.') or 'config'}.json")


def log_metrics(metrics: dict[str, Any], step: int | None = None) -> None:
    """Log the finite numeric entries of ``metrics`` to the active run."""
    clean = {
        k: float(v)
        for k, v in metrics.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    }
    if clean:
        mlflow.log_metrics(clean, step=step)


def metric_logger(run_id: str) -> MetricLogger:
    """A callback that logs ``(metrics, step)`` to run ``run_id``, from any thread."""
    client = MlflowClient()

    def log(metrics: dict[str, float], step: int) -> None:
        now = int(time.time() * 1000)
        batch = [
            Metric(key=k, value=float(v), timestamp=now, step=step)
            for k, v in metrics.items()
            if math.isfinite(float(v))
        ]
        if batch:
            client.log_batch(run_id, metrics=batch)

    return log


def log_dataset(frame: pd.DataFrame, name: str, source: str, context: str) -> None:
    """Record a dataset as an MLflow input (name, digest, schema, profile)."""
    dataset = mlflow.data.from_pandas(frame, source=source, name=name)
    mlflow.log_input(dataset, context=context)


def _logged_checkpoint(model_dir: Path) -> Path | None:
    """The checkpoint inside a logged pyfunc model directory (one holding ``MLmodel``)."""
    if not (model_dir / "MLmodel").is_file():
        return None
    from mlflow.models import Model

    flavor = Model.load(str(model_dir / "MLmodel")).flavors.get("python_function", {})
    artifact = (flavor.get("artifacts") or {}).get("checkpoint") or {}
    path = model_dir / str(artifact.get("path", ""))
    return path if artifact and path.is_file() else None


def resolve_model_path(model: str) -> Path:
    """Turn a ``--model`` value into a local checkpoint file.

    Accepts a checkpoint file, a directory holding ``checkpoint.pt``/``best.pt``/``last.pt``,
    or an MLflow URI (``models:/<name>@<alias>``, ``models:/<name>/<version>``,
    ``runs:/<run_id>/model``, ...) of a logged generator model (its ``checkpoint`` artifact)
    or of a run's plain ``model/`` artifact folder.

    Raises:
        InputError: nothing loadable is found there (one line, with MLflow's reason).
    """
    if is_mlflow_uri(model):
        try:
            local = Path(mlflow.artifacts.download_artifacts(artifact_uri=model))
        except Exception as exc:
            reason = first_line(exc)
            raise InputError(model, f"cannot fetch model from MLflow: {reason}") from None
    else:
        local = Path(model)
    if local.is_dir():
        logged = _logged_checkpoint(local)
        if logged is not None:
            return logged
        for candidate in ModelLayout(local).loadable:
            if candidate.is_file():
                return candidate
        raise InputError(model, "no checkpoint.pt, best.pt or last.pt in this directory")
    if not local.is_file():
        raise InputError(model, "checkpoint not found")
    return local


def is_mlflow_uri(model: str) -> bool:
    """Whether a ``--model`` value is an MLflow URI rather than a local path."""
    return "://" in model or model.startswith(("runs:/", "models:/"))
