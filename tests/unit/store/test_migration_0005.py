"""Revision 0005 on a real 0004 store holding candidates: the data stays, scores can be
stored, and a downgrade drops the new tables again (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from molgen.store import migrate
from molgen.store.engine import open_store
from molgen.store.ingest import RunInfo, ingest_scores
from molgen.store.schema import Candidate, Molecule, Score
from molgen.store.scored import extra_score_columns
from tests.store_fixtures import fresh_database
from tests.unit.store.ingest_data import scored_moses

RUN = RunInfo(run_key="old-run", created_at=datetime(2025, 1, 1, tzinfo=UTC))


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
        return
    with fresh_database(request.getfixturevalue("postgres_url")) as database:
        yield database


def _fill_0004(engine: sa.Engine) -> list[tuple]:
    """Candidates written with 0004's tables only (plain SQL: today's ingestion would also
    write 0005's); returns what was stored."""
    table = scored_moses(15)
    molecules = sa.table("molecules", *(sa.column(c) for c in (
        "inchikey", "smiles", "qed", "mw", "pains", "brenk", "alerts", "fingerprint",
        "fp_popcount",
    )))  # fmt: skip
    runs = sa.table("runs", sa.column("id"), sa.column("run_key"), sa.column("created_at"))
    candidates = sa.table("candidates", *(sa.column(c) for c in (
        "molecule_id", "run_id", "family", "score", "created_at",
    )))  # fmt: skip
    with engine.begin() as conn:
        conn.execute(sa.insert(runs).values(id=1, run_key="old-run", created_at=RUN.created_at))
        for i, row in table.iterrows():
            conn.execute(sa.insert(molecules).values(
                inchikey=row["inchikey"], smiles=row["smiles"], qed=row["qed"], mw=row["mw"],
                pains=bool(row["pains"]), brenk=bool(row["brenk"]), alerts="",
                fingerprint=bytes(256), fp_popcount=0,
            ))  # fmt: skip
            conn.execute(sa.insert(candidates).values(
                molecule_id=i + 1, run_id=1, family="vae", score=row["score"],
                created_at=RUN.created_at,
            ))  # fmt: skip
    return _stored(engine)


def _stored(engine: sa.Engine) -> list[tuple]:
    stmt = sa.text(
        "SELECT m.inchikey, m.qed, c.family, c.score FROM candidates c "
        "JOIN molecules m ON m.id = c.molecule_id ORDER BY c.id"
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(stmt)]


def test_0005_keeps_a_0004_store_and_stores_scores(url: str) -> None:
    engine = open_store(url, upgrade=False)
    migrate.upgrade(engine, "0004")
    assert "scores" not in sa.inspect(engine).get_table_names()
    before = _fill_0004(engine)
    assert len(before) == 15

    assert migrate.upgrade(engine) == "0005"
    inspector = sa.inspect(engine)
    assert {"scores", "objectives"} <= set(inspector.get_table_names())
    indexes = {ix["name"]: ix["column_names"] for ix in inspector.get_indexes("scores")}
    assert indexes["ix_scores_name_value"] == ["name", "value"]
    assert _stored(engine) == before

    # The old candidates get the scores of a re-ingested table; nothing else is added.
    # The default objective's table: its five desirabilities (each *_raw repeats a property).
    table = scored_moses(15).assign(qed_desirability=0.25)
    per_row = len(extra_score_columns(table))
    assert per_row == 5
    report = ingest_scores(engine, table, run=RUN, family="vae", objective=("mpo", "1"))
    assert (report.candidates_inserted, report.scores_inserted) == (0, 15 * per_row)
    with engine.connect() as conn:
        counts = [
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (Molecule, Candidate, Score)
        ]
    assert counts == [15, 15, 15 * per_row]

    _downgrade(engine, "0004")
    assert not {"scores", "objectives"} & set(sa.inspect(engine).get_table_names())
    assert migrate.current_revision(engine) == "0004"
    assert _stored(engine) == before
    engine.dispose()


def _downgrade(engine: sa.Engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), revision)
