"""The CharRNN family as a :class:`~molgen.models.base.Generator`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import torch
from pydantic import ValidationError

from molgen.data.tokenizer import Vocabulary
from molgen.models.base import MetricLogger, TrainResult
from molgen.models.char_rnn.config import CharRNNConfig
from molgen.models.char_rnn.model import CharRNN
from molgen.models.checkpoint import make_checkpoint, read_checkpoint, write_checkpoint
from molgen.models.registry import register_model
from molgen.utils.errors import InputError
from molgen.utils.runtime import resolve_device

if TYPE_CHECKING:  # pragma: no cover - typing only
    from molgen.training.config import TrainConfig

__all__ = ["CharRNNGenerator"]

MODEL_TYPE = "char_rnn"


@contextmanager
def _evaluating(module: torch.nn.Module) -> Iterator[None]:
    """Put ``module`` in eval mode for the block, then restore its previous mode."""
    was_training = module.training
    module.eval()
    try:
        yield
    finally:
        module.train(was_training)


@register_model(MODEL_TYPE, CharRNNConfig)
class CharRNNGenerator:
    """A SMILES language model (embedding -> LSTM -> linear) behind the Generator protocol.

    Besides the protocol it offers the trainer's hooks: :meth:`prepare`, :meth:`collate`,
    :meth:`training_loss`, :meth:`validation_loss` and :meth:`to`.

    Args:
        config: the network's sizes.
        vocabulary: the token list (special tokens first), e.g. ``Vocabulary.build(...)``.
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda`` or ``cuda:N``.
    """

    def __init__(
        self,
        config: CharRNNConfig,
        vocabulary: list[str],
        device: str | torch.device = "auto",
    ) -> None:
        self.config = config
        self.vocabulary = Vocabulary(vocabulary)
        self.device = resolve_device(str(device))
        self.data_hash = ""
        self.module = CharRNN(
            vocab_size=len(self.vocabulary),
            embedding_dim=config.embedding_dim,
            hidden_size=config.hidden_size,
            num_layers=config.num_layers,
            dropout=config.dropout,
            pad_id=self.vocabulary.pad_id,
        ).to(self.device)

    # ----------------------------------------------------------------- trainer hooks
    def to(self, device: str | torch.device) -> Self:
        """Move the network to ``device`` (``auto`` resolves as in the constructor)."""
        self.device = resolve_device(str(device))
        self.module.to(self.device)
        return self

    def prepare(self, smiles: Sequence[str]) -> list[list[int]]:
        """Encode SMILES once, before training: ``<bos>`` ids ``<eos>`` per molecule."""
        return [self.vocabulary.encode(s) for s in smiles]

    def collate(self, items: Sequence[list[int]]) -> torch.Tensor:
        """Pad encoded molecules into a ``(batch, longest)`` tensor on this device."""
        batch = np.full((len(items), max(map(len, items))), self.vocabulary.pad_id, np.int64)
        for row, ids in enumerate(items):
            batch[row, : len(ids)] = ids
        return torch.from_numpy(batch).to(self.device, non_blocking=True)

    def validation_loss(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Summed token NLL of a batch and its token count (both device tensors)."""
        nll = self.module.token_nll(batch)
        return nll.sum(), (batch[:, 1:] != self.vocabulary.pad_id).sum()

    def training_loss(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean token NLL to minimise (teacher forcing) and the token count it averages."""
        total, count = self.validation_loss(batch)
        return total / count, count

    # ----------------------------------------------------------------- Generator protocol
    def fit(
        self,
        train: Sequence[str],
        valid: Sequence[str],
        config: TrainConfig,
        out_dir: str | Path,
        *,
        resume: bool = False,
        data_hash: str = "",
        log_metrics: MetricLogger | None = None,
    ) -> TrainResult:
        """Train with the shared :class:`~molgen.training.trainer.Trainer`."""
        from molgen.training.trainer import Trainer  # models sit below training

        self.data_hash = data_hash
        return Trainer(config).fit(
            self, train, valid, out_dir, resume=resume, data_hash=data_hash, log_metrics=log_metrics
        )

    def sample(
        self,
        n: int,
        temperature: float = 1.0,
        *,
        max_length: int = 120,
        batch_size: int = 1024,
        seed: int | None = None,
    ) -> list[str]:
        """Draw ``n`` SMILES strings (possibly invalid), ``batch_size`` at a time.

        A sequence that reaches ``max_length`` tokens without ``<eos>`` is returned cut off.
        The same ``seed`` on the same device gives the same strings.
        """
        generator = None
        if seed is not None:
            generator = torch.Generator(device=self.device).manual_seed(seed)
        vocab = self.vocabulary
        out: list[str] = []
        with _evaluating(self.module):
            for start in range(0, n, batch_size):
                tokens = self.module.sample(
                    min(batch_size, n - start),
                    bos_id=vocab.bos_id,
                    eos_id=vocab.eos_id,
                    banned_ids=[vocab.pad_id, vocab.bos_id, vocab.unk_id],
                    max_length=max_length,
                    temperature=temperature,
                    generator=generator,
                )
                out.extend(vocab.decode(row) for row in tokens.cpu().tolist())
        return out

    def likelihood(self, smiles: Sequence[str], batch_size: int = 1024) -> np.ndarray:
        """Log-likelihood (nats) of each SMILES, ``<eos>`` included.

        Returns:
            float64 array in input order; ``-inf`` where a SMILES has a token outside the
            vocabulary.
        """
        result = np.full(len(smiles), -np.inf)
        encoded = self.prepare(smiles)
        known = [i for i, ids in enumerate(encoded) if self.vocabulary.unk_id not in ids]
        known.sort(key=lambda i: len(encoded[i]))
        with _evaluating(self.module), torch.no_grad():
            for start in range(0, len(known), batch_size):
                rows = known[start : start + batch_size]
                nll = self.module.token_nll(self.collate([encoded[i] for i in rows]))
                result[rows] = -nll.sum(dim=1).double().cpu().numpy()
        return result

    def save(self, path: str | Path, *, extra: dict[str, Any] | None = None) -> None:
        """Write a checkpoint (see :mod:`molgen.models.checkpoint`) atomically.

        Args:
            path: destination file.
            extra: further plain-data entries, e.g. ``trainer_state``.
        """
        checkpoint = make_checkpoint(
            MODEL_TYPE,
            self.config.model_dump(mode="json"),
            self.vocabulary.to_list(),
            self.module.state_dict(),
            {"data_hash": self.data_hash, **(extra or {})},
        )
        write_checkpoint(checkpoint, path)

    @classmethod
    def load(cls, path: str | Path, device: str | torch.device = "auto") -> Self:
        """Load a CharRNN checkpoint with ``weights_only=True``.

        Raises:
            InputError: missing file, not a molgen checkpoint, another family, a newer
                schema, or a config/weights mismatch.
        """
        checkpoint = read_checkpoint(path, MODEL_TYPE)
        try:
            config = CharRNNConfig.model_validate(checkpoint["config"])
            generator = cls(config, checkpoint["vocabulary"], device=device)
            generator.module.load_state_dict(checkpoint["state_dict"])
        except (ValidationError, ValueError, RuntimeError) as exc:
            reason = str(exc).strip().splitlines()[0]
            raise InputError(path, f"inconsistent CharRNN checkpoint: {reason}") from None
        generator.data_hash = str(checkpoint.get("data_hash", ""))
        return generator
