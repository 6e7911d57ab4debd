"""Screens that need no cartridge (SQLite, and PostgreSQL without RDKit), and the SQLite
query timeout.

A screen only narrows which rows the exact RDKit/numpy check in
:mod:`molgen.store.search.core` looks at; it must never drop a true hit.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ColumnElement, Connection, and_, or_

from molgen.store.schema import Molecule
from molgen.store.search.core import Deadline

__all__ = ["element_screen", "popcount_screen", "sqlite_deadline"]


def element_screen(symbols: list[str]) -> list[ColumnElement[bool]]:
    """SQL conditions: the SMILES mentions each element symbol (as written or aromatic).

    ``LIKE`` patterns are bound parameters with ``%``/``_`` escaped.
    """
    return [
        or_(
            Molecule.smiles.contains(symbol, autoescape=True),
            Molecule.smiles.contains(symbol.lower(), autoescape=True),
        )
        for symbol in symbols
    ]


def popcount_screen(query_bits: int, threshold: float) -> ColumnElement[bool] | None:
    """SQL condition that keeps every fingerprint whose Tanimoto to the query can reach
    ``threshold``: ``|a|·t <= |b| <= |a|/t`` (rounded outwards). None when ``t`` is 0."""
    if threshold <= 0.0:
        return None
    low = math.floor(query_bits * threshold - 1e-9)
    high = math.ceil(query_bits / threshold + 1e-9)
    return and_(Molecule.fp_popcount >= low, Molecule.fp_popcount <= high)


@contextmanager
def sqlite_deadline(conn: Connection, deadline: Deadline) -> Iterator[None]:
    """Interrupt SQLite statements on ``conn`` once ``deadline`` passes (a progress handler;
    the interrupted statement raises ``OperationalError: interrupted``)."""
    raw = conn.connection.driver_connection
    raw.set_progress_handler(lambda: 1 if deadline.expired() else 0, 20_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)
