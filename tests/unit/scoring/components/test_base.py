"""The component registry and the shared molecule batch."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest

from molgen.chem.fingerprints import FingerprintSpec
from molgen.scoring.components import (
    ComponentParams,
    MolBatch,
    build_component,
    known_components,
    register_component,
)
from molgen.utils.errors import ConfigError

BUILTINS = {
    "mw", "logp", "tpsa", "hbd", "hba", "rotb", "rings", "qed", "sa", "lipinski_violations",
    "pains", "brenk", "novelty", "heavy_atoms", "fraction_csp3", "aromatic_rings",
    "formal_charge", "largest_ring", "stereocentres", "alerts", "substructure", "tanimoto",
    "isomer", "python",
}  # fmt: skip


def test_builtins_are_registered_and_unknown_types_list_them():
    assert set(known_components()) >= BUILTINS
    with pytest.raises(ConfigError, match="unknown component type 'qedd'; known: alerts, ") as e:
        build_component("x", "qedd", {})
    assert "tanimoto" in str(e.value)


class _Params(ComponentParams):
    offset: float


@register_component("test_atom_offset", _Params)
class _AtomsPlusOffset:
    """Heavy atoms plus an offset (registered by this test module)."""

    local: ClassVar[bool] = False

    def __init__(self, name, params, context):
        self.name, self.offset = name, params.offset

    def __call__(self, batch):
        return batch.values("heavy", lambda m: m.GetNumHeavyAtoms()) + self.offset


def test_a_registered_component_is_built_with_typed_params():
    component = build_component("plus", "test_atom_offset", {"offset": 0.5})
    assert component(MolBatch.from_smiles(["CCO", "x"])).tolist()[0] == 3.5
    with pytest.raises(ConfigError, match=r"params\.offset: Field required"):
        build_component("plus", "test_atom_offset", {})
    with pytest.raises(ValueError, match="already registered"):
        register_component("test_atom_offset", _Params)(type("Other", (), {}))


def test_batch_parses_once_and_caches_derived_data():
    batch = MolBatch.from_smiles(["OCC", None, "", "C1CC", "[Na+].[Cl-]", "c1ccccc1"])
    assert batch.valid.tolist() == [True, False, False, False, True, True]
    assert batch.canonical == ["CCO", None, None, None, "[Cl-].[Na+]", "c1ccccc1"]
    calls = []
    first = batch.derived("n", lambda m: calls.append(1) or m.GetNumAtoms())
    second = batch.derived("n", lambda m: calls.append(1) or m.GetNumAtoms())
    assert first is second and len(calls) == 3 and first[1] is None
    spec = FingerprintSpec.from_name("ECFP4")
    assert batch.fingerprints(spec) is batch.fingerprints(FingerprintSpec.from_name("ECFP4"))


def test_an_rdkit_error_on_one_molecule_gives_none_for_it(caplog):
    def fails_on_benzene(mol):
        if mol.GetNumAtoms() == 6:
            raise RuntimeError("boom")
        return 1.0

    batch = MolBatch.from_smiles(["CCO", "c1ccccc1"])
    values = batch.values("x", fails_on_benzene)
    assert values[0] == 1.0 and np.isnan(values[1]) and "boom" in caplog.text
