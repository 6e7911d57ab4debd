"""Entry flows of the deployments in ``prefect.yaml``: each loads its config file and runs a
stage flow.

A deployment's parameters are plain values (a scheduler stores them), so these flows take
the path of a TOML config and load it into the typed :class:`~molgen.config.PipelineConfig`,
which the stage flows then receive as their parameter and log to MLflow. Relative paths are
relative to the working directory: the repository root, where ``molgen serve`` and the
deployments' pull step run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow
from prefect.runtime import flow_run

from flows.curate import curate_flow
from flows.pipeline import pipeline
from flows.train import train_flow
from molgen.config import PipelineConfig, load_pipeline_config

__all__ = ["load_config", "run_folder", "scheduled_curate", "scheduled_pipeline", "scheduled_train"]


def load_config(config_file: str | None) -> PipelineConfig:
    """The pipeline config in ``config_file`` (the built-in defaults when None)."""
    return load_pipeline_config(config_file)


def run_folder(out_root: str, prefix: str = "") -> str:
    """A folder under ``out_root`` named after the flow run's scheduled start (UTC), so each
    scheduled run writes its own, and a retry of the same run finds the same one."""
    start = flow_run.get_scheduled_start_time().in_timezone("UTC")
    return str(Path(out_root) / f"{prefix}{start.strftime('%Y%m%d-%H%M%S')}")


@flow(name="scheduled-pipeline")
def scheduled_pipeline(config_file: str = "configs/quick.toml", out_root: str = "runs") -> dict:
    """The whole pipeline on ``config_file``, into ``out_root/<scheduled start>``.

    Returns:
        The pipeline's summary (see :func:`flows.pipeline.pipeline`).
    """
    return pipeline(load_config(config_file), run_folder(out_root))


@flow(name="scheduled-curate")
def scheduled_curate(
    config_file: str = "configs/quick.toml", out_dir: str = "data/curated"
) -> dict[str, Any]:
    """Curate the config's sources into ``out_dir`` (a cache hit when nothing changed).

    Returns:
        The curate summary.
    """
    return curate_flow(load_config(config_file), out_dir)


@flow(name="scheduled-train")
def scheduled_train(
    config_file: str = "configs/quick.toml",
    data_dir: str = "data/curated",
    out_dir: str = "models/latest",
) -> dict[str, Any]:
    """Train the config's model on the curated ``data_dir`` into ``out_dir``, resuming from
    its last checkpoint when one is there.

    Returns:
        The training result, with the MLflow model URI.
    """
    return train_flow(load_config(config_file), data_dir, out_dir, resume=True)
