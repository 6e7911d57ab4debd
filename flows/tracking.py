"""How the flows attach to MLflow: one parent run per pipeline, a nested run per stage."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import mlflow

from molgen.config import TrackingConfig
from molgen.tracking import configure_tracking, stage_run

__all__ = ["tracked_stage"]


@contextmanager
def tracked_stage(
    name: str,
    tracking: TrackingConfig,
    parent_run_id: str | None = None,
    tags: dict[str, str] | None = None,
) -> Iterator[mlflow.ActiveRun]:
    """Open the MLflow run of a stage.

    Inside the pipeline, ``parent_run_id`` names the pipeline's run and the stage run nests
    under it. A stage flow run on its own becomes a top-level run.
    """
    if mlflow.active_run() is None:
        configure_tracking(tracking.tracking_uri, tracking.experiment, tracking.timeout)
    with stage_run(name, parent_run_id=parent_run_id, tags=tags) as run:
        yield run
