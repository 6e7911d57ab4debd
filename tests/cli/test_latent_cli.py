"""``molgen analogs`` and ``molgen interpolate`` end to end, on a small trained VAE."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import torch

from molgen.cli.main import main
from molgen.data.tokenizer import Vocabulary
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.models.vae import VAEConfig, VAEGenerator
from molgen.training.config import TrainConfig
from molgen.training.trainer import Trainer

pytestmark = pytest.mark.slow

QUERY = "CC(=O)Nc1ccc(O)cc1"


@pytest.fixture(scope="module")
def vae_dir(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    smiles = pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()
    out = tmp_path_factory.mktemp("vae")
    torch.manual_seed(0)
    config = VAEConfig(latent_size=8, embedding_dim=16, encoder_hidden_size=32,
                       decoder_hidden_size=64, decoder_layers=1)  # fmt: skip
    vae = VAEGenerator(config, Vocabulary.build([*smiles, QUERY]).to_list(), device="cpu")
    train = TrainConfig(batch_size=32, lr=3e-3, max_epochs=3, warmup_steps=5, progress_bar=False)
    vae.fit(smiles[:250], smiles[250:], Trainer(train), out)
    vae.save(out / "checkpoint.pt")
    return out


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_analogs_prints_and_writes_valid_molecules(vae_dir: Path, tmp_path: Path, capsys):
    out = tmp_path / "analogs.csv"
    code = main(["analogs", QUERY, "-n", "20", "--model", str(vae_dir), "--out", str(out)])
    assert code == 0
    result = _json(capsys)
    assert result["query"] == QUERY
    assert result["n"] == len(result["analogs"]) == len(pd.read_csv(out))
    for row in result["analogs"]:
        assert row["valid"] and row["smiles"] != QUERY
        assert 0 <= row["tanimoto"] <= 1


def test_interpolate_walks_between_the_two_molecules(vae_dir: Path, capsys):
    code = main(["interpolate", "c1ccccc1O", QUERY, "--steps", "6", "--model", str(vae_dir)])
    assert code == 0
    result = _json(capsys)
    assert [row["step"] for row in result["path"]] == list(range(6))
    assert all(isinstance(row["smiles"], str) for row in result["path"])


def _error(capsys, code: int) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and err and "Traceback" not in "\n".join(err)
    return err[-1]


def test_bad_inputs_get_one_line(vae_dir: Path, tmp_path: Path, capsys, monkeypatch):
    line = _error(capsys, main(["analogs", "C1CC(", "--model", str(vae_dir)]))
    assert "C1CC(: not a valid SMILES" in line
    line = _error(capsys, main(["analogs", "[Xe]CC", "--model", str(vae_dir)]))
    assert "[Xe]CC" in line and "cannot encode" in line
    line = _error(capsys, main(["interpolate", "CCO", QUERY, "--steps", "1"]))
    assert "--steps: must be at least 2" in line
    rnn = tmp_path / "rnn.pt"
    CharRNNGenerator(CharRNNConfig(hidden_size=8, embedding_dim=4, num_layers=1),
                     Vocabulary.build(["CCO"]).to_list(), device="cpu").save(rnn)  # fmt: skip
    line = _error(capsys, main(["analogs", "CCO", "--model", str(rnn)]))
    assert "'char_rnn' model has no latent space" in line
    monkeypatch.chdir(tmp_path)
    line = _error(capsys, main(["analogs", "CCO"]))
    assert "no VAE checkpoint found in past runs; pass --model" in line
