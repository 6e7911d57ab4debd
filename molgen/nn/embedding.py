"""Embeddings of categorical features, such as the atom and bond codes of a molecular graph."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["CategoricalEmbedding"]


class CategoricalEmbedding(nn.Module):
    """Sum of one embedding per categorical column: a linear map of concatenated one-hots.

    Args:
        sizes: number of categories of each column (e.g.
            :data:`~molgen.chem.graph.ATOM_FEATURE_SIZES`).
        dim: output width.
    """

    def __init__(self, sizes: Sequence[int], dim: int) -> None:
        super().__init__()
        sizes = tuple(sizes)
        offsets = torch.tensor([0, *sizes[:-1]]).cumsum(0)
        self.register_buffer("offsets", offsets, persistent=False)
        self.embedding = nn.Embedding(sum(sizes), dim)

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """``(rows, columns)`` integer codes -> ``(rows, dim)`` features."""
        return nn.functional.embedding_bag(codes + self.offsets, self.embedding.weight, mode="sum")
