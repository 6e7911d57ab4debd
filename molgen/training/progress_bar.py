"""The training progress bar, over the limit that ends the run.

With a time budget (``max_minutes``) the bar runs over the budget in seconds and
advances with wall time, so its remaining time is the budget left; should the step limit
(``max_epochs``) come sooner, the bar follows the steps' share of the run instead, as the
learning-rate schedule does (:func:`~molgen.training.schedule.progress`). Without a
budget it counts optimiser steps.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from tqdm.auto import tqdm

__all__ = ["TIME_BAR_FORMAT", "TrainingBar", "bar_position"]

TIME_BAR_FORMAT = (
    "{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s [{elapsed}<{remaining}{postfix}]"
)
"""How a time-bounded bar looks: seconds of the budget used, then elapsed<remaining
as minutes:seconds."""


def bar_position(
    step: int, total_steps: int, elapsed_seconds: float, budget_seconds: float | None
) -> float:
    """Where the bar stands: ``step`` without a budget; with one, the seconds of the
    budget used, i.e. ``max(elapsed, step / total_steps * budget)`` capped at the budget.

    Args:
        step: optimiser steps taken.
        total_steps: steps in the whole run (all epochs).
        elapsed_seconds: wall-clock time spent training so far.
        budget_seconds: the time budget, or None when only epochs bound the run.
    """
    if budget_seconds is None:
        return float(step)
    by_steps = step / max(total_steps, 1) * budget_seconds
    return min(max(elapsed_seconds, by_steps), budget_seconds)


class TrainingBar:
    """A tqdm bar for one training run (see the module docstring); a context manager.

    Args:
        total_steps: steps in the whole run (all epochs).
        budget_seconds: the time budget (``max_minutes * 60``), or None.
        step: steps already taken (a resumed run).
        elapsed_seconds: training time already spent (a resumed run).
        enabled: show the bar at all.
    """

    def __init__(
        self,
        total_steps: int,
        budget_seconds: float | None,
        step: int = 0,
        elapsed_seconds: float = 0.0,
        enabled: bool = True,
    ) -> None:
        self.total_steps, self.budget_seconds = total_steps, budget_seconds
        initial = bar_position(step, total_steps, elapsed_seconds, budget_seconds)
        if budget_seconds is None:
            self.bar = tqdm(
                total=total_steps, initial=step, unit="step", desc="train", disable=not enabled
            )
        else:
            self.bar = tqdm(
                total=budget_seconds,
                initial=initial,
                unit="s",
                desc="train",
                bar_format=TIME_BAR_FORMAT,
                disable=not enabled,
            )

    def show(self, step: int, elapsed_seconds: float) -> None:
        """Move the bar to ``step`` steps taken after ``elapsed_seconds`` of training."""
        position = bar_position(step, self.total_steps, elapsed_seconds, self.budget_seconds)
        if position > self.bar.n:
            self.bar.update(position - self.bar.n)

    def set_postfix(self, **values: Any) -> None:
        """Show ``values`` (e.g. the latest loss) after the bar."""
        self.bar.set_postfix(**values)

    def __enter__(self) -> TrainingBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.bar.close()
