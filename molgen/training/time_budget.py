"""A wall-clock budget for a whole pipeline, and the share of it each family's training gets.

Training is the only stage whose length can be chosen; the others (curation, reference
statistics, sampling, scoring, evaluation, the store and the report) take what they take on
the machine at hand. So the budget is spent by giving training what is left: when a family's
training starts, it gets the time remaining before the deadline, less a reserve for the
stages that follow it, divided among the families still to train. A configured
``train.max_minutes`` stays an upper bound.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from pydantic import Field

from molgen.utils.config import StrictModel
from molgen.utils.errors import InputError, first_line

__all__ = ["TimeBudgetConfig", "planned_training_minutes", "read_plan", "training_share"]


class TimeBudgetConfig(StrictModel):
    """The pipeline's wall-clock budget (``[time_budget]``); off unless ``minutes`` is set."""

    minutes: float | None = Field(
        default=None,
        gt=0,
        description="Wall clock for the whole pipeline, from its start to its summary; "
        "None: no budget (each family trains for its own train.max_minutes).",
    )
    after_training_minutes: float = Field(
        default=3.0,
        ge=0,
        description="Held back for each family's stages after training (sampling, scoring, "
        "evaluation) and the store, registry and report at the end. Raise it for large "
        "sample counts, or when predictors or design run in the pipeline.",
    )
    min_training_minutes: float = Field(
        default=1.0,
        gt=0,
        description="The least any family trains for, even when the budget is already "
        "spent (the pipeline then overruns it, with a warning).",
    )


def training_share(
    budget: TimeBudgetConfig,
    *,
    elapsed_seconds: float,
    families_left: int,
    trainings_left: int | None = None,
    max_minutes: float | None,
) -> float | None:
    """Minutes for each training run of the next family under ``budget``.

    Args:
        budget: the pipeline's budget; with no ``minutes`` the answer is ``max_minutes``.
        elapsed_seconds: wall clock the pipeline has already spent.
        families_left: families still to train, this one included (at least 1); each
            holds back ``budget.after_training_minutes``.
        trainings_left: training runs still to come (a LatentGAN that trains its VAE first
            counts two); default ``families_left``.
        max_minutes: the family's own ``train.max_minutes`` (None: no bound of its own).

    Returns:
        ``(budget − elapsed − reserve × families_left) / trainings_left`` minutes, at most
        ``max_minutes`` and at least ``budget.min_training_minutes``; ``max_minutes``
        unchanged when there is no budget.
    """
    if budget.minutes is None:
        return max_minutes
    trainings_left = families_left if trainings_left is None else trainings_left
    if families_left < 1 or trainings_left < families_left:
        raise ValueError(
            f"need 1 <= families_left <= trainings_left, got {families_left}, {trainings_left}"
        )
    left = budget.minutes - elapsed_seconds / 60 - budget.after_training_minutes * families_left
    share = max(left / trainings_left, budget.min_training_minutes)
    return min(share, max_minutes if max_minutes is not None else math.inf)


def planned_training_minutes(plan_file: Path, label: str, share: float) -> float:
    """The training minutes recorded for family ``label`` in ``plan_file``; the first time,
    ``share`` (from :func:`training_share`), recorded there. So a rerun of the same run folder
    trains (and resumes, and reuses finished stages) with the same minutes, however long its
    own earlier stages took.

    The plan is a JSON object ``{label: minutes}``.
    """
    plan = read_plan(plan_file)
    if label not in plan:
        plan[label] = share
        plan_file.parent.mkdir(parents=True, exist_ok=True)
        plan_file.write_text(json.dumps(plan, indent=2))
    return plan[label]


def read_plan(plan_file: Path) -> dict[str, float]:
    """The training minutes recorded in ``plan_file`` by family label (empty when absent)."""
    if not plan_file.is_file():
        return {}
    try:
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(plan_file, f"unreadable time-budget plan ({first_line(exc)})") from None
    if not isinstance(plan, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in plan.values()
    ):
        raise InputError(plan_file, "not a time-budget plan (a JSON object of minutes)")
    return {str(k): float(v) for k, v in plan.items()}
