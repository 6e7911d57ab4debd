"""Directed bond message passing (the D-MPNN scheme of Yang et al., 2019).

States live on directed bonds. The message into bond ``v→w`` at each step is the sum of
the states of the bonds entering ``v``, except the one coming back from ``w``; a bond's
new state is its initial state plus a learnt map of that message. After the last step each
atom gathers the states of its incoming bonds and is combined with its own features.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch_geometric.utils import scatter

from molgen.nn.embedding import CategoricalEmbedding

__all__ = ["DirectedMessagePassing", "reverse_edges"]


def reverse_edges(num_edges: int, device: torch.device) -> torch.Tensor:
    """The index of each edge's reverse in a :class:`~molgen.nn.graph_batch.GraphBatch`.

    :func:`~molgen.nn.graph_batch.collate_graphs` lists every bond forwards first and then
    backwards in the same order, so edge ``e`` and edge ``(e + E/2) mod E`` are a pair.
    """
    half = num_edges // 2
    return (torch.arange(num_edges, device=device) + half) % max(num_edges, 1)


class DirectedMessagePassing(nn.Module):
    """Message passing on directed bonds, returning one state per atom.

    Args:
        atom_sizes: category counts of the atom feature columns.
        bond_sizes: category counts of the bond feature columns.
        hidden_size: width of the bond and atom states.
        depth: message-passing steps.
        dropout: dropout on each step's bond states and on the atom states.
    """

    def __init__(
        self,
        atom_sizes: Sequence[int],
        bond_sizes: Sequence[int],
        hidden_size: int,
        depth: int,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.depth = depth
        # A linear map of [atom one-hots ‖ bond one-hots] is a sum of two embeddings.
        self.input_atoms = CategoricalEmbedding(atom_sizes, hidden_size)
        self.input_bonds = CategoricalEmbedding(bond_sizes, hidden_size)
        self.input_bias = nn.Parameter(torch.zeros(hidden_size))
        self.message = nn.Linear(hidden_size, hidden_size, bias=False)
        self.output_atoms = CategoricalEmbedding(atom_sizes, hidden_size)
        self.output_messages = nn.Linear(hidden_size, hidden_size)
        self.dropout = nn.Dropout(dropout)

    def forward(
        self, atoms: torch.Tensor, edge_index: torch.Tensor, bonds: torch.Tensor
    ) -> torch.Tensor:
        """Atom states after ``depth`` steps of directed bond message passing.

        Args:
            atoms: ``(n_atoms, n_atom_features)`` integer atom codes.
            edge_index: ``(2, n_edges)`` source and target atoms, each bond forwards then
                backwards (the layout of :func:`~molgen.nn.graph_batch.collate_graphs`).
            bonds: ``(n_edges, n_bond_features)`` integer bond codes.

        Returns:
            ``(n_atoms, hidden_size)`` atom states.
        """
        n_atoms = atoms.shape[0]
        source, target = edge_index[0], edge_index[1]
        reverse = reverse_edges(edge_index.shape[1], atoms.device)
        initial = self.input_atoms(atoms)[source] + self.input_bonds(bonds) + self.input_bias
        state = torch.relu(initial)
        for _ in range(self.depth - 1):
            incoming = scatter(state, target, dim=0, dim_size=n_atoms, reduce="sum")
            message = incoming[source] - state[reverse]
            state = self.dropout(torch.relu(initial + self.message(message)))
        incoming = scatter(state, target, dim=0, dim_size=n_atoms, reduce="sum")
        hidden = self.output_atoms(atoms) + self.output_messages(incoming)
        return self.dropout(torch.relu(hidden))
