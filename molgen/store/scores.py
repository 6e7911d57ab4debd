"""Queries on the stored extra scores (the ``scores`` table): which names exist, a range
filter and a sort key on one of them, and the scores of result rows.

A query names a stored score by its name (``CandidateQuery.scores``; ``sort_by`` as
``score:NAME``). Unknown names are refused in one line that lists the stored ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, select, text

from molgen.store.query import Range
from molgen.store.schema import Candidate, Score

__all__ = [
    "check_score_names",
    "score_filter",
    "score_sort_key",
    "scores_of",
    "stored_score_names",
]

_CHUNK = 500  # candidate ids per IN (...) list

# One index probe per distinct name (a loose index scan of ix_scores_name_value), not a
# scan of every score: both SQLite and PostgreSQL run it as written.
_NAMES = text(
    "WITH RECURSIVE names(name) AS ("
    " SELECT MIN(name) FROM scores"
    " UNION ALL"
    " SELECT (SELECT MIN(s.name) FROM scores s WHERE s.name > names.name)"
    " FROM names WHERE names.name IS NOT NULL"
    ") SELECT name FROM names WHERE name IS NOT NULL"
)


def stored_score_names(conn: Connection) -> list[str]:
    """The names of the scores the store holds, sorted."""
    return list(conn.execute(_NAMES).scalars())


def check_score_names(conn: Connection, names: Iterable[str]) -> str | None:
    """None when every one of ``names`` is stored, else a one-line reason naming the first
    unknown one and listing the stored names."""
    for name in sorted(set(names)):
        probe = select(Score.name).where(Score.name == name).limit(1)
        if conn.execute(probe).first() is None:
            stored = stored_score_names(conn)
            known = f"stored: {', '.join(stored)}" if stored else "the store holds no scores"
            return f"unknown score {name!r}; {known}"
    return None


def score_filter(name: str, bounds: Range, candidate_id: Any = Candidate.id) -> ColumnElement[bool]:
    """``candidate_id IN`` the candidates whose score ``name`` lies in ``bounds`` (through
    the ``(name, value)`` index; a candidate without that score never matches)."""
    matches = select(Score.candidate_id).where(Score.name == name)
    if bounds.min is not None:
        matches = matches.where(Score.value >= bounds.min)
    if bounds.max is not None:
        matches = matches.where(Score.value <= bounds.max)
    return candidate_id.in_(matches)


def score_sort_key(name: str) -> Any:
    """A candidate's score ``name`` as a sort key (NULL for a candidate without it)."""
    return (
        select(Score.value)
        .where(Score.candidate_id == Candidate.id, Score.name == name)
        .scalar_subquery()
    )


def scores_of(conn: Connection, ids: Sequence[int]) -> dict[int, dict[str, float | None]]:
    """The stored scores of candidates ``ids``, by candidate id and then name (sorted)."""
    found: dict[int, dict[str, float | None]] = defaultdict(dict)
    for start in range(0, len(ids), _CHUNK):
        stmt = (
            select(Score.candidate_id, Score.name, Score.value)
            .where(Score.candidate_id.in_(list(ids[start : start + _CHUNK])))
            .order_by(Score.candidate_id, Score.name)
        )
        for candidate, name, value in conn.execute(stmt):
            found[candidate][name] = value
    return dict(found)
