"""Store statistics on a real SQLite store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from molgen.store.engine import open_store
from molgen.store.ingest import RunInfo, ingest_scores
from molgen.store.schema import SCHEMA_VERSION
from molgen.store.stats import format_stats, store_stats
from tests.unit.store.ingest_data import scored_moses


def test_empty_store(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "store.db"))
    stats = store_stats(engine)
    assert (stats.molecules, stats.candidates, stats.runs) == (0, 0, 0)
    assert stats.families == {} and stats.per_run == []
    assert stats.first_candidate is None and stats.last_candidate is None
    assert stats.backend == "sqlite" and stats.schema_revision == SCHEMA_VERSION
    assert "candidates  0" in format_stats(stats)
    engine.dispose()


def test_counts_per_family_and_run(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "store.db"))
    old = RunInfo(run_key="old", name="january", created_at=datetime(2025, 1, 1))
    new = RunInfo(run_key="new", mlflow_run_id="m2", created_at=datetime(2025, 2, 1))
    ingest_scores(engine, scored_moses(10), run=old, family="char_rnn")
    ingest_scores(engine, scored_moses(15), run=new, family="char_rnn")
    ingest_scores(engine, scored_moses(5), run=new, family="vae")
    stats = store_stats(engine)
    assert (stats.molecules, stats.candidates, stats.runs) == (15, 30, 2)
    assert stats.families == {"char_rnn": 25, "vae": 5}
    assert [(r.run_key, r.candidates, r.mlflow_run_id) for r in stats.per_run] == [
        ("new", 20, "m2"),
        ("old", 10, None),
    ]
    assert stats.first_candidate.date().isoformat() == "2025-01-01"
    assert stats.last_candidate.date().isoformat() == "2025-02-01"
    text = format_stats(stats)
    assert "vae" in text and "january" in text and str(tmp_path) in text
    engine.dispose()


def test_url_has_no_password(postgres_db: str) -> None:
    url = sa.engine.make_url(postgres_db).set(password="hunter2")
    engine = open_store(postgres_db)
    stats = store_stats(engine)
    assert stats.backend == "postgresql" and stats.rdkit_cartridge
    engine.dispose()
    # the same server with a password in its URL (trust auth ignores it)
    engine = open_store(url.render_as_string(hide_password=False))
    stats = store_stats(engine)
    assert "hunter2" not in stats.url and "***" in stats.url
    assert "hunter2" not in stats.model_dump_json()
    engine.dispose()
