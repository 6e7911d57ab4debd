"""The query-string form of :class:`~molgen.store.query.CandidateQuery`.

``GET /api/candidates``, ``GET /api/export`` and the web page take the same flat
parameters (``qed_min=0.7&pains=false&smarts=...&runs=a&runs=b&sort_by=qed&page=2``), so a
search is a shareable link. :meth:`SearchParams.to_query` turns them into the one query
model; every check lives there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from molgen.chem.columns import column
from molgen.store.query import MAX_PAGE_SIZE, MAX_QUERY_TEXT, SORT_KEYS, CandidateQuery
from molgen.store.schema import PROPERTY_COLUMNS

__all__ = ["LIST_FIELDS", "SearchParams", "format_validation_error", "params_from_multidict"]

LIST_FIELDS = ("runs", "families")
"""Parameters that may repeat (``runs=a&runs=b``)."""


class _FlatQuery(BaseModel):
    """Everything in :class:`CandidateQuery` except the property ranges (added below as
    ``<property>_min`` / ``<property>_max``)."""

    model_config = ConfigDict(extra="forbid")

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
    sort_by: Literal[SORT_KEYS] = "score"  # type: ignore[valid-type]
    descending: bool = True
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)

    def to_query(self) -> CandidateQuery:
        """The :class:`CandidateQuery` these parameters describe.

        Raises:
            pydantic.ValidationError: the combination is invalid (e.g. a reversed range).
        """
        own = set(SearchParams.model_fields)  # subclasses may add non-query parameters
        data: dict[str, Any] = self.model_dump(include=own, exclude_none=True)
        ranges = {}
        for name in PROPERTY_COLUMNS:
            low, high = data.pop(f"{name}_min", None), data.pop(f"{name}_max", None)
            if low is not None or high is not None:
                ranges[name] = {"min": low, "max": high}
        return CandidateQuery(properties=ranges, **data)


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
