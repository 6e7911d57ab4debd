"""The query-string form of :class:`~molgen.store.query.CandidateQuery`.

``GET /api/candidates``, ``GET /api/export`` and the web page take the same flat
parameters (``qed_min=0.7&pains=false&smarts=...&runs=a&runs=b&sort_by=qed&page=2``), so a
search is a shareable link. A stored score is named ``score:NAME`` everywhere:
``score:qed_desirability_min=0.5`` bounds it, ``sort_by=score:qed_desirability`` sorts on
it. :meth:`SearchParams.to_query` turns them into the one query model; every check lives
there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from molgen.chem.columns import column
from molgen.store.query import MAX_PAGE_SIZE, MAX_QUERY_TEXT, SORT_KEYS, CandidateQuery
from molgen.store.schema import PROPERTY_COLUMNS

__all__ = [
    "LIST_FIELDS",
    "SCORE_PARAM",
    "SearchParams",
    "format_validation_error",
    "params_from_multidict",
]

LIST_FIELDS = ("runs", "families")
"""Parameters that may repeat (``runs=a&runs=b``)."""
SCORE_PARAM = re.compile(r"^score:(.+)_(min|max)$")
"""A bound on a stored score: ``score:<name>_min`` or ``score:<name>_max``."""


class _FlatQuery(BaseModel):
    """Everything in :class:`CandidateQuery` except the property ranges (added below as
    ``<property>_min`` / ``<property>_max``) and the stored-score ranges
    (``score:<name>_min`` / ``score:<name>_max``, the only other keys allowed: stored score
    names are only known to the database)."""

    model_config = ConfigDict(extra="allow")

    pains: bool | None = Field(default=None, description="true: PAINS alert; false: none.")
    brenk: bool | None = Field(default=None, description="true: Brenk alert; false: none.")
    novel: bool | None = Field(default=None, description="Only novel (true) or known (false).")
    runs: list[str] = Field(default_factory=list, description="MLflow run ids (or run keys).")
    families: list[str] = Field(default_factory=list, description="Model family labels.")
    created_after: datetime | None = None
    created_before: datetime | None = None
    smarts: str | None = Field(default=None, max_length=MAX_QUERY_TEXT, description="SMARTS.")
    similar_to: str | None = Field(
        default=None, max_length=MAX_QUERY_TEXT, description="Query molecule (SMILES)."
    )
    min_similarity: float | None = Field(default=None, ge=0.0, le=1.0)
    top_k: int | None = Field(default=None, ge=1, le=MAX_PAGE_SIZE)
    sort_by: str = Field(
        default="score",
        description=f"One of {', '.join(SORT_KEYS)}, or score:NAME for a stored score.",
    )
    descending: bool = True
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)

    @model_validator(mode="after")
    def _only_score_ranges(self) -> _FlatQuery:
        for key, value in (self.model_extra or {}).items():
            if not SCORE_PARAM.match(key):
                raise ValueError(f"unknown parameter {key!r}")
            try:
                float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{key}: {value!r} is not a number") from None
        return self

    def score_ranges(self) -> dict[str, dict[str, float]]:
        """The stored-score ranges among the parameters, by score name."""
        ranges: dict[str, dict[str, float]] = {}
        for key, value in (self.model_extra or {}).items():
            match = SCORE_PARAM.match(key)
            if match is not None:
                ranges.setdefault(match.group(1), {})[match.group(2)] = float(value)
        return ranges

    def to_query(self) -> CandidateQuery:
        """The :class:`CandidateQuery` these parameters describe.

        Raises:
            pydantic.ValidationError: the combination is invalid (e.g. a reversed range).
        """
        own = set(SearchParams.model_fields)  # subclasses may add non-query parameters
        data: dict[str, Any] = self.model_dump(include=own, exclude_none=True)  # no extras
        ranges = {}
        for name in PROPERTY_COLUMNS:
            low, high = data.pop(f"{name}_min", None), data.pop(f"{name}_max", None)
            if low is not None or high is not None:
                ranges[name] = {"min": low, "max": high}
        return CandidateQuery(properties=ranges, scores=self.score_ranges(), **data)


def _range_description(name: str, end: str) -> str:
    declared = column(name)
    unit = f" ({declared.unit})" if declared.unit else ""
    bound = "Lowest" if end == "min" else "Highest"
    return f"{bound} {declared.label}{unit}, inclusive. {declared.description}"


_RANGE_FIELDS: dict[str, Any] = {
    f"{name}_{end}": (float | None, Field(default=None, description=_range_description(name, end)))
    for name in PROPERTY_COLUMNS
    for end in ("min", "max")
}
SearchParams = create_model("SearchParams", __base__=_FlatQuery, **_RANGE_FIELDS)
"""Flat search parameters: :class:`_FlatQuery` plus ``<property>_min``/``_max`` for each
property in :data:`~molgen.store.schema.PROPERTY_COLUMNS`."""


def params_from_multidict(items: Mapping[str, Sequence[str]]) -> _FlatQuery:
    """Search parameters from a query string (as ``{key: [values]}``); blank values are
    ignored, so an HTML form's empty inputs mean "no constraint".

    Raises:
        pydantic.ValidationError: unknown keys or invalid values.
    """
    data: dict[str, Any] = {}
    for key, values in items.items():
        kept = [v for v in values if v.strip()]
        if not kept:
            continue
        data[key] = kept if key in LIST_FIELDS else kept[-1]
    return SearchParams.model_validate(data)


def format_validation_error(exc: ValidationError | Sequence[Mapping[str, Any]]) -> str:
    """A one-line, readable summary of validation errors: ``"field: reason; ..."``."""
    errors = exc.errors() if isinstance(exc, ValidationError) else exc
    parts = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{'.'.join(loc)}: {msg}" if loc else msg)
    return "; ".join(parts) or "invalid request"
