"""``molgen design`` from the command line: a run from prior to queried candidates, and
one-line errors for bad priors, budgets and objectives."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from molgen.cli.main import main
from molgen.models.vae import VAEConfig, VAEGenerator

OBJECTIVES = Path(__file__).parents[2] / "configs" / "objectives"


def test_design_from_prior_to_queried_candidates(
    prefect_harness, workdir: Path, tiny_prior_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    objective = OBJECTIVES / "pmo" / "qed.toml"
    code = main(["design", "--prior", str(tiny_prior_path), "--objective", str(objective),
                 "--max-oracle-calls", "96", "--seed", "3", "--out", "run"])  # fmt: skip
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["oracle_calls"] == 96 and result["stopped_because"] == "budget"
    assert result["store"]["stage1"]["candidates_inserted"] > 0
    top = pd.read_parquet(workdir / "run" / "design" / "top.parquet")
    assert main(["query", "--family", "design-stage1", "--format", "csv", "--limit", "5",
                 "--out", "best.csv"]) == 0  # fmt: skip
    best = pd.read_csv(workdir / "best.csv")
    assert len(best) == 5
    assert best["score"].tolist() == pytest.approx(top["score"].head(5).tolist(), abs=1e-6)
    agent = workdir / "run" / "design" / "agent"
    assert main(["sample", "--model", str(agent), "-n", "8", "--out", "agent.csv"]) == 0
    assert len(pd.read_csv(workdir / "agent.csv")) == 8


@pytest.fixture
def vae_checkpoint(tmp_path: Path, toy_smiles: list[str]) -> Path:
    config = VAEConfig(latent_size=4, embedding_dim=8, encoder_hidden_size=8, decoder_hidden_size=8,
                       decoder_layers=1)  # fmt: skip
    path = tmp_path / "vae.pt"
    VAEGenerator.for_training(config, toy_smiles[:50], device="auto").save(path)
    return path


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("molgen design: error:") and "\n" not in err, err
    return err


def test_a_prior_without_a_likelihood_is_refused_in_one_line(
    workdir: Path, vae_checkpoint: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["design", "--prior", str(vae_checkpoint), "--out", "x"]) == 2
    err = _error(capsys)
    assert str(vae_checkpoint) in err and "vae model cannot be a design prior" in err
    assert "char_rnn, transformer" in err


def test_a_budget_below_one_batch_names_the_option(
    workdir: Path, tiny_prior_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["design", "--prior", str(tiny_prior_path), "--max-oracle-calls", "10", "--out", "x"]
    assert main(args) == 2
    assert "--max-oracle-calls (10) is below one batch (batch_size 64)" in _error(capsys)


def test_an_invalid_objective_names_its_file(
    workdir: Path, tiny_prior_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = workdir / "bad.toml"
    bad.write_text('name = "bad"\n[[components]]\nname = "q"\ntype = "qde"\n')
    assert main(["design", "--prior", str(tiny_prior_path), "--objective", str(bad),
                 "--out", "x"]) == 2  # fmt: skip
    err = _error(capsys)
    assert str(bad) in err and "qde" in err


def test_a_missing_prior_is_one_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["design", "--prior", "nowhere.pt", "--out", "x"]) == 2
    assert "nowhere.pt" in _error(capsys)
