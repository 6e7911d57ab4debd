"""Collecting kept molecules as Arrow tables and writing the split Parquet files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from molgen.data.process import PROPERTIES, ChunkResult

__all__ = ["BASE_SCHEMA", "KeptParts", "concat_tables", "write_split"]

BASE_SCHEMA = pa.schema(
    [
        ("smiles", pa.string()),
        ("inchikey", pa.string()),
        ("source", pa.string()),
        ("row", pa.int64()),
    ]
)


def _plain_strings(table: pa.Table) -> pa.Table:
    """Use ``string`` rather than ``large_string`` so that chunks share one schema."""
    fields = [
        field.with_type(pa.string()) if pa.types.is_large_string(field.type) else field
        for field in table.schema
    ]
    return table.cast(pa.schema(fields))


def _as_text(column: pa.ChunkedArray) -> pa.Array:
    values = column.to_pylist()
    return pa.array([None if v is None else str(v) for v in values], pa.string())


def concat_tables(tables: list[pa.Table]) -> pa.Table:
    """Concatenate tables whose columns may differ: a missing column becomes nulls, a
    column with conflicting types becomes text, and the base columns come first."""
    if not tables:
        return BASE_SCHEMA.empty_table()
    types: dict[str, set[pa.DataType]] = {}
    for table in tables:
        for field in table.schema:
            if not pa.types.is_null(field.type):
                types.setdefault(field.name, set()).add(field.type)
    conflicts = {name for name, found in types.items() if len(found) > 1}
    if conflicts:
        tables = [_text_columns(t, conflicts) for t in tables]
    table = pa.concat_tables(tables, promote_options="permissive")
    names = [f.name for f in BASE_SCHEMA] + [
        n for n in table.column_names if n not in BASE_SCHEMA.names
    ]
    return table.select(names)


def _text_columns(table: pa.Table, names: set[str]) -> pa.Table:
    for i, name in enumerate(table.column_names):
        if name in names:
            table = table.set_column(i, name, _as_text(table.column(i)))
    return table


class KeptParts:
    """The kept molecules of one split group, chunk by chunk (Arrow tables, no RDKit)."""

    def __init__(self) -> None:
        self._tables: list[pa.Table] = []
        self._properties: list[pd.DataFrame] = []
        self.scaffolds: list[str] = []
        self.size = 0

    def add(self, result: ChunkResult) -> None:
        """Append a deduplicated chunk result."""
        if not len(result.kept):
            return
        table = pa.Table.from_pandas(result.kept, preserve_index=False)
        self._tables.append(_plain_strings(table.replace_schema_metadata(None)))
        self._properties.append(result.properties)
        self.scaffolds.extend(result.scaffolds or [])
        self.size += len(result.kept)

    def table(self) -> pa.Table:
        """All kept rows as one table (built once, then reused)."""
        if len(self._tables) != 1:
            self._tables = [concat_tables(self._tables)]
        return self._tables[0]

    def properties(self) -> pd.DataFrame:
        """The :data:`~molgen.data.process.PROPERTIES` of every kept row."""
        if not self._properties:
            return pd.DataFrame(columns=list(PROPERTIES), dtype=float)
        return pd.concat(self._properties, ignore_index=True)


def write_split(
    path: Path, groups: dict[str, KeptParts], labels: dict[str, np.ndarray], split: str
) -> int:
    """Write the rows of every group labelled ``split`` to ``path``; returns the row count."""
    pieces = [
        kept.table().filter(pa.array(labels[group] == split))
        for group, kept in groups.items()
        if kept.size and (labels[group] == split).any()
    ]
    table = concat_tables(pieces)
    pq.write_table(table, path)
    return table.num_rows
