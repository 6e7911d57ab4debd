from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pandas as pd
import pytest

from molgen.data.readers import SUPPORTED_EXTENSIONS, iter_source_chunks, read_source
from molgen.utils.errors import InputError

DATA = Path(__file__).parents[2] / "data"


def test_smi_rows_names_and_blank_lines() -> None:
    frame = read_source(DATA / "tiny.smi")
    assert list(frame.columns[:3]) == ["source", "row", "input"]
    assert frame["source"].eq(str(DATA / "tiny.smi")).all()
    assert frame["row"].tolist() == [1, 2, 3, 5, 6, 7, 8, 9, 10]  # line 4 is blank
    first = frame.iloc[1]
    assert (first["input"], first["name"]) == ("CC(=O)[O-].[Na+]", "sodium acetate")
    assert pd.isna(frame.loc[frame["row"] == 9, "name"].item())  # no name on that line


def test_smi_header_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "with_header.smi"
    path.write_text("SMILES Name\nCCO ethanol\nCCN\n")
    frame = read_source(path)
    assert frame["input"].tolist() == ["CCO", "CCN"]
    assert frame["row"].tolist() == [1, 2]


def test_csv_keeps_columns_and_marks_empty_smiles() -> None:
    frame = read_source(DATA / "tiny.csv")
    assert list(frame.columns) == ["source", "row", "input", "read_error", "id", "activity"]
    assert frame["read_error"].isna().all()
    assert frame["row"].tolist() == list(range(1, 9))
    assert frame.loc[1, "input"] is None
    assert frame.loc[0, "id"] == "a1"


def test_tsv_and_custom_smiles_column(tmp_path: Path) -> None:
    assert read_source(DATA / "tiny.tsv")["input"].tolist() == ["CCOC(=O)C", "c1ccncc1"]
    path = tmp_path / "custom.csv"
    path.write_text("structure,smiles_note\nCCO,x\n")
    frame = read_source(path, smiles_column="structure")
    assert frame["input"].tolist() == ["CCO"]
    assert frame["smiles_note"].tolist() == ["x"]


def test_csv_reserved_column_names_are_prefixed(tmp_path: Path) -> None:
    path = tmp_path / "clash.csv"
    path.write_text("SMILES,source,row,read_error\nCCO,vendor A,7,none\n")
    frame = read_source(path)  # "smiles" matches the SMILES column case-insensitively
    columns = ["source", "row", "input", "read_error", "src_source", "src_row", "src_read_error"]
    assert list(frame.columns) == columns
    assert frame.loc[0, "src_source"] == "vendor A"


def _sdf_inputs(frame: pd.DataFrame) -> list[str | None]:
    """``input``, with None for rows the reader rejected."""
    return [None if e else i for i, e in zip(frame["input"], frame["read_error"], strict=True)]


def test_sdf_broken_record_is_a_row_with_its_reason() -> None:
    frame = read_source(DATA / "tiny.sdf")
    assert frame["row"].tolist() == [1, 2, 3]
    assert _sdf_inputs(frame) == ["CCO", None, "Oc1ccccc1"]
    assert frame["read_error"].tolist() == [None, "unreadable SD record", None]
    assert frame.loc[1, "input"].startswith("b'pentavalent carbon\\n")
    assert frame.loc[0, "name"] == "ethanol"
    assert frame.loc[2, "vendor"] == "acme"
    assert frame.loc[2, "activity"] == "2.5"


def test_sdf_gz(tmp_path: Path) -> None:
    path = tmp_path / "tiny.sdf.gz"
    with open(DATA / "tiny.sdf", "rb") as src, gzip.open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    assert _sdf_inputs(read_source(path)) == ["CCO", None, "Oc1ccccc1"]


def test_parquet_keeps_typed_columns(tmp_path: Path) -> None:
    path = tmp_path / "mols.parquet"
    pd.DataFrame({"smiles": ["CCO", None, "c1ccccc1"], "pic50": [5.0, 6.5, 7.25]}).to_parquet(path)
    frame = read_source(path)
    assert frame["input"].tolist() == ["CCO", None, "c1ccccc1"]
    assert frame["pic50"].tolist() == [5.0, 6.5, 7.25]


def test_chunks_are_bounded_and_rows_continue() -> None:
    chunks = list(iter_source_chunks(DATA / "tiny.csv", chunk_size=3))
    assert [len(c) for c in chunks] == [3, 3, 2]
    assert pd.concat(chunks)["row"].tolist() == list(range(1, 9))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.csv", "missing.csv: file not found"),
        ("empty.smi", "empty.smi: empty file (no data rows)"),
        ("header_only.csv", "header_only.csv: empty file (no data rows)"),
    ],
)
def test_file_errors_name_file_row_and_reason(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_source(DATA / name)


def test_unknown_extension_lists_supported(tmp_path: Path) -> None:
    path = tmp_path / "mols.xlsx"
    path.write_text("x")
    with pytest.raises(InputError) as error:
        read_source(path)
    assert "unknown file type" in str(error.value)
    assert all(ext in str(error.value) for ext in SUPPORTED_EXTENSIONS)


def test_missing_smiles_column_lists_columns(tmp_path: Path) -> None:
    path = tmp_path / "nosmiles.csv"
    path.write_text("id,structure\n1,CCO\n")
    with pytest.raises(
        InputError, match="no SMILES column 'smiles'; columns present: id, structure"
    ):
        read_source(path)


def test_unreadable_parquet_and_malformed_csv(tmp_path: Path) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"this is not parquet")
    with pytest.raises(InputError, match=r"broken\.parquet: unreadable Parquet file"):
        read_source(broken)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("smiles,name\nCCO,a\nCCN,b,extra\n")
    with pytest.raises(InputError, match=r"ragged.csv, row 2: malformed CSV \(Expected 2 fields"):
        read_source(ragged)


def test_gzip_broken_off_early_is_one_lost_row(tmp_path: Path) -> None:
    for name in ("tiny.sdf", "tiny.csv"):
        path = tmp_path / f"{name}.gz"
        packed = gzip.compress((DATA / name).read_bytes())
        path.write_bytes(packed[: len(packed) // 2])
        frame = read_source(path)
        assert frame["read_error"].iloc[-1].startswith("file ends early: damaged or truncated")
        assert frame["read_error"].iloc[:-1].isna().all()


def test_smi_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.smi"
    path.write_bytes("\ufeffCCO ethanol\n".encode())
    assert read_source(path)["input"].tolist() == ["CCO"]
