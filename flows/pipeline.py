"""The whole pipeline: curate, then train -> sample -> score -> evaluate for each model family,
under one MLflow parent run, then property predictors and design (when configured), the store
stage, and an HTML report at the end."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import mlflow
from prefect import flow, get_run_logger, task

from flows.curate import curate_flow
from flows.design import design_flow
from flows.evaluate import prepare_references
from flows.family import family_flow
from flows.predictor import predictors_flow
from flows.register import register_flow
from flows.store import pipeline_families, pipeline_run, store_flow
from molgen.config import FamilyConfig, PipelineConfig
from molgen.evaluation.report import write_report
from molgen.model_registry.champion import check_registry
from molgen.models.families import reuse_trained, unmet_dependencies
from molgen.tracking import configure_tracking, log_config, log_metrics
from molgen.training.time_budget import planned_training_minutes, read_plan, training_share
from molgen.utils.run_layout import RunLayout
from molgen.utils.runtime import environment_tags

__all__ = [
    "design_prior",
    "pipeline",
    "with_budgeted_training",
    "with_earlier_families",
    "write_pipeline_report",
]


def design_prior(config: PipelineConfig, out_dir: str | Path) -> str:
    """The design stage's prior: the one ``[design]`` names, else the checkpoint of the
    pipeline's first autoregressive family."""
    assert config.design is not None
    if config.design.prior:
        return config.design.prior
    family = config.design_family()
    assert family is not None  # PipelineConfig validates that there is one
    return str(RunLayout(Path(out_dir)).family(family.label).checkpoint)


def with_earlier_families(
    family: FamilyConfig, earlier: list[FamilyConfig], out_dir: str | Path
) -> FamilyConfig:
    """A family that builds on another (a LatentGAN on a VAE) and names no checkpoint of it
    reuses the pipeline's first earlier family of that kind.

    Other families, and those with no such family before them, come back unchanged (the
    train stage then trains what they build on first).
    """
    checkpoints: dict[str, Path] = {}
    for done in earlier:
        checkpoint = RunLayout(Path(out_dir)).family(done.label).checkpoint
        checkpoints.setdefault(done.model.name, checkpoint)
    model = reuse_trained(family.model, checkpoints)
    return family if model is family.model else family.model_copy(update={"model": model})


def with_budgeted_training(
    config: PipelineConfig,
    family: FamilyConfig,
    later: list[FamilyConfig],
    out_dir: str | Path,
    elapsed_seconds: float,
) -> FamilyConfig:
    """``family`` with its ``train.max_minutes`` cut to its share of ``config.time_budget``
    (see :func:`~molgen.training.time_budget.training_share`, kept in the run folder for
    reruns); unchanged without a budget. ``later`` are the families that train after it."""
    if config.time_budget.minutes is None:
        return family
    queued = [family, *later]
    share = training_share(
        config.time_budget,
        elapsed_seconds=elapsed_seconds,
        families_left=len(queued),
        trainings_left=sum(1 + len(unmet_dependencies(f.model)) for f in queued),
        max_minutes=family.train.max_minutes,
    )
    assert share is not None  # a budget always gives a share
    plan = RunLayout(Path(out_dir)).time_budget_plan
    minutes = planned_training_minutes(plan, family.label, share)
    get_run_logger().info(
        "time budget: %s trains for %.1f minutes (%.1f of %.1f minutes spent)",
        family.label, minutes, elapsed_seconds / 60, config.time_budget.minutes,
    )  # fmt: skip
    train = family.train.model_copy(update={"max_minutes": minutes})
    return family.model_copy(update={"train": train})


def _budget_summary(config: PipelineConfig, out_dir: str, wall: float) -> dict[str, Any] | None:
    """The budget, the training minutes it gave, and whether the run kept to it."""
    minutes = config.time_budget.minutes
    if minutes is None:
        return None
    within = wall <= 60 * minutes
    if not within:
        get_run_logger().warning(
            "the pipeline took %.1f minutes, over its %.1f-minute budget (raise "
            "[time_budget] after_training_minutes if the stages after training are slow here)",
            wall / 60, minutes,
        )  # fmt: skip
    plan = read_plan(RunLayout(Path(out_dir)).time_budget_plan)
    return {"minutes": minutes, "training_minutes": plan, "within": within}


@task(name="write-report")
def write_pipeline_report(out_dir: str, max_molecules: int) -> str:
    """Write ``out_dir/report.html`` from the run's ``summary.json`` and MLflow records."""
    path = RunLayout(Path(out_dir)).report
    write_report(
        [out_dir], path, tracking_uri=mlflow.get_tracking_uri(), max_molecules=max_molecules
    )
    return str(path)


@flow(name="pipeline")
def pipeline(config: PipelineConfig, out_dir: str) -> dict[str, Any]:
    """Curate once, then train, sample, score and evaluate every family, store the
    candidates, register the models (with ``config.registry.enabled``), and write
    ``summary.json`` and (with ``config.evaluate.report``) ``report.html``.

    An unreachable MLflow tracking server (or, with the registry on, a store without a
    usable Model Registry) fails the run at once, before curation.

    Each family runs in its own MLflow run nested under the pipeline's, with its stage runs
    nested under that. A rerun with the same config and ``out_dir`` skips the stages that
    already finished.

    Returns:
        The summary: the MLflow parent run id, the curate summary, per family its model
        URI, headline metrics, stage results and output paths, the store's counts and the
        registry's versions (None when it is off).
    """
    logger = get_run_logger()
    started = time.perf_counter()
    # Fail fast, before any work, on an unreachable tracking server or unusable registry.
    configure_tracking(
        config.tracking.tracking_uri, config.tracking.experiment, config.tracking.timeout
    )
    if config.registry.enabled:
        check_registry()
    layout = RunLayout(Path(out_dir))
    layout.root.mkdir(parents=True, exist_ok=True)
    with mlflow.start_run(run_name="pipeline", tags=environment_tags()) as parent:
        parent_id = parent.info.run_id
        log_config(config)
        data = str(layout.data_dir)
        curated = curate_flow(config, data, parent_run_id=parent_id)
        if config.evaluate.enabled:  # paid before training, so the time budget sees it
            prepare_references(data, config.evaluate.device)
        families: dict[str, Any] = {}
        done: list[FamilyConfig] = []
        queued = config.family_configs()
        for index, family in enumerate(queued):
            family = with_earlier_families(family, done, out_dir)
            family = with_budgeted_training(
                config, family, queued[index + 1 :], out_dir, time.perf_counter() - started
            )
            families[family.label] = family_flow(
                config.for_family(family),
                family.label,
                data,
                str(layout.family(family.label).root),
                parent_run_id=parent_id,
            )
            done.append(family)
        for label, result in families.items():
            log_metrics({f"{label}/{key}": value for key, value in result["metrics"].items()})
        predictors = None
        if config.predictors:
            predictors = predictors_flow(
                config, str(layout.predictors_dir), parent_run_id=parent_id
            )
        designed = None
        if config.design is not None:
            designed = design_flow(
                config, design_prior(config, out_dir), str(layout.design.root), resume=True,
                train_data=data, store_run=pipeline_run(parent, out_dir),
                parent_run_id=parent_id,
            )  # fmt: skip
            log_metrics({f"design/{k}": v for k, v in designed.items() if k.startswith("top")})
        stored = store_flow(
            config,
            pipeline_run(parent, out_dir),
            pipeline_families(config, families),
            parent_run_id=parent_id,
        )
        registered = None
        if config.registry.enabled:
            registered = register_flow(config, families, out_dir, parent_run_id=parent_id)
        wall = round(time.perf_counter() - started, 1)
        log_metrics({"curated_kept": curated.get("kept"), "wall_seconds": wall})
        summary = {
            "mlflow_run_id": parent_id,
            "mlflow_tracking_uri": mlflow.get_tracking_uri(),
            "wall_seconds": wall,
            "curate": {k: curated.get(k) for k in ("input", "kept", "rejected", "seconds")},
            "metrics": {label: result["metrics"] for label, result in families.items()},
            "families": families,
            "predictors": predictors,
            "design": designed,
            "store": stored,
            "registry": registered,
            "time_budget": _budget_summary(config, out_dir, wall),
            "outputs": {k: str(v) for k, v in layout.outputs().items()},
        }
        layout.summary.write_text(json.dumps(summary, indent=2, default=str))
        mlflow.log_artifact(str(layout.summary))
        if config.evaluate.report:
            write_pipeline_report(out_dir, config.evaluate.max_plot_molecules)
            mlflow.log_artifact(str(layout.report))
    logger.info("pipeline finished: %s", json.dumps(summary["metrics"]))
    return summary
