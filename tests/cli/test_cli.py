"""The ``molgen`` command line, driven through ``main()`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from molgen.cli.main import main

pytestmark = pytest.mark.slow

QUICK_TOML = """
[curate]
n_jobs = 1
chunk_size = 100

[model]
name = "char_rnn"
embedding_dim = 16
hidden_size = 32
num_layers = 1

[train]
batch_size = 32
max_epochs = 1
warmup_steps = 2
progress_bar = false

[sample]
n = 40
batch_size = 40
max_length = 80

[score]
n_jobs = 1
"""


def _one_line_error(capsys, code: int) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert err, "an error message is printed"
    last = err[-1]
    assert "Traceback" not in "\n".join(err)
    return last


@pytest.fixture
def tiny_toml(workdir: Path) -> Path:
    path = workdir / "tiny.toml"
    path.write_text(QUICK_TOML)
    return path


def test_help_lists_examples(capsys):
    for command in ("run", "curate", "train", "sample", "score"):
        with pytest.raises(SystemExit) as exc:
            main([command, "--help"])
        assert exc.value.code == 0
        assert "examples:" in capsys.readouterr().out


def test_curate_train_sample_score(workdir, tiny_toml, data_dir, prefect_harness, capsys):
    data = workdir / "curated"
    assert main(["curate", str(data_dir / "moses_300.csv"), "--out", str(data),
                 "--config", str(tiny_toml)]) == 0  # fmt: skip
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["input"] == result["kept"] + result["rejected"] == 300
    for name in ("train", "valid", "test", "rejects"):
        assert (data / f"{name}.parquet").is_file()
    rejects = pd.read_parquet(data / "rejects.parquet")
    assert list(rejects.columns[:4]) == ["source", "row", "input", "reason"]

    model = workdir / "model"
    assert main(["train", "--data", str(data), "--out", str(model),
                 "--config", str(tiny_toml)]) == 0  # fmt: skip
    assert (model / "last.pt").is_file()
    capsys.readouterr()

    samples = workdir / "samples.csv"
    assert main(["sample", "--model", str(model), "-n", "30", "--out", str(samples),
                 "--data", str(data), "--config", str(tiny_toml)]) == 0  # fmt: skip
    metrics = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert metrics["n"] == 30
    frame = pd.read_csv(samples)
    assert list(frame.columns[:2]) == ["smiles", "valid"] and len(frame) == 30

    scores = workdir / "scores.parquet"
    assert main(["score", str(samples), "--out", str(scores), "--data", str(data),
                 "--config", str(tiny_toml)]) == 0  # fmt: skip
    scored = pd.read_parquet(scores)
    expected = ["smiles", "valid", "mw", "logp", "tpsa", "hbd", "hba", "rotb", "rings", "qed",
                "sa", "lipinski_violations", "pains", "brenk", "novel", "score"]  # fmt: skip
    assert set(expected) <= set(scored.columns)
    assert len(scored) == 30

    # Resume continues a stopped run; sampling via the MLflow model URI works too.
    assert main(["train", "--data", str(data), "--out", str(model), "--resume",
                 "--config", str(tiny_toml)]) == 0  # fmt: skip
    trained = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    uri = trained["model_uri"]
    assert uri.startswith("runs:/")
    assert main(["sample", "--model", uri, "-n", "5", "--out", str(workdir / "s.parquet"),
                 "--config", str(tiny_toml)]) == 0  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["curate", "missing.csv", "--out", "x"], "missing.csv: input file not found"),
        (["train", "--data", "nowhere", "--out", "m"], "nowhere: not a curated dataset"),
        (["sample", "--model", "nope.pt", "-n", "3", "--out", "s.csv"], "nope.pt"),
        (["score", "in.csv", "--out", "s.txt"], "in.csv: input file not found"),
    ],
)
def test_bad_input_gets_one_line(workdir, argv, fragment, capsys, prefect_harness):
    code = main(argv)
    assert fragment in _one_line_error(capsys, code)


def test_unknown_config_key(workdir, capsys):
    bad = workdir / "bad.toml"
    bad.write_text("[train]\nbatchsize = 3\n")
    code = main(["run", "--config", str(bad)])
    line = _one_line_error(capsys, code)
    assert "bad.toml" in line and "train.batchsize: unknown key" in line


def test_unknown_model_lists_known(workdir, capsys):
    bad = workdir / "bad.toml"
    bad.write_text('[model]\nname = "nope"\n')
    line = _one_line_error(capsys, main(["run", "--config", str(bad)]))
    assert "unknown model 'nope'" in line and "char_rnn" in line


def test_a_budget_that_is_not_positive_gets_one_line(workdir, capsys):
    line = _one_line_error(capsys, main(["run", "--budget-minutes", "0"]))
    assert "--budget-minutes must be positive, got 0.0" in line


def test_bad_time_budget_key_names_the_file(workdir, capsys):
    bad = workdir / "bad.toml"
    bad.write_text("[time_budget]\nminutes = -3\n")
    line = _one_line_error(capsys, main(["run", "--config", str(bad)]))
    assert "bad.toml" in line and "time_budget.minutes" in line


def test_missing_config_file(workdir, capsys):
    line = _one_line_error(capsys, main(["run", "--config", "absent.toml"]))
    assert "absent.toml: config file not found" in line


def test_empty_and_broken_inputs(workdir, capsys, prefect_harness):
    empty = workdir / "empty.csv"
    empty.write_text("")
    line = _one_line_error(capsys, main(["curate", str(empty), "--out", "o"]))
    assert "empty.csv" in line
    wrong_column = workdir / "cols.csv"
    wrong_column.write_text("name,structure\na,CCO\n")
    line = _one_line_error(capsys, main(["curate", str(wrong_column), "--out", "o"]))
    assert "cols.csv" in line and "smiles" in line


OBJECTIVES = Path(__file__).resolve().parents[2] / "configs" / "objectives"


def test_score_with_an_objective(workdir, tiny_toml, data_dir, prefect_harness, capsys):
    import pyarrow.parquet as pq

    from molgen.scoring import Objective, load_objective

    source = workdir / "in.csv"
    smiles = [*pd.read_csv(data_dir / "moses_300.csv")["smiles"].head(30), "oops"]
    pd.DataFrame({"smiles": smiles}).to_csv(source, index=False)
    out = workdir / "scores.parquet"
    objective = OBJECTIVES / "celecoxib.toml"
    assert main(["score", str(source), "--out", str(out), "--objective", str(objective),
                 "--config", str(tiny_toml)]) == 0  # fmt: skip
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["objective"] == "celecoxib" and summary["n"] == 31
    scored = pd.read_parquet(out)
    config = load_objective(objective)
    for component in config.components:
        assert {f"{component.name}_raw", f"{component.name}_desirability"} <= set(scored.columns)
    assert {"qed", "sa", "pains", "novel", "score"} <= set(scored.columns)
    metadata = pq.read_schema(out).metadata
    assert metadata[b"molgen.objective"] == b"celecoxib"
    assert metadata[b"molgen.objective_version"] == b"1"
    with Objective(config) as reward:
        assert scored["score"].tolist() == reward(smiles).tolist()
    assert scored["score"].iloc[-1] == 0.0


def test_score_with_a_bad_objective_gets_one_line(workdir, tiny_toml, capsys):
    source = workdir / "in.smi"
    source.write_text("CCO\n")
    bad = workdir / "x.toml"
    bad.write_text('name = "x"\n[[components]]\nname = "sim_celecoxib"\ntype = "tanimoto"\n'
                   'params = { smiles = ["C1CC("] }\n')  # fmt: skip
    code = main(["score", str(source), "--out", "s.csv", "--objective", str(bad)])
    line = _one_line_error(capsys, code)
    assert line.endswith(
        f"{bad}: components[0] (sim_celecoxib): reference SMILES 'C1CC(' does not parse"
    )
