"""The store's Alembic migrations, run from Python (no ``alembic.ini`` needed).

The migration scripts ship inside the package (``molgen/store/migrations``). An upgrade
runs in one transaction that first takes a lock (``BEGIN IMMEDIATE`` on SQLite, an advisory
lock on PostgreSQL), so processes that open a new store at the same time migrate it once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from molgen.store.engine import dialect, public_url, write_engine
from molgen.utils.errors import MolgenError

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "check_current",
    "current_revision",
    "head_revision",
    "upgrade",
]

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_ADVISORY_LOCK_KEY = 0x6D6F6C67656E  # "molgen"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations (and ``connection``, if given)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision of the packaged migrations."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Alembic logs every context set-up at INFO; keep only its warnings."""
    alembic_log = logging.getLogger("alembic")
    level = alembic_log.level
    alembic_log.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        alembic_log.setLevel(level)


def _revision(connection: Connection) -> str | None:
    with _quiet_alembic():
        return MigrationContext.configure(connection).get_current_revision()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has no schema yet."""
    with engine.connect() as conn:
        return _revision(conn)


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the database's schema up to ``revision`` (default: the newest).

    Safe to call on an up-to-date database (it does nothing) and from several processes at
    once (they take turns under a lock).

    Returns:
        The revision the database is at afterwards.
    """
    target = head_revision() if revision == "head" else revision
    if current_revision(engine) == target:
        return target
    with write_engine(engine).begin() as conn:
        if dialect(engine) == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
        before = _revision(conn)
        if before != target:
            log.info("migrating %s from %s to %s", public_url(engine), before, target)
            with _quiet_alembic():
                command.upgrade(alembic_config(conn), revision)
        after = _revision(conn)
    return after


def check_current(engine: Engine) -> None:
    """Raise unless the database's schema is at the newest revision (for read-only use).

    Raises:
        MolgenError: the store has no schema or an older one, naming the fix.
    """
    current, head = current_revision(engine), head_revision()
    if current is None:
        raise MolgenError(f"{public_url(engine)} is not a candidate store (no schema)")
    if current != head:
        raise MolgenError(
            f"{public_url(engine)} has store schema {current}, this molgen needs {head}: "
            "run `molgen store upgrade --db URL`"
        )
