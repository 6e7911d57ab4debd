"""What the page's pickers and links need from the store: its runs and model families, a
molecule's SMILES, and the MLflow UI link of a run. Read-only, parameterised queries."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Engine, func, select

from molgen.store.schema import Candidate, Molecule, Run
from molgen.store.scores import stored_score_names

__all__ = [
    "FamilySummary",
    "RunSummary",
    "list_families",
    "list_runs",
    "list_score_names",
    "mlflow_run_url",
    "molecule_smiles",
]


class RunSummary(BaseModel):
    """A run that wrote candidates, as the run picker shows it."""

    run: str
    """What :attr:`CandidateQuery.runs` takes: the MLflow run id, else the run key."""
    run_key: str
    mlflow_run_id: str | None
    mlflow_tracking_uri: str | None
    mlflow_url: str | None
    name: str | None
    source: str | None
    created_at: datetime
    candidates: int


class FamilySummary(BaseModel):
    """A model family label and how many candidates it generated."""

    family: str
    candidates: int


def mlflow_run_url(tracking_uri: str | None, run_id: str | None) -> str | None:
    """The MLflow UI page of a run, when its tracking URI is an http(s) server, else None."""
    if not run_id or not tracking_uri or not tracking_uri.startswith(("http://", "https://")):
        return None
    return f"{tracking_uri.rstrip('/')}/#/runs/{run_id}"


def list_runs(engine: Engine) -> list[RunSummary]:
    """Every run with its candidate count, newest first."""
    counts = select(Candidate.run_id, func.count().label("n")).group_by(Candidate.run_id).subquery()
    stmt = (
        select(
            Run.run_key,
            Run.mlflow_run_id,
            Run.mlflow_tracking_uri,
            Run.name,
            Run.source,
            Run.created_at,
            func.coalesce(counts.c.n, 0).label("candidates"),
        )
        .outerjoin(counts, counts.c.run_id == Run.id)
        .order_by(Run.created_at.desc(), Run.id.desc())
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [
        RunSummary(
            run=row["mlflow_run_id"] or row["run_key"],
            mlflow_url=mlflow_run_url(row["mlflow_tracking_uri"], row["mlflow_run_id"]),
            **row,
        )
        for row in rows
    ]


def list_families(engine: Engine) -> list[FamilySummary]:
    """Every model family label with its candidate count, by label."""
    stmt = (
        select(Candidate.family, func.count()).group_by(Candidate.family).order_by(Candidate.family)
    )
    with engine.connect() as conn:
        return [FamilySummary(family=f, candidates=n) for f, n in conn.execute(stmt)]


def list_score_names(engine: Engine) -> list[str]:
    """The names of the scores the store holds (see :mod:`molgen.store.scores`), sorted."""
    with engine.connect() as conn:
        return stored_score_names(conn)


def molecule_smiles(engine: Engine, inchikey: str) -> str | None:
    """The canonical SMILES of the molecule with this InChIKey, or None."""
    with engine.connect() as conn:
        return conn.execute(
            select(Molecule.smiles).where(Molecule.inchikey == inchikey)
        ).scalar_one_or_none()
