"""Substructure and similarity searches: screen in SQL, verify exactly, sort, page.

The screens differ by backend (see :mod:`molgen.store.search.sqlite` and
:mod:`molgen.store.search.postgres`; the cartridge's substructure match is already exact);
the RDKit/numpy verification, the top-k cut, the ordering and the paging are this module's,
the same for both, so both answer with the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rdkit import Chem
from sqlalchemy import ColumnElement, Connection, Row, literal

from molgen.chem.fingerprints import pack, pattern_fingerprint, pattern_screen, tanimoto_packed
from molgen.store.query import CandidateQuery
from molgen.store.schema import PATTERN_FP_BITS, Candidate, Molecule
from molgen.store.search.core import (
    Deadline,
    QueryError,
    SearchLimits,
    required_elements,
    substructure_hits,
)
from molgen.store.search.filters import Filters, candidates_select, order_ids, sort_column
from molgen.store.search.postgres import bfp_screen, mol_screen
from molgen.store.search.sqlite import element_screen, popcount_screen

__all__ = ["TOP_K_THRESHOLDS", "Structure", "structure_page"]

TOP_K_THRESHOLDS = (0.6, 0.45, 0.3, 0.0)
"""Similarity screens tried in turn for a top-k query without a threshold: the first that
keeps at least k rows at or above it holds the k most similar."""


@dataclass(frozen=True)
class Structure:
    """The structural part of a query, parsed, and how the backend can screen it."""

    smarts: str | None
    pattern: Chem.Mol | None
    similar: tuple[Chem.Mol, bytes, int] | None
    cartridge: bool
    backend: str


def _screens(conn: Connection, structure: Structure, threshold: float) -> list[Any]:
    screens: list[ColumnElement[bool]] = []
    if structure.pattern is not None:
        if structure.cartridge and structure.smarts is not None:
            screens.append(mol_screen(structure.smarts.strip()))
        else:
            screens.extend(element_screen(required_elements(structure.pattern)))
    if structure.similar is not None and threshold > 0.0:
        _, fingerprint, bits = structure.similar
        if structure.cartridge:
            screens.append(bfp_screen(conn, fingerprint, threshold))
        else:
            bound = popcount_screen(bits, threshold)
            if bound is not None:
                screens.append(bound)
    return screens


def _screened(
    conn: Connection,
    query: CandidateQuery,
    filters: Filters,
    structure: Structure,
    threshold: float,
    limits: SearchLimits,
) -> Sequence[Row[Any]]:
    """Candidate rows (id, molecule id, sort key, SMILES, fingerprint, pattern fingerprint)
    that pass filters and screens; refuses to return more than ``limits.max_examined``."""
    key = sort_column(query) if query.sort_by != "similarity" else Candidate.id.label("key")
    verify = structure.pattern is not None and not structure.cartridge
    smiles = Molecule.smiles if verify else literal(None)
    fingerprint = Molecule.fingerprint if structure.similar is not None else literal(None)
    pattern = Molecule.pattern_fp if verify else literal(None)
    columns = [Candidate.id, Candidate.molecule_id, key, smiles, fingerprint, pattern]
    screened = Filters(filters.conditions + _screens(conn, structure, threshold), True)
    stmt = candidates_select(columns, screened).limit(limits.max_examined + 1)
    rows = conn.execute(stmt).all()
    if len(rows) > limits.max_examined:
        raise QueryError(
            f"the query needs more than {limits.max_examined} candidates checked by "
            "structure; narrow it with property, run or family filters, or a more specific "
            "SMARTS or a similarity threshold"
        )
    return rows


def _query_pattern_fp(pattern: Chem.Mol) -> bytes | None:
    """The pattern fingerprint of a SMARTS query molecule; None if RDKit cannot make one
    (then no row is screened out)."""
    try:
        query = Chem.Mol(pattern)
        query.UpdatePropertyCache(strict=False)
        return pack(pattern_fingerprint(query, PATTERN_FP_BITS))
    except (RuntimeError, ValueError):
        return None


def _pattern_candidates(pattern: Chem.Mol, molecules: dict[int, Row[Any]]) -> list[Any]:
    """(molecule id, SMILES) of the rows whose stored pattern fingerprint holds every bit of
    the query's (rows without one always stay): only these need RDKit's exact match."""
    query = _query_pattern_fp(pattern)
    items = [(mid, row[3]) for mid, row in molecules.items()]
    if query is None:
        return items
    keep = pattern_screen(query, [row[5] for row in molecules.values()])
    return [item for item, kept in zip(items, keep.tolist(), strict=True) if kept]


def _verify(
    rows: Sequence[Row[Any]], structure: Structure, limits: SearchLimits, deadline: Deadline
) -> tuple[set[int] | None, dict[int, float]]:
    """Molecule ids that contain the pattern (None: no pattern, or the cartridge already
    matched it exactly) and each molecule's exact Tanimoto to the query (empty: no
    similarity)."""
    molecules = {row[1]: row for row in rows}
    hits = None
    if structure.pattern is not None and not structure.cartridge:  # the cartridge's is exact
        items = _pattern_candidates(structure.pattern, molecules)
        smarts = (structure.smarts or "").strip()
        hits = substructure_hits(smarts, items, deadline, n_jobs=limits.n_jobs)
    similarity: dict[int, float] = {}
    if structure.similar is not None:
        ids = list(molecules) if hits is None else [m for m in molecules if m in hits]
        values = tanimoto_packed(structure.similar[1], [molecules[m][4] for m in ids])
        similarity = dict(zip(ids, values.tolist(), strict=True))
    deadline.check()
    return hits, similarity


def _ordered(rows: list[Row[Any]], query: CandidateQuery, sims: dict[int, float]) -> list[int]:
    """Candidate ids in the query's order (see :func:`order_ids`)."""
    if query.sort_by == "similarity":
        return order_ids([(row[0], sims[row[1]]) for row in rows], query.descending)
    return order_ids([(row[0], row[2]) for row in rows], query.descending)


def structure_page(
    conn: Connection,
    query: CandidateQuery,
    filters: Filters,
    structure: Structure,
    limits: SearchLimits,
    deadline: Deadline,
    start: int,
    count: int,
) -> tuple[int, list[int], dict[int, float]]:
    """Total matches, the ids of matches ``start`` to ``start + count`` in order, and
    their similarities.

    Raises:
        QueryError: more rows to check than ``limits`` allow, or the deadline passed.
    """
    if structure.similar is None:
        thresholds: tuple[float, ...] = (0.0,)
    elif query.min_similarity is not None:
        thresholds = (query.min_similarity,)
    elif query.top_k is not None:
        thresholds = TOP_K_THRESHOLDS
    else:
        thresholds = (0.0,)
    for threshold in thresholds:
        rows = _screened(conn, query, filters, structure, threshold, limits)
        deadline.check()
        hits, sims = _verify(rows, structure, limits, deadline)
        kept = [row for row in rows if hits is None or row[1] in hits]
        if structure.similar is not None:
            kept = [row for row in kept if sims[row[1]] >= threshold]
        if query.top_k is None or threshold == 0.0 or len(kept) >= query.top_k:
            break
    if query.top_k is not None:
        kept = sorted(kept, key=lambda row: (-sims[row[1]], row[0]))[: query.top_k]
    ordered = _ordered(kept, query, sims)
    page = ordered[start : start + count]
    molecule_of = {row[0]: row[1] for row in kept}
    page_sims = {cid: sims[molecule_of[cid]] for cid in page} if sims else {}
    return len(ordered), page, page_sims
