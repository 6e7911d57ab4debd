"""Every score a run computed: ``scores`` keyed by (candidate, name), and ``objectives``.

A scored table may carry more scores than the store's fixed columns (an objective's
``<component>_raw`` and ``<component>_desirability``, or any other numeric column); they go
into ``scores``, one row per candidate and score name, indexed on ``(name, value)`` so a
query filters or sorts by any of them through an index. ``objectives`` names the objective
(and its version) that produced them, once per objective instead of once per row.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``objectives`` and ``scores`` with the ``(name, value)`` index."""
    op.create_table(
        "objectives",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.UniqueConstraint("name", "version", name="uq_objective"),
    )
    op.create_table(
        "scores",
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("candidates.id"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("objective_id", sa.Integer(), sa.ForeignKey("objectives.id"), nullable=True),
        sa.PrimaryKeyConstraint("candidate_id", "name"),
    )
    op.create_index("ix_scores_name_value", "scores", ["name", "value"])


def downgrade() -> None:
    """Drop ``scores`` and ``objectives`` (and with them every extra score)."""
    op.drop_index("ix_scores_name_value", table_name="scores")
    op.drop_table("scores")
    op.drop_table("objectives")
