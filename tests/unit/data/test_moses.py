from __future__ import annotations

import gzip
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from molgen.data.moses import count_rows, fetch_moses, iter_moses_chunks, moses_dir
from molgen.utils.errors import MolgenError

SMILES = ["CCO", "CCN", "CCC", "c1ccccc1", "CC(=O)O", "CCOC", "CNC", "OCCO", "CC#N", "C1CC1"]


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    """A small wheel laid out like molsets' (SMILES and SPLIT columns, gzipped)."""
    path = tmp_path / "molsets-0.3.1-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for split, rows in {
            "train": SMILES,
            "test": SMILES[:4],
            "test_scaffolds": SMILES[4:],
        }.items():
            text = "SMILES,SPLIT\n" + "".join(f"{s},{split}\n" for s in rows)
            archive.writestr(f"moses/dataset/data/{split}.csv.gz", gzip.compress(text.encode()))
    return path


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Make any pip download fail fast: no index, no config, empty find-links."""
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(empty))


def test_data_dir_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MOLGEN_DATA_DIR", str(tmp_path))
    assert moses_dir() == tmp_path / "moses"
    monkeypatch.delenv("MOLGEN_DATA_DIR")
    assert moses_dir() == Path("data") / "moses"


def test_fetch_from_local_wheel_then_cache(
    wheel: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offline: None
) -> None:
    monkeypatch.setenv("MOLGEN_MOSES_WHEEL", str(wheel))
    paths = fetch_moses(tmp_path / "cache")
    assert sorted(paths) == ["test", "test_scaffolds", "train"]
    assert count_rows(paths["train"]) == len(SMILES)
    wheel.unlink()
    monkeypatch.delenv("MOLGEN_MOSES_WHEEL")
    assert fetch_moses(tmp_path / "cache") == paths  # cached: no wheel, no download needed


def test_failed_download_says_how_to_place_files(tmp_path: Path, offline: None) -> None:
    with pytest.raises(MolgenError) as error:
        fetch_moses(tmp_path / "cache")
    message = str(error.value)
    assert "\n" not in message
    assert "could not download molsets==0.3.1" in message
    assert "MOLGEN_MOSES_WHEEL" in message and str(tmp_path / "cache") in message


def test_missing_local_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOLGEN_MOSES_WHEEL", str(tmp_path / "nope.whl"))
    with pytest.raises(MolgenError, match=r"nope\.whl is not a file"):
        fetch_moses(tmp_path / "cache")


def test_chunks_and_seeded_subset(
    wheel: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOLGEN_MOSES_WHEEL", str(wheel))
    cache = tmp_path / "cache"
    full = pd.concat(iter_moses_chunks("train", chunk_size=4, target_dir=cache))
    assert list(full.columns) == ["source", "row", "input", "read_error"]  # SPLIT is dropped
    assert full["source"].eq("moses:train").all()
    assert full["input"].tolist() == SMILES
    subset = pd.concat(iter_moses_chunks("train", 4, seed=1, chunk_size=3, target_dir=cache))
    again = pd.concat(iter_moses_chunks("train", 4, seed=1, chunk_size=5, target_dir=cache))
    assert len(subset) == 4 and subset["row"].tolist() == again["row"].tolist()
    assert subset["input"].tolist() == [SMILES[r - 1] for r in subset["row"]]
    other = pd.concat(iter_moses_chunks("train", 4, seed=2, target_dir=cache))
    assert other["row"].tolist() != subset["row"].tolist()
    with pytest.raises(ValueError, match="unknown MOSES split"):
        next(iter_moses_chunks("valid", target_dir=cache))
