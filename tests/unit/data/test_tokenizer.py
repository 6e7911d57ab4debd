"""The SMILES tokenizer and the vocabulary."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from molgen.data.tokenizer import SPECIAL_TOKENS, Vocabulary, tokenize
from molgen.utils.errors import InputError

HARD_CASES = [
    "C[C@@H](N)C(=O)O",
    "F/C=C/F",
    "F/C=C\\Cl",
    "[NH3+]CC([O-])=O",
    "O=[N+]([O-])c1ccc(Br)cc1Cl",
    "[2H]C([2H])([2H])Cl",
    "C%10CCCCC%10",
    "c1ccc2c(c1)C%11CCCCC%11N2",
    "[Na+].[Cl-]",
    "Cn1cnc2c1c(=O)n(C)c(=O)n2C",
    "Sc1ccccc1",
    "B(O)O",
    "C#N",
    "[C@]12(CC1)CC2",
    "[nH]1cccc1",
    "C=[Se]",
    "c1ccsc1[Si](C)(C)C",
]


@pytest.fixture(scope="module")
def moses(data_dir: Path) -> list[str]:
    return pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()


@pytest.mark.parametrize("smiles", HARD_CASES)
def test_round_trip_is_exact_on_hard_cases(smiles: str) -> None:
    assert "".join(tokenize(smiles)) == smiles


def test_round_trip_is_exact_on_moses(moses: list[str]) -> None:
    for smiles in moses:
        assert "".join(tokenize(smiles)) == smiles


def test_multi_character_tokens_stay_whole() -> None:
    assert tokenize("Clc1ccc(Br)cc1[C@@H](C)C%10") == [
        "Cl", "c", "1", "c", "c", "c", "(", "Br", ")", "c", "c", "1",
        "[C@@H]", "(", "C", ")", "C", "%10",
    ]  # fmt: skip
    assert tokenize("[O-]/C=C\\[NH3+]") == ["[O-]", "/", "C", "=", "C", "\\", "[NH3+]"]


def test_aromatic_atoms_after_sulfur_are_not_merged() -> None:
    assert tokenize("Sc1ccsc1") == ["S", "c", "1", "c", "c", "s", "c", "1"]


def test_vocabulary_starts_with_special_tokens_and_covers_training_set(moses: list[str]) -> None:
    vocab = Vocabulary.build(moses)
    tokens = vocab.to_list()
    assert tuple(tokens[:4]) == SPECIAL_TOKENS
    assert {t for s in moses for t in tokenize(s)} == set(tokens[4:])
    assert tokens[4] == "c"  # most frequent first


def test_encode_decode_round_trip(moses: list[str]) -> None:
    vocab = Vocabulary.build(moses)
    for smiles in moses[:50]:
        ids = vocab.encode(smiles)
        assert ids[0] == vocab.bos_id and ids[-1] == vocab.eos_id
        assert vocab.decode(ids) == smiles
    carbon = vocab.encode("C", add_special=False)[0]
    assert vocab.decode([vocab.bos_id, carbon, vocab.eos_id, carbon]) == "C"  # stops at eos
    assert vocab.decode(vocab.encode("CC") + [vocab.pad_id] * 3) == "CC"


def test_unknown_tokens_map_to_unk() -> None:
    vocab = Vocabulary.build(["CCO"])
    ids = vocab.encode("C[Xe]O", add_special=False)
    assert ids[1] == vocab.unk_id
    assert vocab.decode(ids) == "C<unk>O"


def test_min_count_drops_rare_tokens() -> None:
    vocab = Vocabulary.build(["CCCC", "CBr"], min_count=2)
    assert "C" in vocab and "Br" not in vocab


def test_save_load_round_trip(tmp_path: Path, moses: list[str]) -> None:
    vocab = Vocabulary.build(moses)
    vocab.save(tmp_path / "vocab.json")
    assert json.loads((tmp_path / "vocab.json").read_text()) == vocab.to_list()
    assert Vocabulary.load(tmp_path / "vocab.json") == vocab


def test_load_rejects_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        Vocabulary.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": 1}')
    with pytest.raises(InputError, match="list of strings"):
        Vocabulary.load(bad)
    bad.write_text('["C", "O"]')
    with pytest.raises(InputError, match="must start with"):
        Vocabulary.load(bad)


def test_constructor_rejects_duplicates() -> None:
    with pytest.raises(ValueError, match="repeat"):
        Vocabulary([*SPECIAL_TOKENS, "C", "C"])
