"""Message passing over molecular graphs: atoms updated from their neighbours and bonds."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch_geometric.nn import GINEConv

from molgen.nn.embedding import CategoricalEmbedding

__all__ = ["GINEStack"]


def _gin_mlp(width: int) -> nn.Sequential:
    """The two-layer perceptron a GINE layer applies to each atom's aggregated messages."""
    return nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width))


class GINEStack(nn.Module):
    """Layers of GINE message passing (Hu et al., 2020) with residual connections.

    Each layer embeds the bond codes afresh, updates every atom state from its neighbours'
    states plus the bonds to them (``GINEConv`` with a learnt epsilon), batch-normalises the
    update and adds it to the state through ReLU and dropout.

    Args:
        hidden_size: width of the atom states it reads and returns.
        bond_sizes: category counts of the bond features (e.g.
            :data:`~molgen.chem.graph.BOND_FEATURE_SIZES`).
        num_layers: message-passing layers.
        dropout: dropout on each layer's update.
    """

    def __init__(
        self, hidden_size: int, bond_sizes: Sequence[int], num_layers: int, dropout: float
    ) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.bonds = nn.ModuleList(
            CategoricalEmbedding(bond_sizes, hidden_size) for _ in range(num_layers)
        )
        self.convs = nn.ModuleList(
            GINEConv(_gin_mlp(hidden_size), train_eps=True) for _ in range(num_layers)
        )
        self.norms = nn.ModuleList(nn.BatchNorm1d(hidden_size) for _ in range(num_layers))
        self.dropout = nn.Dropout(dropout)

    def forward(
        self, atoms: torch.Tensor, edge_index: torch.Tensor, bonds: torch.Tensor
    ) -> torch.Tensor:
        """Atom states after message passing.

        Args:
            atoms: ``(n_atoms, hidden_size)`` initial atom states.
            edge_index: ``(2, n_edges)`` source and target atoms, each bond in both directions.
            bonds: ``(n_edges, n_bond_features)`` integer bond codes, one row per edge.

        Returns:
            ``(n_atoms, hidden_size)`` atom states.
        """
        x = atoms
        for conv, embed_bonds, norm in zip(self.convs, self.bonds, self.norms, strict=True):
            update = conv(x, edge_index, embed_bonds(bonds))
            x = x + self.dropout(torch.relu(norm(update)))
        return x
