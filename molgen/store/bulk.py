"""Bulk ``INSERT ... ON CONFLICT DO NOTHING`` on PostgreSQL through ``COPY``.

A multi-row ``INSERT`` of 20,000 rows is a statement with half a million placeholders, and
psycopg spends most of an ingestion rewriting it. Instead the rows are streamed with
``COPY`` into a temporary staging table with the target's column types, and one
``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` moves the new ones across, so the unique
keys still decide what is new and concurrent writers still cannot duplicate a row. The
staging table lives for the session and is emptied at every commit. Table and column names
come from the schema, never from input; every value travels as COPY data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table

__all__ = ["copy_insert_new"]


def _quoted(name: str) -> str:
    """A schema identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def copy_insert_new(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], key: Sequence[str]
) -> int:
    """Insert those of ``rows`` whose ``key`` is not in ``table`` yet; returns how many.

    Args:
        conn: a SQLAlchemy connection to PostgreSQL (psycopg 3), inside a transaction.
        table: the target table.
        rows: dicts with the same keys, all of them columns of ``table``.
        key: the columns of a unique constraint of ``table``.
    """
    if not rows:
        return 0
    columns = list(rows[0])
    digest = hashlib.sha1(",".join(columns).encode()).hexdigest()[:8]
    stage = _quoted(f"molgen_stage_{table.name}_{digest}")
    names = ", ".join(_quoted(c) for c in columns)
    unique = ", ".join(_quoted(c) for c in key)
    driver = conn.connection.driver_connection
    with driver.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "
            f"SELECT {names} FROM {_quoted(table.name)} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {stage}")
        with cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        cursor.execute(
            f"INSERT INTO {_quoted(table.name)} ({names}) SELECT {names} FROM {stage} "
            f"ORDER BY {unique} ON CONFLICT ({unique}) DO NOTHING"
        )
        return cursor.rowcount
