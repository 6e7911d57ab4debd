"""Descriptor components against plain RDKit calls on real molecules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rdkit import Chem
from rdkit.Chem import QED, Crippen, Descriptors, Lipinski, rdMolDescriptors
from rdkit.Contrib.SA_Score import sascorer

from molgen.scoring.components import MolBatch, build_component


@pytest.fixture(scope="module")
def smiles(data_dir) -> list[str]:
    return [
        *pd.read_csv(data_dir / "moses_300.csv")["smiles"].head(40),
        "C[C@H](N)C(=O)O", "CC(C)C[C@@H]1NC(=O)[C@H](C)NC1=O", "[NH4+].[Cl-]", "C1CCCCCCCCCCC1",
        "CC(=O)[O-]", "OC1CCC(O)CC1",
    ]  # fmt: skip


def _largest_ring(mol: Chem.Mol) -> int:
    return max((len(r) for r in mol.GetRingInfo().AtomRings()), default=0)


def _lipinski(mol: Chem.Mol) -> int:
    rules = (Descriptors.MolWt(mol) > 500, Crippen.MolLogP(mol) > 5,
             Lipinski.NumHDonors(mol) > 5, Lipinski.NumHAcceptors(mol) > 10)  # fmt: skip
    return sum(int(rule) for rule in rules)


PLAIN = {
    "mw": Descriptors.MolWt,
    "logp": Crippen.MolLogP,
    "tpsa": rdMolDescriptors.CalcTPSA,
    "hbd": Lipinski.NumHDonors,
    "hba": Lipinski.NumHAcceptors,
    "rotb": lambda m: rdMolDescriptors.CalcNumRotatableBonds(m, strict=True),
    "rings": rdMolDescriptors.CalcNumRings,
    "qed": QED.qed,
    "sa": sascorer.calculateScore,
    "lipinski_violations": _lipinski,
    "heavy_atoms": lambda m: m.GetNumHeavyAtoms(),
    "fraction_csp3": rdMolDescriptors.CalcFractionCSP3,
    "aromatic_rings": rdMolDescriptors.CalcNumAromaticRings,
    "formal_charge": lambda m: sum(a.GetFormalCharge() for a in m.GetAtoms()),
    "largest_ring": _largest_ring,
    "stereocentres": lambda m: len(Chem.FindMolChiralCenters(
        m, includeUnassigned=True, useLegacyImplementation=False)),
}  # fmt: skip


@pytest.mark.parametrize("type_name", sorted(PLAIN))
def test_descriptor_equals_plain_rdkit(smiles, type_name):
    batch = MolBatch.from_smiles([*smiles, "not a smiles", None, ""])
    got = build_component(type_name, type_name, {})(batch)
    mols = [Chem.MolFromSmiles(Chem.MolToSmiles(Chem.MolFromSmiles(s))) for s in smiles]
    want = np.array([PLAIN[type_name](mol) for mol in mols], dtype=float)
    np.testing.assert_allclose(got[: len(smiles)], want, rtol=1e-12, atol=1e-12)
    assert np.isnan(got[len(smiles) :]).all()


def test_known_values_are_reused_not_recomputed():
    batch = MolBatch.from_canonical(["CCO", "CCN", None], np.array([True, True, False]),
                                    known={"qed": np.array([0.25, 0.5, np.nan])})  # fmt: skip
    np.testing.assert_array_equal(build_component("q", "qed", {})(batch)[:2], [0.25, 0.5])
    assert build_component("h", "heavy_atoms", {})(batch)[:2].tolist() == [3.0, 3.0]


def test_a_descriptor_takes_no_params():
    from molgen.utils.errors import ConfigError

    with pytest.raises(ConfigError, match=r"params\.radius: unknown key"):
        build_component("q", "qed", {"radius": 2})
