"""Row counts for the curate progress bar: exact for Parquet and small files, estimated
within a few per cent from the size of large text files."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from molgen.data.config import CurateConfig
from molgen.data.curate import curate
from molgen.data.readers import read_source
from molgen.data.row_estimate import SAMPLE_BYTES, estimate_rows
from molgen.utils.errors import InputError

DATA = Path(__file__).parents[2] / "data"


@pytest.mark.parametrize("name", ["moses_300.csv", "tiny.csv", "tiny.tsv", "tiny.sdf"])
def test_small_files_are_counted_exactly(name: str) -> None:
    assert estimate_rows(DATA / name) == len(read_source(DATA / name))


def test_parquet_rows_come_from_its_metadata(tmp_path: Path) -> None:
    path = tmp_path / "mols.parquet"
    pd.DataFrame({"smiles": ["CCO"] * 1234}).to_parquet(path, row_group_size=100)
    assert estimate_rows(path) == 1234


def _big_smiles() -> list[str]:
    """~60,000 SMILES of varied length (about 3 MB of text, several samples' worth)."""
    smiles = pd.read_csv(DATA / "moses_300.csv")["smiles"].tolist()
    return [f"{s} mol{i}" for i in range(200) for s in smiles]


@pytest.mark.parametrize("name", ["big.smi", "big.smi.gz", "big.csv.gz"])
def test_large_text_files_are_estimated_closely(tmp_path: Path, name: str) -> None:
    lines = _big_smiles()
    text = "\n".join(lines) + "\n"
    if ".csv" in name:
        text = "smiles\n" + text.replace(" ", ",")
    data = text.encode()
    assert len(data) > 2 * SAMPLE_BYTES
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    estimate = estimate_rows(path)
    assert abs(estimate - len(lines)) <= 0.05 * len(lines), (estimate, len(lines))


def test_unreadable_gzip_estimates_zero(tmp_path: Path) -> None:
    path = tmp_path / "bad.smi.gz"
    path.write_bytes(b"not gzip")
    assert estimate_rows(path) == 0


def test_an_unreadable_parquet_file_estimates_zero_and_curate_names_it(tmp_path: Path) -> None:
    # The estimate runs before the reader; the reader's one-line error must still be what
    # a caller sees.
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not a parquet file")
    assert estimate_rows(path) == 0
    with pytest.raises(InputError, match="unreadable Parquet file"):
        curate([str(path)], tmp_path / "out", CurateConfig(n_jobs=1))
