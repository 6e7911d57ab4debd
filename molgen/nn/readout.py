"""Readouts: one vector per molecule from the states of its atoms."""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import global_add_pool, global_mean_pool

__all__ = ["AggregationReadout", "SumMeanReadout"]


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


class AggregationReadout(nn.Module):
    """One vector per molecule: the mean, the sum, or the sum over a constant of its atoms.

    Args:
        kind: ``mean``, ``sum`` or ``norm`` (the sum divided by ``norm_constant``, which
            keeps the size signal at a tame scale).
        norm_constant: the divisor of ``norm``.
    """

    def __init__(self, kind: str = "mean", norm_constant: float = 100.0) -> None:
        super().__init__()
        if kind not in {"mean", "sum", "norm"}:
            raise ValueError(f"unknown aggregation {kind!r}; known: mean, sum, norm")
        self.kind = kind
        self.norm_constant = norm_constant

    def output_size(self, hidden_size: int) -> int:
        """Width of the readout of ``hidden_size``-wide atom states."""
        return hidden_size

    def forward(self, x: torch.Tensor, batch: torch.Tensor, num_graphs: int) -> torch.Tensor:
        """Pool ``(n_atoms, hidden)`` atom states into ``(num_graphs, hidden)``."""
        if self.kind == "mean":
            return global_mean_pool(x, batch, size=num_graphs)
        pooled = global_add_pool(x, batch, size=num_graphs)
        return pooled / self.norm_constant if self.kind == "norm" else pooled
