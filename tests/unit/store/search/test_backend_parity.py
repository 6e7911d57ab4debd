"""SQLite and PostgreSQL-with-the-RDKit-cartridge answer every query with the same rows.

The same scored molecules (300 MOSES molecules plus the hand-picked set) go into both
stores through the real ingestion, as two runs and three families; then a list of queries
(properties, alerts, substructure, similarity threshold, top-k, sorting, paging) must
return identical pages, row for row and value for value.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from molgen.scoring import ScoreConfig, score_smiles
from molgen.store.engine import has_rdkit_cartridge, open_store
from molgen.store.ingest import RunInfo, ingest_scores
from molgen.store.query import CandidateQuery, Range
from molgen.store.scored import extra_score_columns
from molgen.store.search import QueryError, SearchLimits, bounded, search
from molgen.store.search.core import Deadline
from tests.store_fixtures import fresh_database
from tests.unit.store.search_data import SMILES

QUERIES: list[dict] = [
    {},
    {"properties": {"qed": {"min": 0.7}}, "pains": False},
    {"properties": {"mw": {"min": 250, "max": 350}, "logp": {"max": 3}}, "sort_by": "mw"},
    {"brenk": True, "sort_by": "sa", "descending": False},
    {"novel": True, "families": ["vae"], "page": 2, "page_size": 10},
    {"runs": ["mlflow-parity"], "sort_by": "created_at"},
    {"runs": ["import-parity"], "created_after": datetime(2025, 5, 1, tzinfo=UTC)},
    {"smarts": "S(=O)(=O)N"},
    {"smarts": "c1ccncc1", "sort_by": "qed", "page_size": 7, "page": 3},
    {"smarts": "[#6](=O)[OX2H1]", "properties": {"tpsa": {"max": 90}}},
    {"smarts": "[$([NX3;H2,H1;!$(NC=O)])]", "sort_by": "logp", "descending": False},
    {"smarts": "[F,Cl,Br]", "brenk": False},
    {"smarts": "C1CCCCC1"},  # aliphatic ring: no element a screen could demand but carbon
    {"similar_to": "CC(=O)Nc1ccc(O)cc1", "min_similarity": 0.3},
    {"similar_to": "CCOC(=O)c1ccc(N)cc1", "min_similarity": 0.2, "sort_by": "similarity"},
    {"similar_to": "Cc1ccc(S(=O)(=O)N)cc1", "top_k": 25, "sort_by": "similarity"},
    {"similar_to": "c1ccc2ccccc2c1", "top_k": 50, "page": 2, "page_size": 20},
    {"similar_to": "CN1CCN(CC1)c1ccccc1", "top_k": 10, "min_similarity": 0.1},
    {"similar_to": "O=C(O)c1ccccc1O", "sort_by": "similarity", "page_size": 30},
    {"smarts": "c1ccccc1", "similar_to": "CC(C)Cc1ccc(C(C)C(=O)O)cc1", "top_k": 15},
    # stored extra scores: ranges, sorting (ties, NULLs, candidates without the score)
    {"scores": {"qed_desirability": {"min": 0.4}}, "sort_by": "score:dock_raw"},
    {"sort_by": "score:qed_desirability", "descending": False, "page": 2, "page_size": 20},
    {"sort_by": "score:activity", "page_size": 60},
    {
        "scores": {"dock_raw": {"max": -100}},
        "smarts": "c1ccccc1",
        "sort_by": "score:mw_desirability",
    },
    {"properties": {"qed": {"min": 0.6}}, "scores": {"qed_desirability": {"max": 0.9}}},
    {"similar_to": "CC(=O)Nc1ccc(O)cc1", "top_k": 20, "scores": {"activity": {"min": 1}}},
]


@pytest.fixture(scope="module")
def scored_frame(data_dir: Path) -> pd.DataFrame:
    smiles = pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist() + SMILES
    frame = score_smiles(smiles, ScoreConfig())
    frame["novel"] = [None if i % 7 == 0 else i % 2 == 0 for i in range(len(frame))]
    # The default objective's component columns (the scored-table contract: raw and
    # desirability; the store keeps the desirabilities, each *_raw repeats a property), with
    # ties in qed_desirability, and one more component's raw value, missing for some.
    frame["qed_desirability"] = frame["qed"].round(1)  # ties
    frame["dock_raw"] = [None if i % 5 == 0 else -float(i % 40) * 7 for i in range(len(frame))]
    return frame


def _fill(engine: sa.Engine, frame: pd.DataFrame) -> None:
    """Two runs (one from MLflow, one imported later), three families, overlapping
    molecules, written by the store's own ingestion."""
    mlflow_run = RunInfo(
        run_key="mlflow-parity", mlflow_run_id="mlflow-parity", name="pipeline",
        created_at=datetime(2025, 4, 1, 9, 30, tzinfo=UTC),
    )  # fmt: skip
    imported = RunInfo(run_key="import-parity", created_at=datetime(2025, 6, 2, tzinfo=UTC))
    ingest_scores(engine, frame.iloc[0:200], run=mlflow_run, family="char_rnn", temperature=1.0)
    ingest_scores(engine, frame.iloc[150:330], run=mlflow_run, family="vae", temperature=0.8)
    extra = frame.iloc[::3].assign(activity=lambda f: [i % 4 for i in range(len(f))])
    ingest_scores(engine, extra, run=imported, family="vae", checkpoint="x.pt")


@pytest.fixture(scope="module")
def stores(
    postgres_url: str, scored_frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    lite = open_store(str(tmp_path_factory.mktemp("parity") / "store.db"))
    with fresh_database(postgres_url) as url:
        pg = open_store(url)
        assert has_rdkit_cartridge(pg), "the PostgreSQL store must use the RDKit cartridge"
        for engine in (lite, pg):
            _fill(engine, scored_frame)
        yield lite, pg
        pg.dispose()
    lite.dispose()


def test_stores_hold_the_same_candidates(stores: tuple[sa.Engine, sa.Engine]) -> None:
    lite, pg = stores
    everything = CandidateQuery(page_size=500)
    a, b = search(lite, everything), search(pg, everything)
    assert a.total == b.total > 400
    assert a.rows == b.rows


@pytest.mark.parametrize("fields", QUERIES, ids=[str(i) for i in range(len(QUERIES))])
def test_same_rows_on_both_backends(stores: tuple[sa.Engine, sa.Engine], fields: dict) -> None:
    lite, pg = stores
    query = CandidateQuery(**fields)
    a, b = search(lite, query), search(pg, query)
    assert a.total == b.total
    assert [r.model_dump() for r in a.rows] == [r.model_dump() for r in b.rows]
    if fields and fields != {"runs": ["no-such-run"]}:
        assert a.total > 0, "a parity query should match something"


def test_postgres_statements_stop_at_the_deadline(stores: tuple[sa.Engine, sa.Engine]) -> None:
    _, pg = stores
    with (
        pytest.raises(QueryError, match=r"took longer than 0\.2 s; narrow"),
        pg.connect() as conn,
        bounded(conn, "postgresql", Deadline(0.2)),
    ):
        conn.execute(sa.text("SELECT pg_sleep(3)"))


def test_postgres_refuses_what_sqlite_refuses(
    stores: tuple[sa.Engine, sa.Engine], scored_frame: pd.DataFrame
) -> None:
    # The frame's extra scores by the store's rule (no *_raw that repeats a property), and
    # the "activity" column the imported run adds.
    stored = "stored: " + ", ".join(sorted({*extra_score_columns(scored_frame), "activity"}))
    stored += "$"
    for engine in stores:
        with pytest.raises(QueryError, match="smarts: invalid SMARTS"):
            search(engine, CandidateQuery(smarts="c1ccc"))
        with pytest.raises(QueryError, match=f"^unknown score 'dock'; {stored}"):
            search(engine, CandidateQuery(scores={"dock": Range(min=1)}))
        with pytest.raises(QueryError, match=f"^unknown score 'qed'; {stored}"):
            search(engine, CandidateQuery(sort_by="score:qed"))
        with pytest.raises(QueryError, match="more than 3 candidates"):
            search(
                engine,
                CandidateQuery(similar_to="c1ccccc1", min_similarity=0.0),
                limits=SearchLimits(max_examined=3),
            )


CAPPED = [
    {},
    {"sort_by": "score:dock_raw", "scores": {"qed_desirability": {"min": 0.2}}},
    {"sort_by": "qed", "scores": {"dock_raw": {"max": -50}}},  # the sort column's index walk
    {"smarts": "c1ccccc1", "sort_by": "qed"},
    {"similar_to": "c1ccccc1O", "min_similarity": 0.1},
]


@pytest.mark.parametrize("fields", CAPPED)
def test_capped_counts_agree(stores: tuple[sa.Engine, sa.Engine], fields: dict) -> None:
    query = CandidateQuery(page=2, page_size=10, **fields)
    a, b = (search(engine, query, limits=SearchLimits(count_limit=15)) for engine in stores)
    assert a.total == b.total == 15 and not a.total_exact and not b.total_exact
    assert a.rows == b.rows and len(a.rows) == 10
