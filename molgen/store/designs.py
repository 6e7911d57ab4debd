"""A design run's molecules into the candidate store, with their stage and objective."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from sqlalchemy.engine import Engine

from molgen.design.config import DesignConfig
from molgen.scoring.config import ScoreConfig
from molgen.scoring.score import score_smiles
from molgen.store.ingest import IngestReport, ingest_scores
from molgen.store.runs import RunInfo
from molgen.utils.run_layout import DesignLayout

__all__ = ["design_family", "designed_molecules", "ingest_design"]


def design_family(stage: str) -> str:
    """The family label under which a design stage's molecules are stored."""
    return f"design-{stage}"


def designed_molecules(log: pd.DataFrame, stage: str, top: int) -> list[str]:
    """The stage's unique scored molecules, best first; the ``top`` best (0 = all)."""
    rows = log[(log["stage"] == stage) & (log["call"] >= 0)]
    rows = rows.sort_values(["score", "call"], ascending=[False, True])
    unique = rows.drop_duplicates("canonical")["canonical"].tolist()
    return unique[:top] if top else unique


def ingest_design(
    engine: Engine,
    run: RunInfo,
    layout: DesignLayout,
    config: DesignConfig,
    *,
    model_type: str | None = None,
    checkpoint: str | None = None,
    train_smiles: Collection[str] | None = None,
    n_jobs: int = 1,
) -> dict[str, IngestReport]:
    """Store each stage's best molecules (``config.store_top``) as candidates of ``run``.

    Every molecule is scored again as a table (properties, alerts and the stage's objective
    components), and stored under family ``design-<stage>`` with the stage's objective, so
    a query can ask for the best molecules of one objective and one run.

    Returns:
        One ingestion report per stage that produced molecules.
    """
    log = pd.read_parquet(layout.scored, columns=["stage", "call", "score", "canonical"])
    reports = {}
    for stage, name in zip(config.stages, config.stage_names(), strict=True):
        smiles = designed_molecules(log, name, config.store_top)
        if not smiles:
            continue
        score_config = ScoreConfig(objective=stage.objective, n_jobs=n_jobs)
        table = score_smiles(smiles, score_config, train_smiles)
        reports[name] = ingest_scores(
            engine, table, run=run, family=design_family(name), model_type=model_type,
            checkpoint=checkpoint, temperature=config.temperature,
            source=str(layout.scored), n_jobs=n_jobs,
            objective=(stage.objective.name, stage.objective.version),
        )  # fmt: skip
    return reports
