"""Readouts: one vector per molecule from the states of its atoms."""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import global_add_pool, global_mean_pool

__all__ = ["SumMeanReadout"]


class SumMeanReadout(nn.Module):
    """The sum and the mean of each molecule's atom states, concatenated.

    The sum carries the molecule's size, the mean its composition. Neither depends on the
    order of the atoms. There are no parameters; a model that wants the sum's scale tamed
    normalises the result itself.
    """

    def output_size(self, hidden_size: int) -> int:
        """Width of the readout of ``hidden_size``-wide atom states."""
        return 2 * hidden_size

    def forward(self, x: torch.Tensor, batch: torch.Tensor, num_graphs: int) -> torch.Tensor:
        """Pool atom states per molecule.

        Args:
            x: ``(n_atoms, hidden)`` atom states.
            batch: ``(n_atoms,)`` molecule index of each atom.
            num_graphs: number of molecules (a molecule without atoms pools to zeros).

        Returns:
            ``(num_graphs, 2 * hidden)``: the sums, then the means.
        """
        return torch.cat(
            [
                global_add_pool(x, batch, size=num_graphs),
                global_mean_pool(x, batch, size=num_graphs),
            ],
            dim=-1,
        )
