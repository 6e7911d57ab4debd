"""Fixtures of the store tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from molgen.store.engine import open_store
from tests.unit.store.search_data import load


@pytest.fixture(scope="module")
def search_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    """A real SQLite store holding the hand-picked candidates of ``search_data``."""
    engine = open_store(str(tmp_path_factory.mktemp("search") / "store.db"))
    load(engine)
    yield engine
    engine.dispose()
