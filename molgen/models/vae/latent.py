"""Latent-space operations of the VAE: encode, decode, reconstruct, interpolate, analogs.

:class:`LatentSpaceMixin` is mixed into :class:`~molgen.models.vae.generator.VAEGenerator`;
it relies on the generator's ``module``, ``vocabulary``, ``device``, ``config`` and item
encoding. Every method runs in eval mode without gradients and keeps tensors on the device.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch

from molgen.chem.mol import canonical_smiles
from molgen.models.token_generator import evaluating

if TYPE_CHECKING:  # pragma: no cover - typing only
    from molgen.data.tokenizer import Vocabulary
    from molgen.models.vae.config import VAEConfig
    from molgen.models.vae.graph_batch import VAEBatch, VAEItem
    from molgen.models.vae.model import VAE

__all__ = ["LatentSpaceMixin"]


class LatentSpaceMixin:
    """Encoding SMILES to latent codes and decoding codes back to SMILES."""

    module: VAE
    vocabulary: Vocabulary
    device: torch.device
    config: VAEConfig

    def _items(self, smiles: Sequence[str]) -> list[VAEItem | None]: ...  # pragma: no cover
    def _usable(self, item: VAEItem | None) -> bool: ...  # pragma: no cover
    def collate(self, items: Sequence[VAEItem]) -> VAEBatch: ...  # pragma: no cover

    def _torch_generator(self, seed: int | None) -> torch.Generator | None:
        if seed is None:
            return None
        return torch.Generator(device=self.device).manual_seed(seed)

    def _decode_batch(
        self,
        z: torch.Tensor,
        temperature: float,
        greedy: bool,
        max_length: int,
        generator: torch.Generator | None,
    ) -> list[str]:
        vocab = self.vocabulary
        with evaluating(self.module):
            tokens = self.module.decode(
                z,
                bos_id=vocab.bos_id,
                eos_id=vocab.eos_id,
                banned_ids=[vocab.pad_id, vocab.bos_id, vocab.unk_id],
                max_length=max_length,
                temperature=temperature,
                greedy=greedy,
                generator=generator,
            )
        return [vocab.decode(row) for row in tokens.cpu().tolist()]

    def encode(
        self,
        smiles: Sequence[str],
        *,
        sample: bool = False,
        batch_size: int = 1024,
        seed: int | None = None,
    ) -> torch.Tensor:
        """Latent codes of SMILES: posterior means, or draws from the posterior.

        Args:
            smiles: molecules to encode (see :meth:`encodable` to filter them first).
            sample: draw z ~ q(z|x) instead of taking its mean.
            batch_size: molecules per forward pass.
            seed: seeds the draws when ``sample`` is set.

        Returns:
            ``(len(smiles), latent_size)`` float32 tensor on the model's device.

        Raises:
            ValueError: a SMILES has a token outside the vocabulary or, for the graph
                encoder, does not parse; the message names them.
        """
        items = self._items(smiles)
        bad = [s for s, item in zip(smiles, items, strict=True) if not self._usable(item)]
        if bad:
            shown = ", ".join(repr(s) for s in bad[:5]) + (" ..." if len(bad) > 5 else "")
            raise ValueError(
                f"cannot encode {len(bad)} SMILES (unknown tokens, or unparsable for the "
                f"{self.config.encoder} encoder): {shown}"
            )
        out = torch.empty((len(smiles), self.config.latent_size), device=self.device)
        order = np.argsort([len(item) for item in items], kind="stable")
        generator = self._torch_generator(seed)
        with evaluating(self.module), torch.no_grad():
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                mean, log_var = self.module.encode(self.collate([items[i] for i in rows]))
                z = mean.float()
                if sample:
                    noise = torch.randn(z.shape, generator=generator, device=self.device)
                    z = z + noise * (0.5 * log_var.float()).exp()
                out[torch.from_numpy(rows).to(self.device)] = z
        return out

    def decode(
        self,
        z: torch.Tensor,
        *,
        temperature: float = 1.0,
        greedy: bool = False,
        max_length: int = 120,
        seed: int | None = None,
        batch_size: int = 1024,
    ) -> list[str]:
        """SMILES strings (possibly invalid) decoded from latent codes.

        Args:
            z: ``(n, latent_size)`` codes (moved to the model's device).
            temperature: sampling temperature (ignored when ``greedy``).
            greedy: take the most likely token at every step.
            max_length: most tokens per SMILES.
            seed: seeds the token draws.
            batch_size: codes decoded at once.
        """
        z = z.to(self.device, torch.float32)
        generator = self._torch_generator(seed)
        out: list[str] = []
        for start in range(0, z.shape[0], batch_size):
            chunk = z[start : start + batch_size]
            out.extend(self._decode_batch(chunk, temperature, greedy, max_length, generator))
        return out

    def reconstruct(
        self,
        smiles: Sequence[str],
        *,
        greedy: bool = True,
        sample: bool = False,
        temperature: float = 1.0,
        max_length: int = 120,
        seed: int | None = None,
    ) -> list[str]:
        """``decode(encode(smiles))``: by default the greedy decoding of each posterior mean."""
        z = self.encode(smiles, sample=sample, seed=seed)
        return self.decode(
            z, temperature=temperature, greedy=greedy, max_length=max_length, seed=seed
        )

    def reconstruction_rate(
        self, smiles: Sequence[str], *, greedy: bool = True, max_length: int = 120
    ) -> float:
        """Fraction of ``smiles`` whose decoded posterior mean is the same molecule.

        Molecules are compared by RDKit canonical SMILES; SMILES that cannot be encoded count
        as failures. An empty input gives 0.
        """
        keep = [i for i, item in enumerate(self._items(smiles)) if self._usable(item)]
        if not keep:
            return 0.0
        chosen = [smiles[i] for i in keep]
        decoded = self.reconstruct(chosen, greedy=greedy, max_length=max_length, seed=0)
        same = sum(
            canonical_smiles(d) is not None and canonical_smiles(d) == canonical_smiles(s)
            for s, d in zip(chosen, decoded, strict=True)
        )
        return same / len(smiles)

    def interpolate(
        self,
        a: str,
        b: str,
        steps: int = 10,
        *,
        greedy: bool = True,
        temperature: float = 1.0,
        max_length: int = 120,
        seed: int | None = None,
    ) -> list[str]:
        """Decode ``steps`` evenly spaced points on the line between two posterior means.

        The first and last strings are the decodings of ``a``'s and ``b``'s means (their
        reconstructions, which need not equal the inputs).

        Raises:
            ValueError: ``steps < 2``, or a SMILES cannot be encoded.
        """
        if steps < 2:
            raise ValueError("interpolate needs steps >= 2 (the two endpoints)")
        ends = self.encode([a, b])
        weights = torch.linspace(0.0, 1.0, steps, device=self.device).unsqueeze(1)
        z = (1 - weights) * ends[0] + weights * ends[1]
        return self.decode(
            z, temperature=temperature, greedy=greedy, max_length=max_length, seed=seed
        )

    def analogs(
        self,
        smiles: str,
        n: int = 50,
        *,
        radius: float = 0.5,
        greedy: bool = True,
        temperature: float = 1.0,
        max_length: int = 120,
        seed: int | None = None,
        max_rounds: int = 5,
    ) -> list[str]:
        """Up to ``n`` valid molecules decoded near ``smiles`` in latent space, nearest first.

        Points ``mean + radius * eps`` (eps ~ N(0, I)) around the posterior mean are decoded
        in rounds of ``4 n`` until ``n`` distinct molecules are found or ``max_rounds`` pass.
        Each molecule is ranked by the latent distance of the nearest point that produced it.

        Returns:
            Canonical, unique, valid SMILES, the query itself excluded; fewer than ``n`` when
            the neighbourhood holds fewer.

        Raises:
            ValueError: ``smiles`` cannot be encoded.
        """
        mean = self.encode([smiles])
        query = canonical_smiles(smiles)
        generator = self._torch_generator(seed)
        nearest: dict[str, float] = {}
        for round_ in range(max_rounds):
            noise = radius * torch.randn(
                (max(4 * n, 64), mean.shape[1]), generator=generator, device=self.device
            )
            decoded = self.decode(
                mean + noise,
                temperature=temperature,
                greedy=greedy,
                max_length=max_length,
                seed=None if seed is None else seed + round_ + 1,
            )
            distances = noise.norm(dim=1).cpu().tolist()
            for text, distance in zip(decoded, distances, strict=True):
                canonical = canonical_smiles(text)
                if canonical is not None and canonical != query:
                    nearest[canonical] = min(nearest.get(canonical, np.inf), distance)
            if len(nearest) >= n:
                break
        return sorted(nearest, key=nearest.__getitem__)[:n]
