"""collate_graphs: compact molecular graphs -> one disconnected graph on a device."""

from __future__ import annotations

import torch

from molgen.chem.graph import graph_codes
from molgen.nn import collate_graphs


def test_graphs_are_concatenated_with_offset_two_way_edges() -> None:
    ethanol, water, benzene = (graph_codes(s) for s in ("CCO", "O", "c1ccccc1"))
    batch = collate_graphs([ethanol, water, benzene], torch.device("cpu"))
    assert batch.num_graphs == 3
    assert batch.batch.tolist() == [0, 0, 0, 1, 2, 2, 2, 2, 2, 2]
    assert batch.atoms.shape == (10, ethanol.atoms.shape[1]) and batch.atoms.dtype == torch.int64
    n_bonds = 2 + 0 + 6
    assert batch.edge_index.shape == (2, 2 * n_bonds)
    assert batch.bonds.shape == (2 * n_bonds, ethanol.bonds.shape[1] - 2)
    edges = set(map(tuple, batch.edge_index.T.tolist()))
    assert {(0, 1), (1, 0), (1, 2), (2, 1)} <= edges  # ethanol, both directions
    assert {(4, 5), (5, 4), (9, 4), (4, 9)} <= edges  # benzene, shifted past ethanol and water
    same_graph = batch.batch[batch.edge_index[0]] == batch.batch[batch.edge_index[1]]
    assert bool(same_graph.all())
