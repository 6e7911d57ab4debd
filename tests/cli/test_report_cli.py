"""``molgen report`` driven through ``main()``: an HTML file out, one-line errors in."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from molgen.cli.main import main
from tests.unit.evaluation.test_report import scored_table


@pytest.fixture
def run_dir(tmp_path: Path, data_dir: Path) -> Path:
    """A tiny fake pipeline output: data/, one family with evaluation.json, summary.json."""
    smiles = pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()
    out = tmp_path / "run"
    (out / "data").mkdir(parents=True)
    (out / "char_rnn").mkdir()
    pd.DataFrame({"smiles": smiles[:60]}).to_parquet(out / "data" / "train.parquet")
    pd.DataFrame({"smiles": smiles[60:90]}).to_parquet(out / "data" / "test.parquet")
    pd.DataFrame({"smiles": smiles[100:130], "valid": True}).to_parquet(
        out / "char_rnn" / "samples.parquet"
    )
    scored_table(smiles[100:130]).to_parquet(out / "char_rnn" / "scores.parquet")
    (out / "char_rnn" / "evaluation.json").write_text(json.dumps({"FCD/Test": 4.321}))
    family = {"model": "char_rnn", "mlflow_run_id": "abc123", "metrics": {"validity": 0.9}}
    summary = {"mlflow_run_id": "parent1", "families": {"char_rnn": family}}
    (out / "summary.json").write_text(json.dumps(summary))
    return out


def _error(capsys, code: int) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "Traceback" not in err[0]
    return err[0]


def test_report_writes_html_and_prints_its_path(run_dir, tmp_path, capsys):
    out = tmp_path / "out" / "report.html"
    assert main(["report", str(run_dir), str(run_dir), "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed == {"report": str(out), "runs": 2}
    html = out.read_text()
    assert "<td>4.321</td>" in html and "run / char_rnn" in html
    assert "data:image/png;base64," in html


def test_report_links_runs_to_the_mlflow_ui(run_dir, workdir, tmp_path, capsys):
    import mlflow

    mlflow.set_experiment("report-cli")  # not an experiment id cached by an earlier test
    with mlflow.start_run(run_name="char_rnn") as run:
        mlflow.log_metric("x", 1.0)
    summary = json.loads((run_dir / "summary.json").read_text())
    summary["families"]["char_rnn"]["mlflow_run_id"] = run.info.run_id
    (run_dir / "summary.json").write_text(json.dumps(summary))
    out = tmp_path / "r.html"
    args = ["report", str(run_dir), "--out", str(out), "--tracking-uri", mlflow.get_tracking_uri()]
    assert main([*args, "--ui", "http://ui:5000"]) == 0
    url = f"http://ui:5000/#/experiments/{run.info.experiment_id}/runs/{run.info.run_id}"
    assert url in out.read_text()


def test_report_missing_run_dir(tmp_path, capsys):
    missing = tmp_path / "nope"
    line = _error(capsys, main(["report", str(missing), "--out", str(tmp_path / "r.html")]))
    assert str(missing) in line and "run directory not found" in line


def test_report_folder_without_summary(tmp_path, capsys):
    line = _error(capsys, main(["report", str(tmp_path), "--out", str(tmp_path / "r.html")]))
    assert "no summary.json" in line


def test_report_unreadable_summary(tmp_path, capsys):
    (tmp_path / "summary.json").write_text("{not json")
    line = _error(capsys, main(["report", str(tmp_path), "--out", str(tmp_path / "r.html")]))
    assert "summary.json" in line and "unreadable summary" in line


def test_report_needs_an_html_out(run_dir, tmp_path, capsys):
    line = _error(capsys, main(["report", str(run_dir), "--out", str(tmp_path / "r.json")]))
    assert "must end in .html" in line
    assert not (tmp_path / "r.json").exists()
