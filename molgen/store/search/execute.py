"""Running a :class:`~molgen.store.query.CandidateQuery` against the store.

Plain filters (property ranges, alerts, novelty, runs, families, dates) and sorting are
parameterised SQL, so a page of a million candidates comes straight from the indexes; the
count stops at ``SearchLimits.count_limit`` (``QueryPage.total_exact`` says so).

Substructure: on PostgreSQL with the RDKit cartridge, its GiST-indexed ``mol @> qmol`` is
RDKit's own exact match and runs in SQL; elsewhere SQL screens (required elements in the
SMILES) and RDKit verifies every screened row. Similarity: SQL screens (popcount bounds, or
the cartridge's indexed ``bfp %``) and numpy computes the exact Tanimoto from the stored
fingerprint bytes on both backends. Results are exact, and the same on both
(``tests/unit/store/search/test_backend_parity.py``).

Ordering is by the sort key (NULLs last in either direction), ties by candidate id.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, Select, select
from sqlalchemy.exc import DBAPIError, OperationalError

from molgen.store.engine import dialect, has_rdkit_cartridge
from molgen.store.query import CandidateQuery, CandidateRow, QueryPage
from molgen.store.schema import PROPERTY_COLUMNS, Candidate, Molecule, Run
from molgen.store.scores import check_score_names, scores_of
from molgen.store.search.core import (
    Deadline,
    QueryError,
    SearchLimits,
    parse_smarts,
    parse_smiles,
)
from molgen.store.search.filters import (
    Filters,
    as_utc,
    candidates_select,
    filter_conditions,
    order_ids,
    sort_column,
    sort_is_indexed,
)
from molgen.store.search.postgres import mol_screen, set_statement_timeout
from molgen.store.search.sqlite import sqlite_deadline
from molgen.store.search.structure import Structure, structure_page
from molgen.utils.errors import first_line

__all__ = [
    "Found",
    "QueryError",
    "SearchLimits",
    "bounded",
    "fetch_rows",
    "row_from",
    "rows_select",
    "search",
    "search_range",
]


def _sql_page(
    conn: Connection,
    query: CandidateQuery,
    backend: str,
    start: int,
    count: int,
    count_limit: int | None,
    extra: list[Any],
) -> tuple[int, bool, list[int]]:
    """Matches (exact, or ``count_limit`` and False when there are more), and the ids of
    matches ``start`` to ``start + count`` in order; ``extra`` are more (exact) conditions
    on the joined molecules."""

    def conditions(scan_sorted: bool) -> Filters:
        plain = filter_conditions(query, backend, scan_sorted=scan_sorted)
        return Filters(plain.conditions + extra, plain.needs_molecules or bool(extra))

    key = sort_column(query)
    probe = candidates_select([Candidate.id, key], conditions(False))
    if count_limit is not None:
        probe = probe.limit(count_limit + 1)
    keyed = [(row[0], row[1]) for row in conn.execute(probe)]
    if count_limit is None or len(keyed) <= count_limit:  # one scan: sort the few here
        return len(keyed), True, order_ids(keyed, query.descending)[start : start + count]
    # A broad query: walk the sort column's index (SQLite is kept off the filters' ones).
    order = (key.desc() if query.descending else key.asc()).nulls_last()
    stmt = (
        candidates_select([Candidate.id], conditions(sort_is_indexed(query)))
        .order_by(order, Candidate.id.asc())
        .offset(start)
        .limit(count)
    )
    return count_limit, False, list(conn.execute(stmt).scalars())


def _alerts(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


_FETCH_CHUNK = 500  # ids per IN (...) list

_ROW_COLUMNS = (
    Candidate.id,
    Molecule.inchikey,
    Molecule.smiles,
    *(getattr(Molecule, name) for name in PROPERTY_COLUMNS),
    Molecule.pains,
    Molecule.brenk,
    Molecule.alerts,
    Candidate.novel,
    Candidate.score,
    Candidate.family,
    Run.run_key,
    Run.mlflow_run_id,
    Candidate.checkpoint,
    Candidate.temperature,
    Candidate.created_at,
)


def row_from(values: Sequence[Any], similarity: float | None = None) -> CandidateRow:
    """A :class:`CandidateRow` from a row of :func:`rows_select`."""
    cid, inchikey, smiles, *rest = values
    props, rest = rest[: len(PROPERTY_COLUMNS)], rest[len(PROPERTY_COLUMNS) :]
    pains, brenk, alerts, novel, score, family, run_key, mlflow_id, ckpt, temp, created = rest
    return CandidateRow(
        candidate_id=cid,
        inchikey=inchikey,
        smiles=smiles,
        properties=dict(zip(PROPERTY_COLUMNS, props, strict=True)),
        pains=bool(pains),
        brenk=bool(brenk),
        alerts=_alerts(alerts),
        novel=novel,
        score=score,
        family=family,
        run=mlflow_id or run_key,
        mlflow_run_id=mlflow_id,
        checkpoint=ckpt,
        temperature=temp,
        created_at=as_utc(created),
        similarity=similarity,
    )


def rows_select() -> Select[Any]:
    """SELECT of everything a result row shows, candidates joined to molecules and runs."""
    return (
        select(*_ROW_COLUMNS)
        .select_from(Candidate)
        .join(Molecule, Molecule.id == Candidate.molecule_id)
        .join(Run, Run.id == Candidate.run_id)
    )


def fetch_rows(
    conn: Connection, ids: Sequence[int], similarity: dict[int, float] | None = None
) -> list[CandidateRow]:
    """The result rows of candidates ``ids``, in that order (with their similarity and
    stored scores)."""
    if not ids:
        return []
    sims = similarity or {}
    by_id: dict[int, CandidateRow] = {}
    for chunk in range(0, len(ids), _FETCH_CHUNK):
        wanted = list(ids[chunk : chunk + _FETCH_CHUNK])
        for row in conn.execute(rows_select().where(Candidate.id.in_(wanted))):
            by_id[row[0]] = row_from(row, sims.get(row[0]))
    for candidate, scores in scores_of(conn, list(by_id)).items():
        by_id[candidate].scores = scores
    return [by_id[i] for i in ids if i in by_id]


@contextmanager
def bounded(conn: Connection, backend: str, deadline: Deadline) -> Iterator[None]:
    """Run the block under ``deadline``; a statement it interrupts becomes a QueryError."""
    try:
        if backend == "sqlite":
            with sqlite_deadline(conn, deadline):
                yield
        else:
            set_statement_timeout(conn, deadline.remaining())
            yield
    except OperationalError as exc:
        if deadline.expired() or "interrupted" in str(exc.orig) or _cancelled(exc):
            raise deadline.error() from None
        raise
    except DBAPIError as exc:
        if _cancelled(exc):
            raise deadline.error() from None
        raise


def _cancelled(exc: DBAPIError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == "57014"  # query_canceled


class Found(NamedTuple):
    """Matches of a query: how many (``exact`` False: at least that many), and some rows."""

    total: int
    exact: bool
    rows: list[CandidateRow]


def search_range(
    engine: Engine,
    query: CandidateQuery,
    start: int,
    count: int,
    *,
    limits: SearchLimits | None = None,
) -> Found:
    """How many candidates match ``query``, and the matches ``start`` to ``start + count``
    in the query's order (its ``page`` and ``page_size`` are ignored).

    Raises:
        QueryError: invalid SMARTS or SMILES, an unknown score name, or the query exceeds
            the limits (one line).
    """
    limits = limits or SearchLimits()
    pattern = parse_smarts(query.smarts) if query.smarts else None
    similar = parse_smiles(query.similar_to) if query.similar_to else None
    backend = dialect(engine)
    cartridge = (pattern is not None or similar is not None) and has_rdkit_cartridge(engine)
    deadline = Deadline(limits.timeout_s)
    similarity: dict[int, float] = {}
    try:
        with engine.connect() as conn, bounded(conn, backend, deadline):
            named = [*query.scores, *filter(None, [query.sort_score])]
            if named and (unknown := check_score_names(conn, named)):
                raise QueryError(unknown)
            if similar is None and (pattern is None or cartridge):
                # The cartridge's @> is RDKit's own exact match: count, sort and page in SQL.
                extra = [mol_screen(query.smarts.strip())] if query.smarts else []
                total, exact, ids = _sql_page(
                    conn, query, backend, start, count, limits.count_limit, extra
                )
            else:
                structure = Structure(query.smarts, pattern, similar, cartridge, backend)
                filters = filter_conditions(query, backend)
                total, ids, similarity = structure_page(
                    conn, query, filters, structure, limits, deadline, start, count
                )
                exact = limits.count_limit is None or total <= limits.count_limit
                total = total if exact else limits.count_limit
            rows = fetch_rows(conn, ids, similarity)
    except DBAPIError as exc:
        if not (cartridge and query.smarts):
            raise
        raise QueryError(
            f"smarts: the database cannot search {query.smarts!r} ({first_line(exc)})"
        ) from None
    return Found(total, exact, rows)


def search(
    engine: Engine, query: CandidateQuery, *, limits: SearchLimits | None = None
) -> QueryPage:
    """One page of the candidates that match ``query``, and how many match in all (for
    plain filters, counted up to ``limits.count_limit``; see ``QueryPage.total_exact``).

    Args:
        engine: an open store (see :func:`molgen.store.engine.open_store`).
        query: the validated query.
        limits: bounds on substructure/similarity work (default :class:`SearchLimits`).

    Raises:
        QueryError: invalid SMARTS or SMILES, or the query exceeds the limits (one line).
    """
    start = (query.page - 1) * query.page_size
    found = search_range(engine, query, start, query.page_size, limits=limits)
    return QueryPage(query=query, total=found.total, rows=found.rows, total_exact=found.exact)
