"""Scoring a file chunk by chunk, for inputs too large for one process or one machine.

The input is streamed in chunks of rows; a ``Mapper`` (see :mod:`molgen.utils.scaleout`) computes
each chunk's RDKit properties wherever it runs them (local processes, a Dask cluster) and
yields them in order. Novelty (the training set stays here) and the objective are
added here, and each finished chunk is appended to the output file, so neither this process
nor a worker ever holds the whole scored table. The output equals :func:`score_file`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Sequence
from functools import partial
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from molgen.chem.columns import DTYPES
from molgen.data.readers import iter_source_chunks
from molgen.scoring.config import ScoreConfig
from molgen.scoring.score import OUTPUT_SUFFIXES, Scorer, property_table, to_arrow
from molgen.utils.errors import InputError
from molgen.utils.parallel import parallel_map
from molgen.utils.scaleout import Mapper

__all__ = ["ScoreTableWriter", "chunk_properties", "score_file_chunked"]

logger = logging.getLogger(__name__)

_TEXT_COLUMNS = tuple(name for name, dtype in DTYPES.items() if dtype == "object")


def chunk_properties(smiles: Sequence[str | None]) -> pd.DataFrame:
    """:func:`~molgen.scoring.score.property_table` of one chunk, in the calling process
    (the function a mapper runs on a worker)."""
    return property_table(smiles, n_jobs=1, chunk_size=max(1, len(smiles)))


class ScoreTableWriter:
    """Appends scored chunks to one ``.csv`` or ``.parquet`` file, written to a hidden
    partial file and moved into place by :meth:`close` (so a failed run leaves no output).

    Args:
        out_path: the output file; its extension picks the format.

    Raises:
        InputError: the extension is neither ``.csv`` nor ``.parquet``.
    """

    def __init__(self, out_path: str | Path) -> None:
        self.out = Path(out_path)
        self.suffix = self.out.suffix.lower()
        if self.suffix not in OUTPUT_SUFFIXES:
            raise InputError(self.out, "output must end in .csv or .parquet")
        self.partial = self.out.with_name(f".{self.out.name}.partial")
        self._parquet: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self.rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        """Append one scored chunk (:data:`~molgen.scoring.score.OUTPUT_COLUMNS` and the
        objective's component columns)."""
        try:
            self.partial.parent.mkdir(parents=True, exist_ok=True)
            if self.suffix == ".csv":
                header = self.rows == 0
                frame.to_csv(self.partial, index=False, header=header, mode="w" if header else "a")
            else:
                self._write_parquet(frame)
        except OSError as exc:
            self.abort()
            raise InputError(self.out, f"cannot write output ({exc.strerror or exc})") from None
        self.rows += len(frame)

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        if self._schema is None:
            schema = to_arrow(frame).schema  # with the objective's name and version
            for name in _TEXT_COLUMNS:  # a chunk may hold no value there (all invalid)
                schema = schema.set(schema.get_field_index(name), pa.field(name, pa.string()))
            self._schema = schema
            self._parquet = pq.ParquetWriter(self.partial, schema)
        table = pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
        self._parquet.write_table(table)

    def close(self, empty: pd.DataFrame) -> None:
        """Finish the file and move it into place; ``empty`` (no rows, the output columns)
        is written when no chunk was."""
        if self.rows == 0:
            self.write(empty)
        if self._parquet is not None:
            self._parquet.close()
        self.partial.replace(self.out)

    def abort(self) -> None:
        """Drop the partial file."""
        if self._parquet is not None:
            self._parquet.close()
        self.partial.unlink(missing_ok=True)


def _chunks(path: str | Path, smiles_column: str, chunk_size: int) -> Iterator[list]:
    for chunk in iter_source_chunks(path, smiles_column, chunk_size):
        yield chunk["input"].tolist()


def score_file_chunked(
    path: str | Path,
    out_path: str | Path,
    config: ScoreConfig,
    train_smiles: Collection[str] | None = None,
    smiles_column: str = "smiles",
    *,
    mapper: Mapper | None = None,
    chunk_size: int | None = None,
    keep_columns: Sequence[str] = ("valid", "score"),
) -> pd.DataFrame:
    """Score every row of a file in chunks and write the table (same output as
    :func:`~molgen.scoring.score.score_file`).

    Args:
        path: input file, streamed with :func:`molgen.data.readers.iter_source_chunks`.
        out_path: ``.csv`` or ``.parquet`` output; one row per input row, same order.
        config: the objective; ``config.chunk_size`` rows per chunk by default.
        train_smiles: canonical training SMILES, for ``novel``.
        smiles_column: SMILES column of tabular inputs.
        mapper: runs :func:`chunk_properties` on each chunk, yielding results in order;
            default :func:`~molgen.utils.parallel.parallel_map` over ``config.n_jobs``.
        chunk_size: rows per chunk (default ``config.chunk_size``).
        keep_columns: the scored columns to return (for a summary), kept chunk by chunk.

    Returns:
        ``keep_columns`` of the whole scored table, one row per input row.

    Raises:
        InputError: bad output extension, a problem with the input file, or a failed write.
    """
    scorer = Scorer(config, train_smiles)
    writer = ScoreTableWriter(out_path)
    if mapper is None:
        mapper = partial(parallel_map, n_jobs=config.n_jobs)
    chunks = _chunks(path, smiles_column, chunk_size or config.chunk_size)
    empty = scorer.complete(property_table([]))
    kept: list[pd.DataFrame] = [empty.loc[:, list(keep_columns)]]
    try:
        for properties in mapper(chunk_properties, chunks):
            frame = scorer.complete(properties)
            writer.write(frame)
            kept.append(frame.loc[:, list(keep_columns)])
        writer.close(empty)
    except BaseException:
        writer.abort()
        raise
    logger.info("scored %d rows of %s in chunks", writer.rows, path)
    return pd.concat(kept, ignore_index=True)
