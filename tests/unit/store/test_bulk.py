"""Driver-level bulk inserts and key lookups, on a real SQLite store and a real PostgreSQL
store with the RDKit cartridge: the same rows and values as SQLAlchemy would write."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from rdkit import Chem

from molgen.store.bulk import ids_by, insert_new
from molgen.store.engine import has_rdkit_cartridge, open_store
from molgen.store.schema import Candidate, Molecule, Run

CREATED = datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
SMILES = ["CCO", "c1ccccc1", "CC(=O)O", "CCN", "CCCl"]
_MOLECULE_COLUMNS = ("inchikey", "smiles", "pains", "brenk", "alerts", "fingerprint",
                     "fp_popcount", "pattern_fp", "mw", "hbd")  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """An empty store on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_db")
    store = open_store(url)
    yield store
    store.dispose()


def _molecule(smiles: str, index: int) -> tuple:
    key = Chem.MolToInchiKey(Chem.MolFromSmiles(smiles))
    fingerprint = bytes([index]) * 256
    return (key, smiles, index % 2 == 0, False, "", fingerprint, 8, None, 40.5 + index, index)


def _insert_molecules(conn: sa.Connection, smiles: list[str]) -> int:
    rows = [_molecule(s, i) for i, s in enumerate(smiles)]
    return insert_new(conn, Molecule.__table__, _MOLECULE_COLUMNS, rows, ["inchikey"])


def test_insert_new_counts_new_rows_and_skips_existing_keys(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        assert _insert_molecules(conn, SMILES[:3]) == 3
    with engine.begin() as conn:
        assert _insert_molecules(conn, SMILES) == 2  # three already there
        assert insert_new(conn, Molecule.__table__, _MOLECULE_COLUMNS, [], ["inchikey"]) == 0
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(Molecule.smiles, Molecule.pains, Molecule.fingerprint, Molecule.mw,
                      Molecule.hbd, Molecule.pattern_fp).order_by(Molecule.hbd)
        ).all()  # fmt: skip
    assert [tuple(row) for row in stored] == [
        (s, i % 2 == 0, bytes([i]) * 256, 40.5 + i, i, None) for i, s in enumerate(SMILES)
    ]
    if has_rdkit_cartridge(engine):  # the trigger filled the cartridge's columns
        with engine.connect() as conn:
            parsed = conn.execute(sa.text("SELECT count(*) FROM molecules WHERE mol IS NOT NULL"))
            assert parsed.scalar_one() == len(SMILES)


def test_insert_new_stores_dates_as_sqlalchemy_does(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        _insert_molecules(conn, SMILES[:1])
        run = conn.execute(sa.insert(Run).values(run_key="r", created_at=CREATED))
        columns = ("run_id", "family", "molecule_id", "created_at", "score", "novel")
        row = (run.inserted_primary_key[0], "f", 1, CREATED, 0.5, True)
        assert insert_new(conn, Candidate.__table__, columns, [row], list(columns[:3])) == 1
    with engine.connect() as conn:
        stored = conn.execute(sa.select(Candidate.created_at, Candidate.novel)).one()
        same = "SELECT c.created_at = r.created_at FROM candidates c, runs r"  # SQLite: text
        assert conn.exec_driver_sql(same).scalar_one()
    aware = stored.created_at.tzinfo is not None  # PostgreSQL; SQLite reads it back naive
    assert stored.created_at == (CREATED if aware else CREATED.replace(tzinfo=None))
    assert stored.novel is True


def test_ids_by_finds_stored_keys_only_under_the_conditions(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        _insert_molecules(conn, SMILES)
        keys = dict(conn.execute(sa.select(Molecule.inchikey, Molecule.id)).all())
        missing = [f"{i:027d}" for i in range(6_000)]  # more than one SQLite IN (...) chunk
        assert ids_by(conn, Molecule.__table__, "inchikey", [*missing, *keys]) == keys
        assert ids_by(conn, Molecule.__table__, "inchikey", []) == {}
        smiles = ids_by(conn, Molecule.__table__, "inchikey", list(keys), {"smiles": "CCO"})
    assert list(smiles) == [Chem.MolToInchiKey(Chem.MolFromSmiles("CCO"))]
