"""The query service's read-only PostgreSQL role (a real server with the RDKit cartridge)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from molgen.store.engine import open_store
from molgen.store.roles import create_readonly_role, readonly_url
from molgen.store.schema import Base, Run
from molgen.utils.errors import MolgenError


@pytest.fixture
def owner(postgres_db: str) -> sa.Engine:
    engine = sa.create_engine(postgres_db)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Run).values(run_key="r1", name="first", created_at=datetime.now(UTC))
        )
    yield engine
    engine.dispose()


def test_readonly_role_selects_but_cannot_write(owner: sa.Engine) -> None:
    create_readonly_role(owner, "molgen_reader", "s3cret'; DROP TABLE runs; --")
    create_readonly_role(owner, "molgen_reader", "again")  # idempotent
    reader = sa.create_engine(readonly_url(owner, "molgen_reader", "again"))
    try:
        with reader.connect() as conn:
            assert conn.execute(sa.select(Run.run_key)).scalars().all() == ["r1"]
        with pytest.raises(DBAPIError, match="read-only transaction"), reader.begin() as conn:
            conn.execute(sa.insert(Run).values(run_key="r2", created_at=datetime.now(UTC)))
        # Even with read-only transactions switched off, the role has no INSERT privilege.
        with pytest.raises(DBAPIError, match="permission denied"), reader.begin() as conn:
            conn.execute(sa.text("SET TRANSACTION READ WRITE"))
            conn.execute(sa.insert(Run).values(run_key="r3", created_at=datetime.now(UTC)))
        with pytest.raises(DBAPIError, match="permission denied"), reader.begin() as conn:
            conn.execute(sa.text("SET TRANSACTION READ WRITE"))
            conn.execute(sa.text("CREATE TABLE sneaky (x int)"))
    finally:
        reader.dispose()
    with owner.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(Run)).scalar_one() == 1


def test_readonly_role_refuses_bad_names_and_sqlite(owner: sa.Engine, tmp_path) -> None:
    with pytest.raises(MolgenError, match="invalid role name"):
        create_readonly_role(owner, 'x"; DROP ROLE postgres; --', "pw")
    with pytest.raises(MolgenError, match="need PostgreSQL"):
        create_readonly_role(sa.create_engine(f"sqlite:///{tmp_path / 's.db'}"), "r", "pw")


def test_read_only_store_sessions_refuse_writes_even_as_the_owner(postgres_db: str) -> None:
    open_store(postgres_db).dispose()  # create the schema as the owner
    engine = open_store(postgres_db, read_only=True)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(Run)).scalar_one() == 0
        with pytest.raises(DBAPIError, match="read-only transaction"), engine.begin() as conn:
            conn.execute(sa.insert(Run).values(run_key="r9", created_at=datetime.now(UTC)))
    finally:
        engine.dispose()
