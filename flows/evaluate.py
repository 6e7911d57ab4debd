"""The evaluate stage as a Prefect flow: MOSES/GuacaMol metrics and plots of one family."""

from __future__ import annotations

import json
import re
from pathlib import Path

import mlflow
import pandas as pd
from prefect import flow, get_run_logger, task

from flows.stage_cache import (
    cache_root,
    done_result,
    fingerprint,
    is_done,
    mark_done,
    path_fingerprint,
    stage_key,
    unless_done,
)
from flows.tracking import tracked_stage
from molgen.config import PipelineConfig
from molgen.evaluation.config import EvaluateConfig
from molgen.tracking import log_config, log_metrics
from molgen.utils.run_layout import FamilyLayout

__all__ = ["evaluate_flow", "evaluate_key", "mlflow_metric_name", "prepare_references"]

_NOT_IN_MLFLOW_NAMES = re.compile(r"[^/\w.\- ]")


def mlflow_metric_name(name: str) -> str:
    """A MOSES metric name as MLflow accepts it: ``unique@1000`` -> ``unique_at_1000``.

    ``/`` is allowed (``FCD/Test`` stays); ``@`` becomes ``_at_`` and any other character
    MLflow refuses becomes ``_``.
    """
    return _NOT_IN_MLFLOW_NAMES.sub("_", name.replace("@", "_at_"))


def _reference_files(data_dir: str | Path) -> list[str]:
    return [path_fingerprint(p) for p in sorted(Path(data_dir).glob("*.parquet"))]


def evaluate_key(samples_path: str, data_dir: str) -> str:
    """Hash of what determines the metrics: the samples and the curated dataset's splits."""
    return fingerprint("evaluate", path_fingerprint(samples_path), _reference_files(data_dir))


def _generated(samples_path: str) -> list[str | None]:
    frame = pd.read_parquet(samples_path, columns=["smiles"])
    return [s if isinstance(s, str) and s else None for s in frame["smiles"].tolist()]


@task(name="evaluate-samples", cache_key_fn=stage_key("evaluate", "out_path"), persist_result=True)
def evaluate_task(
    samples_path: str, data_dir: str, device: str, key: str, out_path: str
) -> dict[str, float | None]:
    """Write the metrics of ``samples_path`` to ``out_path`` (skipped when already done).

    Returns:
        Every MOSES/GuacaMol metric by its MOSES name; None where undefined.
    """
    if not is_done(out_path, "evaluate", key):
        from molgen.evaluation.evaluate import evaluate, metrics_json, write_metrics

        metrics = evaluate(
            _generated(samples_path),
            data_dir,
            cache_dir=cache_root() / "reference_stats",
            device=device,
        )
        write_metrics(metrics, out_path)
        mark_done(out_path, "evaluate", key, json.loads(metrics_json(metrics)))
    return done_result(out_path, "evaluate")


@task(name="reference-statistics")
def prepare_references(data_dir: str, device: str) -> list[str]:
    """Compute (or find cached) the reference statistics of the dataset's test splits, where
    the evaluate stage looks for them, so that their cost is paid before training: a
    pipeline with a time budget then knows it when it sizes training. A dataset without a
    test split is left for the evaluate stage to report.

    Returns:
        The splits whose statistics are ready.
    """
    from molgen.data.dataset import CuratedDataset
    from molgen.evaluation.evaluate import load_references

    dataset = CuratedDataset.open(data_dir)
    if not dataset.has("test"):
        return []
    references = load_references(dataset, cache_dir=cache_root() / "reference_stats", device=device)
    return sorted(references)


def _train_history(family_run_id: str | None, label: str) -> dict[str, list[tuple[float, float]]]:
    if not family_run_id:
        return {}
    from molgen.evaluation.report import FamilyReport, RunSummary, fetch_mlflow

    run = RunSummary(name=label, families=[FamilyReport(label=label, mlflow_run_id=family_run_id)])
    fetch_mlflow(run, mlflow.get_tracking_uri())
    return run.families[0].history


def _write_plots(
    config: EvaluateConfig,
    samples_path: str,
    scores_path: str | None,
    data_dir: str,
    out_path: str,
    family_run_id: str | None,
    label: str,
) -> list[Path]:
    """Draw the plots that the inputs allow into the ``plots/`` folder beside ``out_path``
    (see :attr:`FamilyLayout.plots`); returns those written."""
    from molgen.evaluation.plots import (
        figure_png,
        molecule_grid,
        property_distributions,
        training_curves,
    )

    folder = FamilyLayout(Path(out_path).parent)  # plots/ sits beside evaluation.json
    paths = folder.plots
    folder.plots_dir.mkdir(parents=True, exist_ok=True)
    scores = pd.read_parquet(scores_path) if scores_path and Path(scores_path).is_file() else None
    generated = scores if scores is not None else pd.read_parquet(samples_path)
    data = Path(data_dir)
    refs = [
        pd.read_parquet(data / f"{split}.parquet", columns=["smiles"])
        if (data / f"{split}.parquet").is_file()
        else None
        for split in ("train", "test")
    ]
    written = []
    fig = property_distributions(generated, *refs, max_molecules=config.max_plot_molecules)
    figure_png(fig, paths["properties"])
    written.append(paths["properties"])
    if scores is not None and "score" in scores:
        molecule_grid(scores, n=config.grid_molecules, path=paths["molecules"])
        written.append(paths["molecules"])
    history = _train_history(family_run_id, label)
    if history:
        training_curves(history, path=paths["curves"])
        written.append(paths["curves"])
    return written


@flow(name="evaluate")
def evaluate_flow(
    config: PipelineConfig,
    samples_path: str,
    data_dir: str,
    out_path: str,
    scores_path: str | None = None,
    parent_run_id: str | None = None,
    label: str = "samples",
) -> dict[str, float | None]:
    """The MOSES and GuacaMol metrics of ``samples_path`` against the curated ``data_dir``.

    Writes ``out_path`` (``evaluation.json``, MOSES names, undefined metrics as null), logs
    each metric to MLflow (``@`` spelled ``_at_``, see :func:`mlflow_metric_name`) and, with
    ``config.evaluate.plots``, logs under ``plots/`` the property distributions (generated
    vs train vs test), the grid of top-scoring novel molecules (needs ``scores_path``) and
    the training curves of the train run nested under ``parent_run_id`` (the family's run).
    A failing plot is logged as a warning and does not fail the stage.

    Returns:
        Every metric by its MOSES name; None where undefined.
    """
    log = get_run_logger()
    section = config.evaluate
    key = evaluate_key(samples_path, data_dir)
    with tracked_stage("evaluate", config.tracking, parent_run_id):
        log_config(section, "evaluate.")
        metrics = unless_done(evaluate_task, "evaluate", out_path, key)(
            samples_path, data_dir, section.device, key, out_path
        )
        log_metrics({mlflow_metric_name(name): value for name, value in metrics.items()})
        mlflow.log_artifact(out_path)
        if section.plots:
            try:
                plots = _write_plots(
                    section, samples_path, scores_path, data_dir, out_path, parent_run_id, label
                )
            except Exception as exc:  # plots are secondary: never sink the metrics
                log.warning("evaluation plots of %s failed: %s", label, exc)
                plots = []
            for path in plots:
                mlflow.log_artifact(str(path), "plots")
        log.info("evaluated %s -> %s", samples_path, out_path)
    return metrics
