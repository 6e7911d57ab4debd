"""The VAE's encoders: molecules -> the mean and log-variance of a Gaussian posterior.

The graph encoder is assembled from the shared blocks of :mod:`molgen.nn`.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from molgen.models.vae.graph_batch import VAEBatch
from molgen.nn import CategoricalEmbedding, GINEStack, SumMeanReadout

__all__ = ["GraphEncoder", "SmilesEncoder"]


class SmilesEncoder(nn.Module):
    """A bidirectional GRU over token embeddings; its final states give mean and log-variance.

    Args:
        embedding: the token embedding (shared with the decoder).
        hidden_size: GRU units per direction.
        num_layers: stacked GRU layers.
        dropout: dropout between GRU layers.
        latent_size: latent dimensions.
    """

    def __init__(
        self,
        embedding: nn.Embedding,
        hidden_size: int,
        num_layers: int,
        dropout: float,
        latent_size: int,
    ) -> None:
        super().__init__()
        self.embedding = embedding
        self.gru = nn.GRU(
            embedding.embedding_dim,
            hidden_size,
            num_layers,
            batch_first=True,
            bidirectional=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.head = nn.Linear(2 * hidden_size, 2 * latent_size)

    def forward(self, batch: VAEBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """``(mean, log_variance)``, each ``(batch, latent)``, of a :class:`VAEBatch`."""
        packed = pack_padded_sequence(
            self.embedding(batch.tokens), batch.lengths, batch_first=True, enforce_sorted=False
        )
        _, hidden = self.gru(packed)  # (layers * 2, batch, hidden)
        last = torch.cat([hidden[-2], hidden[-1]], dim=-1)
        mean, log_var = self.head(last).chunk(2, dim=-1)
        return mean, log_var


class GraphEncoder(nn.Module):
    """Molecular graph -> mean and log-variance: atom states from an embedding, updated by
    message passing, pooled per molecule, then batch-normalised (the sum pool grows with
    molecule size) and mapped by a two-layer perceptron.

    Args:
        atoms: embeds the atom codes as atom states ``message_passing.hidden_size`` wide.
        message_passing: updates the atom states over the bonds.
        readout: pools the atom states into one vector per molecule.
        latent_size: latent dimensions.
    """

    def __init__(
        self,
        atoms: CategoricalEmbedding,
        message_passing: GINEStack,
        readout: SumMeanReadout,
        latent_size: int,
    ) -> None:
        super().__init__()
        hidden_size = message_passing.hidden_size
        pooled_size = readout.output_size(hidden_size)
        self.atoms = atoms
        self.message_passing = message_passing
        self.readout = readout
        self.head = nn.Sequential(
            nn.BatchNorm1d(pooled_size),
            nn.Linear(pooled_size, hidden_size),
            nn.ReLU(),
            nn.Linear(hidden_size, 2 * latent_size),
        )
        self.register_load_state_dict_pre_hook(_nest_legacy_message_passing)

    def forward(self, batch: VAEBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """``(mean, log_variance)``, each ``(batch, latent)``, of a :class:`VAEBatch`."""
        graphs = batch.graphs
        if graphs is None:
            raise ValueError("the graph encoder needs batches with graphs")
        x = self.message_passing(self.atoms(graphs.atoms), graphs.edge_index, graphs.bonds)
        pooled = self.readout(x, graphs.batch, graphs.num_graphs)
        mean, log_var = self.head(pooled).chunk(2, dim=-1)
        return mean, log_var


# Before the GINE layers became molgen.nn.GINEStack (the encoder's ``message_passing``), the
# encoder held them itself, so checkpoints of that time name them without that prefix.
_LEGACY_MESSAGE_PASSING = ("bonds.", "convs.", "norms.")


def _nest_legacy_message_passing(
    module: nn.Module, state_dict: dict[str, torch.Tensor], prefix: str, *args: object
) -> None:
    """Load-state-dict pre-hook: rename a legacy checkpoint's ``<prefix>bonds.*``,
    ``convs.*`` and ``norms.*`` entries to ``<prefix>message_passing.*`` (in place)."""
    for key in [key for key in state_dict if key.startswith(prefix)]:
        local = key[len(prefix) :]
        if local.startswith(_LEGACY_MESSAGE_PASSING):
            state_dict[f"{prefix}message_passing.{local}"] = state_dict.pop(key)
