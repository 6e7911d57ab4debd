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

from molgen.nn.embedding import CategoricalEmbedding

__all__ = ["DirectedMessagePassing", "reverse_edges"]


def reverse_edges(states: torch.Tensor) -> torch.Tensor:
    """Per-edge rows reordered so that row ``e`` holds the row of edge ``e``'s reverse.

    :func:`~molgen.nn.graph_batch.collate_graphs` lists every bond forwards first and then
    backwards in the same order, so the reverse of edge ``e`` is ``(e + E/2) mod E``: the
    two halves swap (a copy, cheaper than a gather).
    """
    half = states.shape[0] // 2
    return torch.cat([states[half:], states[:half]])


def _sum_into_atoms(states: torch.Tensor, target: torch.Tensor, n_atoms: int) -> torch.Tensor:
    """``(n_atoms, hidden)``: the sum of the states of the edges entering each atom."""
    return states.new_zeros(n_atoms, states.shape[1]).index_add_(0, target, states)


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
        initial = self.input_atoms(atoms)[source] + self.input_bonds(bonds) + self.input_bias
        state = torch.relu(initial)
        for _ in range(self.depth - 1):
            incoming = _sum_into_atoms(state, target, n_atoms)
            message = incoming[source] - reverse_edges(state)
            state = self.dropout(torch.relu(initial + self.message(message)))
        incoming = _sum_into_atoms(state, target, n_atoms)
        hidden = self.output_atoms(atoms) + self.output_messages(incoming)
        return self.dropout(torch.relu(hidden))
