"""The champion flow: sample -> score -> evaluate -> store with the model a registry alias
points at (``models:/<family>@champion``), as the daily deployment runs it.

The alias is pinned to a model version when the run starts, so the whole run uses one model
even if the alias moves meanwhile, and the candidates record that version as their
checkpoint. The run's folder and ``summary.json`` have the layout of a pipeline run's, so
``molgen store import`` reads it too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import mlflow
from prefect import flow, get_run_logger, task

from flows.curate import curate_flow
from flows.family import sample_score_evaluate
from flows.scheduled import load_config, run_folder
from flows.store import pipeline_run, store_flow
from molgen.data.dataset import CuratedDataset
from molgen.model_registry.resolve import pin_model_version, registered_name
from molgen.models.checkpoint import read_checkpoint
from molgen.store.runs import FamilyOutput
from molgen.tracking import configure_tracking, log_metrics, resolve_model_path
from molgen.utils.run_layout import RunLayout
from molgen.utils.runtime import environment_tags

__all__ = ["champion_flow", "champion_label", "fetch_champion"]


@task(name="fetch-champion", retries=2, retry_delay_seconds=5)
def fetch_champion(model_uri: str) -> dict[str, str]:
    """Pin ``model_uri`` to a version and fetch its checkpoint (network I/O, so it retries).

    Returns:
        ``model_uri`` (pinned), ``checkpoint`` (a local file) and ``model_type``.
    """
    pinned = pin_model_version(model_uri)
    checkpoint = resolve_model_path(pinned)
    model_type = str(read_checkpoint(checkpoint)["model_type"])
    return {"model_uri": pinned, "checkpoint": str(checkpoint), "model_type": model_type}


def champion_label(model_uri: str) -> str:
    """The family label of a run: the registered model's name, else ``champion``."""
    name = registered_name(model_uri)
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) if name else "champion"


@flow(name="champion")
def champion_flow(
    config_file: str = "configs/quick.toml",
    model_uri: str = "models:/char_rnn@champion",
    data_dir: str | None = None,
    out_root: str = "runs",
) -> dict[str, Any]:
    """Sample, score, evaluate and store molecules from the model ``model_uri`` names.

    ``data_dir`` is the curated dataset for novelty and evaluation; without it the config's
    sources are curated (a cache hit once any run curated them) into the run's ``data/``.
    The run writes into ``out_root/champion-<scheduled start>/``.

    Returns:
        The run's summary: the MLflow run id, the pinned model URI, the family's metrics,
        stage results and output paths, and the store counts.
    """
    logger = get_run_logger()
    config = load_config(config_file)
    layout = RunLayout(Path(run_folder(out_root, "champion-")))
    layout.root.mkdir(parents=True, exist_ok=True)
    label = champion_label(model_uri)
    folder = layout.family(label)
    configure_tracking(config.tracking.tracking_uri, config.tracking.experiment)
    tags = {**environment_tags(), "molgen.stage": "champion", "molgen.model_uri": model_uri}
    with mlflow.start_run(run_name="champion", tags=tags) as parent:
        run_id = parent.info.run_id
        champion = fetch_champion(model_uri)
        mlflow.set_tag("molgen.model_version_uri", champion["model_uri"])
        if data_dir:
            CuratedDataset.open(data_dir)
            data = data_dir
        else:
            data = str(layout.data_dir)
            curate_flow(config, data, parent_run_id=run_id)
        sampled, scored, evaluated = sample_score_evaluate(
            config, champion["checkpoint"], folder, data, run_id, label
        )
        family = FamilyOutput(
            label=label,
            scores=folder.scores,
            model_type=champion["model_type"],
            checkpoint=champion["model_uri"],
            temperature=config.sample.temperature,
        )
        stored = store_flow(
            config, pipeline_run(parent, layout.root), [family], parent_run_id=run_id
        )
        metrics = {
            "validity": sampled.get("validity"),
            "uniqueness": sampled.get("uniqueness"),
            "novelty": sampled.get("novelty"),
            "mean_score": scored.get("score_mean"),
            **{k: evaluated.get(k) for k in ("FCD/Test", "SNN/Test", "IntDiv", "Filters")},
        }
        log_metrics(metrics)
        summary = {
            "mlflow_run_id": run_id,
            "mlflow_tracking_uri": mlflow.get_tracking_uri(),
            "model_uri": champion["model_uri"],
            "metrics": {label: metrics},
            "families": {
                label: {
                    "model": champion["model_type"],
                    "model_uri": champion["model_uri"],
                    "mlflow_run_id": run_id,
                    "metrics": metrics,
                    "sample": sampled,
                    "score": scored,
                    "evaluate": evaluated or None,
                    "outputs": {key: str(value) for key, value in folder.outputs().items()},
                }
            },
            "store": stored,
        }
        layout.summary.write_text(json.dumps(summary, indent=2, default=str))
        mlflow.log_artifact(str(layout.summary))
    logger.info("champion %s -> %s: %s", champion["model_uri"], layout.root, json.dumps(metrics))
    return summary
