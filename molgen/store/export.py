"""The results of a query as CSV or SDF (every page, in the query's order, up to a limit).

CSV has one row per candidate: its ids, SMILES, properties, alerts, provenance and stored
scores (one column per score name, so the file imports again with them). SDF holds
one record per candidate, titled with its InChIKey, with the same values as SD tags
(written by RDKit's ``SDWriter``; 2D coordinates computed for the depiction).
"""

from __future__ import annotations

import csv
import io
from typing import Any, Literal

from rdkit import Chem
from rdkit.Chem import AllChem
from sqlalchemy import Engine

from molgen.chem.columns import CANDIDATE_COLUMNS, MOLECULE_COLUMNS
from molgen.store.query import CandidateQuery, CandidateRow
from molgen.store.search import QueryError, SearchLimits, search_range

__all__ = [
    "EXPORT_COLUMNS",
    "MAX_EXPORT_ROWS",
    "export",
    "export_rows",
    "rows_to_csv",
    "rows_to_sdf",
]

MAX_EXPORT_ROWS = 100_000
"""Most rows one export may hold."""

EXPORT_COLUMNS = (
    "candidate_id", "inchikey", "smiles", *MOLECULE_COLUMNS[1:], *CANDIDATE_COLUMNS, "family",
    "run", "mlflow_run_id", "checkpoint", "temperature", "created_at", "similarity",
)  # fmt: skip
"""CSV columns and SD tags, in order."""


def _score_columns(rows: list[CandidateRow]) -> dict[str, str]:
    """Column names of the rows' stored scores (their own name, or ``score:NAME`` where
    that is taken), by score name, sorted."""
    names = sorted({name for row in rows for name in row.scores})
    return {n: f"score:{n}" if n in EXPORT_COLUMNS else n for n in names}


def _values(row: CandidateRow, scores: dict[str, str]) -> dict[str, Any]:
    data = row.model_dump()
    flat = {name: data[name] for name in EXPORT_COLUMNS if name in data}
    flat.update(row.properties)
    flat["alerts"] = ";".join(row.alerts)
    flat["created_at"] = row.created_at.isoformat()
    values = {name: flat.get(name) for name in EXPORT_COLUMNS}
    values.update({column: row.scores.get(name) for name, column in scores.items()})
    return values


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def rows_to_csv(rows: list[CandidateRow]) -> str:
    """Candidate rows as CSV text with a header line (empty cells for missing values): the
    :data:`EXPORT_COLUMNS`, then one column per stored score any row has."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    scores = _score_columns(rows)
    writer.writerow([*EXPORT_COLUMNS, *scores.values()])
    for row in rows:
        writer.writerow([_text(v) for v in _values(row, scores).values()])
    return buffer.getvalue()


def rows_to_sdf(rows: list[CandidateRow]) -> str:
    """Candidate rows as an SD file: 2D molblocks titled by InChIKey, values as SD tags."""
    buffer = io.StringIO()
    writer = Chem.SDWriter(buffer)
    scores = _score_columns(rows)
    for row in rows:
        mol = Chem.MolFromSmiles(row.smiles)
        if mol is None:  # stored SMILES are RDKit's own, so this does not happen
            continue
        AllChem.Compute2DCoords(mol)
        mol.SetProp("_Name", row.inchikey)
        for name, value in _values(row, scores).items():
            if value is not None and value != "":
                mol.SetProp(name, _text(value))
        writer.write(mol)
    writer.close()
    return buffer.getvalue()


def export_rows(
    engine: Engine, query: CandidateQuery, limit: int, *, limits: SearchLimits | None = None
) -> list[CandidateRow]:
    """The first ``limit`` candidates ``query`` matches, in its order, from every page.

    Raises:
        QueryError: ``limit`` outside 1..:data:`MAX_EXPORT_ROWS`, or the query fails.
    """
    if not 1 <= limit <= MAX_EXPORT_ROWS:
        raise QueryError(f"limit: an export holds 1 to {MAX_EXPORT_ROWS} rows, not {limit}")
    return search_range(engine, query, 0, limit, limits=limits).rows


def export(
    engine: Engine,
    query: CandidateQuery,
    fmt: Literal["csv", "sdf"],
    limit: int = 10_000,
    *,
    limits: SearchLimits | None = None,
) -> str:
    """The candidates ``query`` matches (all pages, at most ``limit``) as CSV or SDF text.

    Raises:
        QueryError: unknown format, a bad limit, or the query fails (one line).
    """
    if fmt not in ("csv", "sdf"):
        raise QueryError(f"format: use csv or sdf, not {fmt!r}")
    rows = export_rows(engine, query, limit, limits=limits)
    return rows_to_csv(rows) if fmt == "csv" else rows_to_sdf(rows)
