"""Bulk ``INSERT ... ON CONFLICT DO NOTHING`` and key lookups at the driver level.

Ingestion writes tens of thousands of rows per transaction. Through SQLAlchemy's
``executemany`` every row is a dict whose parameters are compiled and processed one by one,
and an ``IN (...)`` lookup of 5,000 keys is a statement with 5,000 placeholders that the
driver rewrites on every call; a profile of a 30,000-molecule ingestion put more of the
writing process's time there than in the database. So rows travel as tuples in a fixed
column order, straight to the driver:

- SQLite: one ``executemany`` of a prepared ``INSERT ... ON CONFLICT DO NOTHING``; values
  go through each column's SQLAlchemy bind processor (dates are stored as SQLAlchemy
  stores them), only for the columns that have one.
- PostgreSQL: the rows are streamed with ``COPY`` into a temporary staging table with the
  target's column types, and one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` moves the
  new ones across, so the unique keys still decide what is new and concurrent writers still
  cannot duplicate a row. The staging table lives for the session and is emptied at every
  commit. Lookups bind one array (``= ANY(%s)``) instead of thousands of placeholders.

Table and column names come from the schema, never from input; every value travels as a
bound parameter or as COPY data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table

__all__ = ["ids_by", "insert_new"]

Row = tuple[Any, ...]

_SQLITE_IN_CHUNK = 5_000  # keys per IN (...): well under SQLite's 32,766 parameters


def _quoted(name: str) -> str:
    """A schema identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def _names(columns: Sequence[str]) -> str:
    return ", ".join(_quoted(c) for c in columns)


def insert_new(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Row],
    key: Sequence[str],
) -> int:
    """Insert those of ``rows`` whose ``key`` is not in ``table`` yet; returns how many.

    Args:
        conn: a SQLAlchemy connection (SQLite or PostgreSQL with psycopg 3), inside a
            transaction.
        table: the target table.
        columns: the column of ``table`` each tuple position holds.
        rows: tuples of Python values, in ``columns`` order.
        key: the columns of a unique constraint of ``table``.
    """
    if not rows:
        return 0
    if conn.dialect.name == "postgresql":
        return _copy_insert_new(conn, table, columns, rows, key)
    return _sqlite_insert_new(conn, table, columns, rows, key)


def _processed(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Row]) -> Any:
    """``rows`` with each column's SQLAlchemy bind processor applied (as SQLAlchemy would);
    ``rows`` itself when no column has one."""
    processors: list[tuple[int, Callable[[Any], Any]]] = []
    for position, name in enumerate(columns):
        kind = table.c[name].type
        processor = kind.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        if processor is not None:
            processors.append((position, processor))
    if not processors:
        return rows

    def process(row: Row) -> Row:
        values = list(row)
        for position, processor in processors:
            values[position] = processor(values[position])
        return tuple(values)

    return map(process, rows)


def _sqlite_insert_new(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Row], key: Sequence[str]
) -> int:
    """SQLite: one driver ``executemany``; the driver's row count is the rows inserted."""
    marks = ", ".join("?" for _ in columns)
    statement = (
        f"INSERT INTO {_quoted(table.name)} ({_names(columns)}) VALUES ({marks}) "
        f"ON CONFLICT ({_names(key)}) DO NOTHING"
    )
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(statement, _processed(conn, table, columns, rows))
        return cursor.rowcount
    finally:
        cursor.close()


def _copy_insert_new(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Row], key: Sequence[str]
) -> int:
    """PostgreSQL: ``COPY`` into a session-wide staging table, then one ``INSERT ...
    SELECT ... ON CONFLICT DO NOTHING`` in key order."""
    digest = hashlib.sha1(",".join(columns).encode()).hexdigest()[:8]
    stage = _quoted(f"molgen_stage_{table.name}_{digest}")
    names, unique = _names(columns), _names(key)
    driver = conn.connection.driver_connection
    with driver.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "
            f"SELECT {names} FROM {_quoted(table.name)} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {stage}")
        with cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {_quoted(table.name)} ({names}) SELECT {names} FROM {stage} "
            f"ORDER BY {unique} ON CONFLICT ({unique}) DO NOTHING"
        )
        return cursor.rowcount


def ids_by(
    conn: Connection,
    table: Table,
    column: str,
    values: Sequence[Any],
    where: dict[str, Any] | None = None,
) -> dict[Any, int]:
    """``{value: id}`` of the rows of ``table`` whose ``column`` is one of ``values`` (and
    whose columns equal ``where``'s values); values without a row are absent.

    Args:
        conn: a SQLAlchemy connection to SQLite or PostgreSQL (psycopg 3).
        table: a table with an ``id`` column.
        column: the looked-up column (unique among the rows ``where`` selects).
        values: the values to look up (any number).
        where: extra equality conditions, column name to value.
    """
    if not values:
        return {}
    conditions = list((where or {}).items())
    postgres = conn.dialect.name == "postgresql"
    mark = "%s" if postgres else "?"
    extra = "".join(f" AND {_quoted(name)} = {mark}" for name, _ in conditions)
    fixed = [value for _, value in conditions]
    head = f"SELECT {_quoted(column)}, id FROM {_quoted(table.name)} WHERE "
    found: dict[Any, int] = {}
    driver = conn.connection.driver_connection
    cursor = driver.cursor()
    try:
        if postgres:  # an array of the column's own type: hashed, not compared row by row
            kind = table.c[column].type.compile(conn.dialect)
            lookup = f"{head}{_quoted(column)} = ANY(CAST(%s AS {kind}[])){extra}"
            cursor.execute(lookup, [list(values), *fixed])
            found.update(cursor.fetchall())
            return found
        for start in range(0, len(values), _SQLITE_IN_CHUNK):
            chunk = list(values[start : start + _SQLITE_IN_CHUNK])
            marks = ", ".join("?" for _ in chunk)
            cursor.execute(f"{head}{_quoted(column)} IN ({marks}){extra}", [*chunk, *fixed])
            found.update(cursor.fetchall())
        return found
    finally:
        cursor.close()
