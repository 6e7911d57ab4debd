from __future__ import annotations

import numpy as np
import torch
from rdkit import Chem
from rdkit.Chem import Descriptors

from molgen.chem.graph import graph_codes
from molgen.nn.directed import DirectedMessagePassing, reverse_edges
from molgen.nn.graph_batch import collate_graphs
from molgen.predictors.featurize import DESCRIPTOR_NAMES, featurise


def test_graph_counts_match_rdkit() -> None:
    smiles = ["CC(=O)Nc1ccc(O)cc1", "C[N+](C)(C)C", "O"]
    batch = collate_graphs([graph_codes(s) for s in smiles], torch.device("cpu"))
    mols = [Chem.MolFromSmiles(s) for s in smiles]
    assert batch.atoms.shape[0] == sum(m.GetNumAtoms() for m in mols)
    assert batch.edge_index.shape[1] == 2 * sum(m.GetNumBonds() for m in mols)
    assert batch.batch.tolist() == [0] * 11 + [1] * 5 + [2]


def test_feature_values_of_paracetamol() -> None:
    codes = graph_codes("CC(=O)Nc1ccc(O)cc1")
    assert codes is not None
    mol = Chem.MolFromSmiles("CC(=O)Nc1ccc(O)cc1")
    nitrogen = next(a.GetIdx() for a in mol.GetAtoms() if a.GetSymbol() == "N")
    # element N (code 1), degree 2, charge 0 (code 1), one H, not aromatic, not in a ring, SP2
    assert codes.atoms[nitrogen].tolist() == [1, 2, 1, 1, 0, 0, 2]
    aromatic = codes.bonds[codes.bonds[:, 2] == 3]
    assert len(aromatic) == 6 and (aromatic[:, 4] == 1).all()


def test_reverse_edges_pair_up() -> None:
    batch = collate_graphs([graph_codes("CCO"), graph_codes("C=N")], torch.device("cpu"))
    source, target = batch.edge_index
    back = reverse_edges(batch.edge_index.T)
    assert torch.equal(back[:, 0], target) and torch.equal(back[:, 1], source)


def test_message_passing_ignores_atom_order() -> None:
    torch.manual_seed(0)
    block = DirectedMessagePassing((13, 7, 4, 6, 2, 2, 7), (5, 2, 2), 16, 3).eval()
    a = collate_graphs([graph_codes("OCC(N)c1ccccc1")], torch.device("cpu"))
    b = collate_graphs([graph_codes("c1ccc(cc1)C(N)CO")], torch.device("cpu"))
    pooled_a = block(a.atoms, a.edge_index, a.bonds).sum(0)
    pooled_b = block(b.atoms, b.edge_index, b.bonds).sum(0)
    assert torch.allclose(pooled_a, pooled_b, atol=1e-5)


def test_featurise_marks_invalid_and_matches_rdkit_descriptors() -> None:
    found = featurise(["CCO", "not a smiles", None, "c1ccccc1"], descriptors=True)
    assert found.valid.tolist() == [True, False, False, True]
    assert len(found.graphs) == 2 and found.descriptors is not None
    column = DESCRIPTOR_NAMES.index("MolLogP")
    expected = Descriptors.MolLogP(Chem.MolFromSmiles("c1ccccc1"))
    assert np.isclose(found.descriptors[1, column], expected)
