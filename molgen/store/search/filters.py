"""A query's plain filters as parameterised SQL (SQLAlchemy Core), shared by the page
query and the structure searches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from molgen.store.query import CandidateQuery
from molgen.store.schema import PROPERTY_COLUMNS, Candidate, Molecule, Run
from molgen.store.scores import score_filter, score_sort_key

__all__ = [
    "Filters",
    "as_utc",
    "candidates_select",
    "filter_conditions",
    "order_ids",
    "sort_column",
    "sort_is_indexed",
]


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (naive values are taken to be UTC already)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _db_time(moment: datetime, backend: str) -> datetime:
    utc = as_utc(moment)
    return utc.replace(tzinfo=None) if backend == "sqlite" else utc  # SQLite stores UTC, naive


@dataclass
class Filters:
    """The SQL conditions of a query, and whether they need the molecules table."""

    conditions: list[ColumnElement[bool]]
    needs_molecules: bool


class _Unindexed(ColumnElement[Any]):
    """A column that SQLite must not look up through an index (rendered ``+column``).

    On a broad query, walking the sort column's index and testing each row is far faster
    than SQLite's usual choice (a filter's index, then sorting every match). Other
    backends render the plain column.
    """

    inherit_cache = True
    _traverse_internals: ClassVar[list[Any]] = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(_Unindexed)
def _render_plain(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(_Unindexed, "sqlite")
def _render_sqlite(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


def filter_conditions(query: CandidateQuery, backend: str, *, scan_sorted: bool = False) -> Filters:
    """The query's plain filters as SQL conditions on ``candidates`` (and ``molecules``).

    Args:
        query: the query.
        backend: ``sqlite`` or ``postgresql`` (how times are stored).
        scan_sorted: keep SQLite off every filter column's index except the sort
            column's, so it walks rows in sort order (for broad queries).
    """
    conditions: list[ColumnElement[bool]] = []
    sorted_on = sort_column(query) if query.sort_by != "similarity" else None

    def col(column: Any) -> Any:
        return _Unindexed(column) if scan_sorted and column is not sorted_on else column

    for name, bounds in query.properties.items():
        column = col(getattr(Molecule, name))
        if bounds.min is not None:
            conditions.append(column >= bounds.min)
        if bounds.max is not None:
            conditions.append(column <= bounds.max)
    for flag, column in ((query.pains, Molecule.pains), (query.brenk, Molecule.brenk)):
        if flag is not None:
            conditions.append(col(column).is_(flag))
    needs_molecules = bool(conditions) or query.sort_by in PROPERTY_COLUMNS
    for name, bounds in query.scores.items():
        conditions.append(score_filter(name, bounds, col(Candidate.id)))
    if query.novel is not None:
        conditions.append(col(Candidate.novel).is_(query.novel))
    if query.runs:
        wanted = select(Run.id).where(
            Run.mlflow_run_id.in_(query.runs) | Run.run_key.in_(query.runs)
        )
        conditions.append(col(Candidate.run_id).in_(wanted))
    if query.families:
        conditions.append(col(Candidate.family).in_(query.families))
    if query.created_after is not None:
        after = _db_time(query.created_after, backend)
        conditions.append(col(Candidate.created_at) >= after)
    if query.created_before is not None:
        before = _db_time(query.created_before, backend)
        conditions.append(col(Candidate.created_at) <= before)
    return Filters(conditions, needs_molecules)


def sort_column(query: CandidateQuery) -> Any:
    """The SQL column a query sorts on (not for ``similarity``, which is computed)."""
    if query.sort_score is not None:
        return score_sort_key(query.sort_score)
    if query.sort_by in PROPERTY_COLUMNS:
        return getattr(Molecule, query.sort_by)
    return Candidate.created_at if query.sort_by == "created_at" else Candidate.score


def sort_is_indexed(query: CandidateQuery) -> bool:
    """Whether an index leads with the query's sort column (so rows can be read in order)."""
    if query.sort_by == "similarity" or query.sort_score is not None:
        return False
    column = sort_column(query).expression
    return any(next(iter(ix.columns)).name == column.name for ix in column.table.indexes)


def order_ids(keyed: Sequence[tuple[int, Any]], descending: bool) -> list[int]:
    """Candidate ids of (id, sort key) pairs in query order: by key, NULLs last in either
    direction, ties by candidate id (as the SQL ``ORDER BY`` of a page does)."""
    by_id = sorted(keyed, key=lambda pair: pair[0])
    present = [pair for pair in by_id if pair[1] is not None]
    present.sort(key=lambda pair: pair[1], reverse=descending)  # stable: ties keep id order
    return [pair[0] for pair in present] + [pair[0] for pair in by_id if pair[1] is None]


def candidates_select(columns: Sequence[Any], filters: Filters) -> Select[Any]:
    """SELECT ``columns`` from the candidates that pass ``filters``."""
    stmt = select(*columns).select_from(Candidate)
    if filters.needs_molecules:
        stmt = stmt.join(Molecule, Molecule.id == Candidate.molecule_id)
    return stmt.where(*filters.conditions)
