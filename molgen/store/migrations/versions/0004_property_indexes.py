"""B-tree indexes on the integer properties, so sorting or filtering by them walks an index.

Queries sort by any property; without these, ordering a million molecules by ``hbd``,
``hba``, ``rotb``, ``rings`` or ``lipinski_violations`` sorts the whole table.

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


def upgrade() -> None:
    """Create ``ix_molecules_<column>`` for each integer property."""
    for column in COLUMNS:
        op.create_index(f"ix_molecules_{column}", "molecules", [column])


def downgrade() -> None:
    """Drop the indexes."""
    for column in COLUMNS:
        op.drop_index(f"ix_molecules_{column}", table_name="molecules")
