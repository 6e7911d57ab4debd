"""Molecular graph featurisation: shapes, both edge directions, features of special atoms."""

from __future__ import annotations

import numpy as np
import pytest

from molgen.chem.graph import (
    ATOM_FEATURE_SIZES,
    BOND_FEATURE_SIZES,
    graph_codes,
    mol_graph,
    one_hot_codes,
)

N_ATOM, N_BOND = sum(ATOM_FEATURE_SIZES), sum(BOND_FEATURE_SIZES)
AROMATIC = sum(ATOM_FEATURE_SIZES[:4]) + 1  # column of "aromatic = yes"
IN_RING = sum(ATOM_FEATURE_SIZES[:5]) + 1
CHARGE = sum(ATOM_FEATURE_SIZES[:2])  # first column of the formal-charge block


def test_shapes_and_dtypes_of_ethanol() -> None:
    graph = mol_graph("CCO")
    assert graph is not None
    assert graph.node_features.shape == (3, N_ATOM)
    assert graph.node_features.dtype == np.float32
    assert graph.edge_index.shape == (2, 4) and graph.edge_index.dtype == np.int64
    assert graph.edge_features.shape == (4, N_BOND)
    # one 1 per feature block
    assert (graph.node_features.sum(axis=1) == len(ATOM_FEATURE_SIZES)).all()
    assert (graph.edge_features.sum(axis=1) == len(BOND_FEATURE_SIZES)).all()


def test_every_bond_appears_in_both_directions_with_equal_features() -> None:
    graph = mol_graph("CC(=O)Nc1ccccc1")
    assert graph is not None
    edges = {tuple(pair) for pair in graph.edge_index.T.tolist()}
    assert all((j, i) in edges for i, j in edges)
    half = graph.edge_index.shape[1] // 2
    np.testing.assert_array_equal(graph.edge_features[:half], graph.edge_features[half:])


def test_aromatic_ring_atoms_and_bonds() -> None:
    graph = mol_graph("c1ccccc1")
    assert graph is not None
    assert (graph.node_features[:, AROMATIC] == 1).all()
    assert (graph.node_features[:, IN_RING] == 1).all()
    aromatic_bond = 3  # index of AROMATIC among the bond types
    assert (graph.edge_features[:, aromatic_bond] == 1).all()


def test_charged_atom_and_unlisted_element() -> None:
    codes = graph_codes("C[N+](C)(C)C.[Cl-]")
    assert codes is not None
    charges = codes.atoms[:, 2]
    assert charges[1] == 2 and charges[-1] == 0  # +1 and -1 in (-1, 0, +1)
    graph = mol_graph("[Sn]")
    assert graph is not None
    assert graph.node_features[0, ATOM_FEATURE_SIZES[0] - 1] == 1  # element "other"
    assert graph.edge_index.shape == (2, 0) and graph.edge_features.shape == (0, N_BOND)
    assert mol_graph("C[N+](C)(C)C").node_features[1, CHARGE + 2] == 1


@pytest.mark.parametrize("bad", ["", "not a smiles", "C1CC", None])
def test_unparsable_input_gives_none(bad: str | None) -> None:
    assert graph_codes(bad) is None
    assert mol_graph(bad) is None


def test_one_hot_codes_expands_each_column() -> None:
    out = one_hot_codes(np.array([[0, 2], [1, 0]]), (2, 3))
    np.testing.assert_array_equal(out, [[1, 0, 0, 0, 1], [0, 1, 1, 0, 0]])
