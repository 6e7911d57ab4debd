"""The run folder's layout: its paths, family discovery and summary reading."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from molgen.utils.errors import InputError
from molgen.utils.run_layout import (
    FamilyLayout,
    ModelLayout,
    RunLayout,
    run_folders,
    stage_marker,
)


def test_paths_are_the_documented_layout(tmp_path: Path) -> None:
    run = RunLayout(tmp_path)
    family = run.family("char_rnn")
    assert (run.data_dir, run.summary, run.report) == (
        tmp_path / "data",
        tmp_path / "summary.json",
        tmp_path / "report.html",
    )
    folder = tmp_path / "char_rnn"
    assert family == FamilyLayout(folder) and family.label == "char_rnn"
    assert (family.model_dir, family.checkpoint) == (
        folder / "model",
        folder / "model" / "checkpoint.pt",
    )
    assert (family.samples, family.scores, family.evaluation, family.plots_dir) == (
        folder / "samples.parquet",
        folder / "scores.parquet",
        folder / "evaluation.json",
        folder / "plots",
    )
    assert family.plots == {
        "properties": folder / "plots" / "property_distributions.png",
        "molecules": folder / "plots" / "top_novel_molecules.png",
        "curves": folder / "plots" / "training_curves.png",
    }
    model = family.model
    assert (model.last, model.best, model.vocabulary) == (
        folder / "model" / "last.pt",
        folder / "model" / "best.pt",
        folder / "model" / "vocabulary.json",
    )
    assert model.loadable == (model.checkpoint, model.best, model.last)


def test_outputs_keep_the_order_summaries_record(tmp_path: Path) -> None:
    run = RunLayout(tmp_path)
    assert list(run.outputs()) == ["data", "summary", "report"]
    assert list(run.family("vae").outputs()) == ["model", "samples", "scores", "evaluation"]
    assert run.family("vae").outputs()["model"] == tmp_path / "vae" / "model"


def test_layouts_are_immutable(tmp_path: Path) -> None:
    for layout in (RunLayout(tmp_path), FamilyLayout(tmp_path), ModelLayout(tmp_path)):
        with pytest.raises(dataclasses.FrozenInstanceError):
            layout.root = tmp_path / "elsewhere"  # type: ignore[misc]


def _touch(path: Path, text: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """A run folder: two finished families, one still training, and a stray folder."""
    run = RunLayout(tmp_path / "runs" / "20250101-120000")
    _touch(run.data_dir / "train.parquet")
    _touch(run.data_dir / "summary.json", "{}")
    for label in ("vae", "char_rnn"):
        family = run.family(label)
        _touch(family.checkpoint)
        _touch(family.samples)
        _touch(family.scores)
    _touch(run.family("transformer").model.last)  # killed mid-training
    _touch(run.root / "notes" / "todo.txt")
    families = {label: {"model": label} for label in ("char_rnn", "vae")}
    _touch(run.summary, json.dumps({"mlflow_run_id": "abc", "families": families}))
    _touch(run.report, "<html></html>")
    return run.root


def test_families_on_disk_finds_unfinished_ones_too(run_dir: Path) -> None:
    found = RunLayout(run_dir).families_on_disk()
    assert [family.label for family in found] == ["char_rnn", "transformer", "vae"]
    assert [family.checkpoint.is_file() for family in found] == [True, False, True]
    assert RunLayout(run_dir / "missing").families_on_disk() == []


def test_read_summary_of_a_run_folder(run_dir: Path) -> None:
    summary = RunLayout(run_dir).read_summary()
    assert summary["mlflow_run_id"] == "abc"
    assert list(summary["families"]) == ["char_rnn", "vae"]


def test_run_folders_lists_the_runs_under_a_folder(run_dir: Path, tmp_path: Path) -> None:
    (run_dir.parent / "20240101-000000").mkdir()
    (run_dir.parent / "readme.txt").write_text("")
    assert [run.root.name for run in run_folders(run_dir.parent)] == [
        "20240101-000000",
        "20250101-120000",
    ]
    assert run_folders(tmp_path / "none") == []


@pytest.mark.parametrize(
    ("summary", "where", "reason"),
    [
        (None, "", "not a pipeline run folder (no summary.json)"),
        ("{not json", "summary.json", "unreadable summary (Expecting property name"),
        ("[1, 2]", "summary.json", "not a pipeline summary (no families object)"),
        ('{"families": [1]}', "summary.json", "not a pipeline summary (no families object)"),
    ],
)
def test_read_summary_of_a_non_run_folder_fails_in_one_line(
    tmp_path: Path, summary: str | None, where: str, reason: str
) -> None:
    if summary is not None:
        (tmp_path / "summary.json").write_text(summary)
    with pytest.raises(InputError) as caught:
        RunLayout(tmp_path).read_summary()
    at_fault = tmp_path / where if where else tmp_path
    message = str(caught.value)
    assert message.startswith(f"{at_fault}: {reason}") and "\n" not in message


def test_read_summary_of_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope: run directory not found$"):
        RunLayout(tmp_path / "nope").read_summary()


def test_summary_without_families_is_a_run_with_none(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text('{"mlflow_run_id": null, "families": null}')
    assert RunLayout(tmp_path).read_summary()["families"] is None


def test_stage_marker_sits_beside_the_output(tmp_path: Path) -> None:
    assert stage_marker(tmp_path / "model", "train") == (
        tmp_path / "model" / ".molgen-train.done.json"
    )
    assert stage_marker(tmp_path / "samples.parquet", "sample") == (
        tmp_path / ".molgen-sample.done.json"
    )
