"""Training items and batches of the VAE: token ids plus, for the graph encoder, a graph.

:meth:`VAEGenerator.prepare` keeps one :class:`VAEItem` per molecule (small numpy arrays,
no torch objects); :func:`collate_items` pads their tokens into a device tensor and batches
their graphs with :func:`molgen.nn.graph_batch.collate_graphs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from molgen.chem.graph import GraphCodes
from molgen.nn.graph_batch import GraphBatch, collate_graphs

__all__ = ["VAEBatch", "VAEItem", "collate_items"]


@dataclass(frozen=True, slots=True)
class VAEItem:
    """One encoded molecule: ``<bos>`` ids ``<eos>`` and, for the graph encoder, its graph.

    ``len(item)`` is its token count, which the trainer buckets batches by.
    """

    tokens: np.ndarray
    graph: GraphCodes | None = None

    def __len__(self) -> int:
        return len(self.tokens)


@dataclass(frozen=True, slots=True)
class VAEBatch:
    """A padded token batch, its lengths (on the CPU, for packing) and optional graphs."""

    tokens: torch.Tensor
    lengths: torch.Tensor
    graphs: GraphBatch | None = None

    def __len__(self) -> int:
        return self.tokens.shape[0]


def collate_items(items: Sequence[VAEItem], pad_id: int, device: torch.device) -> VAEBatch:
    """Pad the token ids of ``items`` and, when they carry graphs, batch those too.

    Args:
        items: encoded molecules; either all or none carry a graph.
        pad_id: padding token id.
        device: where the tensors go (the lengths stay on the CPU).
    """
    lengths = np.fromiter((len(item.tokens) for item in items), np.int64, len(items))
    tokens = np.full((len(items), int(lengths.max())), pad_id, np.int64)
    for row, item in enumerate(items):
        tokens[row, : len(item.tokens)] = item.tokens
    graphs = None
    if items[0].graph is not None:
        graphs = collate_graphs([item.graph for item in items], device)
    return VAEBatch(
        tokens=torch.from_numpy(tokens).to(device, non_blocking=True),
        lengths=torch.from_numpy(lengths),
        graphs=graphs,
    )
