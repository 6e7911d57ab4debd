"""Where a pipeline run's outputs land: the one description of a run folder's layout.

``molgen run --out DIR`` (and the champion flow) write, and the report, the store import and
the CLI read back::

    DIR/data/                       the curated dataset (its files: molgen.data.dataset)
    DIR/<label>/model/              checkpoint.pt, last.pt, best.pt, vocabulary.json
    DIR/<label>/samples.parquet
    DIR/<label>/scores.parquet
    DIR/<label>/evaluation.json
    DIR/<label>/plots/              property_distributions.png, top_novel_molecules.png,
                                    training_curves.png
    DIR/design/                     scored.parquet, top.parquet, steps.parquet, summary.json,
                                    state.pt (resume point), agent/checkpoint.pt, plots/
    DIR/predictors/<name>/          predictor.pt, metrics.json, rejects.csv, plots/, ...
    DIR/time_budget.json            training minutes per family, with a [time_budget]
    DIR/summary.json
    DIR/report.html

Each stage also leaves a marker, ``.molgen-<stage>.done.json``, beside its outputs (see
:func:`stage_marker`). Writers and readers take every path from here, so no other module
spells these names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from molgen.utils.errors import InputError, first_line

__all__ = [
    "SUMMARY_FILE",
    "DesignLayout",
    "FamilyLayout",
    "ModelLayout",
    "PredictorLayout",
    "RunLayout",
    "run_folders",
    "stage_marker",
]

SUMMARY_FILE = "summary.json"
"""The file in which a run folder, and a curated dataset folder, describe themselves."""


@dataclass(frozen=True)
class ModelLayout:
    """A model folder (``DIR/<label>/model/``, or ``molgen train --out``): its checkpoints."""

    root: Path

    @property
    def checkpoint(self) -> Path:
        """The best weights, written when training ends: what sampling loads."""
        return self.root / "checkpoint.pt"

    @property
    def last(self) -> Path:
        """The latest epoch's checkpoint, with optimiser state: what a resume starts from."""
        return self.root / "last.pt"

    @property
    def best(self) -> Path:
        """The best validation loss so far, rewritten during training."""
        return self.root / "best.pt"

    @property
    def vocabulary(self) -> Path:
        """The tokens of the model's vocabulary, as a JSON list."""
        return self.root / "vocabulary.json"

    @property
    def loadable(self) -> tuple[Path, Path, Path]:
        """The checkpoints a model folder can be loaded from, most preferred first."""
        return self.checkpoint, self.best, self.last


@dataclass(frozen=True)
class FamilyLayout:
    """One model family's folder inside a run folder (``DIR/<label>/``)."""

    root: Path

    @property
    def label(self) -> str:
        """The family's label: the name of its folder."""
        return self.root.name

    @property
    def model_dir(self) -> Path:
        """The folder the train stage writes into."""
        return self.root / "model"

    @property
    def model(self) -> ModelLayout:
        """The family's model folder."""
        return ModelLayout(self.model_dir)

    @property
    def checkpoint(self) -> Path:
        """The family's trained checkpoint."""
        return self.model.checkpoint

    @property
    def samples(self) -> Path:
        """The sampled SMILES."""
        return self.root / "samples.parquet"

    @property
    def scores(self) -> Path:
        """The scored samples."""
        return self.root / "scores.parquet"

    @property
    def evaluation(self) -> Path:
        """The MOSES/GuacaMol metrics of the samples."""
        return self.root / "evaluation.json"

    @property
    def plots_dir(self) -> Path:
        """The evaluation's plots, beside ``evaluation.json``."""
        return self.root / "plots"

    @property
    def plots(self) -> dict[str, Path]:
        """The evaluation's PNGs by kind: ``properties``, ``molecules`` and ``curves``."""
        return {
            "properties": self.plots_dir / "property_distributions.png",
            "molecules": self.plots_dir / "top_novel_molecules.png",
            "curves": self.plots_dir / "training_curves.png",
        }

    def outputs(self) -> dict[str, Path]:
        """The stage outputs a run's summary records for the family, by stage output."""
        return {
            "model": self.model_dir,
            "samples": self.samples,
            "scores": self.scores,
            "evaluation": self.evaluation,
        }


@dataclass(frozen=True)
class DesignLayout:
    """A design run's folder (``DIR/design/``, from ``molgen design --out DIR``)."""

    root: Path

    @property
    def scored(self) -> Path:
        """Every molecule drawn, in order, with its oracle call index and scores."""
        return self.root / "scored.parquet"

    @property
    def top(self) -> Path:
        """The best unique molecules."""
        return self.root / "top.parquet"

    @property
    def steps(self) -> Path:
        """One row of metrics per learning step."""
        return self.root / "steps.parquet"

    @property
    def summary(self) -> Path:
        """Top-k means and AUCs, calls spent, why the run stopped."""
        return self.root / SUMMARY_FILE

    @property
    def state(self) -> Path:
        """The resume point: agent, optimiser, replay memory, filter, oracle cache."""
        return self.root / "state.pt"

    @property
    def agent_dir(self) -> Path:
        """The trained agent, a model folder that ``molgen sample`` accepts."""
        return self.root / "agent"

    @property
    def agent(self) -> Path:
        """The trained agent's checkpoint."""
        return ModelLayout(self.agent_dir).checkpoint

    @property
    def objectives_dir(self) -> Path:
        """Copies of the objective files the stages used."""
        return self.root / "objectives"

    @property
    def plots_dir(self) -> Path:
        """Score and scaffold curves against oracle calls."""
        return self.root / "plots"

    def plots(self) -> dict[str, Path]:
        """The design plots, by name."""
        names = ("score_vs_calls", "scaffolds_vs_calls")
        return {name: self.plots_dir / f"{name}.png" for name in names}


@dataclass(frozen=True)
class PredictorLayout:
    """A trained predictor's folder (``molgen predictor train --out`` or a pipeline's
    ``DIR/predictors/<name>/``)."""

    root: Path

    @property
    def plots_dir(self) -> Path:
        """Parity or ROC, and calibration plots, per target."""
        return self.root / "plots"

    @property
    def metrics(self) -> Path:
        """Counts, test metrics (and cross-validation summary) as JSON."""
        return self.root / "metrics.json"

    @property
    def rejects(self) -> Path:
        """The labelled file's rejected rows with their reasons."""
        return self.root / "rejects.csv"

    @property
    def test_predictions(self) -> Path:
        """Labels and predictions of the test split."""
        return self.root / "test_predictions.csv"

    @property
    def history(self) -> Path:
        """Per-epoch losses of every ensemble member."""
        return self.root / "history.csv"

    @property
    def cv_folds(self) -> Path:
        """Per-fold cross-validation metrics (with ``cv_folds``)."""
        return self.root / "cv_folds.csv"

    @property
    def cv_predictions(self) -> Path:
        """Out-of-fold cross-validation predictions (with ``cv_folds``)."""
        return self.root / "cv_predictions.csv"

    def tables(self) -> list[Path]:
        """The files a trained predictor leaves beside its checkpoint (some optional)."""
        return [self.metrics, self.rejects, self.test_predictions, self.history,
                self.cv_folds, self.cv_predictions]  # fmt: skip


@dataclass(frozen=True)
class RunLayout:
    """A pipeline run's output folder (``molgen run --out DIR``)."""

    root: Path

    @property
    def data_dir(self) -> Path:
        """The curated dataset the run trained and evaluated on."""
        return self.root / "data"

    @property
    def summary(self) -> Path:
        """The run's summary: MLflow run ids, curate counts, per-family results."""
        return self.root / SUMMARY_FILE

    @property
    def report(self) -> Path:
        """The run's HTML report."""
        return self.root / "report.html"

    @property
    def time_budget_plan(self) -> Path:
        """The training minutes a ``[time_budget]`` gave each family, kept for reruns."""
        return self.root / "time_budget.json"

    def family(self, label: str) -> FamilyLayout:
        """The folder of the family labelled ``label``."""
        return FamilyLayout(self.root / label)

    @property
    def predictors_dir(self) -> Path:
        """Where the pipeline's ``[[predictors]]`` are trained, one folder each."""
        return self.root / "predictors"

    @property
    def design(self) -> DesignLayout:
        """The design stage's folder."""
        return DesignLayout(self.root / "design")

    def outputs(self) -> dict[str, Path]:
        """The shared outputs a run's summary records, by name."""
        return {"data": self.data_dir, "summary": self.summary, "report": self.report}

    def read_summary(self) -> dict[str, Any]:
        """The run's summary, checked to be one (a JSON object whose ``families``, when
        present, is an object keyed by family label).

        Raises:
            InputError: the folder is missing, holds no summary, or its summary is unreadable
                or not a pipeline summary.
        """
        if not self.root.is_dir():
            raise InputError(self.root, "run directory not found")
        if not self.summary.is_file():
            raise InputError(self.root, f"not a pipeline run folder (no {SUMMARY_FILE})")
        try:
            summary = json.loads(self.summary.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(self.summary, f"unreadable summary ({first_line(exc)})") from None
        if not isinstance(summary, dict) or not isinstance(summary.get("families"), dict | None):
            raise InputError(self.summary, "not a pipeline summary (no families object)")
        return summary

    def families_on_disk(self) -> list[FamilyLayout]:
        """The family folders present, finished or not, sorted by label: every subfolder
        holding a model folder or samples (a summary lists only a finished run's)."""
        if not self.root.is_dir():
            return []
        found = (FamilyLayout(path) for path in sorted(self.root.iterdir()) if path.is_dir())
        return [f for f in found if f.model_dir.is_dir() or f.samples.is_file()]


def run_folders(parent: Path) -> list[RunLayout]:
    """The run folders directly under ``parent`` (e.g. ``runs/<timestamp>/``), sorted by
    name; none when ``parent`` does not exist."""
    if not parent.is_dir():
        return []
    return [RunLayout(path) for path in sorted(parent.iterdir()) if path.is_dir()]


def stage_marker(output: Path, stage: str) -> Path:
    """The marker a finished ``stage`` leaves beside ``output``: inside it when it is a
    folder (a name without a suffix), else in the folder holding it."""
    folder = output if output.suffix == "" else output.parent
    return folder / f".molgen-{stage}.done.json"
