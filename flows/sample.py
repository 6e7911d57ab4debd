"""The sample stage as a Prefect flow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
from prefect import flow, get_run_logger, task

from flows.stage_cache import done_result, fingerprint, is_done, mark_done, stage_key, unless_done
from flows.tracking import tracked_stage
from molgen.config import PipelineConfig
from molgen.sampling.config import SampleConfig
from molgen.sampling.run import sample_to_file
from molgen.tracking import log_config, log_metrics, resolve_model_path
from molgen.utils.hashing import hash_files

__all__ = ["sample_flow"]


@task(name="draw-samples", cache_key_fn=stage_key("sample", "out_path"), persist_result=True)
def sample_task(
    checkpoint: str, config: SampleConfig, train_data: str | None, key: str, out_path: str
) -> dict[str, Any]:
    """Sample into ``out_path`` and compute validity/uniqueness/novelty (skipped if done)."""
    if not is_done(out_path, "sample", key):
        metrics = sample_to_file(checkpoint, config, out_path, train_data=train_data)
        mark_done(out_path, "sample", key, metrics)
    return done_result(out_path, "sample")


@task(name="resolve-model", retries=2, retry_delay_seconds=3)
def resolve_model(model: str) -> str:
    """Find the checkpoint file for a path or an MLflow model URI (downloads if needed)."""
    return str(resolve_model_path(model))


@flow(name="sample")
def sample_flow(
    config: PipelineConfig,
    model: str,
    out_path: str,
    train_data: str | None = None,
    parent_run_id: str | None = None,
) -> dict[str, Any]:
    """Draw ``config.sample.n`` molecules from ``model`` (a checkpoint path or MLflow URI).

    Returns:
        Sampling metrics: n, n_valid, validity, uniqueness and (with ``train_data``) novelty.
    """
    logger = get_run_logger()
    with tracked_stage("sample", config.tracking, parent_run_id):
        checkpoint = resolve_model(model)
        key = fingerprint("sample", config.sample, hash_files([checkpoint]), train_data)
        log_config(config.sample, "sample.")
        mlflow.set_tag("molgen.model_source", model)
        metrics = unless_done(sample_task, "sample", out_path, key)(
            checkpoint, config.sample, train_data, key, out_path
        )
        log_metrics(metrics)
        mlflow.log_artifact(out_path, "samples")
        logger.info("sampled %s -> %s", metrics, Path(out_path))
    return metrics
