"""Queries on stored extra scores: range filters, sorting (NULLs last), the scores each
result and the molecule detail carry, and unknown names refused in one line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from molgen.store.detail import molecule_detail
from molgen.store.engine import open_store
from molgen.store.ingest import RunInfo, ingest_scores
from molgen.store.query import CandidateQuery, Range
from molgen.store.scores import stored_score_names
from molgen.store.search import QueryError, search
from tests.unit.store.ingest_data import scored_moses, without_default_components


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    engine = open_store(str(tmp_path_factory.mktemp("scores") / "store.db"))
    # Only the fit_* scores below, so every answer is known: without the default
    # objective's component columns (their storage is tested in test_ingest_scores).
    table = without_default_components(scored_moses(40))
    table["fit_raw"] = np.where(np.arange(40) % 6 == 0, np.nan, np.arange(40) % 9 * 1.5)
    table["fit_desirability"] = np.arange(40) / 40
    ingest_scores(engine, table, run=RunInfo(run_key="r", created_at=datetime(2025, 3, 1)),
                  family="vae")  # fmt: skip
    yield engine, table
    engine.dispose()


def test_filter_by_a_stored_score(store) -> None:
    engine, table = store
    query = CandidateQuery(scores={"fit_desirability": Range(min=0.5, max=0.7)}, page_size=100)
    page = search(engine, query)
    expected = set(table["inchikey"][(table["fit_desirability"] >= 0.5)
                                     & (table["fit_desirability"] <= 0.7)])  # fmt: skip
    assert {row.inchikey for row in page.rows} == expected and page.total == 9
    assert all(0.5 <= row.scores["fit_desirability"] <= 0.7 for row in page.rows)
    assert set(page.rows[0].scores) == {"fit_raw", "fit_desirability"}


@pytest.mark.parametrize("descending", [True, False])
def test_sort_by_a_stored_score_puts_missing_values_last(store, descending: bool) -> None:
    engine, _ = store
    query = CandidateQuery(sort_by="score:fit_raw", descending=descending, page_size=100)
    rows = search(engine, query).rows
    values = [row.scores["fit_raw"] for row in rows]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=descending)
    assert values[len(present) :] == [None] * 7
    ties = [row.candidate_id for row in rows if row.scores["fit_raw"] == 3.0]
    assert ties == sorted(ties)  # ties by candidate id


def test_broad_sorted_query_walks_pages_in_the_same_order(store) -> None:
    engine, _ = store
    from molgen.store.search import SearchLimits

    full = search(engine, CandidateQuery(sort_by="score:fit_desirability", page_size=40)).rows
    paged = [
        row
        for page in (1, 2, 3, 4)
        for row in search(
            engine,
            CandidateQuery(sort_by="score:fit_desirability", page=page, page_size=10),
            limits=SearchLimits(count_limit=5),  # the index-walk path
        ).rows
    ]
    assert [r.candidate_id for r in paged] == [r.candidate_id for r in full]


def test_unknown_score_names_list_the_stored_ones(store, tmp_path: Path) -> None:
    engine, _ = store
    with engine.connect() as conn:
        assert stored_score_names(conn) == ["fit_desirability", "fit_raw"]
    message = "^unknown score 'fit'; stored: fit_desirability, fit_raw$"
    with pytest.raises(QueryError, match=message):
        search(engine, CandidateQuery(sort_by="score:fit"))
    empty = open_store(str(tmp_path / "empty.db"))
    with pytest.raises(QueryError, match="unknown score 'x'; the store holds no scores"):
        search(empty, CandidateQuery(scores={"x": Range(min=0)}))
    empty.dispose()


def test_sort_key_validation() -> None:
    with pytest.raises(ValueError, match="'nope' is not one of score, similarity"):
        CandidateQuery(sort_by="nope")
    with pytest.raises(ValueError, match="is not one of"):
        CandidateQuery(sort_by="score:")
    assert CandidateQuery(sort_by="score:fit_raw").sort_score == "fit_raw"
    assert CandidateQuery(sort_by="qed").sort_score is None


def test_molecule_detail_shows_each_candidates_scores(store) -> None:
    engine, table = store
    detail = molecule_detail(engine, table["inchikey"][7])
    assert detail is not None
    assert detail.candidates[0].scores == {"fit_desirability": 7 / 40, "fit_raw": 10.5}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM scores")).scalar_one() == 80


def test_export_carries_the_scores_and_imports_again(store, tmp_path: Path) -> None:
    import io

    import pandas as pd
    from rdkit import Chem

    from molgen.store.export import EXPORT_COLUMNS, export
    from molgen.store.ingest import ingest_file

    engine, _ = store
    query = CandidateQuery(scores={"fit_desirability": Range(max=0.2)})
    text = export(engine, query, "csv", 100)
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns) == [*EXPORT_COLUMNS, "fit_desirability", "fit_raw"]
    assert sorted(frame["fit_desirability"]) == [i / 40 for i in range(9)]
    supplier = Chem.SDMolSupplier()
    supplier.SetData(export(engine, query, "sdf", 100))
    assert all(m.HasProp("fit_desirability") for m in supplier)
    path = tmp_path / "export.csv"
    path.write_text(text)
    again = open_store(str(tmp_path / "again.db"))
    report = ingest_file(again, path)
    assert report.scores_inserted == 2 * 9  # the scores, not the export's ids or similarity
    with again.connect() as conn:
        assert stored_score_names(conn) == ["fit_desirability", "fit_raw"]
    again.dispose()


def test_stats_name_the_stored_scores_and_objectives(tmp_path: Path) -> None:
    from molgen.store.stats import format_stats, store_stats

    engine = open_store(str(tmp_path / "store.db"))
    assert store_stats(engine).score_names == []
    table = without_default_components(scored_moses(5)).assign(fit_raw=1.0)
    run = RunInfo(run_key="s", created_at=datetime(2025, 3, 1))
    ingest_scores(engine, table, run=run, family="a", objective=("mpo", "2"))
    ingest_scores(engine, table.assign(other_desirability=0.5), run=run, family="b")
    stats = store_stats(engine)
    assert stats.score_names == ["fit_raw", "other_desirability"]
    assert stats.objectives == ["mpo 2"]
    text = format_stats(stats)
    assert "scores      fit_raw, other_desirability" in text and "objectives  mpo 2" in text
    engine.dispose()


def test_score_filter_on_a_broad_page_sorted_by_an_indexed_property(store) -> None:
    """Past the count limit, SQLite walks the sort column's index (filters kept off theirs)."""
    from molgen.store.search import SearchLimits

    engine, _ = store
    query = CandidateQuery(scores={"fit_desirability": Range(min=0.5)}, sort_by="qed")
    broad = search(engine, query, limits=SearchLimits(count_limit=3))
    exact = search(engine, query)
    assert not broad.total_exact and exact.total == 20
    assert [r.candidate_id for r in broad.rows] == [r.candidate_id for r in exact.rows]
    assert min(r.scores["fit_desirability"] for r in broad.rows) >= 0.5
