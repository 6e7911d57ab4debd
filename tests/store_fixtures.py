"""A real PostgreSQL server with the RDKit cartridge for the store's tests (a pytest plugin).

``postgres_url`` starts one throwaway cluster per test session with ``scripts/postgres.sh``
(initdb + pg_ctl, as the ``postgres`` user when the tests run as root) and yields the
SQLAlchemy URL of its ``molgen`` database, which has the ``rdkit`` extension. Tests that
need an empty database of their own take ``postgres_db``, a fresh database per test
(or use :func:`fresh_database` for a wider scope).
PostgreSQL is a real component the suite provisions (``scripts/test.sh`` runs
``scripts/postgres.sh install``), so a missing or broken server fails the tests that need it
with one line saying why; it never skips them.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "postgres.sh"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
_COUNTER = itertools.count()


def require_postgres() -> None:
    """Fail the calling test in one line when PostgreSQL's binaries are not installed."""
    if not (PG_BIN / "initdb").exists():
        pytest.fail(
            f"PostgreSQL is not installed ({PG_BIN}/initdb is missing): run "
            "scripts/postgres.sh install as root, or the README's test command",
            pytrace=False,
        )


def start_cluster(folder: str) -> str:
    """Start a throwaway cluster in ``folder`` with ``scripts/postgres.sh start`` and return
    its URL; fail the calling test in one line (the script's own) when it does not start."""
    require_postgres()
    started = subprocess.run(
        [str(SCRIPT), "start", folder], capture_output=True, text=True, timeout=120
    )
    if started.returncode != 0:
        why = (started.stderr.strip().splitlines() or ["no message"])[-1]
        pytest.fail(f"could not start PostgreSQL: {why}", pytrace=False)
    return started.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL (``postgresql+psycopg://...``) of a session-wide PostgreSQL with the cartridge."""
    folder = tempfile.mkdtemp(prefix="molgen-pg-")  # not under pytest's root-only tmp dir
    try:
        yield start_cluster(folder)
    finally:
        subprocess.run([str(SCRIPT), "stop", folder], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database with the rdkit extension on ``server_url``'s server (its URL),
    dropped on exit."""
    import sqlalchemy as sa

    name = f"molgen_test_{os.getpid()}_{next(_COUNTER)}"  # generated here, never user input
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = server_url.rsplit("/", 1)[0] + f"/{name}"
    db = sa.create_engine(url)
    with db.begin() as conn:
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS rdkit"))
    db.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_db(postgres_url: str) -> Iterator[str]:
    """URL of a fresh, empty database (with the rdkit extension) on the session's server."""
    with fresh_database(postgres_url) as url:
        yield url
