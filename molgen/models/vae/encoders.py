"""The VAE's encoders: molecules -> the mean and log-variance of a Gaussian posterior."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence
from torch_geometric.nn import GINEConv, global_add_pool, global_mean_pool

from molgen.models.vae.graph_batch import VAEBatch

__all__ = ["CategoricalEmbedding", "GraphEncoder", "SmilesEncoder"]


class CategoricalEmbedding(nn.Module):
    """Sum of one embedding per categorical column: a linear map of concatenated one-hots.

    Args:
        sizes: number of categories of each column.
        dim: output width.
    """

    def __init__(self, sizes: tuple[int, ...], dim: int) -> None:
        super().__init__()
        offsets = torch.tensor([0, *sizes[:-1]]).cumsum(0)
        self.register_buffer("offsets", offsets, persistent=False)
        self.embedding = nn.Embedding(sum(sizes), dim)

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """``(rows, columns)`` integer codes -> ``(rows, dim)`` features."""
        return self.embedding(codes + self.offsets).sum(dim=1)


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
    """GINE message passing over the molecular graph, then sum and mean pooling.

    Each layer updates atom states from their neighbours and the bonds between them
    (``GINEConv``), with a residual connection and batch normalisation. The readout
    concatenates the sum and the mean of the final atom states, batch-normalised.

    Args:
        atom_sizes: category counts of the atom features.
        bond_sizes: category counts of the bond features.
        hidden_size: atom state width.
        num_layers: message-passing layers.
        dropout: dropout after each layer.
        latent_size: latent dimensions.
    """

    def __init__(
        self,
        atom_sizes: tuple[int, ...],
        bond_sizes: tuple[int, ...],
        hidden_size: int,
        num_layers: int,
        dropout: float,
        latent_size: int,
    ) -> None:
        super().__init__()
        self.atoms = CategoricalEmbedding(atom_sizes, hidden_size)
        self.bonds = nn.ModuleList(
            CategoricalEmbedding(bond_sizes, hidden_size) for _ in range(num_layers)
        )
        self.convs = nn.ModuleList(
            GINEConv(
                nn.Sequential(
                    nn.Linear(hidden_size, hidden_size),
                    nn.ReLU(),
                    nn.Linear(hidden_size, hidden_size),
                ),
                train_eps=True,
            )
            for _ in range(num_layers)
        )
        self.norms = nn.ModuleList(nn.BatchNorm1d(hidden_size) for _ in range(num_layers))
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Sequential(
            nn.BatchNorm1d(2 * hidden_size),  # the sum pool grows with molecule size
            nn.Linear(2 * hidden_size, hidden_size),
            nn.ReLU(),
            nn.Linear(hidden_size, 2 * latent_size),
        )

    def forward(self, batch: VAEBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """``(mean, log_variance)``, each ``(batch, latent)``, of a :class:`VAEBatch`."""
        graphs = batch.graphs
        if graphs is None:
            raise ValueError("the graph encoder needs batches with graphs")
        x = self.atoms(graphs.atoms)
        for conv, bonds, norm in zip(self.convs, self.bonds, self.norms, strict=True):
            update = conv(x, graphs.edge_index, bonds(graphs.bonds))
            x = x + self.dropout(torch.relu(norm(update)))
        size = graphs.num_graphs
        pooled = torch.cat(
            [
                global_add_pool(x, graphs.batch, size=size),
                global_mean_pool(x, graphs.batch, size=size),
            ],
            dim=-1,
        )
        mean, log_var = self.head(pooled).chunk(2, dim=-1)
        return mean, log_var
