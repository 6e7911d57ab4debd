"""Fréchet ChemNet Distance (FCD; Preuer et al. 2018, J. Chem. Inf. Model. 58, 1736).

Each molecule set is summarised by the mean and covariance of ChemNet's penultimate-layer
activations (512 numbers per molecule); the FCD is the Fréchet distance between the two
Gaussians those statistics describe. ChemNet's weights ship in the ``fcd`` wheel from PyPI,
so nothing is downloaded at run time.

As in MOSES, SMILES are canonicalised with RDKit first and only the valid ones are used.
A set with fewer than two valid molecules has no covariance: it raises
:class:`EvaluationInputError` (a one-line :class:`~molgen.utils.errors.MolgenError`), never
returns NaN.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pkgutil
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import torch
from scipy import linalg

from molgen.chem.mol import canonical_smiles
from molgen.utils.errors import MolgenError
from molgen.utils.runtime import resolve_device

__all__ = [
    "CHEMNET_FILE",
    "EvaluationInputError",
    "FCDStats",
    "chemnet_activations",
    "chemnet_version",
    "frechet_distance",
    "load_chemnet",
    "valid_canonical",
]

logger = logging.getLogger(__name__)

CHEMNET_FILE = "ChemNet_v0.13_pretrained.pt"
"""ChemNet weights inside the ``fcd`` package."""

_EPS = 1e-6  # diagonal offset for near-singular covariance products (as in the reference code)
_IMAG_TOL = 1e-3  # largest imaginary part on sqrtm's diagonal treated as numerical noise


class EvaluationInputError(MolgenError, ValueError):
    """A molecule set that a metric cannot be computed on (empty, invalid, too small)."""


def valid_canonical(smiles: Sequence[str | None]) -> list[str]:
    """RDKit canonical SMILES of the valid entries, in input order (duplicates kept).

    Unparsable, empty or non-string entries are dropped.
    """
    out = (canonical_smiles(s) for s in smiles)
    return [s for s in out if s]


@cache
def _chemnet_bytes() -> bytes:
    data = pkgutil.get_data("fcd", CHEMNET_FILE)
    if data is None:  # pragma: no cover - a broken install
        raise MolgenError(f"the fcd package does not contain {CHEMNET_FILE}; reinstall fcd")
    return data


@cache
def chemnet_version() -> str:
    """ChemNet's file name plus the first 12 hex digits of the SHA-256 of its weights."""
    return f"{CHEMNET_FILE}:{hashlib.sha256(_chemnet_bytes()).hexdigest()[:12]}"


@cache
def load_chemnet() -> torch.nn.Module:
    """ChemNet from the ``fcd`` wheel, in eval mode on the CPU (loaded once per process).

    The file is a plain list of layer configs and state dicts, so it loads with
    ``torch.load(weights_only=True)``; we pass that explicitly rather than rely on torch's
    default, and read the bytes in memory instead of through a temporary file.
    """
    from fcd.utils import load_imported_model

    config = torch.load(io.BytesIO(_chemnet_bytes()), map_location="cpu", weights_only=True)
    model = load_imported_model(config)
    model.eval()
    return model


DEFAULT_PAD_LEN = 350
"""ChemNet's input length (``fcd.utils.SmilesDataset``); longer lists pad to their longest."""


@cache
def _vocabulary() -> tuple[re.Pattern[str], dict[str, int], int, int]:
    """The tokeniser regex, token -> index, the unknown-token index and the vocabulary
    size of the ``fcd`` package (so the encoding is exactly its ``get_one_hot``)."""
    from fcd import utils

    vocab: list[str] = getattr(utils, "__vocab")
    index = {token: i for i, token in enumerate(vocab)}
    return re.compile(utils.FULL_REGEX), index, index["X"], len(vocab)


def _token_ids(smiles: str) -> list[int]:
    """Vocabulary indices of the tokens of ``smiles`` plus the end token ``.``."""
    pattern, index, unknown, _ = _vocabulary()
    return [index.get(m.group(), unknown) for m in pattern.finditer(smiles + ".")]


def _one_hot_batch(token_ids: Sequence[list[int]], pad_len: int) -> torch.Tensor:
    """A ``(batch, vocab, pad_len)`` float32 input, equal to what ``fcd.get_predictions``
    feeds ChemNet: one-hot rows scaled by ``1 / vocab_size``, zero padding."""
    vocab_size = _vocabulary()[3]
    rows = np.concatenate([np.full(len(ids), i) for i, ids in enumerate(token_ids)])
    cols = np.concatenate([np.arange(len(ids)) for ids in token_ids])
    tokens = np.concatenate([np.asarray(ids, dtype=np.int64) for ids in token_ids])
    out = np.zeros((len(token_ids), pad_len, vocab_size), dtype=np.float32)
    out[rows, cols, tokens] = np.float32(1.0 / vocab_size)
    return torch.from_numpy(out).transpose(1, 2)


def chemnet_activations(
    smiles: Sequence[str], *, device: str = "auto", batch_size: int = 128
) -> np.ndarray:
    """ChemNet's penultimate-layer activations, one row of 512 per SMILES.

    The SMILES are used as given (call :func:`valid_canonical` first to follow MOSES). The
    result equals ``fcd.get_predictions`` (same encoding, padding and batches); the one-hot
    input is built a batch at a time with numpy instead of per molecule.

    Args:
        smiles: SMILES strings.
        device: ``auto`` (CUDA when present, else CPU), ``cpu`` or ``cuda[:N]``.
        batch_size: molecules per forward pass.

    Returns:
        A float32 array of shape ``(len(smiles), 512)``.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if len(smiles) == 0:
        return np.zeros((0, 512), dtype=np.float32)
    target = resolve_device(device)
    pad_len = max(DEFAULT_PAD_LEN, max(len(text) for text in smiles) + 1)
    if pad_len != DEFAULT_PAD_LEN:
        logger.warning("ChemNet input padded to %d, not %d", pad_len, DEFAULT_PAD_LEN)
    model = load_chemnet().to(target)
    out = []
    try:
        with torch.no_grad():
            for start in range(0, len(smiles), batch_size):
                ids = [_token_ids(text) for text in smiles[start : start + batch_size]]
                batch = _one_hot_batch(ids, pad_len).to(target)
                out.append(model(batch).to("cpu").numpy().astype(np.float32))
    finally:
        model.to("cpu")
    return np.concatenate(out)


@dataclass(frozen=True, eq=False)
class FCDStats:
    """Mean and covariance of ChemNet activations over ``n`` molecules."""

    mu: np.ndarray
    sigma: np.ndarray
    n: int

    @classmethod
    def from_activations(cls, activations: np.ndarray) -> FCDStats:
        """Statistics of an ``(n, d)`` activation matrix; needs ``n >= 2``."""
        acts = np.asarray(activations, dtype=np.float64)
        if acts.ndim != 2 or acts.shape[0] < 2:
            raise EvaluationInputError(
                f"FCD needs at least 2 valid molecules per set, got {acts.shape[0]}"
            )
        return cls(mu=acts.mean(axis=0), sigma=np.cov(acts, rowvar=False), n=int(acts.shape[0]))

    @classmethod
    def from_smiles(
        cls, smiles: Sequence[str | None], *, device: str = "auto", batch_size: int = 128
    ) -> FCDStats:
        """Statistics of the valid molecules in ``smiles`` (canonicalised, as MOSES does).

        Raises:
            EvaluationInputError: fewer than two SMILES parse.
        """
        return cls.from_canonical(
            valid_canonical(smiles), n_input=len(smiles), device=device, batch_size=batch_size
        )

    @classmethod
    def from_canonical(
        cls,
        valid: Sequence[str],
        *,
        n_input: int | None = None,
        device: str = "auto",
        batch_size: int = 128,
    ) -> FCDStats:
        """Statistics of already canonicalised valid SMILES (duplicates count).

        ChemNet runs once per distinct SMILES; the rows are then repeated, which gives the
        same mean and covariance as running it on every entry.

        Args:
            valid: canonical SMILES of the valid molecules.
            n_input: how many SMILES they came from (for the log message only).
            device: torch device for ChemNet.
            batch_size: molecules per forward pass.

        Raises:
            EvaluationInputError: fewer than two SMILES.
        """
        n_input = len(valid) if n_input is None else n_input
        if len(valid) < 2:
            raise EvaluationInputError(
                f"FCD needs at least 2 valid molecules per set, got {len(valid)} "
                f"of {n_input} SMILES"
            )
        if len(valid) < n_input:
            logger.info(
                "FCD: %d of %d SMILES are invalid and ignored", n_input - len(valid), n_input
            )
        index: dict[str, int] = {}
        inverse = np.fromiter(
            (index.setdefault(text, len(index)) for text in valid), dtype=np.int64, count=len(valid)
        )
        acts = chemnet_activations(list(index), device=device, batch_size=batch_size)
        return cls.from_activations(acts[inverse])

    def save(self, path: str | Path) -> None:
        """Write ``mu``, ``sigma`` and ``n`` to an ``.npz`` file (atomically)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, mu=self.mu, sigma=self.sigma, n=np.int64(self.n))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | Path) -> FCDStats:
        """Read statistics written by :meth:`save`.

        Raises:
            MolgenError: the file is missing or is not an FCD statistics file.
        """
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls(mu=data["mu"], sigma=data["sigma"], n=int(data["n"]))
        except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise MolgenError(f"{path}: not a readable FCD statistics file ({exc})") from None


def frechet_distance(a: FCDStats, b: FCDStats) -> float:
    """Fréchet distance ``|mu_a - mu_b|² + Tr(S_a + S_b - 2 (S_a S_b)^½)`` between two sets.

    As in the published reference implementation: when the matrix square root of the
    (possibly near-singular) product is not finite or has a non-negligible imaginary
    diagonal, both covariances get ``1e-6`` added to their diagonal and it is recomputed;
    remaining imaginary parts below ``1e-3`` are numerical noise and dropped. A tiny negative
    result from rounding is returned as 0.

    Raises:
        EvaluationInputError: the statistics have different dimensions.
        ArithmeticError: the square root keeps a large imaginary component.
    """
    if a.mu.shape != b.mu.shape or a.sigma.shape != b.sigma.shape:
        raise EvaluationInputError(
            f"FCD statistics differ in dimension: {a.mu.shape} vs {b.mu.shape}"
        )
    diff = a.mu - b.mu
    covmean = _sqrtm(a.sigma @ b.sigma)
    if not np.isfinite(covmean).all() or not _real_enough(covmean):
        offset = np.eye(a.sigma.shape[0]) * _EPS
        covmean = _sqrtm((a.sigma + offset) @ (b.sigma + offset))
    if np.iscomplexobj(covmean):
        if not _real_enough(covmean):
            worst = float(np.max(np.abs(covmean.imag)))
            raise ArithmeticError(f"FCD: matrix square root has imaginary component {worst:.3g}")
        covmean = covmean.real
    value = diff @ diff + np.trace(a.sigma) + np.trace(b.sigma) - 2.0 * np.trace(covmean)
    return max(float(value), 0.0)


def _sqrtm(matrix: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.asarray(linalg.sqrtm(matrix))


def _real_enough(matrix: np.ndarray) -> bool:
    return not np.iscomplexobj(matrix) or np.allclose(np.diagonal(matrix).imag, 0, atol=_IMAG_TOL)
