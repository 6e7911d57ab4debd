"""The HTML report, written from a tiny fake pipeline output folder."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from molgen.evaluation.baselines import BASELINES
from molgen.evaluation.report import FamilyReport, RunSummary, fetch_mlflow, write_report

EVIL = "<script>alert(1)"  # no slash: it is also a folder name
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def scored_table(smiles: list[str]) -> pd.DataFrame:
    """A scored table without RDKit: fake properties, every other molecule novel."""
    n = len(smiles)
    return pd.DataFrame(
        {
            "smiles": smiles,
            "valid": [True] * n,
            "logp": [1.0 + i / n for i in range(n)],
            "sa": [2.0 + i / n for i in range(n)],
            "qed": [0.5 + i / (2 * n) for i in range(n)],
            "mw": [250.0 + i for i in range(n)],
            "tpsa": [40.0 + i for i in range(n)],
            "rings": pd.array([1 + i % 3 for i in range(n)], dtype="Int64"),
            "novel": pd.array([i % 2 == 0 for i in range(n)], dtype="boolean"),
            "score": [i / n for i in range(n)],
        }
    )


@pytest.fixture()
def pipeline_out(tmp_path: Path, moses_smiles: list[str]) -> Path:
    """OUT/ with data/, two families (one with evaluation.json, one evil label), summary."""
    out = tmp_path / "run1"
    (out / "data").mkdir(parents=True)
    pd.DataFrame({"smiles": moses_smiles[:60]}).to_parquet(out / "data" / "train.parquet")
    pd.DataFrame({"smiles": moses_smiles[60:90]}).to_parquet(out / "data" / "test.parquet")
    families = {}
    for i, label in enumerate(["char_rnn", EVIL]):
        folder = out / label
        folder.mkdir()
        smiles = moses_smiles[100 + 30 * i : 130 + 30 * i]
        pd.DataFrame({"smiles": smiles, "valid": True}).to_parquet(folder / "samples.parquet")
        scored_table(smiles).to_parquet(folder / "scores.parquet")
        metrics = {"validity": 0.9 - i / 10, "uniqueness": 1.0, "novelty": 0.99, "mean_qed": None}
        families[label] = {"model": "char_rnn", "mlflow_run_id": f"run{i}", "metrics": metrics}
    evaluation = {"valid": 0.91, "FCD/Test": 1.234, "SNN/Test": 0.55, "IntDiv": 0.86}
    (out / "char_rnn" / "evaluation.json").write_text(json.dumps(evaluation))
    summary = {
        "mlflow_run_id": "parent123",
        "mlflow_tracking_uri": "sqlite:///nowhere.db",
        "metrics": {label: f["metrics"] for label, f in families.items()},
        "families": families,
    }
    (out / "summary.json").write_text(json.dumps(summary))
    return out


def test_from_dir_reads_metrics_and_paths(pipeline_out):
    run = RunSummary.from_dir(pipeline_out)
    assert run.name == "run1" and run.mlflow_run_id == "parent123"
    assert [f.label for f in run.families] == ["char_rnn", EVIL]
    first, second = run.families
    assert first.metrics["valid"] == 0.91  # evaluation.json wins over the headline
    assert first.metrics["FCD/Test"] == 1.234
    assert second.metrics["valid"] == pytest.approx(0.8)  # headline validity fallback
    assert second.metrics["Novelty"] == 0.99
    assert "FCD/Test" not in second.metrics and second.metrics["mean_qed"] is None
    assert first.scores == pipeline_out / "char_rnn" / "scores.parquet"
    assert run.train == pipeline_out / "data" / "train.parquet"
    assert RunSummary.from_dir(pipeline_out / "summary.json") == run


def test_report_is_self_contained(pipeline_out, tmp_path):
    path = write_report([pipeline_out], tmp_path / "report" / "index.html")
    assert [p.name for p in path.parent.iterdir()] == ["index.html"]
    html = path.read_text()
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
    assert "url(" not in html and "<link" not in html
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 4  # properties and molecule grid per family
    assert all(base64.b64decode(i).startswith(PNG_MAGIC) for i in images)


def test_report_rows_baselines_and_missing(pipeline_out, tmp_path):
    html = write_report([pipeline_out], tmp_path / "r.html").read_text()
    assert html.count('<tr class="family">') == 2
    assert html.count('<tr class="baseline">') == len(BASELINES)
    for name in BASELINES:
        assert f"{name} (published)" in html
    assert "Polykovskiy" in html and "published" in html.lower()
    assert "<td>1.234</td>" in html  # the family's own FCD/Test
    assert "<td>0.0732</td>" in html and "0.0247" not in html  # CharRNN mean, no std
    assert "—" in html  # metrics missing for the second family
    assert "<code>run0</code>" in html and "parent123" in html


def test_report_escapes_labels(pipeline_out, tmp_path):
    html = write_report([pipeline_out], tmp_path / "r.html").read_text()
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_report_links_to_mlflow_ui(tmp_path):
    family = FamilyReport(label="vae", mlflow_run_id="abc", experiment_id="7")
    run = RunSummary(name="r", families=[family])
    path = write_report([run], tmp_path / "r.html", tracking_ui="http://mlflow.local:5000/")
    html = path.read_text()
    links = re.findall(r'href="(http[^"]+)"', html)
    assert links == ["http://mlflow.local:5000/#/experiments/7/runs/abc"]
    assert "no samples, scores or history found" in html


def test_report_training_curves_and_no_metrics(tmp_path):
    history = {"train_loss": [(0, 2.0), (1, 1.5)], "val_loss": [(0, 2.2), (1, 1.8)]}
    run = RunSummary(name="r", families=[FamilyReport(label="gpt", history=history)])
    html = write_report([run], tmp_path / "r.html").read_text()
    assert html.count("data:image/png;base64,") == 1
    row = re.search(r'<tr class="family">(.*?)</tr>', html).group(1)
    assert row.count("—") >= 21  # every metric missing, model and run id too


def test_report_several_runs(pipeline_out, tmp_path):
    html = write_report([pipeline_out, pipeline_out], tmp_path / "r.html").read_text()
    assert html.count('<tr class="family">') == 4
    assert "run1 / char_rnn" in html


def test_fetch_mlflow_reads_train_history(workdir, tmp_path):
    import mlflow

    uri = mlflow.get_tracking_uri()
    with (
        mlflow.start_run(run_name="vae", tags={"molgen.stage": "family"}) as family,
        mlflow.start_run(run_name="train", nested=True, tags={"molgen.stage": "train"}),
    ):
        for step, (train, val) in enumerate([(2.0, 2.1), (1.5, 1.7)]):
            mlflow.log_metrics({"train_loss": train, "val_loss": val}, step=step)
    run = RunSummary(
        name="r", families=[FamilyReport(label="vae", mlflow_run_id=family.info.run_id)]
    )
    fetch_mlflow(run, uri)
    fam = run.families[0]
    assert fam.experiment_id == family.info.experiment_id
    assert sorted(fam.history["train_loss"]) == [(0, 2.0), (1, 1.5)]
    html = write_report([run], tmp_path / "r.html", tracking_ui="http://ui").read_text()
    assert f"http://ui/#/experiments/{fam.experiment_id}/runs/{fam.mlflow_run_id}" in html
    assert html.count("data:image/png;base64,") == 1  # the training curves
