"""A design run: staged REINVENT learning under an oracle budget, resumable.

::

    run = DesignRun(config, prior, "out/design")
    summary = run.run()              # or run.run(resume=True) after an interruption
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from molgen.design.agent import Policy, step_seed
from molgen.design.config import DesignConfig
from molgen.design.diversity import DiversityFilter
from molgen.design.learner import Learner
from molgen.design.oracle import Oracle
from molgen.design.outputs import write_outputs
from molgen.design.pmo import design_summary
from molgen.design.records import MoleculeLog
from molgen.design.replay import ReplayMemory
from molgen.design.state import StepLog, load_state, save_state
from molgen.models.autoregressive import AutoregressiveGenerator
from molgen.models.base import MetricLogger
from molgen.scoring.objective import Objective
from molgen.utils.run_layout import DesignLayout

__all__ = ["DesignRun"]

logger = logging.getLogger(__name__)


class DesignRun:
    """Fine-tunes a copy of ``prior`` toward each stage's objective in turn.

    Args:
        config: the run's settings.
        prior: an autoregressive generator (see
            :func:`molgen.design.agent.require_autoregressive`).
        out_dir: the design folder (``DIR/design``).
        train_smiles: canonical training SMILES, for objectives with a novelty component.
        log_metrics: receives ``(metrics, step)`` after every step (e.g. MLflow).
    """

    def __init__(
        self,
        config: DesignConfig,
        prior: AutoregressiveGenerator,
        out_dir: str | Path,
        *,
        train_smiles: Collection[str] | None = None,
        log_metrics: MetricLogger | None = None,
    ) -> None:
        self.config = config
        self.objectives = [stage.objective for stage in config.stages]
        self.layout = DesignLayout(Path(out_dir))
        self.train_smiles = train_smiles
        self.log_metrics = log_metrics
        self.policy = Policy(prior, config.max_length)
        self.learner = Learner(self.policy, config.sigma, config.lr, config.replay)
        self.molecules = MoleculeLog()
        self.steps = StepLog()
        self.step = 0
        self.stage = 0
        self.stage_step = 0
        self.stopped_because = ""
        self.idle_steps = 0
        self._start_stage(calls=0)

    # ------------------------------------------------------------------ stages
    def _start_stage(self, calls: int) -> None:
        old = getattr(self, "oracle", None)
        if old is not None:
            old.objective.close()
        objective = Objective(self.objectives[self.stage], self.train_smiles, self.config.n_jobs)
        self.oracle = Oracle(objective, self.config.max_oracle_calls, calls)
        if old is not None:
            self.oracle.failures = old.failures
        self.filter = DiversityFilter(self.config.diversity_filter)
        self.memory = ReplayMemory(self.config.replay.memory_size)
        self.stage_step = 0

    def _stage_done(self, mean_score: float) -> bool:
        stage = self.config.stages[self.stage]
        if self.stage_step >= stage.max_steps:
            return True
        return self.stage_step >= stage.min_steps and mean_score >= stage.max_score

    # ------------------------------------------------------------------ the loop
    def run(self, resume: bool = False) -> dict[str, Any]:
        """Learn until the budget is spent or the last stage ends, write the outputs and
        return the summary (see :func:`molgen.design.pmo.design_summary`)."""
        self.layout.root.mkdir(parents=True, exist_ok=True)
        if resume and self.layout.state.is_file():
            load_state(self, self.layout.state)
            logger.info("resumed design at step %d (%d calls)", self.step, self.oracle.calls)
        started = time.perf_counter()
        bar = tqdm(total=self.config.max_oracle_calls, initial=self.oracle.calls,
                   unit="call", desc="design", disable=not self.config.progress_bar)  # fmt: skip
        try:
            while not self.stopped_because:
                calls = self.oracle.calls
                self._one_step()
                bar.update(self.oracle.calls - calls)
                if self.step % self.config.checkpoint_every == 0 or self.stopped_because:
                    save_state(self, self.layout.state)
        finally:
            bar.close()
            self.oracle.objective.close()
        summary = self.summary(time.perf_counter() - started)
        write_outputs(self, summary)
        return summary

    def _one_step(self) -> None:
        cfg = self.config
        generator = torch.Generator(device=self.policy.device)
        generator.manual_seed(step_seed(cfg.seed, self.step))
        rng = np.random.default_rng(step_seed(cfg.seed, self.step, salt=1))
        tokens, smiles = self.policy.sample(cfg.batch_size, cfg.temperature, generator)
        answer = self.oracle(smiles)
        if answer.n == 0:
            self.stopped_because = "budget"
            return
        rewards, verdicts = self.filter(answer.canonical, answer.total)
        learned = self.learner.step(tokens[: answer.n], answer.canonical, rewards, self.memory, rng)
        if cfg.replay.purge_penalised:
            self.memory.remove([s for s in list(self.memory.entries) if self.filter.is_full(s)])
        stage_name = cfg.stage_names()[self.stage]
        objective = self.objectives[self.stage].name
        self.molecules.add(self.step, stage_name, objective, smiles, answer, rewards, verdicts)
        metrics = self._metrics(answer, rewards, learned)
        self.steps.add(self.step, stage_name, metrics)
        if self.log_metrics is not None:
            self.log_metrics(metrics, self.step)
        self.step += 1
        self.stage_step += 1
        self.idle_steps = 0 if (answer.call >= 0).any() else self.idle_steps + 1
        self._advance(metrics["score_mean"], answer.n < len(smiles))

    def _advance(self, mean_score: float, cut_by_budget: bool) -> None:
        if cut_by_budget or self.oracle.remaining == 0:
            self.stopped_because = "budget"
        elif self.idle_steps >= self.config.max_idle_steps:
            self.stopped_because = f"no new molecule in {self.idle_steps} steps"
        elif self._stage_done(mean_score):
            if self.stage + 1 == len(self.config.stages):
                self.stopped_because = "last stage done"
            else:
                self.stage += 1
                self._start_stage(self.oracle.calls)

    def _metrics(
        self, answer: Any, rewards: np.ndarray, learned: dict[str, float]
    ) -> dict[str, float]:
        valid = np.array([c is not None for c in answer.canonical])
        metrics = {
            "score_mean": float(answer.total.mean()),
            "score_max": float(answer.total.max()),
            "reward_mean": float(np.mean(rewards)),
            "validity": float(valid.mean()),
            "oracle_calls": float(self.oracle.calls),
            "unique_scaffolds": float(len(self.molecules.scaffolds)),
            "memory_size": float(len(self.memory)),
            "stage": float(self.stage),
            **learned,
        }
        for name, values in answer.raw.items():
            kept = values[valid]
            metrics[f"{name}_mean"] = float(np.nanmean(kept)) if np.isfinite(kept).any() else 0.0
        return metrics

    def summary(self, seconds: float) -> dict[str, Any]:
        """Top-k means and AUCs over the calls so far, and how the run went."""
        figures = design_summary(self.molecules.called_scores(), self.config.max_oracle_calls)
        return {
            **figures,
            "steps": self.step,
            "stages": self.config.stage_names()[: self.stage + 1],
            "objectives": [o.name for o in self.objectives[: self.stage + 1]],
            "stopped_because": self.stopped_because,
            "unique_scaffolds": len(self.molecules.scaffolds),
            "scoring_failures": dict(self.oracle.failures),
            "seconds_this_session": round(seconds, 1),
        }
