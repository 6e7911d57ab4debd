"""The resume point of a design run, and its per-step metrics log.

The state file holds only plain data and tensors, so it loads with ``weights_only=True``.
Every step draws its random numbers from seeds derived from (run seed, step), so a run
resumed from its last state continues exactly as the uninterrupted run would.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import torch

from molgen.utils.errors import InputError, first_line

if TYPE_CHECKING:
    from molgen.design.run import DesignRun

__all__ = ["STATE_VERSION", "StepLog", "load_state", "plain_data", "save_state"]

STATE_VERSION = 1
_RESUME_FREE = {"progress_bar", "n_jobs", "checkpoint_every", "device"}
"""Settings a resume may change; any other difference refuses the resume."""


def plain_data(value: Any) -> Any:
    """A copy with numpy scalars turned into Python ones (for JSON and safe loading)."""
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


class StepLog:
    """One row of metrics per learning step."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, step: int, stage: str, metrics: dict[str, float]) -> None:
        """Record a step's metrics."""
        self.rows.append({"step": step, "stage_name": stage, **metrics})

    def frame(self) -> pd.DataFrame:
        """The log as a table."""
        return pd.DataFrame(self.rows)


def _settings(run: DesignRun) -> dict[str, Any]:
    return run.config.model_dump(mode="json", exclude=_RESUME_FREE)


def save_state(run: DesignRun, path: Path) -> None:
    """Write everything a resume needs, atomically."""
    state = {
        "version": STATE_VERSION,
        "settings": _settings(run),
        "step": run.step,
        "stage": run.stage,
        "stage_step": run.stage_step,
        "idle_steps": run.idle_steps,
        "stopped_because": run.stopped_because,
        "agent": run.policy.agent.module.state_dict(),
        "optimizer": run.learner.state_dict(),
        **plain_data({
            "memory": run.memory.state_dict(),
            "filter": run.filter.state_dict(),
            "oracle": run.oracle.state_dict(),
            "molecules": run.molecules.state_dict(),
            "steps": run.steps.rows,
        }),
    }  # fmt: skip
    partial = path.with_suffix(".partial")
    torch.save(state, partial)
    partial.replace(path)


def load_state(run: DesignRun, path: Path) -> None:
    """Restore a run from :func:`save_state`'s file.

    Raises:
        InputError: unreadable, from a newer molgen, or from a run with other settings.
    """
    try:
        state = torch.load(path, map_location=run.policy.device, weights_only=True)
    except Exception as exc:  # a truncated or foreign file
        raise InputError(path, f"unreadable design state ({first_line(exc)})") from None
    if state.get("version") != STATE_VERSION:
        raise InputError(path, f"design state version {state.get('version')} is not supported")
    if state["settings"] != _settings(run):
        raise InputError(path, "the design state was written with other settings; "
                               "resume with the same config, prior and objectives")  # fmt: skip
    run.step, run.stage, run.stage_step = state["step"], state["stage"], state["stage_step"]
    run.idle_steps, run.stopped_because = state["idle_steps"], state["stopped_because"]
    run._start_stage(calls=0)
    run.stage_step = state["stage_step"]
    run.policy.agent.module.load_state_dict(state["agent"])
    run.learner.load_state_dict(state["optimizer"])
    run.memory.load_state_dict(state["memory"])
    run.filter.load_state_dict(state["filter"])
    run.oracle.load_state_dict(state["oracle"])
    run.molecules.load_state_dict(state["molecules"])
    run.steps.rows = list(state["steps"])
