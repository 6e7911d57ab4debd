"""load_generator dispatches on the checkpoint's model type."""

from __future__ import annotations

from pathlib import Path

import pytest

from molgen.data.tokenizer import Vocabulary
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.models.checkpoint import make_checkpoint, write_checkpoint
from molgen.models.loading import load_generator
from molgen.utils.errors import InputError


def test_loads_the_family_named_in_the_checkpoint(tmp_path: Path) -> None:
    vocabulary = Vocabulary.build(["CCO", "c1ccccc1"]).to_list()
    config = CharRNNConfig(embedding_dim=4, hidden_size=8, num_layers=1)
    CharRNNGenerator(config, vocabulary, device="cpu").save(tmp_path / "m.pt")
    generator = load_generator(tmp_path / "m.pt", device="cpu")
    assert isinstance(generator, CharRNNGenerator)
    assert generator.config == config
    assert generator.device.type == "cpu"


def test_unknown_family_lists_known_ones(tmp_path: Path) -> None:
    write_checkpoint(make_checkpoint("quantum_gan", {}, [], {}), tmp_path / "q.pt")
    with pytest.raises(InputError, match=r"unknown model type 'quantum_gan'.*char_rnn"):
        load_generator(tmp_path / "q.pt")


def test_missing_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="checkpoint not found"):
        load_generator(tmp_path / "nope.pt")
    (tmp_path / "x.pt").write_bytes(b"\x00\x01garbage")
    with pytest.raises(InputError, match="not a molgen checkpoint"):
        load_generator(tmp_path / "x.pt")
