"""The score stage as a Prefect flow."""

from __future__ import annotations

from typing import Any

import mlflow
from prefect import flow, get_run_logger, task

from flows.scaleout import dask_task_runner, task_mapper
from flows.stage_cache import (
    done_result,
    fingerprint,
    is_done,
    mark_done,
    path_fingerprint,
    stage_key,
    unless_done,
)
from flows.tracking import tracked_stage
from molgen.config import DaskConfig, PipelineConfig
from molgen.scoring.config import ScoreConfig
from molgen.scoring.run import score_to_file
from molgen.tracking import log_config, log_metrics

__all__ = ["score_flow"]


@task(name="score-molecules", cache_key_fn=stage_key("score", "out_path"), persist_result=True)
def score_task(
    in_path: str,
    config: ScoreConfig,
    train_data: str | None,
    smiles_column: str,
    key: str,
    out_path: str,
) -> dict[str, Any]:
    """Score every row of ``in_path`` into ``out_path`` (skipped when already done)."""
    if not is_done(out_path, "score", key):
        summary = score_to_file(in_path, out_path, config, train_data, smiles_column)
        mark_done(out_path, "score", key, summary)
    return done_result(out_path, "score")


@flow(name="score-on-dask")
def score_on_dask(
    in_path: str,
    config: ScoreConfig,
    dask: DaskConfig,
    train_data: str | None,
    smiles_column: str,
    key: str,
    out_path: str,
) -> dict[str, Any]:
    """Score ``in_path`` with one Prefect task per chunk on the flow's Dask task runner;
    novelty, the objective and the output file are done here, in input order, so the
    table equals the single-process one. Skipped when already done."""
    if not is_done(out_path, "score", key):
        mapper = task_mapper(dask.max_pending)
        summary = score_to_file(
            in_path, out_path, config, train_data, smiles_column,
            mapper=mapper, chunk_size=dask.chunk_size,
        )  # fmt: skip
        mark_done(out_path, "score", key, summary)
    return done_result(out_path, "score")


@flow(name="score")
def score_flow(
    config: PipelineConfig,
    in_path: str,
    out_path: str,
    train_data: str | None = None,
    smiles_column: str = "smiles",
    parent_run_id: str | None = None,
) -> dict[str, Any]:
    """Score the molecules of any SMILES file with RDKit properties and the objective.

    With a ``[dask]`` section the file is scored chunk by chunk on that Dask cluster (same
    table).

    Returns:
        Property summaries (means, medians, alert rates, mean score).
    """
    logger = get_run_logger()
    key = fingerprint("score", config.score, path_fingerprint(in_path), train_data, smiles_column)
    with tracked_stage("score", config.tracking, parent_run_id):
        log_config(config.score, "score.")
        if config.dask is None:
            summary = unless_done(score_task, "score", out_path, key)(
                in_path, config.score, train_data, smiles_column, key, out_path
            )
        else:
            on_dask = score_on_dask.with_options(task_runner=dask_task_runner(config.dask))
            summary = on_dask(
                in_path, config.score, config.dask, train_data, smiles_column, key, out_path
            )
        log_metrics(summary)
        mlflow.log_artifact(out_path, "scores")
        logger.info("scored %s -> %s", in_path, out_path)
    return summary
