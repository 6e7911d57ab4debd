"""One bad line costs one row: every reader keeps the good rows of a file with a line that
is not UTF-8, a NUL byte, a broken SD record or a gzip stream that breaks off."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pandas as pd
import pytest

from molgen.data.raw_text import NOT_UTF8, NUL_BYTE
from molgen.data.readers import iter_source_chunks, read_source
from molgen.utils.errors import InputError

DATA = Path(__file__).parents[2] / "data"
TINY_SDF = (DATA / "tiny.sdf").read_bytes()
LOST = "file ends early: damaged or truncated gzip stream"


def _rows(frame: pd.DataFrame) -> list[tuple[int, object, object]]:
    """``(row, input, read_error)`` per row, None for missing."""
    return [
        (int(r), i if isinstance(i, str) else None, e if isinstance(e, str) else None)
        for r, i, e in zip(frame["row"], frame["input"], frame["read_error"], strict=True)
    ]


def _latin1_sdf() -> bytes:
    """tiny.sdf (ethanol, a pentavalent carbon, phenol) with a Latin-1 title on phenol."""
    return TINY_SDF.replace(b"phenol", b"ph\xe9nol")


def test_smi_keeps_every_good_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.smi"
    path.write_bytes(b"CCO ethanol\nC\xe9C bad\nCCN caf\xe9\nC\x00C nul\n\nc1ccccc1 benzene\n")
    frame = read_source(path)
    assert _rows(frame) == [
        (1, "CCO", None),
        (2, r"b'C\xe9C bad'", NOT_UTF8),
        (3, r"b'CCN caf\xe9'", NOT_UTF8),
        (4, r"b'C\x00C nul'", NUL_BYTE),
        (6, "c1ccccc1", None),
    ]
    assert frame["name"].tolist()[::4] == ["ethanol", "benzene"]


@pytest.mark.parametrize(("suffix", "sep"), [(".csv", ","), (".tsv", "\t")])
def test_table_keeps_every_good_row(tmp_path: Path, suffix: str, sep: str) -> None:
    path = tmp_path / f"mixed{suffix}"
    lines = [b"smiles,name", b"CCO,a", b"C\xe9C,b", b"CCN,caf\xe9", b"C\x00C,d", b"CCC,e"]
    path.write_bytes(b"\n".join(line.replace(b",", sep.encode()) for line in lines) + b"\n")
    frame = read_source(path)
    s = repr(sep)[1:-1]  # how the separator looks inside a bytes literal
    assert _rows(frame) == [
        (1, "CCO", None),
        (2, rf"b'C\xe9C{s}b'", NOT_UTF8),
        (3, rf"b'CCN{s}caf\xe9'", NOT_UTF8),
        (4, rf"b'C\x00C{s}d'", NUL_BYTE),
        (5, "CCC", None),
    ]
    assert frame["name"].tolist()[::4] == ["a", "e"]
    assert frame["name"].isna().tolist() == [False, True, True, True, False]


def test_committed_latin1_csv_loses_only_its_bad_row() -> None:
    frame = read_source(DATA / "latin1.csv")
    assert _rows(frame) == [(1, "CCO", None), (2, r"b'CCN,caf\xe9'", NOT_UTF8), (3, "CCC", None)]


@pytest.mark.parametrize("gzipped", [False, True])
def test_sdf_latin1_record_is_one_reject(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("mixed.sdf.gz" if gzipped else "mixed.sdf")
    path.write_bytes(gzip.compress(_latin1_sdf()) if gzipped else _latin1_sdf())
    frame = read_source(path)
    rows = _rows(frame)
    assert rows[0] == (1, "CCO", None)
    assert rows[1][0::2] == (2, "unreadable SD record")  # the pentavalent carbon
    assert rows[2][0::2] == (3, NOT_UTF8)
    assert rows[2][1].startswith(r"b'ph\xe9nol\n     RDKit")
    assert frame["name"].tolist()[0] == "ethanol"


def test_sdf_broken_counts_line_keeps_the_records_after_it(tmp_path: Path) -> None:
    path = tmp_path / "counts.sdf"
    path.write_bytes(TINY_SDF.replace(b"  3  2  0  0  0", b"  x  y  0  0  0", 1))
    rows = _rows(read_source(path))
    assert [r[0] for r in rows] == [1, 2, 3]
    detail = "broken counts line (line 4 gives no atom and bond numbers)"
    assert rows[0][2] == f"unreadable SD record: {detail}"
    assert rows[0][1].startswith("b'ethanol\\n")
    assert rows[2] == (3, "Oc1ccccc1", None)


def test_sdf_nul_byte_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "nul.sdf"
    path.write_bytes(TINY_SDF.replace(b"ethanol", b"eth\x00anol", 1))
    rows = _rows(read_source(path))
    assert rows[0][0::2] == (1, NUL_BYTE)
    assert rows[2] == (3, "Oc1ccccc1", None)


def _truncated(tmp_path: Path, name: str, text: bytes) -> Path:
    """``text`` gzipped into ``name`` and cut in the middle of its last line's bytes."""
    packed = gzip.compress(text)
    path = tmp_path / name
    path.write_bytes(packed[: len(packed) - 20])
    return path


@pytest.mark.parametrize(("name", "header"), [("cut.smi.gz", b""), ("cut.csv.gz", b"smiles\n")])
def test_truncated_gzip_keeps_rows_before_the_damage(
    tmp_path: Path, name: str, header: bytes
) -> None:
    smiles = [("C" * (1 + i % 7)) + "O" for i in range(3000)]
    path = _truncated(tmp_path, name, header + "\n".join(smiles).encode() + b"\n")
    frame = pd.concat(iter_source_chunks(path, chunk_size=500), ignore_index=True)
    *kept, lost = _rows(frame)
    whole_lines = _readable_part(path).count(b"\n") - header.count(b"\n")
    assert 0 < len(kept) == whole_lines < len(smiles)
    assert kept == [(i + 1, smiles[i], None) for i in range(len(kept))]  # no cut-off line
    assert lost[0] == len(kept) + 1
    assert lost[1] is None
    assert lost[2].startswith(LOST)
    assert "Compressed file ended before the end-of-stream marker" in lost[2]


def _readable_part(path: Path) -> bytes:
    """What zlib can still decompress from a gzip file that breaks off."""
    return zlib.decompressobj(wbits=31).decompress(path.read_bytes())


def test_truncated_sdf_gz_drops_the_record_it_cut(tmp_path: Path) -> None:
    path = _truncated(tmp_path, "cut.sdf.gz", TINY_SDF * 5)
    readable = _readable_part(path)
    whole = readable.count(b"$$$$\n")
    assert 3 <= whole < 15 and not readable.endswith(b"$$$$\n")  # the cut is inside a record
    rows = _rows(read_source(path))
    assert len(rows) == whole + 1  # the whole records and the damage, not the cut record
    assert rows[:3] == [
        (1, "CCO", None),
        (2, rows[1][1], "unreadable SD record"),
        (3, "Oc1ccccc1", None),
    ]
    assert rows[-1][:2] == (whole + 1, None)
    assert rows[-1][2].startswith(LOST)


def test_gzip_damaged_before_the_first_line_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.smi.gz"
    path.write_bytes(b"this is not gzip at all\n")
    with pytest.raises(InputError, match=r"garbage\.smi\.gz: cannot read the file"):
        read_source(path)


def test_csv_header_that_is_not_utf8_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_bytes(b"smiles,caf\xe9\nCCO,a\n")
    with pytest.raises(InputError, match=r"the header row is not UTF-8 text: b'smiles,caf\\xe9'"):
        read_source(path)


def test_long_bad_line_is_shown_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "long.smi"
    path.write_bytes(b"C" * 500 + b"\xff\n")
    (row,) = _rows(read_source(path))
    assert row[1] == repr(b"C" * 200) + "... (501 bytes)"
