"""The packaged Alembic migrations, run from Python on real databases."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from molgen.store import migrate
from molgen.store.engine import open_store
from molgen.store.schema import POSTGRESQL_ONLY_INDEXES, SCHEMA_VERSION, Base, Run


def _differences(engine: sa.Engine) -> list:
    """Schema differences, apart from the indexes only PostgreSQL gets."""

    def compared(obj, name, type_, reflected, compare_to) -> bool:
        return not (type_ == "index" and name in POSTGRESQL_ONLY_INDEXES)

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": compared})
        return compare_metadata(context, Base.metadata)


def test_upgrade_creates_exactly_the_schema(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no alembic.ini anywhere near
    engine = open_store(str(tmp_path / "store.db"), upgrade=False)
    assert migrate.current_revision(engine) is None
    assert migrate.upgrade(engine) == migrate.head_revision() == SCHEMA_VERSION
    assert migrate.current_revision(engine) == SCHEMA_VERSION
    assert set(sa.inspect(engine).get_table_names()) == {
        "alembic_version", "molecules", "runs", "candidates", "objectives", "scores",
    }  # fmt: skip
    assert _differences(engine) == []
    assert migrate.alembic_config().config_file_name is None
    engine.dispose()


def test_upgrade_is_idempotent_and_keeps_data(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "store.db"))
    with engine.begin() as conn:
        conn.execute(sa.insert(Run).values(run_key="r", created_at=datetime.now(UTC)))
    assert migrate.upgrade(engine) == SCHEMA_VERSION
    engine.dispose()
    again = open_store(str(tmp_path / "store.db"))
    with again.connect() as conn:
        assert conn.execute(sa.select(Run.run_key)).scalars().all() == ["r"]
    assert migrate.current_revision(again) == SCHEMA_VERSION
    again.dispose()


def test_read_only_needs_the_newest_schema(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "store.db"), upgrade=False)
    migrate.upgrade(engine, "0001")
    engine.dispose()
    with pytest.raises(Exception, match="molgen store upgrade"):
        open_store(str(tmp_path / "store.db"), read_only=True)


def test_postgresql_upgrade_adds_the_cartridge_columns(postgres_db: str) -> None:
    engine = open_store(postgres_db, upgrade=False)
    migrate.upgrade(engine, "0001")
    # At 0001 the later revisions' column and indexes are missing, and nothing else differs.
    differences = _differences(engine)
    assert [d[3].name for d in differences if d[0] == "add_column"] == ["pattern_fp"]
    indexes = {d[1].name for d in differences if d[0] == "add_index"}
    assert indexes == {f"ix_molecules_{c}" for c in ("hbd", "hba", "rotb", "rings")} | {
        "ix_molecules_lipinski_violations", "ix_scores_name_value"
    }  # fmt: skip
    assert {d[1].name for d in differences if d[0] == "add_table"} == {"objectives", "scores"}
    assert {d[0] for d in differences} == {"add_column", "add_index", "add_table"}
    migrate.upgrade(engine)
    with engine.connect() as conn:
        columns = dict(
            conn.execute(
                sa.text(
                    "SELECT column_name, udt_name FROM information_schema.columns "
                    "WHERE table_name = 'molecules' AND column_name IN ('mol', 'bfp')"
                )
            ).all()
        )
        methods = dict(
            conn.execute(
                sa.text(
                    "SELECT c.relname, a.amname FROM pg_class c JOIN pg_am a "
                    "ON c.relam = a.oid WHERE c.relname IN ('ix_molecules_mol', 'ix_molecules_bfp')"
                )
            ).all()
        )
    assert columns == {"mol": "mol", "bfp": "bfp"}
    assert methods == {"ix_molecules_mol": "gist", "ix_molecules_bfp": "gist"}
    indexes = {ix["name"] for ix in sa.inspect(engine).get_indexes("candidates")}
    assert indexes >= POSTGRESQL_ONLY_INDEXES
    assert migrate.upgrade(engine) == SCHEMA_VERSION  # idempotent
    engine.dispose()


def test_postgresql_without_the_extension_skips_the_cartridge(postgres_url: str) -> None:
    """A role that may not create the rdkit extension still gets a working store."""
    from sqlalchemy.engine import make_url

    from molgen.store.engine import has_rdkit_cartridge

    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS molgen_no_cartridge WITH (FORCE)"))
        conn.execute(sa.text("DROP ROLE IF EXISTS molgen_plain"))
        conn.execute(sa.text("CREATE ROLE molgen_plain LOGIN"))
        conn.execute(sa.text("CREATE DATABASE molgen_no_cartridge OWNER molgen_plain"))
    url = make_url(postgres_url).set(username="molgen_plain", database="molgen_no_cartridge")
    engine = open_store(url.render_as_string(hide_password=False))
    try:
        assert migrate.current_revision(engine) == SCHEMA_VERSION
        assert not has_rdkit_cartridge(engine)
        assert _differences(engine) == []
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text("DROP DATABASE molgen_no_cartridge WITH (FORCE)"))
            conn.execute(sa.text("DROP ROLE molgen_plain"))
        admin.dispose()
