"""The VAE family as a :class:`~molgen.models.base.Generator`, with the trainer's hooks.

Training objective (``training_loss``): the beta-weighted negative ELBO divided by the number
of tokens in the batch, ``(sum recon NLL + beta * sum KL) / tokens``. With beta = 1 this is
the negative ELBO per token, so the reconstruction term has the scale of a language model's
loss and the learning rates that suit CharRNN suit it too; beta is annealed by
:meth:`VAEConfig.beta` and is relative to the true ELBO (MOSES's per-token reconstruction
with a per-molecule KL at weight w corresponds to beta = w * mean tokens per molecule).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from molgen.chem.graph import ATOM_FEATURE_SIZES, BOND_FEATURE_SIZES, GraphCodes, graph_codes
from molgen.data.batching import sorted_batches
from molgen.models.families import register_family
from molgen.models.token_generator import TokenGenerator, evaluating
from molgen.models.vae.config import VAEConfig
from molgen.models.vae.encoders import GraphEncoder, SmilesEncoder
from molgen.models.vae.graph_batch import VAEBatch, VAEItem, collate_items
from molgen.models.vae.latent import LatentSpaceMixin
from molgen.models.vae.model import VAE, gaussian_kl
from molgen.nn import CategoricalEmbedding, GINEStack, SumMeanReadout
from molgen.utils.parallel import chunked, parallel_map

__all__ = ["VAEGenerator"]

logger = logging.getLogger(__name__)

_PARALLEL_FROM = 20_000  # featurise graphs over all cores from this many molecules
_ACTIVE_VARIANCE = 0.01  # Burda et al.: a unit is active if Cov_x(E[z|x]) exceeds this
_COLLAPSE_FRACTION = 0.1  # warn when fewer active units than this after annealing
_MONITOR_RECONSTRUCTION = 500  # validation molecules decoded after each epoch


def _graph_chunk(smiles: Sequence[str]) -> list[GraphCodes | None]:
    return [graph_codes(s) for s in smiles]


@register_family("vae", VAEConfig)
class VAEGenerator(LatentSpaceMixin, TokenGenerator):
    """A variational autoencoder of SMILES with a SMILES (GRU) or graph (GNN) encoder.

    Args:
        config: sizes, encoder kind and KL annealing.
        vocabulary: the token list (special tokens first), e.g. ``Vocabulary.build(...)``.
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda`` or ``cuda:N``.
    """

    model_type = "vae"
    config_class = VAEConfig
    config: VAEConfig
    module: VAE

    def __init__(
        self, config: VAEConfig, vocabulary: list[str], device: str | torch.device = "auto"
    ) -> None:
        super().__init__(config, vocabulary, device)
        self.kl_beta = config.kl_weight
        self._done = 1.0
        self._totals: torch.Tensor | None = None  # recon sum, KL sum, tokens, molecules

    def build_module(self) -> VAE:
        """The encoder named by the config, the shared token embedding and the decoder."""
        cfg = self.config
        embedding = nn.Embedding(len(self.vocabulary), cfg.embedding_dim, self.vocabulary.pad_id)
        encoder: nn.Module
        if cfg.encoder == "smiles":
            encoder = SmilesEncoder(
                embedding, cfg.encoder_hidden_size, cfg.encoder_layers, cfg.dropout, cfg.latent_size
            )
        else:
            encoder = GraphEncoder(
                CategoricalEmbedding(ATOM_FEATURE_SIZES, cfg.gnn_hidden_size),
                GINEStack(cfg.gnn_hidden_size, BOND_FEATURE_SIZES, cfg.gnn_layers, cfg.dropout),
                SumMeanReadout(),
                cfg.latent_size,
            )
        return VAE(
            encoder,
            embedding,
            cfg.latent_size,
            cfg.decoder_hidden_size,
            cfg.decoder_layers,
            cfg.dropout,
            self.vocabulary.pad_id,
        )

    # ----------------------------------------------------------------- encoding
    def _items(self, smiles: Sequence[str]) -> list[VAEItem | None]:
        """One item per SMILES; None where the graph encoder cannot featurise it."""
        dtype = np.uint8 if len(self.vocabulary) <= 256 else np.int32
        tokens = [np.asarray(self.vocabulary.encode(s), dtype) for s in smiles]
        if self.config.encoder == "smiles":
            return [VAEItem(ids) for ids in tokens]
        if len(smiles) >= _PARALLEL_FROM:
            graphs = [g for part in parallel_map(_graph_chunk, chunked(smiles, 5000)) for g in part]
        else:
            graphs = _graph_chunk(smiles)
        return [None if g is None else VAEItem(t, g) for t, g in zip(tokens, graphs, strict=True)]

    def _usable(self, item: VAEItem | None) -> bool:
        return item is not None and not (item.tokens == self.vocabulary.unk_id).any()

    def prepare(self, smiles: Sequence[str]) -> list[VAEItem]:
        """Token ids (and compact graphs for the graph encoder), once before training.

        SMILES the graph encoder cannot featurise are left out, with a warning.
        """
        items = [item for item in self._items(smiles) if item is not None]
        if len(items) < len(smiles):
            logger.warning("left out %d unparsable SMILES", len(smiles) - len(items))
        return items

    def collate(self, items: Sequence[VAEItem]) -> VAEBatch:
        """Pad tokens (and batch graphs) into a :class:`VAEBatch` on this device."""
        return collate_items(items, self.vocabulary.pad_id, self.device)

    def encodable(self, smiles: Sequence[str]) -> list[int]:
        """Indices of the SMILES :meth:`encode` and :meth:`likelihood` accept: every token in
        the vocabulary and, for the graph encoder, a parsable molecule."""
        return [i for i, item in enumerate(self._items(smiles)) if self._usable(item)]

    # ----------------------------------------------------------------- trainer hooks
    def _terms(self, batch: VAEBatch) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Summed reconstruction NLL, per-dimension KL ``(batch, latent)`` and token count,
        with z drawn from the posterior."""
        mean, log_var = self.module.encode(batch)
        z = mean + torch.randn_like(mean) * (0.5 * log_var).exp()
        nll = self.module.token_nll(batch.tokens, z)
        count = (batch.tokens[:, 1:] != self.vocabulary.pad_id).sum()
        return nll.sum(), gaussian_kl(mean, log_var), count

    def training_loss(self, batch: VAEBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """``(recon NLL + beta * KL) / tokens`` for the batch, and its token count."""
        recon, kl, count = self._terms(batch)
        kl_sum = kl.sum()
        penalised = kl_sum
        if self.config.free_bits > 0:
            penalised = kl.mean(0).clamp(min=self.config.free_bits).sum() * kl.shape[0]
        loss = (recon + self.kl_beta * penalised) / count
        terms = torch.stack(
            [recon.detach(), kl_sum.detach(), count.float(), count.new_tensor(len(batch)).float()]
        )
        self._totals = terms if self._totals is None else self._totals + terms
        return loss, count

    def validation_loss(self, batch: VAEBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """Summed negative ELBO (reconstruction NLL + KL, one z sample each) and tokens."""
        recon, kl, count = self._terms(batch)
        return recon + kl.sum(), count

    def set_progress(self, step: int, done: float) -> None:
        """Set the KL weight from the annealing schedule (``done`` = fraction of budget)."""
        self._done = done
        self.kl_beta = self.config.beta(done)

    def interval_metrics(self) -> dict[str, float]:
        """Per-token ``recon_loss``, per-molecule ``kl`` since the last call, and ``kl_weight``."""
        metrics = {"kl_weight": self.kl_beta}
        if self._totals is not None:
            recon, kl, tokens, molecules = self._totals.tolist()  # one host sync
            self._totals = None
            metrics.update(recon_loss=recon / max(tokens, 1.0), kl=kl / max(molecules, 1.0))
        return metrics

    def epoch_metrics(self, val_items: Sequence[VAEItem]) -> dict[str, float]:
        """Validation ``kl`` per molecule, ``active_units``, ``active_units_fraction`` and
        ``reconstruction_rate``.

        A latent unit is active when the variance over molecules of its posterior mean
        exceeds 0.01 (Burda et al., 2016). Few active units after annealing ends mean the
        decoder ignores z (posterior collapse), which is logged as a warning. The
        reconstruction rate is that of the first 500 validation molecules (greedy decoding of
        their posterior means).
        """
        means, kls = [], []
        with evaluating(self.module), torch.no_grad():
            for idx in sorted_batches([len(item) for item in val_items], 1024):
                mean, log_var = self.module.encode(self.collate([val_items[i] for i in idx]))
                means.append(mean.float())
                kls.append(gaussian_kl(mean, log_var).sum(dim=1))
        mean = torch.cat(means)
        variance = mean.var(dim=0) if len(mean) > 1 else torch.zeros_like(mean[0])
        active = (variance > _ACTIVE_VARIANCE).sum()
        kl, units = torch.stack([torch.cat(kls).mean(), active.float()]).tolist()
        fraction = units / self.config.latent_size
        if self._done >= self.config.kl_anneal_end and fraction < _COLLAPSE_FRACTION:
            logger.warning(
                "posterior collapse: only %d of %d latent units are active (KL %.2f nats)",
                units,
                self.config.latent_size,
                kl,
            )
        monitored = [
            self.vocabulary.decode(item.tokens) for item in val_items[:_MONITOR_RECONSTRUCTION]
        ]
        return {
            "kl": kl,
            "active_units": units,
            "active_units_fraction": fraction,
            "reconstruction_rate": self.reconstruction_rate(monitored) if monitored else 0.0,
        }

    # ----------------------------------------------------------------- Generator protocol
    def sample(
        self,
        n: int,
        temperature: float = 1.0,
        *,
        max_length: int = 120,
        batch_size: int = 1024,
        seed: int | None = None,
    ) -> list[str]:
        """Decode ``n`` latent codes drawn from the N(0, I) prior (possibly invalid SMILES).

        The same ``seed`` on the same device gives the same strings.
        """
        generator = self._torch_generator(seed)
        latent = self.config.latent_size
        out: list[str] = []
        for start in range(0, n, batch_size):
            size = min(batch_size, n - start)
            z = torch.randn((size, latent), generator=generator, device=self.device)
            out.extend(self._decode_batch(z, temperature, False, max_length, generator))
        return out

    def likelihood(
        self, smiles: Sequence[str], batch_size: int = 1024, *, n_samples: int = 1, seed: int = 0
    ) -> np.ndarray:
        """The ELBO of each SMILES: a lower bound on its log-likelihood, in nats.

        ELBO = E_q(z|x)[log p(x|z)] - KL(q(z|x) || p(z)); the expectation is estimated with
        ``n_samples`` seeded draws of z, so the values are reproducible.

        Returns:
            float64 array in input order; ``-inf`` where a SMILES has a token outside the
            vocabulary or (graph encoder) cannot be parsed.
        """
        result = np.full(len(smiles), -np.inf)
        items = self._items(smiles)
        known = sorted(
            (i for i, item in enumerate(items) if self._usable(item)), key=lambda i: len(items[i])
        )
        shape = (n_samples, len(known), self.config.latent_size)  # drawn once: the values
        noises = torch.randn(shape, generator=self._torch_generator(seed), device=self.device)
        with evaluating(self.module), torch.no_grad():  # do not depend on batch_size
            for start in range(0, len(known), batch_size):
                rows = known[start : start + batch_size]
                batch = self.collate([items[i] for i in rows])
                mean, log_var = self.module.encode(batch)
                elbo = -gaussian_kl(mean, log_var).sum(dim=1)
                for noise in noises[:, start : start + batch_size]:
                    z = mean + noise.to(mean.dtype) * (0.5 * log_var).exp()
                    elbo = elbo - self.module.token_nll(batch.tokens, z).sum(dim=1) / n_samples
                result[rows] = elbo.double().cpu().numpy()
        return result
