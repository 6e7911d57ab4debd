"""A self-contained HTML report of one or more pipeline runs.

The report holds a metric table (one row per model family of each run, with the published
MOSES baselines below them), the plots of :mod:`molgen.evaluation.plots` embedded as base64
PNG, and links to the MLflow runs. It has no external resources: CSS is inline and every
image is a ``data:`` URI; the only ``http`` links are to the MLflow UI, when its address is
known. All text from the runs is HTML-escaped.

Input is a :class:`RunSummary`, built from a pipeline output folder by
:meth:`RunSummary.from_dir` (``OUT/summary.json``, ``OUT/<label>/samples.parquet`` and
``scores.parquet``, an optional ``OUT/<label>/evaluation.json`` of MOSES metrics, and
``OUT/data/{train,test}.parquet``; see :mod:`molgen.utils.run_layout`), or assembled
directly by a caller.
"""

from __future__ import annotations

import base64
import json
import logging
import math
from collections.abc import Iterator, Sequence
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from molgen.data.dataset import CuratedDataset
from molgen.evaluation.baselines import BASELINES, CITATION
from molgen.evaluation.plots import (
    figure_png,
    molecule_grid,
    property_distributions,
    training_curves,
)
from molgen.utils.run_layout import RunLayout

__all__ = [
    "HEADLINE_METRICS",
    "REPORT_METRICS",
    "FamilyReport",
    "RunSummary",
    "fetch_mlflow",
    "write_report",
]

logger = logging.getLogger(__name__)

REPORT_METRICS = (
    "valid", "unique@1000", "unique@10000", "FCD/Test", "FCD/TestSF", "SNN/Test",
    "SNN/TestSF", "Frag/Test", "Frag/TestSF", "Scaf/Test", "Scaf/TestSF", "IntDiv",
    "IntDiv2", "Filters", "Novelty", "logP", "SA", "QED", "weight", "kl_score", "fcd_score",
)  # fmt: skip
"""Columns of the metric table (MOSES names, then GuacaMol's)."""

HEADLINE_METRICS = (
    "validity", "uniqueness", "novelty", "best_val_loss", "mean_score", "mean_qed",
    "train_seconds",
)  # fmt: skip
"""Columns of the pipeline's own headline table (``summary.json`` ``metrics``)."""

_FALLBACK = {"valid": "validity", "Novelty": "novelty"}  # MOSES name <- headline name
_MISSING = "—"


class FamilyReport(BaseModel):
    """One model family of a run: its metrics, outputs and MLflow run."""

    model_config = ConfigDict(extra="forbid")

    label: str
    model: str | None = None
    metrics: dict[str, float | None] = {}
    mlflow_run_id: str | None = None
    experiment_id: str | None = None
    samples: Path | None = None
    scores: Path | None = None
    history: dict[str, list[tuple[float, float]]] = {}


class RunSummary(BaseModel):
    """One pipeline run: its families, reference data and MLflow parent run."""

    model_config = ConfigDict(extra="forbid")

    name: str
    families: list[FamilyReport]
    mlflow_run_id: str | None = None
    tracking_uri: str | None = None
    train: Path | None = None
    test: Path | None = None

    @classmethod
    def from_dir(cls, path: str | Path) -> RunSummary:
        """Read a pipeline output folder (or its ``summary.json``).

        A family's metrics are the ``summary.json`` headline metrics, updated by its
        ``evaluation.json`` (a flat ``{metric: value}`` object or one under ``"metrics"``)
        when present; ``valid`` and ``Novelty`` fall back to the headline ``validity`` and
        ``novelty``. Missing files are left as None.

        Raises:
            InputError: not a run folder, or its ``summary.json`` is unreadable.
        """
        path = Path(path)
        run = RunLayout(path if path.is_dir() else path.parent)
        summary = run.read_summary()
        dataset = CuratedDataset(run.data_dir)
        families = []
        for label, info in (summary.get("families") or {}).items():
            metrics = dict(info.get("metrics") or summary.get("metrics", {}).get(label) or {})
            folder = run.family(label)
            if folder.evaluation.is_file():
                data = json.loads(folder.evaluation.read_text())
                metrics.update(data.get("metrics", data) if isinstance(data, dict) else {})
            for moses, headline in _FALLBACK.items():
                if metrics.get(moses) is None:
                    metrics[moses] = metrics.get(headline)
            families.append(
                FamilyReport(
                    label=label,
                    model=info.get("model"),
                    metrics={k: _number(v) for k, v in metrics.items()},
                    mlflow_run_id=info.get("mlflow_run_id"),
                    samples=_existing(folder.samples),
                    scores=_existing(folder.scores),
                )
            )
        return cls(
            name=run.root.name,
            families=families,
            mlflow_run_id=summary.get("mlflow_run_id"),
            tracking_uri=summary.get("mlflow_tracking_uri"),
            train=_existing(dataset.path("train")),
            test=_existing(dataset.path("test")),
        )


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def fetch_mlflow(run: RunSummary, tracking_uri: str) -> None:
    """Fill each family's ``experiment_id`` and the ``history`` of its nested train run.

    Failures (server down, run deleted) are logged and leave the fields as they were.
    """
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri)
    for family in run.families:
        if not family.mlflow_run_id:
            continue
        try:
            experiment = client.get_run(family.mlflow_run_id).info.experiment_id
            family.experiment_id = experiment
            children = client.search_runs(
                [experiment],
                f"tags.mlflow.parentRunId = '{family.mlflow_run_id}' "
                "and tags.`molgen.stage` = 'train'",
            )
            for child in children[:1]:
                for key in child.data.metrics:
                    points = client.get_metric_history(child.info.run_id, key)
                    family.history[key] = [(m.step, m.value) for m in points]
        except Exception as exc:  # any tracking error must not sink the report
            logger.warning("MLflow lookup for %s failed: %s", family.label, exc)


_CSS = """
body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;font-size:12px;margin-bottom:1em}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:right}
th:first-child,td:first-child{text-align:left}
tr.baseline td{font-style:italic;color:#555;background:#f6f6f6}
tr.section td{background:#e8e8f0;font-weight:bold;text-align:left}
.wide{overflow-x:auto} img{max-width:100%} .note{color:#666;font-size:12px}
"""


def _cell(value: float | None) -> str:
    return _MISSING if value is None else f"{value:.4g}"


def _run_link(run_id: str | None, experiment_id: str | None, ui: str | None) -> str:
    if not run_id:
        return _MISSING
    if ui and experiment_id:
        url = f"{ui.rstrip('/')}/#/experiments/{experiment_id}/runs/{run_id}"
        return f'<a class="mlflow" href="{escape(url)}">{escape(run_id)}</a>'
    return f"<code>{escape(run_id)}</code>"


def _families(runs: Sequence[RunSummary]) -> Iterator[tuple[str, FamilyReport]]:
    """Every family of every run with its escaped row label (``run / family`` when the
    report covers several runs)."""
    for run in runs:
        for fam in run.families:
            yield escape(f"{run.name} / {fam.label}" if len(runs) > 1 else fam.label), fam


def _metric_table(runs: Sequence[RunSummary], ui: str | None) -> str:
    head = "".join(f"<th>{escape(m)}</th>" for m in REPORT_METRICS)
    rows = [f"<tr><th>family</th><th>model</th>{head}<th>MLflow run</th></tr>"]
    for name, fam in _families(runs):
        cells = "".join(f"<td>{_cell(fam.metrics.get(m))}</td>" for m in REPORT_METRICS)
        link = _run_link(fam.mlflow_run_id, fam.experiment_id, ui)
        rows.append(
            f'<tr class="family"><td>{name}</td><td>{escape(fam.model or _MISSING)}</td>'
            f"{cells}<td>{link}</td></tr>"
        )
    span = len(REPORT_METRICS) + 3
    rows.append(
        f'<tr class="section"><td colspan="{span}">Published MOSES baselines, for reference '
        f"(not run here): {escape(CITATION)}</td></tr>"
    )
    for base in BASELINES.values():
        cells = "".join(
            f"<td>{_cell(base.metrics[m][0] if m in base.metrics else None)}</td>"
            for m in REPORT_METRICS
        )
        rows.append(
            f'<tr class="baseline"><td>{escape(base.model)} (published)</td><td>MOSES</td>'
            f"{cells}<td>{_MISSING}</td></tr>"
        )
    return '<div class="wide"><table>' + "".join(rows) + "</table></div>"


def _headline_table(runs: Sequence[RunSummary]) -> str:
    head = "".join(f"<th>{escape(m)}</th>" for m in HEADLINE_METRICS)
    rows = [f"<tr><th>family</th>{head}</tr>"]
    for name, fam in _families(runs):
        cells = "".join(f"<td>{_cell(fam.metrics.get(m))}</td>" for m in HEADLINE_METRICS)
        rows.append(f"<tr><td>{name}</td>{cells}</tr>")
    return '<div class="wide"><table>' + "".join(rows) + "</table></div>"


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def _family_plots(run: RunSummary, fam: FamilyReport, max_molecules: int) -> str:
    parts = []
    scores = pd.read_parquet(fam.scores) if fam.scores else None
    generated = scores
    if generated is None and fam.samples:
        generated = pd.read_parquet(fam.samples)
    try:
        if generated is not None:
            refs = [pd.read_parquet(p) if p else None for p in (run.train, run.test)]
            fig = property_distributions(generated, *refs, max_molecules=max_molecules)
            parts.append(_img(figure_png(fig), f"{fam.label} property distributions"))
        if scores is not None and "score" in scores:
            parts.append("<h4>Top-scoring novel molecules</h4>")
            parts.append(_img(molecule_grid(scores), f"{fam.label} top molecules"))
        if fam.history:
            parts.append(_img(figure_png(training_curves(fam.history)), f"{fam.label} curves"))
    except Exception as exc:  # one broken plot must not sink the report
        logger.warning("plots for %s failed: %s", fam.label, exc)
        parts.append(f'<p class="note">plot failed: {escape(str(exc))}</p>')
    return "".join(parts) or '<p class="note">no samples, scores or history found</p>'


def write_report(
    runs: Sequence[RunSummary | str | Path],
    out_path: str | Path,
    *,
    tracking_uri: str | None = None,
    tracking_ui: str | None = None,
    max_molecules: int = 2000,
) -> Path:
    """Write one self-contained HTML report of ``runs`` to ``out_path``.

    Args:
        runs: :class:`RunSummary` objects, or pipeline output folders / ``summary.json``
            paths (read with :meth:`RunSummary.from_dir`).
        out_path: the HTML file to write (its folder is created).
        tracking_uri: MLflow tracking URI to look up experiment ids and training curves;
            None uses each run's own ``tracking_uri`` only if it is an ``http(s)`` server
            (a local store is not opened implicitly).
        tracking_ui: base URL of the MLflow UI for run links; None uses an ``http(s)``
            tracking URI. Without one, run ids are shown as text.
        max_molecules: molecules per set used for the property plots.

    Returns:
        ``out_path``.
    """
    summaries = [r if isinstance(r, RunSummary) else RunSummary.from_dir(r) for r in runs]
    sections = []
    ui = tracking_ui
    for run in summaries:
        uri = tracking_uri or (
            run.tracking_uri if (run.tracking_uri or "").startswith("http") else None
        )
        if uri:
            fetch_mlflow(run, uri)
            ui = ui or (uri if uri.startswith("http") else None)
        for fam in run.families:
            title = escape(f"{run.name} / {fam.label}")
            body = _family_plots(run, fam, max_molecules)
            sections.append(f"<section><h3>{title}</h3>{body}</section>")
    parents = "".join(
        f"<li>{escape(r.name)}: {_run_link(r.mlflow_run_id, None, None)}</li>" for r in summaries
    )
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>molgen report</title><style>{_CSS}</style></head><body>"
        "<h1>molgen report</h1><h2>Metrics</h2>"
        f"{_metric_table(summaries, ui)}"
        f'<p class="note">{_MISSING} = not computed. MOSES metrics are comparable to the '
        "published figures only for 30,000 samples scored against the MOSES test sets.</p>"
        f"<h2>Pipeline headline metrics</h2>{_headline_table(summaries)}"
        f"<h2>Pipeline MLflow runs</h2><ul>{parents}</ul>"
        f"<h2>Plots</h2>{''.join(sections)}</body></html>"
    )
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
