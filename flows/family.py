"""One model family inside a pipeline: train, sample, score and evaluate it under its own
MLflow run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from flows.evaluate import evaluate_flow
from flows.sample import sample_flow
from flows.score import score_flow
from flows.tracking import tracked_stage
from flows.train import train_flow
from molgen.config import PipelineConfig
from molgen.tracking import log_config, log_metrics
from molgen.utils.run_layout import FamilyLayout

__all__ = ["EVALUATION_HEADLINE", "family_flow", "sample_score_evaluate"]

EVALUATION_HEADLINE = ("FCD/Test", "SNN/Test", "IntDiv", "Filters", "Novelty")
"""Evaluation metrics (MOSES names) copied into a family's headline metrics."""


def sample_score_evaluate(
    config: PipelineConfig,
    checkpoint: str,
    folder: FamilyLayout,
    data_dir: str,
    run_id: str,
    label: str,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Sample from ``checkpoint``, score the samples and (unless the config turns it off)
    evaluate them, into a family's ``folder``, each stage nested under ``run_id``.

    Returns:
        The sample, score and evaluate results (the last empty when evaluation is off).
    """
    samples, scores = str(folder.samples), str(folder.scores)
    sampled = sample_flow(config, checkpoint, samples, data_dir, parent_run_id=run_id)
    scored = score_flow(config, samples, scores, data_dir, parent_run_id=run_id)
    evaluated: dict[str, Any] = {}
    if config.evaluate.enabled:
        evaluated = evaluate_flow(
            config,
            samples,
            data_dir,
            str(folder.evaluation),
            scores_path=scores,
            parent_run_id=run_id,
            label=label,
        )
    return sampled, scored, evaluated


@flow(name="family", flow_run_name="{label}")
def family_flow(
    config: PipelineConfig,
    label: str,
    data_dir: str,
    out_dir: str,
    parent_run_id: str | None = None,
) -> dict[str, Any]:
    """Train, sample, score and evaluate ``config.model`` (a single-family config) into
    ``out_dir``.

    The family gets an MLflow run named ``label``, nested under ``parent_run_id``, with the
    train, sample, score and (unless ``config.evaluate.enabled`` is off) evaluate runs nested
    under it. Its headline metrics (with the evaluation's ``FCD/Test``, ``SNN/Test``,
    ``IntDiv``, ``Filters`` and ``Novelty``) are logged on the family run itself, so the
    families of a pipeline compare side by side in the MLflow UI.

    Returns:
        ``model`` (family name), ``model_uri``, ``mlflow_run_id``, ``metrics`` (headline),
        the stage results and the output paths.
    """
    logger = get_run_logger()
    folder = FamilyLayout(Path(out_dir))
    tags = {"molgen.stage": "family", "molgen.family": label, "molgen.model": config.model.name}
    with tracked_stage(label, config.tracking, parent_run_id, tags=tags) as run:
        run_id = run.info.run_id
        log_config(config.model, "model.")
        log_config(config.train, "train.")
        log_config(config.sample, "sample.")
        data = data_dir
        model_dir = str(folder.model_dir)
        trained = train_flow(config, data, model_dir, resume=True, parent_run_id=run_id)
        sampled, scored, evaluated = sample_score_evaluate(
            config, model_dir, folder, data, run_id, label
        )
        headline = {
            "validity": sampled.get("validity"),
            "uniqueness": sampled.get("uniqueness"),
            "novelty": sampled.get("novelty"),
            "best_val_loss": trained.get("best_val_loss"),
            "train_seconds": trained.get("seconds"),
            "tokens_per_second": trained.get("tokens_per_second"),
            "sample_molecules_per_second": sampled.get("molecules_per_second"),
            "mean_score": scored.get("score_mean"),
            "mean_qed": scored.get("qed_mean"),
            **{name: evaluated.get(name) for name in EVALUATION_HEADLINE},
        }
        log_metrics(headline)
    logger.info("family %s (%s) finished: %s", label, config.model.name, headline)
    return {
        "model": config.model.name,
        "model_uri": trained.get("model_uri"),
        "mlflow_run_id": run_id,
        "metrics": headline,
        "train": trained,
        "sample": sampled,
        "score": scored,
        "evaluate": evaluated or None,
        "outputs": {key: str(value) for key, value in folder.outputs().items()},
    }
