"""Tanimoto similarity against plain RDKit fingerprints."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from molgen.scoring.components import MolBatch, build_component
from molgen.utils.errors import ConfigError

CELECOXIB = "Cc1ccc(-c2cc(C(F)(F)F)nn2-c2ccc(S(N)(=O)=O)cc2)cc1"
ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"


@pytest.fixture(scope="module")
def smiles(data_dir) -> list[str]:
    return [*pd.read_csv(data_dir / "moses_300.csv")["smiles"].head(50), CELECOXIB]


GENERATORS = {
    "ECFP4": lambda: rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048),
    "ECFP6": lambda: rdFingerprintGenerator.GetMorganGenerator(radius=3, fpSize=1024),
    "FCFP4": lambda: rdFingerprintGenerator.GetMorganGenerator(
        radius=2, fpSize=2048,
        atomInvariantsGenerator=rdFingerprintGenerator.GetMorganFeatureAtomInvGen()),
    "atom_pair": lambda: rdFingerprintGenerator.GetAtomPairGenerator(fpSize=2048),
    "torsion": lambda: rdFingerprintGenerator.GetTopologicalTorsionGenerator(fpSize=2048),
    "rdkit": lambda: rdFingerprintGenerator.GetRDKitFPGenerator(fpSize=2048),
}  # fmt: skip
BITS = {"ECFP6": 1024}


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("aggregate", ["max", "mean"])
def test_similarity_equals_rdkit(smiles, name, aggregate):
    refs = [CELECOXIB, ASPIRIN]
    params = {"smiles": refs, "fingerprint": name, "bits": BITS.get(name, 2048),
              "aggregate": aggregate}  # fmt: skip
    got = build_component("sim", "tanimoto", params)(MolBatch.from_smiles([*smiles, "bad"]))
    generator = GENERATORS[name]()
    ref_fps = [generator.GetFingerprint(Chem.MolFromSmiles(s)) for s in refs]
    want = []
    for text in smiles:
        fp = generator.GetFingerprint(Chem.MolFromSmiles(text))
        sims = DataStructs.BulkTanimotoSimilarity(fp, ref_fps)
        want.append(max(sims) if aggregate == "max" else np.mean(sims))
    np.testing.assert_allclose(got[:-1], want, rtol=1e-12)
    assert np.isnan(got[-1]) and (got[-2] == 1.0 if aggregate == "max" else got[-2] < 1)


def test_morgan_radius_and_counts(smiles):
    params = {"smiles": [CELECOXIB], "fingerprint": "morgan", "radius": 1, "counts": True}
    got = build_component("sim", "tanimoto", params)(MolBatch.from_smiles(smiles))
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=1, fpSize=2048)
    ref = generator.GetCountFingerprint(Chem.MolFromSmiles(CELECOXIB))
    want = [DataStructs.TanimotoSimilarity(generator.GetCountFingerprint(Chem.MolFromSmiles(s)),
                                           ref) for s in smiles]  # fmt: skip
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"smiles": ["C1CC("]}, "reference SMILES 'C1CC\\(' does not parse"),
        ({"smiles": ["C"], "fingerprint": "ECFP5"}, "unknown fingerprint 'ECFP5'"),
        ({"smiles": ["C"], "fingerprint": "rdkit", "radius": 2}, "radius applies to Morgan"),
        ({"smiles": ["C"], "bits": 1001}, "multiple of 8"),
        ({"smiles": ["C"], "aggregate": "min"}, "params.aggregate"),
    ],
)
def test_bad_similarity_params(params, message):
    with pytest.raises(ConfigError, match=message):
        build_component("sim", "tanimoto", params)
