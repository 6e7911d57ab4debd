"""Learning-rate schedule: linear warm-up, then cosine decay driven by training progress.

Progress is ``max(step / total_steps, elapsed / budget_seconds)``, so a run bounded by
wall-clock time anneals to its floor when the time runs out, not when the (unreached)
last epoch would have ended.
"""

from __future__ import annotations

import math
from typing import Literal

__all__ = ["lr_factor", "progress"]


def progress(
    step: int, total_steps: int, elapsed_seconds: float, budget_seconds: float | None
) -> float:
    """Fraction of the training budget used, clipped to ``[0, 1]``.

    Args:
        step: optimiser steps taken.
        total_steps: steps in the whole run (all epochs).
        elapsed_seconds: wall-clock time spent training so far.
        budget_seconds: wall-clock budget, or None when only epochs bound the run.
    """
    done = step / max(total_steps, 1)
    if budget_seconds is not None:
        done = max(done, elapsed_seconds / max(budget_seconds, 1e-9))
    return min(max(done, 0.0), 1.0)


def lr_factor(
    step: int,
    done: float,
    *,
    warmup_steps: int,
    schedule: Literal["constant", "cosine"],
    min_lr_ratio: float,
) -> float:
    """Multiplier of the peak learning rate at optimiser step ``step``.

    Args:
        step: optimiser steps taken before this one.
        done: training progress in ``[0, 1]`` (see :func:`progress`).
        warmup_steps: steps of linear warm-up from ``1 / warmup_steps`` to 1.
        schedule: ``constant`` keeps the peak after warm-up; ``cosine`` decays from the
            peak at progress 0 to ``min_lr_ratio`` at progress 1.
        min_lr_ratio: the floor of the cosine, as a fraction of the peak.
    """
    warmup = min(1.0, (step + 1) / warmup_steps) if warmup_steps > 0 else 1.0
    if schedule == "constant":
        return warmup
    cosine = 0.5 * (1.0 + math.cos(math.pi * min(max(done, 0.0), 1.0)))
    return warmup * (min_lr_ratio + (1.0 - min_lr_ratio) * cosine)
