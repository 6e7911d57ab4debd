"""A stored RDKit pattern fingerprint per molecule, to screen substructure queries.

``molecules.pattern_fp`` holds ``Chem.PatternFingerprint(mol, fpSize=2048)`` packed like
``fingerprint``. It is nullable: rows stored before this revision have none and are always
checked with RDKit, so results stay exact without a backfill. Works on SQLite and
PostgreSQL alike (a plain ``ADD COLUMN``).

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the nullable ``molecules.pattern_fp`` column."""
    op.add_column("molecules", sa.Column("pattern_fp", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    """Drop ``molecules.pattern_fp`` (batch mode, for SQLite)."""
    with op.batch_alter_table("molecules") as batch:
        batch.drop_column("pattern_fp")
