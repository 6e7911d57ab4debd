"""The predictor network: directed message passing, a readout and a feed-forward head.

:class:`PredictorNetwork` is assembled from modules passed in; :func:`build_network` is the
one factory that turns a :class:`~molgen.predictors.config.PredictorConfig` into them.
"""

from __future__ import annotations

import torch
from torch import nn

from molgen.chem.graph import ATOM_FEATURE_SIZES, BOND_FEATURE_SIZES
from molgen.nn.directed import DirectedMessagePassing
from molgen.nn.graph_batch import GraphBatch
from molgen.nn.readout import AggregationReadout
from molgen.predictors.config import PredictorConfig

__all__ = ["PredictorNetwork", "build_network", "feed_forward"]

_MIN_VARIANCE = 1e-6


def feed_forward(
    input_size: int, hidden_size: int, output_size: int, layers: int, dropout: float
) -> nn.Sequential:
    """A ReLU perceptron of ``layers`` linear layers (the last one maps to ``output_size``)."""
    modules: list[nn.Module] = []
    width = input_size
    for _ in range(layers - 1):
        modules += [nn.Dropout(dropout), nn.Linear(width, hidden_size), nn.ReLU()]
        width = hidden_size
    modules += [nn.Dropout(dropout), nn.Linear(width, output_size)]
    return nn.Sequential(*modules)


class PredictorNetwork(nn.Module):
    """Molecule graphs (plus optional descriptors) to one output per target.

    Args:
        encoder: atom states from a graph (:class:`DirectedMessagePassing`).
        readout: one vector per molecule from its atom states.
        head: the feed-forward head; its output has ``n_targets`` columns, or
            ``2 * n_targets`` with ``mve`` (means, then raw variances).
        n_targets: number of targets.
        mve: whether the head also predicts variances.
    """

    def __init__(
        self,
        encoder: nn.Module,
        readout: nn.Module,
        head: nn.Module,
        n_targets: int,
        mve: bool,
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.readout = readout
        self.head = head
        self.n_targets = n_targets
        self.mve = mve

    def forward(
        self, graphs: GraphBatch, descriptors: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Predictions of a batch.

        Args:
            graphs: the batch's molecules.
            descriptors: ``(num_graphs, n_descriptors)`` scaled descriptors, if the network
                was built for them.

        Returns:
            ``(means, variances)``: ``(num_graphs, n_targets)`` outputs (logits for
            classification, standardised values for regression) and, with ``mve``,
            positive variances of the same shape (else None).
        """
        atoms = self.encoder(graphs.atoms, graphs.edge_index, graphs.bonds)
        molecules = self.readout(atoms, graphs.batch, graphs.num_graphs)
        if descriptors is not None:
            molecules = torch.cat([molecules, descriptors], dim=-1)
        out = self.head(molecules)
        if not self.mve:
            return out, None
        means, raw = out[:, : self.n_targets], out[:, self.n_targets :]
        return means, nn.functional.softplus(raw) + _MIN_VARIANCE


def build_network(config: PredictorConfig, n_descriptors: int) -> PredictorNetwork:
    """The network ``config`` describes.

    Args:
        config: the predictor's settings.
        n_descriptors: width of the descriptor block joined to the readout (0 for none).
    """
    n_targets = len(config.targets)
    mve = config.mve and config.task == "regression"
    encoder = DirectedMessagePassing(
        ATOM_FEATURE_SIZES, BOND_FEATURE_SIZES, config.hidden_size, config.depth, config.dropout
    )
    readout = AggregationReadout(config.aggregation, config.norm_constant)
    head = feed_forward(
        readout.output_size(config.hidden_size) + n_descriptors,
        config.hidden_size,
        n_targets * (2 if mve else 1),
        config.ffn_layers,
        config.dropout,
    )
    return PredictorNetwork(encoder, readout, head, n_targets, mve)
