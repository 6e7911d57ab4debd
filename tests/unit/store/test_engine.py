"""Opening the store: URL resolution, SQLite settings, read-only mode, PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from molgen.chem.fingerprints import fingerprint_smiles, pack, popcount
from molgen.store.engine import (
    BUSY_TIMEOUT_MS,
    ENV_VAR,
    dialect,
    has_rdkit_cartridge,
    open_store,
    public_url,
    resolve_url,
    write_engine,
)
from molgen.store.schema import STORE_FINGERPRINT, Candidate, Run
from molgen.utils.errors import MolgenError


def test_resolve_url_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'molgen-store.db'}"
    monkeypatch.setenv(ENV_VAR, "sqlite:////elsewhere/env.db")
    assert resolve_url(None) == "sqlite:////elsewhere/env.db"
    assert resolve_url("sqlite:////given.db") == "sqlite:////given.db"
    assert resolve_url("rel/store.db") == f"sqlite:///{tmp_path / 'rel' / 'store.db'}"
    assert resolve_url("postgresql://u:pw@h/db") == "postgresql+psycopg://u:pw@h/db"


def test_public_url_hides_the_password() -> None:
    assert public_url("postgresql+psycopg://u:secret@h:5432/db") == (
        "postgresql+psycopg://u:***@h:5432/db"
    )


def test_sqlite_store_settings(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "sub" / "store.db"))
    assert dialect(engine) == "sqlite" and not has_rdkit_cartridge(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
    with pytest.raises(IntegrityError), write_engine(engine).begin() as conn:
        conn.execute(
            sa.insert(Candidate).values(
                molecule_id=99, run_id=99, family="f", created_at=datetime.now(UTC)
            )
        )
    engine.dispose()


def test_read_only_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with pytest.raises(MolgenError, match="no candidate store"):
        open_store(str(path), read_only=True)
    open_store(str(path)).dispose()
    reader = open_store(str(path), read_only=True)
    with reader.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(Run)).scalar_one() == 0
    with pytest.raises(OperationalError, match="readonly"), reader.begin() as conn:
        conn.execute(sa.insert(Run).values(run_key="x", created_at=datetime.now(UTC)))
    assert public_url(reader) == f"sqlite:///{path}"
    reader.dispose()


def test_read_only_refuses_a_file_without_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sa.create_engine(f"sqlite:///{path}").connect().close()  # an empty SQLite file
    with pytest.raises(MolgenError, match="not a candidate store"):
        open_store(str(path), read_only=True)


def test_unsupported_or_unreachable_databases(tmp_path: Path) -> None:
    with pytest.raises(MolgenError, match="unsupported database"):
        open_store("mysql://u@localhost/db")
    with pytest.raises(MolgenError, match="cannot open the store"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


def test_postgresql_store_with_the_cartridge(postgres_db: str) -> None:
    engine = open_store(postgres_db)
    assert dialect(engine) == "postgresql" and has_rdkit_cartridge(engine)
    packed = pack(fingerprint_smiles("CC(=O)Nc1ccc(O)cc1", STORE_FINGERPRINT))
    count = popcount(packed)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO molecules (inchikey, smiles, pains, brenk, alerts, fingerprint, "
                "fp_popcount) VALUES ('RZVAJINKPMORJF-UHFFFAOYSA-N', 'CC(=O)Nc1ccc(O)cc1', "
                "false, false, '', :fp, :n)"
            ),
            {"fp": packed, "n": count},
        )
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT bfp_to_binary_text(bfp) = fingerprint, size(bfp), "
                "mol @> 'c1ccccc1O'::qmol, mol_to_smiles(mol) FROM molecules"
            )
        ).one()
    assert tuple(row) == (True, 2048, True, "CC(=O)Nc1ccc(O)cc1")
    engine.dispose()
