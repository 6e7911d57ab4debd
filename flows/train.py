"""The train stage as a Prefect flow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
from prefect import flow, get_run_logger, task

from flows.stage_cache import done_result, fingerprint, is_done, mark_done, stage_key, unless_done
from flows.tracking import tracked_stage
from molgen.config import PipelineConfig
from molgen.data.dataset import CuratedDataset
from molgen.model_registry.pyfunc import log_generator_model
from molgen.models.base import ModelConfig
from molgen.models.families import unmet_dependencies
from molgen.tracking import log_config, log_metrics, metric_logger
from molgen.training.config import TrainConfig
from molgen.training.run import train_model
from molgen.utils.run_layout import ModelLayout

__all__ = ["train_flow", "train_key"]


def train_key(config: PipelineConfig, data_dir: str) -> str:
    """Hash of everything that determines the trained model (its stage marker's key)."""
    dataset = CuratedDataset.open(data_dir)
    return fingerprint("train", config.model, config.train, dataset.data_hash)


@task(name="train-model", cache_key_fn=stage_key("train", "out_dir"), persist_result=True)
def train_task(
    model: ModelConfig,
    train: TrainConfig,
    data_dir: str,
    key: str,
    out_dir: str,
    resume: bool,
    run_id: str,
) -> dict[str, Any]:
    """Train (or resume) a model into ``out_dir``; skipped when it already finished."""
    if not is_done(out_dir, "train", key):
        result = train_model(
            model, train, data_dir, out_dir, resume=resume, log_metrics=metric_logger(run_id)
        )
        mark_done(out_dir, "train", key, result.model_dump(mode="json"))
    return done_result(out_dir, "train")


def _with_dependencies_trained(
    config: PipelineConfig, data_dir: str, out_dir: str, resume: bool, parent_run_id: str | None
) -> PipelineConfig:
    """Train each model ``config.model`` builds on but names no checkpoint of (a LatentGAN's
    VAE, from ``[model.vae]``) into ``out_dir/<family>`` first, then point ``config.model`` at
    it. They train with the same ``[train]`` settings; for separate ones, list such a family
    before this one in the pipeline, or name its checkpoint (``model.vae_checkpoint``)."""
    model = config.model
    for dependency in unmet_dependencies(model):
        dependency_dir = Path(out_dir) / dependency.family
        get_run_logger().info(
            "%s: training its %s first into %s", model.name, dependency.family, dependency_dir
        )
        train_flow(
            config.model_copy(update={"model": dependency.config_to_train(model)}),
            data_dir,
            str(dependency_dir),
            resume=resume,
            parent_run_id=parent_run_id,
        )
        model = dependency.with_checkpoint(model, ModelLayout(dependency_dir).checkpoint)
    return config.model_copy(update={"model": model})


@flow(name="train")
def train_flow(
    config: PipelineConfig,
    data_dir: str,
    out_dir: str,
    resume: bool = False,
    parent_run_id: str | None = None,
) -> dict[str, Any]:
    """Train ``config.model`` on a curated dataset, logging losses and the model to MLflow.

    Returns:
        The training result (checkpoint paths, epochs, steps, best validation loss, speed).
    """
    logger = get_run_logger()
    CuratedDataset.open(data_dir)  # a bad dataset fails before any training
    if unmet_dependencies(config.model):
        config = _with_dependencies_trained(config, data_dir, out_dir, resume, parent_run_id)
    key = train_key(config, data_dir)
    with tracked_stage("train", config.tracking, parent_run_id) as run:
        mlflow.set_tag("molgen.model", config.model.name)
        log_config(config.model, "model.")
        log_config(config.train, "train.")
        result = unless_done(train_task, "train", out_dir, key)(
            config.model, config.train, data_dir, key, out_dir, resume, run.info.run_id
        )
        log_metrics({f"final_{k}": v for k, v in result.items()})
        mlflow.set_tag("molgen.precision", result.get("precision", "fp32"))  # as resolved
        # The checkpoint as an MLflow pyfunc model of this run (runs:/<run_id>/model).
        logged = log_generator_model(ModelLayout(Path(out_dir)).checkpoint, config.sample)
        logger.info("model %s trained: %s", config.model.name, result)
        result["mlflow_run_id"] = run.info.run_id
        result["model_uri"] = f"runs:/{run.info.run_id}/model"
        result["logged_model_uri"] = logged.model_uri
    return result
