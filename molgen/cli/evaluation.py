"""``molgen evaluate`` (the MOSES and GuacaMol metrics of a samples file) and ``molgen report``
(an HTML report of pipeline runs)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from molgen.data.dataset import CuratedDataset
from molgen.data.readers import read_source
from molgen.utils.errors import InputError
from molgen.utils.run_layout import RunLayout

__all__ = ["evaluate_command", "read_samples", "report_command"]


def read_samples(path: str, smiles_column: str = "smiles") -> list[str | None]:
    """The SMILES of a samples file, in file order; None for rows without one.

    Raises:
        InputError: missing, empty or unreadable file, or no SMILES column (naming the file).
    """
    frame = read_source(path, smiles_column)
    return [s if isinstance(s, str) else None for s in frame["input"].tolist()]


def evaluate_command(args: argparse.Namespace) -> None:
    """Check the inputs, evaluate, write ``--out`` and print the metrics as JSON (NaN as null)."""
    if Path(args.out).suffix.lower() != ".json":
        raise InputError(args.out, "output must end in .json")
    dataset = CuratedDataset.open(args.data)
    if not dataset.has("test"):
        raise InputError(dataset.path("test"), "the dataset has no test split to evaluate against")
    generated = read_samples(args.samples, args.smiles_column)
    from molgen.evaluation.evaluate import evaluate, metrics_json, write_metrics  # torch: lazy

    metrics = evaluate(generated, dataset, cache_dir=args.cache_dir, device=args.device)
    write_metrics(metrics, args.out)
    sys.stdout.write(metrics_json(metrics, indent=None) + "\n")


def report_command(args: argparse.Namespace) -> None:
    """Check the run folders, write the HTML report and print its path as JSON."""
    if Path(args.out).suffix.lower() not in {".html", ".htm"}:
        raise InputError(args.out, "output must end in .html")
    for run_dir in args.run_dirs:
        RunLayout(Path(run_dir)).read_summary()  # refuse a non-run folder before any work
    from molgen.evaluation.report import write_report  # matplotlib, RDKit drawing: lazy

    path = write_report(
        args.run_dirs, args.out, tracking_uri=args.tracking_uri, tracking_ui=args.ui
    )
    sys.stdout.write(json.dumps({"report": str(path), "runs": len(args.run_dirs)}) + "\n")
