"""The web page for chemists: a search form whose state lives in the URL (so a search is a
shareable link), a grid of 2D depictions, a molecule detail view and CSV/SDF downloads.
Server-rendered Jinja2 templates; ``static/app.js`` only tidies the form."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from molgen.chem.columns import COLUMNS, FEATURED_PROPERTIES, column
from molgen.server.api import molecule, search_page
from molgen.server.app import QueryTimeout, ServerState, get_state
from molgen.server.catalog import mlflow_run_url
from molgen.server.depict import ALERT_COLOURS, SMARTS_COLOUR, depict_svg
from molgen.server.params import (
    LIST_FIELDS,
    SCORE_PARAM,
    format_validation_error,
    params_from_multidict,
)
from molgen.store.query import MAX_PAGE_SIZE, SORT_KEYS, QueryPage
from molgen.store.schema import PROPERTY_COLUMNS
from molgen.utils.errors import MolgenError

__all__ = ["FORM_PROPERTIES", "error_page", "router"]

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

FORM_PROPERTIES = tuple(column(name) for name in FEATURED_PROPERTIES)
"""Properties the form shows as range inputs (the others under "more")."""
MORE_PROPERTIES = tuple(column(n) for n in PROPERTY_COLUMNS if n not in FEATURED_PROPERTIES)
CARD_PROPERTIES = FORM_PROPERTIES
ALERT_FLAGS = tuple(column(name) for name in ("pains", "brenk"))
PAGE_SIZES = (12, 24, 50, 100, 200)
CARD_SCORES = 3
"""Stored scores a card shows when the query names none (the rest fold away)."""
ASCENDING_FIRST = tuple(c.name for c in COLUMNS if c.lower_is_better)
"""Sort keys whose first click sorts low to high (lower is the better end)."""


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def _rgb(colour: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in colour)


templates.env.filters["num"] = _number
templates.env.globals.update(
    alert_colours={k: _rgb(c) for k, c in ALERT_COLOURS.items()},
    smarts_colour=_rgb(SMARTS_COLOUR),
    mlflow_run_url=mlflow_run_url,
)


class _Url:
    """Links that keep the current search and change a few parameters."""

    def __init__(self, request: Request) -> None:
        self.items = [(k, v) for k, v in request.query_params.multi_items() if v.strip()]

    def query(self, drop: tuple[str, ...] = (), **changes: Any) -> str:
        """The current query string without ``drop`` and with ``changes`` applied."""
        gone = set(drop) | set(changes)
        kept = [(k, v) for k, v in self.items if k not in gone]
        kept += [(k, str(v).lower() if isinstance(v, bool) else v) for k, v in changes.items()]
        return urlencode(kept)


def _form_values(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    single = {k: v for k, v in request.query_params.items() if k not in LIST_FIELDS}
    lists = {k: request.query_params.getlist(k) for k in LIST_FIELDS}
    return single, lists


def error_page(request: Request, status: int, message: str) -> Response:
    """A page that shows ``message`` (never a traceback)."""
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status
    )


def _scores_shown(page: QueryPage | None, names: list[str]) -> list[str]:
    """Stored scores a result card shows in full view: those the query filters or sorts on,
    else the first few stored ones."""
    if page is None:
        return []
    used = [*filter(None, [page.query.sort_score]), *page.query.scores]
    return list(dict.fromkeys(used)) or names[:CARD_SCORES]


@router.get("/", response_class=HTMLResponse)
async def search_view(request: Request) -> Response:
    """The search form and, below it, the page of results it selects."""
    state: ServerState = get_state(request)
    runs, families = await state.pickers()
    score_names = await state.score_names()
    error, status = None, 200
    page: QueryPage | None = None
    try:
        query = params_from_multidict(
            {k: request.query_params.getlist(k) for k in request.query_params}
        ).to_query()
        page = await search_page(state, query)
    except ValidationError as exc:
        error, status = f"Invalid search: {format_validation_error(exc)}", 400
    except MolgenError as exc:
        error, status = str(exc), 503 if isinstance(exc, QueryTimeout) else 400
    single, lists = _form_values(request)
    pages, has_next = 1, False
    if page is not None:
        pages = max(1, math.ceil(page.total / page.query.page_size))
        # An inexact total (counting stopped early) is a lower bound: a full page may have more.
        full = len(page.rows) == page.query.page_size
        has_next = page.query.page < pages or (not page.total_exact and full)
    context = {
        "form": single,
        "lists": lists,
        "page": page,
        "pages": pages,
        "has_next": has_next,
        "error": error,
        "runs": runs,
        "families": families,
        "url": _Url(request),
        "form_properties": FORM_PROPERTIES,
        "more_properties": MORE_PROPERTIES,
        "more_open": any(
            f"{p.name}_{e}" in single for p in MORE_PROPERTIES for e in ("min", "max")
        ),
        "score_names": score_names,
        "scores_shown": _scores_shown(page, score_names),
        "scores_open": any(SCORE_PARAM.match(key) for key in single),
        "ascending_first": ASCENDING_FIRST,
        "card_properties": CARD_PROPERTIES,
        "alert_flags": ALERT_FLAGS,
        "sort_keys": SORT_KEYS,
        "page_sizes": PAGE_SIZES,
        "max_page_size": MAX_PAGE_SIZE,
    }
    return templates.TemplateResponse(request, "search.html", context, status_code=status)


@router.get("/molecules/{inchikey}", response_class=HTMLResponse)
async def molecule_view(request: Request, inchikey: str) -> Response:
    """One molecule: depiction with alerts highlighted, properties, provenance (with MLflow
    links) and nearest training-set neighbours."""
    state: ServerState = get_state(request)
    detail = await molecule(state, inchikey)
    smarts = request.query_params.get("smarts") or None
    svg = await state.run(depict_svg, detail.smiles, smarts=smarts, width=460, height=340)
    runs, _ = await state.pickers()
    tracking = {r.run: r.mlflow_tracking_uri for r in runs}
    context = {
        "m": detail,
        "svg": svg,
        "smarts": smarts,
        "back": request.query_params.get("back", ""),
        "tracking": tracking,
        "has_train": state.train is not None,
        "score_names": sorted({name for c in detail.candidates for name in c.scores}),
    }
    return templates.TemplateResponse(request, "molecule.html", context)
