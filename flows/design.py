"""The design stage as a Prefect flow: REINVENT-style learning toward objectives, tracked in
MLflow, with the designed molecules written to the candidate store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
from prefect import flow, get_run_logger, task

from flows.store import pipeline_run
from flows.tracking import tracked_stage
from molgen.config import PipelineConfig
from molgen.data.dataset import CuratedDataset
from molgen.design.agent import require_autoregressive
from molgen.design.run import DesignRun
from molgen.model_registry.pyfunc import log_generator_model
from molgen.models.loading import load_generator
from molgen.store.designs import ingest_design
from molgen.store.engine import open_store, public_url, resolve_url
from molgen.store.runs import RunInfo
from molgen.tracking import log_config, log_metrics, metric_logger, resolve_model_path
from molgen.utils.run_layout import DesignLayout

__all__ = ["design_flow"]


@task(name="store-designs", retries=1, retry_delay_seconds=5)
def store_designs(
    config: PipelineConfig, run: RunInfo, layout: DesignLayout, model_type: str, checkpoint: str,
    train_data: str | None,
) -> dict[str, Any]:  # fmt: skip
    """Write each stage's best molecules to the store; returns counts per stage."""
    train = CuratedDataset.open(train_data).smiles("train") if train_data else None
    engine = open_store(resolve_url(config.store.url))
    try:
        reports = ingest_design(
            engine, run, layout, config.design, model_type=model_type, checkpoint=checkpoint,
            train_smiles=train, n_jobs=config.store.n_jobs,
        )  # fmt: skip
    finally:
        engine.dispose()
    return {stage: {"candidates_inserted": r.candidates_inserted, "scores_inserted":
                    r.scores_inserted, "rejected": len(r.rejected)}
            for stage, r in reports.items()}  # fmt: skip


@flow(name="design")
def design_flow(
    config: PipelineConfig,
    prior: str,
    out_dir: str,
    resume: bool = False,
    train_data: str | None = None,
    store_run: RunInfo | None = None,
    parent_run_id: str | None = None,
) -> dict[str, Any]:
    """Fine-tune ``prior`` (a checkpoint path or MLflow URI of an autoregressive model)
    toward ``config.design``'s stages, writing ``out_dir`` (a :class:`DesignLayout` folder).

    Args:
        config: the pipeline config; its ``design`` section drives the run.
        prior: checkpoint path, model folder or MLflow model URI.
        out_dir: the design folder (``DIR/design``).
        resume: continue from the folder's last state.
        train_data: a curated dataset, for objectives with novelty and for the store.
        store_run: the run the stored candidates belong to (default: this design's MLflow
            run).
        parent_run_id: the pipeline's MLflow run, to nest under.

    Returns:
        The design summary, plus the MLflow run id, the agent's model URI and store counts.
    """
    logger = get_run_logger()
    design = config.design
    layout = DesignLayout(Path(out_dir))
    with tracked_stage("design", config.tracking, parent_run_id) as run:
        checkpoint = resolve_model_path(prior)
        generator = require_autoregressive(load_generator(checkpoint, design.device), prior)
        mlflow.set_tags({"molgen.prior": prior, "molgen.model": generator.config.name})
        log_config(design, "design.")
        for stage in design.stages:
            mlflow.log_dict(stage.objective.model_dump(mode="json"),
                            f"objectives/{stage.objective.name}.json")  # fmt: skip
        train = CuratedDataset.open(train_data).smiles("train") if train_data else None
        summary = DesignRun(
            design, generator, layout.root, train_smiles=train,
            log_metrics=metric_logger(run.info.run_id),
        ).run(resume=resume)  # fmt: skip
        log_metrics({k: v for k, v in summary.items() if k.startswith(("top", "oracle"))})
        for path in (layout.summary, layout.top, layout.scored, *layout.plots().values()):
            mlflow.log_artifact(str(path), "design")
        logged = log_generator_model(layout.agent, config.sample, name="agent")
        summary["mlflow_run_id"] = run.info.run_id
        summary["agent_model_uri"] = f"runs:/{run.info.run_id}/agent"
        summary["logged_model_uri"] = logged.model_uri
        if config.store.enabled:
            store_run = store_run or pipeline_run(run, layout.root)
            summary["store"] = store_designs(
                config, store_run, layout, generator.config.name, summary["agent_model_uri"],
                train_data,
            )  # fmt: skip
            summary["store_url"] = public_url(resolve_url(config.store.url))
        logger.info("design finished: %s", {k: summary[k] for k in ("top10_auc", "top10_mean")})
    return summary
