"""The predictor stage as a Prefect flow: train, evaluate and register property predictors,
one MLflow run each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
from prefect import flow, get_run_logger, task

from flows.tracking import tracked_stage
from molgen.config import PipelineConfig, PredictorStageConfig, TrackingConfig
from molgen.model_registry.predictor import log_predictor_model
from molgen.predictors.predictor import CHECKPOINT_NAME
from molgen.predictors.run import predict_file, train_from_file
from molgen.tracking import log_config, log_metrics
from molgen.utils.run_layout import PredictorLayout

__all__ = ["predictor_flow", "predictors_flow", "train_predictor"]


@task(name="train-predictor")
def train_predictor(stage: PredictorStageConfig, out_dir: str) -> dict[str, Any]:
    """Train and evaluate one predictor into ``out_dir`` (see
    :func:`molgen.predictors.run.train_from_file`); returns its summary."""
    result = train_from_file(stage, out_dir)
    summary = dict(result.summary)
    summary["plots"] = {k: str(v) for k, v in result.plots.items()}
    summary["history"] = result.predictor.history
    return summary


@flow(name="predictor")
def predictor_flow(
    stage: PredictorStageConfig,
    out_dir: str,
    tracking: TrackingConfig | None = None,
    parent_run_id: str | None = None,
) -> dict[str, Any]:
    """Train one predictor in its own MLflow run: config as params, per-epoch losses, test
    metrics, plots, the rejects table, and the model logged as a pyfunc (registered as
    ``stage.name`` with ``stage.alias`` when ``stage.register_model``).

    Returns:
        The summary of :func:`train_predictor`, plus ``mlflow_run_id``, ``model_uri`` and
        the registration (``registered_uri``, ``version``), and ``predicted`` outputs.
    """
    logger = get_run_logger()
    out = Path(out_dir)
    with tracked_stage(
        f"predictor:{stage.name}", tracking or TrackingConfig(), parent_run_id,
        tags={"molgen.predictor": stage.name},
    ) as run:  # fmt: skip
        log_config(stage)
        mlflow.log_param("data", stage.data)
        summary = train_predictor(stage, out_dir)
        for row in summary.pop("history"):
            prefix = f"member{int(row['member'])}/"
            log_metrics(
                {prefix + k: v for k, v in row.items() if k.endswith("loss")},
                step=int(row["epoch"]),
            )
        log_metrics({k: v for k, v in summary["metrics"].items() if v is not None})
        log_metrics({k: summary[k] for k in ("rows_kept", "rows_rejected", "n_train", "n_test")})
        for path in summary["plots"].values():
            mlflow.log_artifact(path, "plots")
        for path in PredictorLayout(out).tables():
            if path.is_file():
                mlflow.log_artifact(str(path))
        logged = log_predictor_model(
            out / CHECKPOINT_NAME,
            name="predictor",
            registered_model_name=stage.name if stage.register_model else None,
            alias=stage.alias if stage.register_model else None,
        )
        summary |= logged
        summary["mlflow_run_id"] = run.info.run_id
        predicted = {}
        if stage.predict:
            from molgen.predictors import load_predictor

            predictor = load_predictor(out)
            for i, source in enumerate(stage.predict):
                target = out / f"predictions_{i}_{Path(source).name.split('.')[0]}.csv"
                predicted[source] = predict_file(predictor, source, target, stage.smiles_column)
                mlflow.log_artifact(str(target), "predictions")
        summary["predicted"] = predicted
        logger.info("predictor %s: %s", stage.name, summary["metrics"])
    return summary


def predictors_flow(
    config: PipelineConfig, out_dir: str, parent_run_id: str | None = None
) -> dict[str, Any]:
    """Every ``[[predictors]]`` entry of ``config``, into ``out_dir/<name>``."""
    return {
        stage.name: predictor_flow(
            stage, str(Path(out_dir) / stage.name), config.tracking, parent_run_id
        )
        for stage in config.predictors
    }
