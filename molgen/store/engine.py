"""Opening the candidate store: which database, how to connect, and its schema up to date.

The URL comes from ``--db``, else ``$MOLGEN_DB_URL``, else an SQLite file
``molgen-store.db`` in the working directory (nothing to start). A plain file path is taken
as an SQLite file. ``postgresql://`` URLs use the psycopg 3 driver.

SQLite connections run in WAL mode (readers never block the writer), wait up to
:data:`BUSY_TIMEOUT_MS` for a lock instead of failing, and enforce foreign keys. Writers
open their transaction with ``BEGIN IMMEDIATE`` (see :func:`write_engine`), so two
processes writing at once queue for the lock rather than failing mid-transaction.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from molgen.utils.errors import MolgenError, first_line

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DEFAULT_SQLITE_NAME",
    "ENV_VAR",
    "dialect",
    "has_rdkit_cartridge",
    "open_store",
    "public_url",
    "resolve_url",
    "write_engine",
]

ENV_VAR = "MOLGEN_DB_URL"
DEFAULT_SQLITE_NAME = "molgen-store.db"
BUSY_TIMEOUT_MS = 60_000
"""How long an SQLite connection waits for another writer's lock (milliseconds)."""

CACHE_KIB = 131_072
"""SQLite page cache per connection (KiB): large stores keep their indexes in memory."""

WAL_CHECKPOINT_PAGES = 16_384
"""Pages the SQLite WAL may grow to before it is copied into the database (64 MiB at the
default page size): bulk ingestion rewrites the same index pages between checkpoints."""

_IMMEDIATE = "molgen_sqlite_immediate"


def resolve_url(url: str | None = None) -> str:
    """The store's SQLAlchemy URL: ``url``, else ``$MOLGEN_DB_URL``, else the embedded store.

    Args:
        url: a database URL or an SQLite file path; None or "" for the default.

    Returns:
        A URL string. File paths become ``sqlite:///<absolute path>``; ``postgresql://``
        gets the psycopg 3 driver (``postgresql+psycopg://``).
    """
    value = url or os.environ.get(ENV_VAR) or str(Path.cwd() / DEFAULT_SQLITE_NAME)
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def public_url(engine_or_url: Engine | str) -> str:
    """The URL with any password hidden (for logs and ``molgen store stats``)."""
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database.startswith("file:"):
        return f"sqlite:///{database.removeprefix('file:')}"  # a read-only URI
    return url.render_as_string(hide_password=True)


def dialect(engine: Engine) -> Literal["sqlite", "postgresql"]:
    """Which backend ``engine`` talks to: ``"sqlite"`` or ``"postgresql"``."""
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise MolgenError(f"unsupported database {name!r}: use SQLite or PostgreSQL")
    return name  # type: ignore[return-value]


def has_rdkit_cartridge(engine: Engine) -> bool:
    """Whether the store's molecules carry the RDKit cartridge's ``mol``/``bfp`` columns.

    True only on PostgreSQL with the ``rdkit`` extension installed in the database and the
    migration that adds the indexed columns applied.
    """
    if dialect(engine) != "postgresql":
        return False
    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT count(*) FROM pg_extension e, information_schema.columns c "
                "WHERE e.extname = 'rdkit' AND c.table_name = 'molecules' "
                "AND c.table_schema = current_schema() AND c.column_name IN ('mol', 'bfp')"
            )
        ).scalar_one()
    return found == 2


def write_engine(engine: Engine) -> Engine:
    """``engine`` with writer transactions: on SQLite they start with ``BEGIN IMMEDIATE``.

    Taking the write lock at the start of a transaction means a concurrent writer waits
    (up to :data:`BUSY_TIMEOUT_MS`) rather than failing when it upgrades a read lock.
    """
    return engine.execution_options(**{_IMMEDIATE: True})


def _sqlite_url(url: str, read_only: bool) -> tuple[str, Path | None]:
    parsed = make_url(url)
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return url, None
    path = Path(database).expanduser().resolve()
    if read_only:
        if not path.is_file():
            raise MolgenError(f"no candidate store at {path} (import candidates first)")
        return f"sqlite:///file:{path}?mode=ro&uri=true", path
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}", path


def _configure_sqlite(engine: Engine, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy, not the driver, opens transactions
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if not read_only:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate and not read_only else "BEGIN")


def open_store(url: str | None = None, *, read_only: bool = False, upgrade: bool = True) -> Engine:
    """Connect to the candidate store, creating or migrating its schema first.

    Args:
        url: database URL or SQLite path; None uses :func:`resolve_url`'s default.
        read_only: never write. SQLite opens the file with ``mode=ro`` (it must exist);
            PostgreSQL sessions start with ``default_transaction_read_only`` (for a service,
            also connect as a read-only role: ``molgen store create-reader``). The schema
            must be up to date.
        upgrade: apply pending Alembic migrations (ignored when ``read_only``).

    Returns:
        A SQLAlchemy engine.

    Raises:
        MolgenError: the URL is invalid, the database cannot be reached, or (read-only)
            the schema is missing or out of date.
    """
    from molgen.store import migrate  # migrate imports this module

    resolved = resolve_url(url)
    try:
        backend = make_url(resolved).get_backend_name()
    except ArgumentError as exc:
        raise MolgenError(f"invalid database URL {resolved!r}: {exc}") from None
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        resolved, _ = _sqlite_url(resolved, read_only)
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    elif backend == "postgresql":
        kwargs["pool_pre_ping"] = True
        if read_only:  # every session refuses writes, whatever the role may do
            kwargs["connect_args"] = {"options": "-c default_transaction_read_only=on"}
    else:
        raise MolgenError(f"unsupported database {backend!r} in {public_url(resolved)}")
    engine = create_engine(resolved, **kwargs)
    if backend == "sqlite":
        _configure_sqlite(engine, read_only)
    try:
        if read_only:
            migrate.check_current(engine)
        elif upgrade:
            migrate.upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        reason = first_line(exc)
        raise MolgenError(f"cannot open the store {public_url(engine)}: {reason}") from None
    return engine
