"""A query's plain filters as parameterised SQL (SQLAlchemy Core), shared by the page
query and the structure searches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from molgen.store.query import CandidateQuery
from molgen.store.schema import PROPERTY_COLUMNS, Candidate, Molecule, Run

__all__ = ["Filters", "as_utc", "candidates_select", "filter_conditions", "sort_column"]


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


def filter_conditions(query: CandidateQuery, backend: str) -> Filters:
    """The query's plain filters as SQL conditions on ``candidates`` (and ``molecules``)."""
    conditions: list[ColumnElement[bool]] = []
    for name, bounds in query.properties.items():
        column = getattr(Molecule, name)
        if bounds.min is not None:
            conditions.append(column >= bounds.min)
        if bounds.max is not None:
            conditions.append(column <= bounds.max)
    for flag, column in ((query.pains, Molecule.pains), (query.brenk, Molecule.brenk)):
        if flag is not None:
            conditions.append(column.is_(flag))
    needs_molecules = bool(conditions) or query.sort_by in PROPERTY_COLUMNS
    if query.novel is not None:
        conditions.append(Candidate.novel.is_(query.novel))
    if query.runs:
        wanted = select(Run.id).where(
            Run.mlflow_run_id.in_(query.runs) | Run.run_key.in_(query.runs)
        )
        conditions.append(Candidate.run_id.in_(wanted))
    if query.families:
        conditions.append(Candidate.family.in_(query.families))
    if query.created_after is not None:
        conditions.append(Candidate.created_at >= _db_time(query.created_after, backend))
    if query.created_before is not None:
        conditions.append(Candidate.created_at <= _db_time(query.created_before, backend))
    return Filters(conditions, needs_molecules)


def sort_column(query: CandidateQuery) -> Any:
    """The SQL column a query sorts on (not for ``similarity``, which is computed)."""
    if query.sort_by in PROPERTY_COLUMNS:
        return getattr(Molecule, query.sort_by)
    return Candidate.created_at if query.sort_by == "created_at" else Candidate.score


def candidates_select(columns: Sequence[Any], filters: Filters) -> Select[Any]:
    """SELECT ``columns`` from the candidates that pass ``filters``."""
    stmt = select(*columns).select_from(Candidate)
    if filters.needs_molecules:
        stmt = stmt.join(Molecule, Molecule.id == Candidate.molecule_id)
    return stmt.where(*filters.conditions)
