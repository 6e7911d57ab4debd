"""What the candidate store holds: counts overall, per family and per run, date range, and
the stored extra scores and their objectives."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, func, select

from molgen.store.engine import dialect, has_rdkit_cartridge, public_url
from molgen.store.migrate import current_revision
from molgen.store.schema import Candidate, Molecule, Objective, Run
from molgen.store.scores import stored_score_names

__all__ = ["RunStats", "StoreStats", "format_stats", "store_stats"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunStats(_Strict):
    """One run and how many candidates it contributed."""

    run_key: str
    name: str | None
    mlflow_run_id: str | None
    created_at: datetime
    candidates: int


class StoreStats(_Strict):
    """Counts and provenance overview of a store."""

    url: str
    backend: str
    schema_revision: str | None
    rdkit_cartridge: bool
    molecules: int
    candidates: int
    runs: int
    families: dict[str, int]
    score_names: list[str] = Field(default_factory=list, description="Stored extra scores.")
    objectives: list[str] = Field(default_factory=list, description="'name version' of each.")
    per_run: list[RunStats]
    first_candidate: datetime | None
    last_candidate: datetime | None


def store_stats(engine: Engine) -> StoreStats:
    """Counts of molecules, candidates and runs, candidates per family and per run (newest
    run first), and when the first and last candidates were created. The URL has its
    password hidden."""
    c, r = Candidate.__table__, Run.__table__
    with engine.connect() as conn:
        molecules = conn.execute(select(func.count()).select_from(Molecule.__table__)).scalar_one()
        candidates, first, last = conn.execute(
            select(func.count(), func.min(c.c.created_at), func.max(c.c.created_at))
        ).one()
        families = dict(
            conn.execute(
                select(c.c.family, func.count()).group_by(c.c.family).order_by(c.c.family)
            ).all()
        )
        per_run = conn.execute(
            select(
                r.c.run_key,
                r.c.name,
                r.c.mlflow_run_id,
                r.c.created_at,
                func.count(c.c.id).label("candidates"),
            )
            .select_from(r.outerjoin(c, c.c.run_id == r.c.id))
            .group_by(r.c.id)
            .order_by(r.c.created_at.desc(), r.c.id.desc())
        ).all()
        score_names = stored_score_names(conn)
        objectives = conn.execute(
            select(Objective.name, Objective.version).order_by(Objective.name, Objective.version)
        ).all()
    return StoreStats(
        url=public_url(engine),
        backend=dialect(engine),
        schema_revision=current_revision(engine),
        rdkit_cartridge=has_rdkit_cartridge(engine),
        molecules=molecules,
        candidates=candidates,
        runs=len(per_run),
        families=families,
        score_names=score_names,
        objectives=[f"{name} {version}" for name, version in objectives],
        per_run=[RunStats(**row._mapping) for row in per_run],
        first_candidate=first,
        last_candidate=last,
    )


def format_stats(stats: StoreStats) -> str:
    """A plain-text table of :func:`store_stats`, for the terminal."""
    span = "-"
    if stats.first_candidate and stats.last_candidate:
        span = f"{stats.first_candidate:%Y-%m-%d %H:%M} .. {stats.last_candidate:%Y-%m-%d %H:%M}"
    lines = [
        f"store       {stats.url}",
        f"backend     {stats.backend} (schema {stats.schema_revision}, RDKit cartridge: "
        f"{'yes' if stats.rdkit_cartridge else 'no'})",
        f"molecules   {stats.molecules}",
        f"candidates  {stats.candidates}",
        f"runs        {stats.runs}",
        f"created     {span}",
    ]
    if stats.score_names:
        lines.append(f"scores      {', '.join(stats.score_names)}")
    if stats.objectives:
        lines.append(f"objectives  {', '.join(stats.objectives)}")
    if stats.families:
        lines += ["", f"{'family':<24} {'candidates':>10}"]
        lines += [f"{name:<24} {count:>10}" for name, count in stats.families.items()]
    if stats.per_run:
        lines += ["", f"{'run':<34} {'name':<20} {'created':<16} {'candidates':>10}"]
        lines += [
            f"{run.run_key:<34.34} {run.name or '':<20.20} {run.created_at:%Y-%m-%d %H:%M} "
            f"{run.candidates:>10}"
            for run in stats.per_run
        ]
    return "\n".join(lines)
