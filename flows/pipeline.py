"""The whole pipeline: curate -> train -> sample -> score, under one MLflow parent run."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import mlflow
from prefect import flow, get_run_logger

from flows.curate import curate_flow
from flows.sample import sample_flow
from flows.score import score_flow
from flows.train import train_flow
from molgen.config import PipelineConfig
from molgen.tracking import configure_tracking, log_config, log_metrics
from molgen.utils.runtime import environment_tags

__all__ = ["pipeline", "run_layout"]


def run_layout(out_dir: str | Path) -> dict[str, Path]:
    """Where each stage writes inside a pipeline run's output directory."""
    out = Path(out_dir)
    return {
        "data": out / "data",
        "model": out / "model",
        "samples": out / "samples.parquet",
        "scores": out / "scores.parquet",
        "summary": out / "summary.json",
    }


@flow(name="pipeline")
def pipeline(config: PipelineConfig, out_dir: str) -> dict[str, Any]:
    """Run every stage in order and write ``summary.json`` into ``out_dir``.

    Each stage is a subflow with its own nested MLflow run under the pipeline's run. A rerun
    with the same config and ``out_dir`` skips the stages that already finished.

    Returns:
        The summary: the MLflow parent run id, output paths and headline metrics.
    """
    logger = get_run_logger()
    paths = run_layout(out_dir)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    configure_tracking(config.tracking.tracking_uri, config.tracking.experiment)
    with mlflow.start_run(run_name="pipeline", tags=environment_tags()) as parent:
        parent_id = parent.info.run_id
        log_config(config)
        data = str(paths["data"])
        curated = curate_flow(config, data, parent_run_id=parent_id)
        trained = train_flow(
            config, data, str(paths["model"]), resume=True, parent_run_id=parent_id
        )
        sampled = sample_flow(
            config, str(paths["model"]), str(paths["samples"]), data, parent_run_id=parent_id
        )
        scored = score_flow(
            config, str(paths["samples"]), str(paths["scores"]), data, parent_run_id=parent_id
        )
        headline = {
            "validity": sampled.get("validity"),
            "uniqueness": sampled.get("uniqueness"),
            "novelty": sampled.get("novelty"),
            "best_val_loss": trained.get("best_val_loss"),
            "mean_score": scored.get("score_mean"),
            "mean_qed": scored.get("qed_mean"),
            "curated_kept": curated.get("kept"),
            "wall_seconds": round(time.perf_counter() - started, 1),
        }
        log_metrics(headline)
        summary = {
            "mlflow_run_id": parent_id,
            "mlflow_tracking_uri": mlflow.get_tracking_uri(),
            "model_uri": trained.get("model_uri"),
            "model": config.model.name,
            "metrics": headline,
            "curate": {k: curated.get(k) for k in ("input", "kept", "rejected", "seconds")},
            "train": trained,
            "sample": sampled,
            "score": scored,
            "outputs": {k: str(v) for k, v in paths.items()},
        }
        paths["summary"].write_text(json.dumps(summary, indent=2, default=str))
        mlflow.log_artifact(str(paths["summary"]))
    logger.info("pipeline finished: %s", json.dumps(headline))
    return summary
