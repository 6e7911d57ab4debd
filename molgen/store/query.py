"""The one query model of the candidate store, shared by the CLI, the HTTP API and the web
page, and the shape of its answers.

A :class:`CandidateQuery` is validated before it reaches a database: unknown keys, unknown
properties, reversed ranges, oversized SMARTS/SMILES and page sizes beyond
:data:`MAX_PAGE_SIZE` are refused with a message (the API turns that into a 400). Whether a
SMILES or SMARTS parses, and whether a named score is stored, is checked by the executor
(it needs RDKit or the database) and refused the same way.

Stored scores (the ``scores`` table: an objective's components and any other extra score)
are filtered by name (``scores={"qed_raw": {"min": 0.5}}``) and sorted on as
``sort_by="score:qed_raw"``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from molgen.store.schema import PROPERTY_COLUMNS, SCORE_NAME_LENGTH

__all__ = [
    "MAX_PAGE_SIZE",
    "MAX_QUERY_TEXT",
    "SCORE_SORT_PREFIX",
    "SORT_KEYS",
    "CandidateQuery",
    "CandidateRow",
    "MoleculeDetail",
    "QueryPage",
    "Range",
]

MAX_PAGE_SIZE = 500
"""Largest page a query may ask for."""

MAX_QUERY_TEXT = 500
"""Longest SMARTS or SMILES a query may carry (characters)."""

SORT_KEYS = ("score", "similarity", "created_at", *PROPERTY_COLUMNS)
"""What results can be sorted on (``similarity`` needs ``similar_to``), besides stored
scores (``score:NAME``)."""
SCORE_SORT_PREFIX = "score:"
"""``sort_by`` of a stored score: this prefix and the score's name."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Range(_Strict):
    """An inclusive numeric range; either end may be open."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"range min {self.min} is greater than max {self.max}")
        return self


class CandidateQuery(_Strict):
    """Which candidates to return, in which order, and which page of them."""

    properties: dict[str, Range] = Field(
        default_factory=dict, description="Property ranges, e.g. {'qed': {'min': 0.7}}."
    )
    scores: dict[str, Range] = Field(
        default_factory=dict,
        description="Ranges on stored scores by name, e.g. {'qed_desirability': {'min': 0.5}}"
        " (a candidate without that score does not match).",
    )
    pains: bool | None = Field(default=None, description="True: PAINS alert; False: none.")
    brenk: bool | None = Field(default=None, description="True: Brenk alert; False: none.")
    novel: bool | None = Field(default=None, description="Only novel (True) or known (False).")
    runs: list[str] = Field(
        default_factory=list, description="MLflow run ids (or run keys) to restrict to."
    )
    families: list[str] = Field(default_factory=list, description="Model family labels.")
    created_after: datetime | None = None
    created_before: datetime | None = None
    smarts: str | None = Field(
        default=None, max_length=MAX_QUERY_TEXT, description="Substructure (SMARTS)."
    )
    similar_to: str | None = Field(
        default=None, max_length=MAX_QUERY_TEXT, description="Query molecule (SMILES)."
    )
    min_similarity: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Tanimoto threshold (with similar_to)."
    )
    top_k: int | None = Field(
        default=None, ge=1, le=MAX_PAGE_SIZE, description="The k most similar (with similar_to)."
    )
    sort_by: str = Field(
        default="score",
        max_length=len(SCORE_SORT_PREFIX) + SCORE_NAME_LENGTH,
        description=f"One of {', '.join(SORT_KEYS)}, or score:NAME for a stored score.",
    )
    descending: bool = True
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("sort_by")
    @classmethod
    def _sort_key(cls, value: str) -> str:
        if value in SORT_KEYS or (
            value.startswith(SCORE_SORT_PREFIX) and value[len(SCORE_SORT_PREFIX) :].strip()
        ):
            return value
        raise ValueError(f"{value!r} is not one of {', '.join(SORT_KEYS)} or score:NAME")

    @field_validator("scores")
    @classmethod
    def _score_names(cls, value: dict[str, Range]) -> dict[str, Range]:
        for name in value:
            if not name.strip() or len(name) > SCORE_NAME_LENGTH:
                raise ValueError(f"score name {name!r} must be 1 to {SCORE_NAME_LENGTH} chars")
        return value

    @property
    def sort_score(self) -> str | None:
        """The stored score the query sorts on, or None."""
        prefix = SCORE_SORT_PREFIX
        return self.sort_by[len(prefix) :] if self.sort_by.startswith(prefix) else None

    @model_validator(mode="after")
    def _consistent(self) -> CandidateQuery:
        unknown = sorted(set(self.properties) - set(PROPERTY_COLUMNS))
        if unknown:
            raise ValueError(f"unknown properties {unknown}; known: {', '.join(PROPERTY_COLUMNS)}")
        if (self.min_similarity is not None or self.top_k is not None) and not self.similar_to:
            raise ValueError("min_similarity and top_k need similar_to (a SMILES)")
        if self.sort_by == "similarity" and not self.similar_to:
            raise ValueError("sort_by='similarity' needs similar_to (a SMILES)")
        return self


class CandidateRow(_Strict):
    """One result: a candidate with its molecule's properties."""

    candidate_id: int
    inchikey: str
    smiles: str
    properties: dict[str, float | int | None]
    pains: bool
    brenk: bool
    alerts: list[str]
    novel: bool | None
    score: float | None
    scores: dict[str, float | None] = Field(
        default_factory=dict, description="The candidate's stored extra scores, by name."
    )
    family: str
    run: str = Field(description="The run's MLflow run id, or its run key.")
    mlflow_run_id: str | None
    checkpoint: str | None
    temperature: float | None
    created_at: datetime
    similarity: float | None = None


class QueryPage(_Strict):
    """A page of results and how many match in all."""

    query: CandidateQuery
    total: int
    rows: list[CandidateRow]
    total_exact: bool = Field(
        default=True,
        description="False when counting stopped early: at least `total` candidates match.",
    )


class MoleculeDetail(_Strict):
    """Everything known about one molecule: properties, alerts, every candidate that
    generated it (provenance) and, when a training set is known, its nearest neighbours."""

    inchikey: str
    smiles: str
    properties: dict[str, float | int | None]
    pains: bool
    brenk: bool
    alerts: list[str]
    candidates: list[CandidateRow]
    neighbours: list[tuple[str, float]] = Field(
        default_factory=list, description="Nearest training molecules (SMILES, Tanimoto)."
    )
