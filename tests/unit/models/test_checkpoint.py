"""Self-describing checkpoints: format, weights_only loading and refusals."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pandas as pd
import pytest
import torch

from molgen.data.tokenizer import Vocabulary
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.models.checkpoint import (
    SCHEMA_VERSION,
    make_checkpoint,
    read_checkpoint,
    write_checkpoint,
)
from molgen.models.families import generator_class
from molgen.utils.errors import InputError

CONFIG = CharRNNConfig(embedding_dim=8, hidden_size=16, num_layers=2)


FAMILIES = ["char_rnn", "transformer", "vae", "latent_gan"]


@pytest.fixture(scope="module")
def vocabulary(data_dir: Path) -> list[str]:
    smiles = pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()
    return Vocabulary.build(smiles).to_list()


def test_checkpoint_holds_plain_data_only(tmp_path: Path, vocabulary: list[str]) -> None:
    generator = CharRNNGenerator(CONFIG, vocabulary, device="cpu")
    generator.save(tmp_path / "model.pt", extra={"data_hash": "abc", "note": [1, 2.5, "x"]})
    raw = torch.load(tmp_path / "model.pt", weights_only=True)
    assert raw["model_type"] == "char_rnn"
    assert raw["schema_version"] == SCHEMA_VERSION
    assert raw["config"] == CONFIG.model_dump(mode="json")
    assert raw["vocabulary"] == vocabulary
    assert raw["data_hash"] == "abc"
    assert raw["note"] == [1, 2.5, "x"]
    assert raw["trainer_state"] is None
    assert raw["molgen_version"] and raw["created_at"]
    assert set(raw["state_dict"]) == set(generator.module.state_dict())


def test_round_trip_gives_identical_samples(
    tmp_path: Path, vocabulary: list[str], device: str
) -> None:
    torch.manual_seed(1)
    generator = CharRNNGenerator(CONFIG, vocabulary, device=device)
    generator.save(tmp_path / "model.pt")
    loaded = CharRNNGenerator.load(tmp_path / "model.pt", device=device)
    assert loaded.config == CONFIG
    assert loaded.vocabulary == generator.vocabulary
    for key, value in generator.module.state_dict().items():
        assert torch.equal(value, loaded.module.state_dict()[key])
    assert loaded.sample(20, seed=7, max_length=30) == generator.sample(20, seed=7, max_length=30)


def test_write_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    checkpoint = make_checkpoint("char_rnn", {}, ["a"], {"w": torch.ones(2)})
    write_checkpoint(checkpoint, tmp_path / "sub" / "c.pt")
    write_checkpoint({**checkpoint, "data_hash": "new"}, tmp_path / "sub" / "c.pt")
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["c.pt"]
    assert read_checkpoint(tmp_path / "sub" / "c.pt")["data_hash"] == "new"


def test_extra_may_not_replace_core_entries() -> None:
    with pytest.raises(ValueError, match="model_type"):
        make_checkpoint("char_rnn", {}, [], {}, extra={"model_type": "other"})


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.pt: checkpoint not found"):
        CharRNNGenerator.load(tmp_path / "missing.pt")


def test_foreign_files_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.pt"
    text.write_text("hello")
    with pytest.raises(InputError, match="not a molgen checkpoint"):
        read_checkpoint(text)
    torch.save({"weights": torch.zeros(2)}, tmp_path / "plain.pt")
    with pytest.raises(InputError, match="not a molgen checkpoint"):
        read_checkpoint(tmp_path / "plain.pt")


def test_pickled_objects_are_refused(tmp_path: Path) -> None:
    torch.save({"model_type": "char_rnn", "obj": Path("x")}, tmp_path / "pickle.pt")
    with pytest.raises(InputError, match="not a molgen checkpoint"):
        read_checkpoint(tmp_path / "pickle.pt")


@pytest.mark.parametrize(("saved", "loader"), list(permutations(FAMILIES, 2)))
def test_other_family_is_refused_with_both_names(saved: str, loader: str, tmp_path: Path) -> None:
    write_checkpoint(make_checkpoint(saved, {"name": saved}, ["a"], {}), tmp_path / "c.pt")
    with pytest.raises(InputError, match=f"holds a '{saved}' model, not '{loader}'"):
        generator_class(loader).load(tmp_path / "c.pt")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    checkpoint = make_checkpoint("char_rnn", {}, [], {})
    write_checkpoint({**checkpoint, "schema_version": SCHEMA_VERSION + 1}, tmp_path / "new.pt")
    with pytest.raises(InputError, match="newer than this molgen supports"):
        read_checkpoint(tmp_path / "new.pt")


def test_mismatched_weights_are_refused(tmp_path: Path, vocabulary: list[str]) -> None:
    CharRNNGenerator(CONFIG, vocabulary, device="cpu").save(tmp_path / "m.pt")
    checkpoint = read_checkpoint(tmp_path / "m.pt")
    checkpoint["config"]["hidden_size"] = 32
    write_checkpoint(checkpoint, tmp_path / "m.pt")
    with pytest.raises(InputError, match="inconsistent char_rnn checkpoint"):
        CharRNNGenerator.load(tmp_path / "m.pt")
