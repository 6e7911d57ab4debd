"""B-tree indexes on the integer properties, so sorting or filtering by them walks an index.

Queries sort by any property; without these, ordering a million molecules by ``hbd``,
``hba``, ``rotb``, ``rings`` or ``lipinski_violations`` sorts the whole table.

On PostgreSQL, also indexes in the exact order of a descending page by score or by date
(``DESC NULLS LAST``, ties by candidate id): a backward scan of an ascending index puts
NULLs first, so PostgreSQL would otherwise sort every candidate for each such page.
SQLite's planner needs no such index (and its ``CREATE INDEX`` takes no ``NULLS LAST``).

Revision ID: 0004
Revises: 0003
Create Date: 2025-01-03
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = ("hbd", "hba", "rotb", "rings", "lipinski_violations")
POSTGRESQL_ORDERED = {
    "ix_candidates_score_desc": "candidates (score DESC NULLS LAST, id)",
    "ix_candidates_created_desc": "candidates (created_at DESC NULLS LAST, id)",
}


def upgrade() -> None:
    """Create ``ix_molecules_<column>`` for each integer property (and, on PostgreSQL, the
    descending page indexes)."""
    for column in COLUMNS:
        op.create_index(f"ix_molecules_{column}", "molecules", [column])
    if op.get_bind().dialect.name == "postgresql":
        for name, definition in POSTGRESQL_ORDERED.items():
            op.execute(f"CREATE INDEX {name} ON {definition}")


def downgrade() -> None:
    """Drop the indexes."""
    if op.get_bind().dialect.name == "postgresql":
        for name in POSTGRESQL_ORDERED:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    for column in COLUMNS:
        op.drop_index(f"ix_molecules_{column}", table_name="molecules")
