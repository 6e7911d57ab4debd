"""Training precision: which autocast dtype (if any) the trainer runs the forward pass in.

``TrainConfig.precision`` chooses:

- ``fp32``: no autocast;
- ``bf16``: bfloat16 autocast; an error (one line) on a device without bf16 support,
  because an explicit request that cannot be honoured should not silently change speed;
- ``auto``: the fastest safe choice measured for the device and the model family.

``auto`` on CUDA is bf16 where the GPU supports it, else fp16 (with a ``GradScaler``). On
the CPU it is bf16 only when the CPU has native bf16 arithmetic (oneDNN's check:
AVX512-BF16 or AMX) *and* the family says that autocast pays off on the CPU
(``cpu_autocast = True`` on its generator class). ``benchmarks/bench_precision.py``
measured that on a 2-core AMD EPYC with AVX512-BF16 and no AMX (torch 2.13, 2 threads,
20,000 MOSES molecules, 3 minutes per run, other jobs sharing the machine):

- CharRNN (quick.toml: 64/256/2): 12.3k tokens/s fp32 against 24.5k bf16 (1.99x; in
  alternating blocks the ratio ranged 0.1-4.7x under load, median 1.8x); validation loss
  after 3 minutes 0.687 fp32 against 0.632 bf16. Sampling: 620 against 1,050 molecules/s.
- transformer (quick-all.toml: 128 wide, 4 layers): 22.0k tokens/s fp32 against 17.5k
  bf16 (0.79x; alternating blocks 0.82-0.90x); validation loss 0.749 fp32 against 0.783
  bf16. Its GEMMs are too small to amortise the casts; oneDNN's LSTM kernel is not.

So only the CharRNN opts in. Families that were not measured (VAE, LatentGAN) stay fp32
under ``auto``; ``bf16`` still forces autocast for any family. Sampling and likelihood
stay fp32.

Only the forward pass runs under autocast. Master weights and the optimiser stay fp32, the
losses are reduced in fp32 (``shifted_token_nll`` upcasts the logits) and validation runs
in fp32, so losses are comparable across precisions. bf16 has fp32's exponent range, so it
needs no loss scaling.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Literal

import torch

__all__ = [
    "Precision",
    "autocast",
    "bf16_supported",
    "precision_name",
    "resolve_precision",
]

logger = logging.getLogger(__name__)

Precision = Literal["auto", "bf16", "fp32"]


def bf16_supported(device: torch.device) -> bool:
    """Whether ``device`` computes in bf16 natively (not by emulation).

    CPU: oneDNN's check for AVX512-BF16 or AMX. CUDA: ``torch.cuda.is_bf16_supported()``
    (Ampere or newer). Other devices: False.
    """
    if device.type == "cuda":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    if device.type == "cpu":
        try:
            return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
        except (AttributeError, RuntimeError):  # a build without oneDNN
            return False
    return False


def resolve_precision(
    requested: Precision, device: torch.device, model: Any = None
) -> torch.dtype | None:
    """The autocast dtype to train in, or None for plain fp32.

    Args:
        requested: ``auto``, ``bf16`` or ``fp32`` (``TrainConfig.precision``).
        device: the training device.
        model: the generator being trained; under ``auto`` on the CPU its class attribute
            ``cpu_autocast`` (default False) says whether bf16 is faster for it.

    Raises:
        ValueError: ``bf16`` was requested on a device without bf16 support.
    """
    if requested == "fp32":
        return None
    if requested == "bf16":
        if not bf16_supported(device):
            raise ValueError(
                f"precision = 'bf16' but {device} has no bf16 support; use 'auto' or 'fp32'"
            )
        return torch.bfloat16
    if device.type == "cuda":
        return torch.bfloat16 if bf16_supported(device) else torch.float16
    if device.type == "cpu" and getattr(model, "cpu_autocast", False):
        return torch.bfloat16 if bf16_supported(device) else None
    return None


def precision_name(dtype: torch.dtype | None) -> str:
    """``bf16``, ``fp16`` or ``fp32``: how a resolved precision is logged and recorded."""
    return {torch.bfloat16: "bf16", torch.float16: "fp16"}.get(dtype, "fp32")  # type: ignore[arg-type]


def autocast(device: torch.device, dtype: torch.dtype | None) -> AbstractContextManager[Any]:
    """``torch.autocast`` to ``dtype`` on ``device``, or a no-op for None."""
    if dtype is None:
        return nullcontext()
    return torch.autocast(device.type, dtype=dtype)
