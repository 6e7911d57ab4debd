"""The RDKit cartridge itself, on the test session's fresh PostgreSQL cluster: CREATE EXTENSION
rdkit in a new database, then a substructure and a similarity query over real MOSES molecules
through the cartridge's GiST indexes, checked against RDKit in Python.

This guards the provisioning (scripts/postgres.sh install, which repairs Debian's extension
script, see docker/postgres/repair-rdkit-cartridge.sh): a PostgreSQL update that breaks the
cartridge fails here by name, not as an error in every store test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

pytestmark = pytest.mark.slow

MOSES_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "moses_300.csv"
SMARTS = "c1ccccc1S(=O)(=O)N"  # an aryl sulfonamide
QUERY = "CS(=O)(=O)N1CCC(C(=O)Nc2ccccc2)CC1"
THRESHOLD = 0.3
FP_BITS = 512  # the cartridge's default rdkit.morgan_fp_size; radius 2 is morganbv_fp's default


@pytest.fixture(scope="module")
def smiles() -> list[str]:
    """200 real molecules from the MOSES sample."""
    return pd.read_csv(MOSES_SAMPLE)["smiles"].head(200).tolist()


@pytest.fixture
def bare_database(postgres_url: str) -> Iterator[sa.Engine]:
    """A new database on the session's cluster, without the rdkit extension."""
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS molgen_cartridge_check"))
        conn.execute(sa.text("CREATE DATABASE molgen_cartridge_check"))
    engine = sa.create_engine(postgres_url.rsplit("/", 1)[0] + "/molgen_cartridge_check")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text("DROP DATABASE molgen_cartridge_check WITH (FORCE)"))
        admin.dispose()


def _extension_version(conn: sa.Connection) -> str | None:
    return conn.execute(
        sa.text("SELECT extversion FROM pg_extension WHERE extname = 'rdkit'")
    ).scalar()


def test_create_extension_then_substructure_and_similarity_match_rdkit(
    bare_database: sa.Engine, smiles: list[str]
) -> None:
    with bare_database.begin() as conn:
        assert _extension_version(conn) is None
        conn.execute(sa.text("CREATE EXTENSION rdkit"))
        assert _extension_version(conn)
        conn.execute(sa.text("CREATE TABLE mols (id int PRIMARY KEY, m mol, fp bfp)"))
        conn.execute(
            sa.text(
                "INSERT INTO mols SELECT i, mol_from_smiles(s::cstring), "
                "morganbv_fp(mol_from_smiles(s::cstring)) "
                "FROM unnest(CAST(:smiles AS text[])) WITH ORDINALITY AS t(s, i)"
            ),
            {"smiles": smiles},
        )
        conn.execute(sa.text("CREATE INDEX ix_mols_m ON mols USING gist (m)"))
        conn.execute(sa.text("CREATE INDEX ix_mols_fp ON mols USING gist (fp)"))

    mols = [Chem.MolFromSmiles(s) for s in smiles]
    pattern = Chem.MolFromSmarts(SMARTS)
    want_substructure = {i for i, mol in enumerate(mols, 1) if mol.HasSubstructMatch(pattern)}
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=FP_BITS)
    query_fp = generator.GetFingerprint(Chem.MolFromSmiles(QUERY))
    want_similarity = {
        i: DataStructs.TanimotoSimilarity(query_fp, generator.GetFingerprint(mol))
        for i, mol in enumerate(mols, 1)
    }
    want_similar = {i for i, sim in want_similarity.items() if sim >= THRESHOLD}
    assert 0 < len(want_substructure) < len(smiles) and 0 < len(want_similar) < len(smiles)

    with bare_database.begin() as conn:
        conn.execute(sa.text("SET LOCAL enable_seqscan = off"))  # through the GiST indexes
        substructure = conn.execute(
            sa.text("SELECT id FROM mols WHERE m @> qmol_from_smarts(CAST(:q AS cstring))"),
            {"q": SMARTS},
        ).scalars()
        assert set(substructure) == want_substructure

        conn.execute(sa.text(f"SET LOCAL rdkit.tanimoto_threshold = {THRESHOLD}"))
        similar = conn.execute(
            sa.text(
                "SELECT id, tanimoto_sml(fp, morganbv_fp(mol_from_smiles(CAST(:q AS cstring)))) "
                "FROM mols WHERE fp % morganbv_fp(mol_from_smiles(CAST(:q AS cstring)))"
            ),
            {"q": QUERY},
        ).all()
        assert {i for i, _ in similar} == want_similar
        for i, sim in similar:
            assert sim == pytest.approx(want_similarity[i], abs=1e-9)


def test_exact_match_and_operator_links_are_consistent(bare_database: sa.Engine) -> None:
    """The repaired @= still finds exact matches, and every commutator or negator link the
    extension declares points back (what PostgreSQL 15.20 and later enforce)."""
    with bare_database.begin() as conn:
        conn.execute(sa.text("CREATE EXTENSION rdkit"))
        same = conn.execute(
            sa.text("SELECT 'OC1=CC=CC=C1'::mol @= 'c1ccccc1O', 'c1ccccc1'::mol @= 'Oc1ccccc1'")
        ).one()
        assert tuple(same) == (True, False)
        one_sided = conn.execute(
            sa.text(
                "SELECT o.oid::regoperator::text FROM pg_operator o "
                "JOIN pg_depend d ON d.classid = 'pg_operator'::regclass AND d.objid = o.oid "
                "JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'rdkit' "
                "LEFT JOIN pg_operator c ON c.oid = o.oprcom "
                "LEFT JOIN pg_operator n ON n.oid = o.oprnegate "
                "WHERE (o.oprcom <> 0 AND c.oprcom <> o.oid) "
                "   OR (o.oprnegate <> 0 AND n.oprnegate <> o.oid)"
            )
        ).scalars()
        assert list(one_sided) == []
