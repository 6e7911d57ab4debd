"""Screens that use PostgreSQL's RDKit cartridge (GiST-indexed ``mol`` and ``bfp``), and
the PostgreSQL statement timeout.

``@>`` is the cartridge's exact RDKit substructure match (its index only screens). ``%``
screens by Tanimoto with a threshold a hair low; :mod:`molgen.store.search.core` computes
the exact value from the stored bytes, as on SQLite. All values are bound parameters;
``set_config`` sets transaction-local settings without formatting SQL.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, text

__all__ = ["bfp_screen", "mol_screen", "set_statement_timeout"]


def mol_screen(smarts: str) -> ColumnElement[bool]:
    """Condition: the cartridge's substructure match of ``smarts`` (GiST on ``mol``)."""
    return text("molecules.mol @> qmol_from_smarts(CAST(:molgen_smarts AS cstring))").bindparams(
        molgen_smarts=smarts
    )


def bfp_screen(conn: Connection, fingerprint: bytes, threshold: float) -> ColumnElement[bool]:
    """Condition: Tanimoto to ``fingerprint`` at least ``threshold`` by the cartridge's
    ``%`` operator (GiST on ``bfp``); sets ``rdkit.tanimoto_threshold`` for the transaction,
    a hair lower so rounding can only add rows."""
    conn.execute(
        text("SELECT set_config('rdkit.tanimoto_threshold', :value, true)"),
        {"value": repr(max(threshold - 1e-9, 0.0))},
    )
    return text("molecules.bfp % bfp_from_binary_text(:molgen_fp)").bindparams(
        molgen_fp=fingerprint
    )


def set_statement_timeout(conn: Connection, seconds: float) -> None:
    """Cancel any statement of the current transaction that runs longer than ``seconds``."""
    conn.execute(
        text("SELECT set_config('statement_timeout', :value, true)"),
        {"value": str(max(int(seconds * 1000), 1))},
    )
