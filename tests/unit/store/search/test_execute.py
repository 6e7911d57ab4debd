"""Store search on a real SQLite store: every filter, exact substructure and similarity
(against brute-force RDKit), sorting, paging, limits and bad input."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from molgen.store.engine import open_store
from molgen.store.query import MAX_PAGE_SIZE, MAX_QUERY_TEXT, CandidateQuery
from molgen.store.schema import PROPERTY_COLUMNS
from molgen.store.search import QueryError, SearchLimits, bounded, search
from molgen.store.search.core import Deadline, required_elements
from tests.unit.store.search_data import RUNS, SMILES, T0, candidate_specs, scored


@pytest.fixture(scope="module")
def store(search_store: sa.Engine) -> sa.Engine:
    return search_store


@pytest.fixture(scope="module")
def expected() -> list[dict]:
    """The stored candidates as plain dicts (candidate id = insertion order + 1)."""
    frame = scored()
    rows = []
    for index, spec in enumerate(candidate_specs(), start=1):
        mol = frame.iloc[spec["mol"]]
        rows.append(
            dict(spec, id=index, smiles=mol["smiles"], pains=bool(mol["pains"]),
                 brenk=bool(mol["brenk"]), **{p: mol[p] for p in PROPERTY_COLUMNS})
        )  # fmt: skip
    return rows


def ids(engine: sa.Engine, **fields) -> list[int]:
    """Candidate ids of every match, in result order (one big page)."""
    page = search(engine, CandidateQuery(page_size=MAX_PAGE_SIZE, **fields))
    assert page.total == len(page.rows)
    return [row.candidate_id for row in page.rows]


def by_score(rows: list[dict]) -> list[int]:
    """Expected default order: score descending, NULLs last, ties by id."""
    with_score = sorted((r for r in rows if r["score"] is not None), key=lambda r: r["id"])
    with_score.sort(key=lambda r: r["score"], reverse=True)
    return [r["id"] for r in with_score] + [r["id"] for r in rows if r["score"] is None]


def test_no_filter_returns_everything_by_score(store: sa.Engine, expected: list[dict]) -> None:
    assert ids(store) == by_score(expected)
    page = search(store, CandidateQuery(page_size=1))
    row = page.rows[0]
    assert page.total == len(expected)
    assert row.run == "mlflow-a" and row.mlflow_run_id == "mlflow-a"
    assert row.created_at.tzinfo is not None and row.checkpoint.endswith("checkpoint.pt")


def test_property_alert_and_novelty_filters(store: sa.Engine, expected: list[dict]) -> None:
    want = [r for r in expected if r["qed"] >= 0.6 and r["mw"] <= 250]
    got = ids(store, properties={"qed": {"min": 0.6}, "mw": {"max": 250}})
    assert got == by_score(want) and 0 < len(want) < len(expected)
    for flag in (True, False):
        assert ids(store, pains=flag) == by_score([r for r in expected if r["pains"] is flag])
        assert ids(store, brenk=flag) == by_score([r for r in expected if r["brenk"] is flag])
        assert ids(store, novel=flag) == by_score([r for r in expected if r["novel"] is flag])
    assert any(r["pains"] for r in expected) and any(r["novel"] is None for r in expected)


def test_run_family_and_date_filters(store: sa.Engine, expected: list[dict]) -> None:
    run_a = by_score([r for r in expected if r["run"] == 0])
    assert ids(store, runs=[RUNS[0]["mlflow_run_id"]]) == run_a
    assert ids(store, runs=[RUNS[0]["run_key"]]) == run_a
    assert ids(store, runs=["key-b"]) == by_score([r for r in expected if r["run"] == 1])
    assert ids(store, runs=["no-such-run"]) == []
    assert ids(store, families=["vae", "transformer"]) == by_score(
        [r for r in expected if r["family"] in ("vae", "transformer")]
    )
    start, end = T0 + timedelta(days=3), T0 + timedelta(days=5)
    window = [r for r in expected if start <= r["created_at"] <= end]
    assert ids(store, created_after=start, created_before=end) == by_score(window)
    # The same instant written in another time zone, and as a naive UTC time.
    shifted = start.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    assert ids(store, created_after=shifted, created_before=end.replace(tzinfo=None)) == (
        by_score(window)
    )


def test_substructure_is_exact(store: sa.Engine, expected: list[dict]) -> None:
    smarts = "S(=O)(=O)N"
    query = Chem.MolFromSmarts(smarts)
    want = [r for r in expected if Chem.MolFromSmiles(r["smiles"]).HasSubstructMatch(query)]
    assert ids(store, smarts=smarts) == by_score(want) and want
    # The sulfone with an amine passes the element screen (N, O, S) but is no sulfonamide.
    decoy = Chem.MolToSmiles(Chem.MolFromSmiles("CS(=O)(=O)c1ccc(N)cc1"))
    assert required_elements(query) == ["N", "O", "S"]
    assert all(symbol in decoy for symbol in required_elements(query))
    assert decoy not in {row.smiles for row in search(store, CandidateQuery(smarts=smarts)).rows}
    for pattern in ("c1ccccc1", "[OX2H]", "[$(C(=O)[OH])]", "[Cl,F]", "[!#6;!#1]~[#6]"):
        matcher = Chem.MolFromSmarts(pattern)
        hits = [r for r in expected if Chem.MolFromSmiles(r["smiles"]).HasSubstructMatch(matcher)]
        assert ids(store, smarts=pattern) == by_score(hits), pattern


def _tanimoto(a: str, b: str) -> float:
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    fa, fb = (gen.GetFingerprint(Chem.MolFromSmiles(s)) for s in (a, b))
    return DataStructs.TanimotoSimilarity(fa, fb)


def test_similarity_threshold_and_top_k(store: sa.Engine, expected: list[dict]) -> None:
    lead = "CC(=O)Nc1ccc(O)cc1"
    sims = {r["id"]: _tanimoto(lead, r["smiles"]) for r in expected}
    above = [r for r in expected if sims[r["id"]] >= 0.4]
    assert ids(store, similar_to=lead, min_similarity=0.4) == by_score(above)
    assert 1 < len(above) < len(expected)
    page = search(store, CandidateQuery(similar_to=lead, min_similarity=0.4, sort_by="similarity"))
    assert [row.similarity for row in page.rows] == sorted(
        (sims[r["id"]] for r in above), reverse=True
    )
    assert all(row.similarity == sims[row.candidate_id] for row in page.rows)
    for k in (1, 3, 7, len(expected) + 5):
        best = sorted(expected, key=lambda r: (-sims[r["id"]], r["id"]))[:k]
        got = ids(store, similar_to=lead, top_k=k, sort_by="similarity")
        assert got == [r["id"] for r in best]
        assert ids(store, similar_to=lead, top_k=k) == by_score(best)  # sorted by score
    # A threshold and top-k together: the k best of those above the threshold.
    assert ids(store, similar_to=lead, min_similarity=0.4, top_k=2, sort_by="similarity") == [
        r["id"] for r in sorted(above, key=lambda r: (-sims[r["id"]], r["id"]))[:2]
    ]


def test_substructure_and_similarity_combined(store: sa.Engine, expected: list[dict]) -> None:
    lead, smarts = "NS(=O)(=O)c1ccc(N)cc1", "S(=O)(=O)N"
    query = Chem.MolFromSmarts(smarts)
    want = [
        r for r in expected
        if Chem.MolFromSmiles(r["smiles"]).HasSubstructMatch(query)
        and _tanimoto(lead, r["smiles"]) >= 0.2
    ]  # fmt: skip
    assert ids(store, smarts=smarts, similar_to=lead, min_similarity=0.2) == by_score(want)


@pytest.mark.parametrize("key", ["qed", "mw", "hbd", "created_at", "score"])
@pytest.mark.parametrize("descending", [True, False])
def test_sorting_is_total_and_deterministic(
    store: sa.Engine, expected: list[dict], key: str, descending: bool
) -> None:
    present = sorted((r for r in expected if r[key] is not None), key=lambda r: r["id"])
    present.sort(key=lambda r: r[key], reverse=descending)
    want = [r["id"] for r in present] + [r["id"] for r in expected if r[key] is None]
    assert ids(store, sort_by=key, descending=descending) == want
    # The structure path orders the same way as SQL.
    assert ids(store, smarts="*", sort_by=key, descending=descending) == want


@pytest.mark.parametrize("structure", [{}, {"smarts": "[#6]"}, {"similar_to": "c1ccccc1O"}])
def test_pages_partition_the_results(store: sa.Engine, structure: dict) -> None:
    everything = ids(store, **structure)
    pages, page = [], 1
    while True:
        result = search(store, CandidateQuery(page=page, page_size=7, **structure))
        assert result.total == len(everything)
        if not result.rows:
            break
        pages.extend(row.candidate_id for row in result.rows)
        page += 1
    assert pages == everything and page == -(-len(everything) // 7) + 1


def test_limits_refuse_big_or_slow_queries(store: sa.Engine) -> None:
    with pytest.raises(QueryError, match="more than 5 candidates"):
        search(store, CandidateQuery(smarts="[#6]"), limits=SearchLimits(max_examined=5))
    with pytest.raises(QueryError, match="took longer than 0 s; narrow"):
        search(store, CandidateQuery(smarts="[#6]"), limits=SearchLimits(timeout_s=0))
    with pytest.raises(QueryError, match="took longer"):
        search(store, CandidateQuery(similar_to="CCO"), limits=SearchLimits(timeout_s=0))
    with pytest.raises(ValidationError, match="at most 500 characters"):
        CandidateQuery(smarts="C" * (MAX_QUERY_TEXT + 1))
    with pytest.raises(ValidationError, match="less than or equal to 500"):
        CandidateQuery(page_size=1_000_000)


def test_sqlite_statements_are_interrupted_at_the_deadline(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "big.db"))
    slow = sa.text(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
        "SELECT count(*) FROM n"
    )
    with (
        pytest.raises(QueryError, match=r"took longer than 0\.2 s"),
        engine.connect() as conn,
        bounded(conn, "sqlite", Deadline(0.2)),  # the guard every search runs under
    ):
        conn.execute(slow)
    engine.dispose()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"smarts": "C(("}, "smarts: invalid SMARTS 'C(('"),
        ({"smarts": "  "}, "smarts: invalid SMARTS"),
        ({"similar_to": "C1CC"}, "similar_to: invalid SMILES 'C1CC'"),
        ({"similar_to": "not a molecule", "top_k": 3}, "similar_to: invalid SMILES"),
    ],
)
def test_invalid_smarts_or_smiles(store: sa.Engine, fields: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(")):
        search(store, CandidateQuery(**fields))


def test_every_stored_molecule_is_findable_by_itself(store: sa.Engine) -> None:
    for smiles in SMILES[:5]:
        page = search(store, CandidateQuery(similar_to=smiles, min_similarity=1.0))
        assert page.rows and all(row.similarity == 1.0 for row in page.rows)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"properties": {"qed": {"min": 0.5}}, "pains": False, "sort_by": "qed"},
        {"families": ["vae", "transformer"], "novel": True, "sort_by": "score", "page": 2},
        {"runs": ["key-b"], "sort_by": "created_at", "descending": False},
        {"brenk": True, "sort_by": "mw", "descending": False, "page": 2},
        {"created_after": T0 + timedelta(days=2), "sort_by": "hbd"},  # no index on hbd
    ],
)
def test_counting_stops_at_the_limit_without_changing_rows(store: sa.Engine, fields: dict) -> None:
    query = CandidateQuery(page_size=3, **fields)
    exact = search(store, query, limits=SearchLimits(count_limit=None))
    capped = search(store, query, limits=SearchLimits(count_limit=2))
    assert exact.total_exact and exact.total > 2
    assert not capped.total_exact and capped.total == 2
    assert capped.rows == exact.rows  # read by walking the sort index: same rows, same order
    roomy = search(store, query, limits=SearchLimits(count_limit=exact.total))
    assert roomy.total_exact and roomy.total == exact.total


def test_parallel_verification_matches_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import molgen.store.search.core as core

    molecules = [(i, smiles) for i, smiles in enumerate(SMILES * 3)]
    serial = core.substructure_hits("S(=O)(=O)N", molecules, Deadline(60), n_jobs=1)
    monkeypatch.setattr(core, "PARALLEL_MIN", 1)
    parallel = core.substructure_hits("S(=O)(=O)N", molecules, Deadline(60), n_jobs=2, chunk_size=7)
    assert parallel == serial and len(serial) == 3 * 4  # four sulfonamides per copy
    with pytest.raises(QueryError, match="took longer"):
        core.substructure_hits("[#6]", molecules * 50, Deadline(0), n_jobs=2, chunk_size=7)
