"""Streaming readers for molecule files: SMILES, CSV/TSV, SDF and Parquet.

Every reader yields DataFrame chunks with the columns ``source`` (the path as given),
``row`` (1-based data row, or SDF record number), ``input`` (the raw SMILES, or None
when the row has none), ``read_error`` and every other column of the file. A kept column
whose name clashes with one molgen writes (``source``, ``row``, ``input``, ``read_error``,
``smiles``, ``inchikey``) is renamed with a ``src_`` prefix.

One bad row costs that row only. A row the reader cannot use (a line that is not UTF-8
or holds a NUL byte, an SD record RDKit cannot read) has its reason in ``read_error``
(None on every other row) and its raw bytes, shown safely, in ``input``; a gzip stream
that breaks off ends the file with one such row, after the rows read before the damage.
Problems with a whole file (missing, empty, unknown type, no SMILES column, a header that
is not UTF-8) raise :class:`~molgen.utils.errors.InputError`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from molgen.data.raw_text import (
    SourceStream,
    damage_reason,
    line_problem,
    show_bytes,
    text_problem,
)
from molgen.data.sdf import SDRecord, iter_records, parse_records
from molgen.utils.errors import InputError

__all__ = ["SUPPORTED_EXTENSIONS", "iter_source_chunks", "read_source", "source_format"]

SUPPORTED_EXTENSIONS = (".smi", ".csv", ".tsv", ".sdf", ".sdf.gz", ".parquet")
_FORMATS = {".smi": "smi", ".csv": "csv", ".tsv": "tsv", ".sdf": "sdf", ".parquet": "parquet"}
_RESERVED = ("source", "row", "input", "read_error", "smiles", "inchikey")


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


def _open(path: Path) -> io.BufferedReader:
    """The file's bytes (gunzipped), buffered; ``.raw`` is its :class:`SourceStream`."""
    return io.BufferedReader(SourceStream(path), buffer_size=1 << 16)


def _damage(handle: io.BufferedReader) -> str | None:
    """The reject reason when the file's gzip stream broke off, else None."""
    error = handle.raw.error  # type: ignore[attr-defined]
    return None if error is None else damage_reason(error)


def _rename_reserved(frame: pd.DataFrame) -> pd.DataFrame:
    clashes = {c: f"src_{c}" for c in frame.columns if c in _RESERVED}
    return frame.rename(columns=clashes) if clashes else frame


def _assemble(
    source: str,
    rows: Sequence[int],
    inputs: list,
    errors: list[str | None],
    extra: pd.DataFrame,
) -> pd.DataFrame:
    """Build a chunk: ``source``, ``row``, ``input``, ``read_error``, then the extras."""
    head = pd.DataFrame(
        {
            "source": [source] * len(inputs),
            "row": pd.Series(rows, dtype="int64"),
            "input": pd.Series(inputs, dtype=object),
            "read_error": pd.Series(errors, dtype=object),
        }
    )
    extra = _rename_reserved(extra.reset_index(drop=True))
    return pd.concat([head, extra], axis=1) if len(extra.columns) else head


def _lost_row(source: str, row: int, reason: str, columns: Sequence[str]) -> pd.DataFrame:
    """The one row that stands for the part of a file lost to a damaged gzip stream."""
    extra = pd.DataFrame({c: pd.Series([None], dtype=object) for c in columns})
    return _assemble(source, [row], [None], [reason], extra)


def _find_column(source: str, columns: list[str], wanted: str) -> str:
    """``wanted`` if present, else its only case-insensitive match; InputError otherwise."""
    if wanted in columns:
        return wanted
    folded = [c for c in columns if str(c).lower() == wanted.lower()]
    if len(folded) == 1:
        return folded[0]
    present = ", ".join(map(str, columns)) or "(none)"
    raise InputError(source, f"no SMILES column {wanted!r}; columns present: {present}")


def _blocks(handle: io.BufferedReader, size: int = 1 << 20) -> Iterator[bytes]:
    """The file in blocks of whole lines (the last may lack its newline)."""
    carry = b""
    while block := handle.read(size):
        data = carry + block
        cut = data.rfind(b"\n") + 1
        carry = data[cut:]
        if cut:
            yield data[:cut]
    if carry:
        yield carry


def _block_lines(block: bytes, first: bool) -> tuple[list[str], list[str | None] | None]:
    """The lines of a block, and per line why it is not clean text (None for the whole
    block when every line is clean). A bad line is shown as raw bytes; a byte order mark
    at the start of the file is dropped."""
    pieces: list
    if b"\x00" not in block:
        try:
            pieces = block.decode("utf-8-sig" if first else "utf-8").split("\n")
            return (pieces[:-1] if not pieces[-1] else pieces), None
        except UnicodeDecodeError:
            pass
    pieces = block.split(b"\n")
    lines: list[str] = []
    problems: list[str | None] = []
    for i, raw in enumerate(pieces[:-1] if not pieces[-1] else pieces):
        problem = line_problem(raw)
        codec = "utf-8-sig" if first and i == 0 else "utf-8"
        lines.append(raw.decode(codec) if problem is None else show_bytes(raw))
        problems.append(problem)
    return lines, problems


def _iter_smi(path: Path, source: str, chunk_size: int) -> Iterator[pd.DataFrame]:
    """``SMILES [name]`` per line. A first line starting with ``smiles`` is a header;
    rows are numbered by line after it; blank lines are skipped. A line that is not
    clean UTF-8 is a row with its reason in ``read_error``."""
    rows: list[int] = []
    inputs: list[str] = []
    errors: list[str | None] = []
    names: list[str | None] = []
    header = line_no = 0
    with _open(path) as handle:
        for block in _blocks(handle):
            lines, problems = _block_lines(block, line_no == 0)
            for k, text in enumerate(lines):
                line_no += 1
                problem = problems[k] if problems else None
                parts = text.split(maxsplit=1) if problem is None else [text]
                if line_no == 1 and problem is None and parts and parts[0].lower() == "smiles":
                    header = 1
                    continue
                if not parts:
                    continue
                rows.append(line_no - header)
                inputs.append(parts[0])
                errors.append(problem)
                names.append(parts[1].strip() if len(parts) > 1 else None)
                if len(rows) >= chunk_size:
                    yield _assemble(source, rows, inputs, errors, pd.DataFrame({"name": names}))
                    rows, inputs, errors, names = [], [], [], []
        damage = _damage(handle)
    if rows:
        yield _assemble(source, rows, inputs, errors, pd.DataFrame({"name": names}))
    if damage:
        yield _lost_row(source, line_no + 1 - header, damage, ["name"])


def _row_problems(frame: pd.DataFrame) -> list[str | None] | None:
    """Per row, why its text is not clean (see :func:`text_problem`); None when every
    row is clean, found by one scan of the whole chunk."""
    texts = [frame[c].str.cat(sep="\x1f") for c in frame.columns]
    if not any(text_problem(t) for t in texts):
        return None
    values = frame.to_numpy()
    problems = []
    for row in values:
        found = (text_problem(v) for v in row if isinstance(v, str))
        problems.append(next((p for p in found if p), None))
    return problems


def _shown_row(values: Sequence[object], sep: str) -> str:
    """A CSV row's fields, joined again and shown as the raw bytes they came from."""
    fields = [v if isinstance(v, str) else "" for v in values]
    return show_bytes(sep.join(fields).encode("utf-8", "surrogateescape"))


def _table_chunk(
    source: str, frame: pd.DataFrame, column: str, sep: str, start: int
) -> pd.DataFrame:
    """One CSV/TSV chunk read as text with ``surrogateescape``: rows that are not clean
    text get their reason in ``read_error`` and their raw bytes in ``input``."""
    values = frame[column]
    inputs = values.where(values.notna(), None).tolist()
    extra = frame.drop(columns=[column])
    problems = _row_problems(frame)
    if problems is None:
        problems = [None] * len(frame)
    else:
        bad = [i for i, p in enumerate(problems) if p]
        raw = frame.to_numpy()
        for i in bad:
            inputs[i] = _shown_row(raw[i], sep)
        extra = extra.astype(object)
        extra.iloc[bad] = None
    rows = range(start, start + len(frame))
    return _assemble(source, rows, inputs, problems, extra.astype("str"))


def _iter_table(
    path: Path, source: str, sep: str, smiles_column: str, chunk_size: int
) -> Iterator[pd.DataFrame]:
    """CSV/TSV with a header row; every column is read as text."""
    kind = "CSV" if sep == "," else "TSV"
    options = {
        "sep": sep,
        "dtype": object,
        "keep_default_na": False,
        "na_values": [""],
        "encoding": "utf-8",
        "encoding_errors": "surrogateescape",
    }
    try:
        with _open(path) as handle:
            columns = list(pd.read_csv(handle, nrows=0, **options).columns)
    except pd.errors.EmptyDataError:
        raise InputError(source, "empty file (no header or data rows)") from None
    except pd.errors.ParserError as exc:
        raise InputError(source, f"malformed {kind} header ({exc})") from None
    except UnicodeEncodeError:  # pandas cannot name a column with bytes that are not UTF-8
        columns = None
    if columns is None or any(text_problem(str(c)) for c in columns):
        with _open(path) as handle:
            header = show_bytes(handle.readline())
        raise InputError(source, f"the header row is not UTF-8 text: {header}")
    column = _find_column(source, columns, smiles_column)
    start = 1
    try:
        with _open(path) as handle, pd.read_csv(handle, chunksize=chunk_size, **options) as reader:
            for frame in reader:
                if frame.empty:
                    continue
                yield _table_chunk(source, frame, column, sep, start)
                start += len(frame)
            damage = _damage(handle)
    except pd.errors.ParserError as exc:
        detail = " ".join(str(exc).split()).removeprefix("Error tokenizing data. C error: ")
        line = re.search(r"line (\d+)", detail)
        row = int(line.group(1)) - 1 if line else None
        raise InputError(source, f"malformed {kind} ({detail})", row=row) from None
    if damage:
        yield _lost_row(source, start, damage, [c for c in columns if c != column])


def _sdf_chunk(source: str, records: list[SDRecord]) -> pd.DataFrame:
    rows = [r.number for r in records]
    inputs = [r.smiles if r.problem is None else r.shown for r in records]
    errors = [r.problem for r in records]
    extra = pd.DataFrame([r.properties for r in records], dtype=object)
    return _assemble(source, rows, inputs, errors, extra)


def _iter_sdf(path: Path, source: str, chunk_size: int) -> Iterator[pd.DataFrame]:
    """SD files: ``input`` is RDKit's SMILES for each record, ``name`` the record title,
    and each SD property becomes a text column. A record that cannot be used is a row
    with its reason in ``read_error`` (see :mod:`molgen.data.sdf`)."""
    raws: list[bytes] = []
    first = 1
    with _open(path) as handle:
        for raw in iter_records(_blocks(handle)):
            if len(raws) >= chunk_size:
                yield _sdf_chunk(source, parse_records(raws, first))
                first, raws = first + len(raws), []
            raws.append(raw)
        damage = _damage(handle)
    if damage and raws and not raws[-1].rstrip().rsplit(b"\n", 1)[-1].startswith(b"$$$$"):
        raws.pop()  # the record the damage cut short
    if raws:
        yield _sdf_chunk(source, parse_records(raws, first))
    if damage:
        yield _lost_row(source, first + len(raws), damage, ["name"])


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
            yield _assemble(source, rows, inputs, [None] * len(inputs), extra)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(source, f"unreadable Parquet file ({exc})") from None


def iter_source_chunks(
    path: str | Path, smiles_column: str = "smiles", chunk_size: int = 20_000
) -> Iterator[pd.DataFrame]:
    """Stream a molecule file as DataFrame chunks of at most ``chunk_size`` rows.

    Each chunk has ``source`` (``str(path)``), ``row`` (1-based data row; SDF record
    number), ``input`` (raw SMILES, or None), ``read_error`` (why the reader could not
    use the row, else None; ``input`` then shows the raw bytes) and the file's other
    columns. A gzip stream that breaks off ends with one row saying so.

    Args:
        path: a ``.smi``, ``.csv``, ``.tsv``, ``.sdf``, ``.sdf.gz`` or ``.parquet`` file
            (text formats may also be gzipped).
        smiles_column: SMILES column of CSV/TSV/Parquet files; if absent, a single
            case-insensitive match is used.
        chunk_size: rows per chunk.

    Raises:
        InputError: missing or empty file, unknown extension, no SMILES column, a header
            that is not UTF-8, a malformed CSV/TSV or Parquet file, or a gzip stream
            damaged before its first line.
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
        for chunk in chunks:
            empty = False
            yield chunk
    except OSError as exc:  # a gzip stream damaged from the start, or the disk failing
        raise InputError(source, f"cannot read the file ({exc})") from None
    if empty:
        raise InputError(source, "empty file (no data rows)")


def read_source(path: str | Path, smiles_column: str = "smiles") -> pd.DataFrame:
    """The whole file as one DataFrame (see :func:`iter_source_chunks`)."""
    return pd.concat(list(iter_source_chunks(path, smiles_column)), ignore_index=True)
