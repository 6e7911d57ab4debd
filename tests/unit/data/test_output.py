from __future__ import annotations

import pyarrow as pa

from molgen.data.output import concat_tables


def test_concat_fills_missing_columns_and_turns_conflicts_into_text() -> None:
    base = {"smiles": ["C"], "inchikey": ["K1"], "source": ["a.parquet"], "row": [1]}
    first = pa.table({"id": [7], **base, "score": [0.5]})
    second = pa.table({**base, "id": ["x-2"], "note": ["hello"]})
    table = concat_tables([first, second])
    assert table.column_names == ["smiles", "inchikey", "source", "row", "id", "score", "note"]
    assert table.column("id").to_pylist() == ["7", "x-2"]
    assert table.column("score").to_pylist() == [0.5, None]
    assert table.column("note").to_pylist() == [None, "hello"]


def test_concat_of_nothing_has_the_base_columns() -> None:
    assert concat_tables([]).column_names == ["smiles", "inchikey", "source", "row"]
