"""Many molecular graphs as one disconnected graph: what the message-passing blocks read.

Models keep compact per-molecule :class:`~molgen.chem.graph.GraphCodes` (small numpy arrays,
no torch objects); :func:`collate_graphs` concatenates a batch of them into device tensors:
atom and bond category codes, a two-way edge index with per-molecule offsets and the batch
vector that torch_geometric's pooling functions expect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from molgen.chem.graph import GraphCodes

__all__ = ["GraphBatch", "collate_graphs"]


@dataclass(frozen=True, slots=True)
class GraphBatch:
    """Several molecular graphs as one disconnected graph, on a device.

    Attributes:
        atoms: ``(n_atoms, n_atom_features)`` int64 category codes.
        edge_index: ``(2, n_edges)`` int64, each bond in both directions.
        bonds: ``(n_edges, n_bond_features)`` int64 category codes.
        batch: ``(n_atoms,)`` int64 molecule index of each atom.
        num_graphs: number of molecules.
    """

    atoms: torch.Tensor
    edge_index: torch.Tensor
    bonds: torch.Tensor
    batch: torch.Tensor
    num_graphs: int


def collate_graphs(graphs: Sequence[GraphCodes], device: torch.device) -> GraphBatch:
    """Concatenate compact graphs into one :class:`GraphBatch` on ``device``.

    Args:
        graphs: the molecules' :class:`~molgen.chem.graph.GraphCodes`.
        device: where the tensors go.
    """
    n_atoms = np.fromiter((len(g.atoms) for g in graphs), np.int64, len(graphs))
    n_bonds = np.fromiter((len(g.bonds) for g in graphs), np.int64, len(graphs))
    offsets = np.repeat(np.cumsum(n_atoms) - n_atoms, n_bonds)
    bonds = np.concatenate([g.bonds for g in graphs]).astype(np.int64)
    begin, end = bonds[:, 0] + offsets, bonds[:, 1] + offsets
    edge_index = np.stack([np.concatenate([begin, end]), np.concatenate([end, begin])])
    codes = np.concatenate([bonds[:, 2:], bonds[:, 2:]])

    def move(array: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(array)).to(device, non_blocking=True)

    return GraphBatch(
        atoms=move(np.concatenate([g.atoms for g in graphs]).astype(np.int64)),
        edge_index=move(edge_index),
        bonds=move(codes),
        batch=move(np.repeat(np.arange(len(graphs)), n_atoms)),
        num_graphs=len(graphs),
    )
