"""Streaming readers for molecule files: SMILES, CSV/TSV, SDF and Parquet.

Every reader yields DataFrame chunks with the columns ``source`` (the path as given),
``row`` (1-based data row, or SDF record number), ``input`` (the raw SMILES, or None
when the row has none or the SDF record is unreadable) and every other column of the
file. A kept column whose name clashes with one molgen writes (``source``, ``row``,
``input``, ``smiles``, ``inchikey``) is renamed with a ``src_`` prefix. Problems with a
whole file raise :class:`~molgen.utils.errors.InputError`.
"""

from __future__ import annotations

import codecs
import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from rdkit import Chem

from molgen.chem.mol import quiet_rdkit
from molgen.utils.errors import InputError

__all__ = ["SUPPORTED_EXTENSIONS", "iter_source_chunks", "read_source", "source_format"]

SUPPORTED_EXTENSIONS = (".smi", ".csv", ".tsv", ".sdf", ".sdf.gz", ".parquet")
_FORMATS = {".smi": "smi", ".csv": "csv", ".tsv": "tsv", ".sdf": "sdf", ".parquet": "parquet"}
_RESERVED = ("source", "row", "input", "smiles", "inchikey")


def source_format(path: str | Path) -> str:
    """The format of ``path`` from its extension: ``smi``, ``csv``, ``tsv``, ``sdf`` or
    ``parquet``. Text formats may be gzipped (``.csv.gz``). Raises InputError otherwise."""
    name = str(path).lower()
    base = name.removesuffix(".gz")
    for ext, fmt in _FORMATS.items():
        if base.endswith(ext) and not (fmt == "parquet" and name.endswith(".gz")):
            return fmt
    supported = ", ".join(SUPPORTED_EXTENSIONS)
    raise InputError(path, f"unknown file type; supported: {supported} (text files may be .gz)")


def _open(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _check_utf8(path: Path, source: str, header_lines: int) -> None:
    """Decode the whole file as UTF-8 in blocks; name the line where decoding fails."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    with _open(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                line = lines + block.count(b"\n", 0, exc.start) + 1
                row = line - header_lines if line > header_lines else None
                raise InputError(
                    source, f"not UTF-8 text (line {line}); re-save the file as UTF-8", row=row
                ) from None
            lines += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise InputError(source, "not UTF-8 text (truncated character at the end)") from None


def _rename_reserved(frame: pd.DataFrame) -> pd.DataFrame:
    clashes = {c: f"src_{c}" for c in frame.columns if c in _RESERVED}
    return frame.rename(columns=clashes) if clashes else frame


def _assemble(
    source: str, rows: list[int] | range, inputs: list, extra: pd.DataFrame
) -> pd.DataFrame:
    """Build a chunk: ``source``, ``row``, ``input`` and then the extra columns."""
    head = pd.DataFrame(
        {
            "source": [source] * len(inputs),
            "row": pd.Series(rows, dtype="int64"),
            "input": pd.Series(inputs, dtype=object),
        }
    )
    extra = _rename_reserved(extra.reset_index(drop=True))
    return pd.concat([head, extra], axis=1) if len(extra.columns) else head


def _find_column(source: str, columns: list[str], wanted: str) -> str:
    """``wanted`` if present, else its only case-insensitive match; InputError otherwise."""
    if wanted in columns:
        return wanted
    folded = [c for c in columns if str(c).lower() == wanted.lower()]
    if len(folded) == 1:
        return folded[0]
    present = ", ".join(map(str, columns)) or "(none)"
    raise InputError(source, f"no SMILES column {wanted!r}; columns present: {present}")


def _iter_smi(path: Path, source: str, chunk_size: int) -> Iterator[pd.DataFrame]:
    """``SMILES [name]`` per line (UTF-8 checked beforehand). A first line starting with
    ``smiles`` is a header; rows are numbered by line after it; blank lines are skipped."""
    rows: list[int] = []
    inputs: list[str] = []
    names: list[str | None] = []
    header = 0
    with _open(path) as handle:
        for line_no, raw in enumerate(handle, start=1):
            parts = raw.decode("utf-8-sig" if line_no == 1 else "utf-8").split(maxsplit=1)
            if line_no == 1 and parts and parts[0].lower() == "smiles":
                header = 1
                continue
            if not parts:
                continue
            rows.append(line_no - header)
            inputs.append(parts[0])
            names.append(parts[1].strip() if len(parts) > 1 else None)
            if len(rows) >= chunk_size:
                yield _assemble(source, rows, inputs, pd.DataFrame({"name": names}))
                rows, inputs, names = [], [], []
    if rows:
        yield _assemble(source, rows, inputs, pd.DataFrame({"name": names}))


def _iter_table(
    path: Path, source: str, sep: str, smiles_column: str, chunk_size: int
) -> Iterator[pd.DataFrame]:
    """CSV/TSV with a header row; every column is read as text."""
    kind = "CSV" if sep == "," else "TSV"
    options = {"sep": sep, "dtype": str, "keep_default_na": False, "na_values": [""]}
    try:
        columns = list(pd.read_csv(path, nrows=0, **options).columns)
    except pd.errors.EmptyDataError:
        raise InputError(source, "empty file (no header or data rows)") from None
    except pd.errors.ParserError as exc:
        raise InputError(source, f"malformed {kind} header ({exc})") from None
    column = _find_column(source, columns, smiles_column)
    start = 1
    try:
        with pd.read_csv(path, chunksize=chunk_size, **options) as reader:
            for frame in reader:
                if frame.empty:
                    continue
                values = frame[column]
                inputs = values.astype(object).where(values.notna(), None).tolist()
                rows = range(start, start + len(frame))
                start += len(frame)
                yield _assemble(source, rows, inputs, frame.drop(columns=[column]))
    except pd.errors.ParserError as exc:
        detail = " ".join(str(exc).split()).removeprefix("Error tokenizing data. C error: ")
        line = re.search(r"line (\d+)", detail)
        row = int(line.group(1)) - 1 if line else None
        raise InputError(source, f"malformed {kind} ({detail})", row=row) from None


def _iter_sdf(path: Path, source: str, chunk_size: int) -> Iterator[pd.DataFrame]:
    """SD files: ``input`` is RDKit's SMILES for each record (None when unreadable),
    ``name`` the record title, and each SD property becomes a text column."""
    rows: list[int] = []
    inputs: list[str | None] = []
    props: list[dict[str, str | None]] = []
    quiet_rdkit()  # unreadable records become rejects; RDKit's own messages are noise
    with _open(path) as handle:
        supplier = iter(Chem.ForwardSDMolSupplier(handle))
        record = 0
        while True:
            try:
                mol = next(supplier)
            except StopIteration:
                break
            except SystemError as exc:  # how RDKit passes on a failing stream (bad gzip)
                cause = exc.__cause__ or exc
                raise InputError(
                    source, f"cannot read the file ({cause})", row=record + 1
                ) from None
            record += 1
            rows.append(record)
            if mol is None:
                inputs.append(None)
                props.append({})
            else:
                inputs.append(Chem.MolToSmiles(mol))
                props.append(_sd_properties(mol, source, record))
            if len(rows) >= chunk_size:
                yield _assemble(source, rows, inputs, pd.DataFrame(props, dtype=object))
                rows, inputs, props = [], [], []
    if rows:
        yield _assemble(source, rows, inputs, pd.DataFrame(props, dtype=object))


def _sd_properties(mol: Chem.Mol, source: str, record: int) -> dict[str, str | None]:
    try:
        values = {"name": mol.GetProp("_Name") if mol.HasProp("_Name") else None}
        values.update({key: mol.GetProp(key) for key in mol.GetPropNames()})
    except UnicodeDecodeError:
        raise InputError(source, "SD record has text that is not UTF-8", row=record) from None
    return values


def _iter_parquet(
    path: Path, source: str, smiles_column: str, chunk_size: int
) -> Iterator[pd.DataFrame]:
    """Parquet, read in record batches; a non-text SMILES column is converted to text."""
    try:
        parquet = pq.ParquetFile(path)
        column = _find_column(source, parquet.schema_arrow.names, smiles_column)
        start = 1
        for batch in parquet.iter_batches(batch_size=chunk_size):
            inputs = [
                v if v is None or isinstance(v, str) else str(v)
                for v in batch.column(column).to_pylist()
            ]
            rows = range(start, start + len(inputs))
            start += len(inputs)
            extra = batch.drop_columns([column]).to_pandas()
            yield _assemble(source, rows, inputs, extra)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(source, f"unreadable Parquet file ({exc})") from None


def iter_source_chunks(
    path: str | Path, smiles_column: str = "smiles", chunk_size: int = 20_000
) -> Iterator[pd.DataFrame]:
    """Stream a molecule file as DataFrame chunks of at most ``chunk_size`` rows.

    Each chunk has ``source`` (``str(path)``), ``row`` (1-based data row; SDF record
    number), ``input`` (raw SMILES, or None) and the file's other columns.

    Args:
        path: a ``.smi``, ``.csv``, ``.tsv``, ``.sdf``, ``.sdf.gz`` or ``.parquet`` file
            (text formats may also be gzipped).
        smiles_column: SMILES column of CSV/TSV/Parquet files; if absent, a single
            case-insensitive match is used.
        chunk_size: rows per chunk.

    Raises:
        InputError: missing or empty file, unknown extension, no SMILES column, text that
            is not UTF-8 (naming the row), malformed or unreadable file.
    """
    source = str(path)
    path = Path(path)
    fmt = source_format(path)
    if not path.is_file():
        raise InputError(source, "file not found")
    if path.stat().st_size == 0:
        raise InputError(source, "empty file (no data rows)")
    if fmt == "smi":
        chunks = _iter_smi(path, source, chunk_size)
    elif fmt == "sdf":
        chunks = _iter_sdf(path, source, chunk_size)
    elif fmt == "parquet":
        chunks = _iter_parquet(path, source, smiles_column, chunk_size)
    else:
        sep = "," if fmt == "csv" else "\t"
        chunks = _iter_table(path, source, sep, smiles_column, chunk_size)
    empty = True
    try:
        if fmt in ("smi", "csv", "tsv"):
            _check_utf8(path, source, header_lines=0 if fmt == "smi" else 1)
        for chunk in chunks:
            empty = False
            yield chunk
    except (OSError, EOFError) as exc:  # a corrupt gzip stream, or the disk failing
        raise InputError(source, f"cannot read the file ({exc})") from None
    if empty:
        raise InputError(source, "empty file (no data rows)")


def read_source(path: str | Path, smiles_column: str = "smiles") -> pd.DataFrame:
    """The whole file as one DataFrame (see :func:`iter_source_chunks`)."""
    return pd.concat(list(iter_source_chunks(path, smiles_column)), ignore_index=True)
