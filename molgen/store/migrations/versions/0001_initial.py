"""The store's tables: molecules, runs and candidates.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_MOLECULE_INDEXED = ("mw", "logp", "tpsa", "qed", "sa", "pains", "brenk", "fp_popcount")


def upgrade() -> None:
    """Create ``molecules``, ``runs`` and ``candidates`` as :mod:`molgen.store.schema` has them."""
    op.create_table(
        "molecules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("inchikey", sa.String(27), nullable=False),
        sa.Column("smiles", sa.Text(), nullable=False),
        sa.Column("mw", sa.Float()),
        sa.Column("logp", sa.Float()),
        sa.Column("tpsa", sa.Float()),
        sa.Column("hbd", sa.Integer()),
        sa.Column("hba", sa.Integer()),
        sa.Column("rotb", sa.Integer()),
        sa.Column("rings", sa.Integer()),
        sa.Column("qed", sa.Float()),
        sa.Column("sa", sa.Float()),
        sa.Column("lipinski_violations", sa.Integer()),
        sa.Column("pains", sa.Boolean(), nullable=False),
        sa.Column("brenk", sa.Boolean(), nullable=False),
        sa.Column("alerts", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.LargeBinary(), nullable=False),
        sa.Column("fp_popcount", sa.Integer(), nullable=False),
        sa.UniqueConstraint("inchikey"),
    )
    for column in _MOLECULE_INDEXED:
        op.create_index(f"ix_molecules_{column}", "molecules", [column])

    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_key", sa.String(64), nullable=False),
        sa.Column("mlflow_run_id", sa.String(64)),
        sa.Column("mlflow_tracking_uri", sa.Text()),
        sa.Column("name", sa.Text()),
        sa.Column("source", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("run_key"),
    )
    op.create_index("ix_runs_mlflow_run_id", "runs", ["mlflow_run_id"])

    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("molecule_id", sa.Integer(), sa.ForeignKey("molecules.id"), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("family", sa.String(64), nullable=False),
        sa.Column("model_type", sa.String(64)),
        sa.Column("checkpoint", sa.Text()),
        sa.Column("temperature", sa.Float()),
        sa.Column("score", sa.Float()),
        sa.Column("novel", sa.Boolean()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("run_id", "family", "molecule_id", name="uq_candidate"),
    )
    op.create_index("ix_candidates_molecule", "candidates", ["molecule_id"])
    op.create_index("ix_candidates_created", "candidates", ["created_at"])
    op.create_index("ix_candidates_score", "candidates", ["score"])
    op.create_index("ix_candidates_run_id", "candidates", ["run_id"])
    op.create_index("ix_candidates_family", "candidates", ["family"])
    op.create_index("ix_candidates_novel", "candidates", ["novel"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("candidates")
    op.drop_table("runs")
    op.drop_table("molecules")
