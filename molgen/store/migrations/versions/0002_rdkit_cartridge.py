"""PostgreSQL with the RDKit cartridge: indexed ``mol`` and ``bfp`` columns on molecules.

``mol`` is parsed from the stored canonical SMILES and ``bfp`` is built from the stored
2048-bit Morgan fingerprint bytes (``bfp_from_binary_text``), so the cartridge screens on
exactly the bits SQLite screens on. A trigger keeps both filled on insert and update. Both
get a GiST index. Skipped (a no-op) on SQLite and where the ``rdkit`` extension is not
available to the server.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-01
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

log = logging.getLogger(__name__)

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION molgen_molecules_cartridge() RETURNS trigger AS $$
BEGIN
    NEW.mol := mol_from_smiles(NEW.smiles::cstring);
    NEW.bfp := bfp_from_binary_text(NEW.fingerprint);
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def _rdkit_installed() -> bool:
    """Whether the ``rdkit`` extension is (or can now be) installed in this database.

    Creating an extension needs a privileged role: when it fails, the cartridge is skipped
    (the store works without it) rather than failing the migration.
    """
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    count = "SELECT count(*) FROM {} WHERE {} = 'rdkit'"
    if bind.execute(sa.text(count.format("pg_extension", "extname"))).scalar_one():
        return True
    if not bind.execute(sa.text(count.format("pg_available_extensions", "name"))).scalar_one():
        log.info("the rdkit extension is not available: no cartridge columns")
        return False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS rdkit"))
    except sa.exc.DBAPIError as exc:
        log.warning("cannot create the rdkit extension (%s): no cartridge columns", exc.orig)
        return False
    return True


def upgrade() -> None:
    """Create the extension, the two columns, their trigger and GiST indexes (PostgreSQL)."""
    if not _rdkit_installed():
        return
    op.execute("ALTER TABLE molecules ADD COLUMN mol mol")
    op.execute("ALTER TABLE molecules ADD COLUMN bfp bfp")
    op.execute(_TRIGGER_FUNCTION)
    op.execute(
        "CREATE TRIGGER molgen_molecules_cartridge BEFORE INSERT OR UPDATE OF smiles, "
        "fingerprint ON molecules FOR EACH ROW EXECUTE FUNCTION molgen_molecules_cartridge()"
    )
    op.execute(
        "UPDATE molecules SET mol = mol_from_smiles(smiles::cstring), "
        "bfp = bfp_from_binary_text(fingerprint)"
    )
    op.execute("CREATE INDEX ix_molecules_mol ON molecules USING gist (mol)")
    op.execute("CREATE INDEX ix_molecules_bfp ON molecules USING gist (bfp)")


def downgrade() -> None:
    """Drop the cartridge columns and trigger (the extension stays)."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS molgen_molecules_cartridge ON molecules")
    op.execute("DROP FUNCTION IF EXISTS molgen_molecules_cartridge()")
    op.execute("ALTER TABLE molecules DROP COLUMN IF EXISTS mol")
    op.execute("ALTER TABLE molecules DROP COLUMN IF EXISTS bfp")
