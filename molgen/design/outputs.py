"""A design run's files: the molecule log, the best molecules, step metrics, the summary,
the curves and the agent (see :class:`molgen.utils.run_layout.DesignLayout`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.figure import Figure

from molgen.design.pmo import top_k_mean
from molgen.design.records import top_molecules
from molgen.design.state import plain_data
from molgen.evaluation.plots import figure_png
from molgen.utils.tables import write_table

if TYPE_CHECKING:
    from molgen.design.run import DesignRun

__all__ = ["curves", "plot_curves", "write_outputs"]


def curves(log: pd.DataFrame, every: int = 100) -> pd.DataFrame:
    """Top-1/10/100 means and distinct scaffolds after every ``every`` oracle calls."""
    called = log[log["call"] >= 0].sort_values("call")
    scores = called["score"].to_numpy()
    scaffolds = called["scaffold"].tolist()
    marks = sorted({*range(every, len(scores), every), len(scores)} - {0})
    rows = []
    for mark in marks:
        row: dict[str, float] = {"calls": mark}
        for k in (1, 10, 100):
            row[f"top{k}_mean"] = top_k_mean(scores[:mark], k)
        row["unique_scaffolds"] = len({s for s in scaffolds[:mark] if s is not None})
        rows.append(row)
    return pd.DataFrame(rows, columns=["calls", "top1_mean", "top10_mean", "top100_mean",
                                       "unique_scaffolds"])  # fmt: skip


def plot_curves(log: pd.DataFrame, steps: pd.DataFrame, paths: dict[str, Any]) -> None:
    """Score against calls (batch means and top-k), and unique scaffolds against calls."""
    table = curves(log)
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.add_subplot()
    if not steps.empty:
        ax.plot(steps["oracle_calls"], steps["score_mean"], lw=0.8, alpha=0.6, label="batch mean")
    for k in (1, 10, 100):
        ax.plot(table["calls"], table[f"top{k}_mean"], label=f"top-{k} mean")
    ax.set(xlabel="oracle calls", ylabel="score", ylim=(0, 1.02), title="Score against calls")
    ax.legend(loc="lower right")
    figure_png(fig, paths["score_vs_calls"])
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(table["calls"], table["unique_scaffolds"])
    ax.set(xlabel="oracle calls", ylabel="distinct Murcko scaffolds", title="Scaffolds found")
    figure_png(fig, paths["scaffolds_vs_calls"])


def write_outputs(run: DesignRun, summary: dict[str, Any]) -> None:
    """Write every output of ``run`` to its design folder."""
    layout = run.layout
    log = run.molecules.frame()
    steps = run.steps.frame()
    write_table(log, layout.scored)
    write_table(top_molecules(log, run.config.top_n), layout.top)
    write_table(steps, layout.steps)
    layout.plots_dir.mkdir(parents=True, exist_ok=True)
    plot_curves(log, steps, layout.plots())
    layout.agent_dir.mkdir(parents=True, exist_ok=True)
    run.policy.agent.save(layout.agent, extra={"design": {"summary": plain_data(summary)}})
    layout.objectives_dir.mkdir(parents=True, exist_ok=True)
    for objective in run.objectives:
        path = layout.objectives_dir / f"{objective.name}.json"
        path.write_text(objective.model_dump_json(indent=2))
    layout.summary.write_text(json.dumps(plain_data(summary), indent=2))
