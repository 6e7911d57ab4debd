"""The stored pattern fingerprint screens substructure searches without losing a hit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from rdkit import Chem

from molgen.chem.fingerprints import pack, pattern_fingerprint, pattern_screen
from molgen.store.engine import open_store
from molgen.store.ingest import RunInfo, ingest_scores
from molgen.store.query import MAX_PAGE_SIZE, CandidateQuery
from molgen.store.schema import PATTERN_FP_BITS, Molecule
from molgen.store.search import search

MOSES = Path(__file__).parents[3] / "data" / "moses_300.csv"
PATTERNS = (
    "S(=O)(=O)N",
    "c1ccccc1",
    "c1ccncc1",
    "[OX2H]",
    "C(=O)N",
    "[$(C(=O)[OH])]",
    "[Cl,F,Br]",
    "[nH]",
    "[!#6;!#1]~[#6]",
    "C1CCNCC1",
    "c1ccc2ccccc2c1",
    "[#6]-[#8]-[#6](=O)",
)


@pytest.fixture(scope="module")
def smiles() -> list[str]:
    return pd.read_csv(MOSES)["smiles"].tolist()


def _stored_patterns(smiles: list[str]) -> list[bytes]:
    """The packed pattern fingerprints ingestion stores for ``smiles``."""
    return [pack(pattern_fingerprint(Chem.MolFromSmiles(s), PATTERN_FP_BITS)) for s in smiles]


def _query_pattern(smarts: str) -> bytes:
    query = Chem.MolFromSmarts(smarts)
    query.UpdatePropertyCache(strict=False)
    return pack(pattern_fingerprint(query, PATTERN_FP_BITS))


def _brute_force(smiles: list[str], smarts: str) -> set[str]:
    query = Chem.MolFromSmarts(smarts)
    return {s for s in smiles if Chem.MolFromSmiles(s).HasSubstructMatch(query)}


@pytest.mark.parametrize("smarts", PATTERNS)
def test_screen_keeps_every_true_hit(smiles: list[str], smarts: str) -> None:
    keep = pattern_screen(_query_pattern(smarts), _stored_patterns(smiles))
    kept = {s for s, k in zip(smiles, keep.tolist(), strict=True) if k}
    assert _brute_force(smiles, smarts) <= kept


def test_screen_drops_rows_and_passes_rows_without_a_fingerprint(smiles: list[str]) -> None:
    stored = _stored_patterns(smiles)
    query = _query_pattern("S(=O)(=O)N")
    keep = pattern_screen(query, stored)
    assert 0 < keep.sum() < len(smiles) / 2  # it screens most rows out
    assert pattern_screen(query, [None, *stored[:3]])[0]


@pytest.fixture(scope="module")
def moses_store(tmp_path_factory: pytest.TempPathFactory, smiles: list[str]) -> Iterator[sa.Engine]:
    engine = open_store(str(tmp_path_factory.mktemp("pattern") / "store.db"))
    ingest_scores(
        engine, pd.DataFrame({"smiles": smiles}), run=RunInfo(run_key="moses"), family="f"
    )
    yield engine
    engine.dispose()


def _found(engine: sa.Engine, smarts: str) -> set[str]:
    page = search(engine, CandidateQuery(smarts=smarts, page_size=MAX_PAGE_SIZE))
    assert page.total == len(page.rows)
    return {row.smiles for row in page.rows}


def test_search_is_exact_with_and_without_stored_fingerprints(
    moses_store: sa.Engine, smiles: list[str]
) -> None:
    with moses_store.connect() as conn:
        stored = conn.execute(sa.select(Molecule.smiles, Molecule.pattern_fp)).all()
    assert all(fp is not None for _, fp in stored)  # ingestion fills it
    canonical = [s for s, _ in stored]
    want = {p: _brute_force(canonical, p) for p in PATTERNS}
    for pattern in PATTERNS:
        assert _found(moses_store, pattern) == want[pattern], pattern
    with moses_store.begin() as conn:  # rows stored before revision 0003 have none
        conn.execute(sa.update(Molecule).where(Molecule.id % 2 == 0).values(pattern_fp=None))
    for pattern in PATTERNS:
        assert _found(moses_store, pattern) == want[pattern], pattern
