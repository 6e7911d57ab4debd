"""The HTTP API under ``/api`` (and ``/healthz``): queries, molecule detail, depictions,
CSV/SDF export and the lists behind the page's pickers."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import text

from molgen.server.app import ServerState, get_state
from molgen.server.catalog import FamilySummary, RunSummary, molecule_smiles
from molgen.server.depict import depict_svg
from molgen.server.params import SearchParams
from molgen.store.export import MAX_EXPORT_ROWS as EXPORT_MAX
from molgen.store.query import CandidateQuery, MoleculeDetail, QueryPage

__all__ = ["EXPORT_LIMIT", "EXPORT_MAX", "export_response", "router"]

EXPORT_LIMIT = 10_000
"""Rows an export holds unless ``limit`` says otherwise."""

router = APIRouter()


class ExportParams(SearchParams):  # type: ignore[misc, valid-type]
    """Search parameters plus the export's format and row limit."""

    format: Literal["csv", "sdf"] = "csv"
    limit: int = Field(default=EXPORT_LIMIT, ge=1, le=EXPORT_MAX)


State = Annotated[ServerState, Depends(get_state)]
Format = Literal["csv", "sdf"]
_MEDIA = {"csv": "text/csv; charset=utf-8", "sdf": "chemical/x-mdl-sdfile"}
_SVG_HEADERS = {"Cache-Control": "public, max-age=3600"}


async def search_page(state: ServerState, query: CandidateQuery) -> QueryPage:
    """Run ``query`` on the store within the server's time limit."""
    from molgen.store.search import search

    return await state.run(search, state.engine, query, limits=state.limits)


async def molecule(state: ServerState, inchikey: str) -> MoleculeDetail:
    """The detail of one molecule (with training neighbours when the server has a train
    set); a 404 when the store does not hold it."""
    from molgen.store.detail import molecule_detail

    detail = await state.run(molecule_detail, state.engine, inchikey, train_smiles=state.train)
    if detail is None:
        raise HTTPException(404, f"no molecule with InChIKey {inchikey} in the store")
    return detail


async def export_response(
    state: ServerState, query: CandidateQuery, fmt: Format, limit: int
) -> Response:
    """The rows ``query`` matches (all pages, at most ``limit``) as a CSV or SDF download."""
    from molgen.store.export import export

    body = await state.run(export, state.engine, query, fmt, limit, limits=state.limits)
    return Response(
        content=body,
        media_type=_MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="molgen-candidates.{fmt}"'},
    )


@router.get("/healthz", tags=["service"])
async def healthz(state: State) -> dict[str, str]:
    """Liveness: the store answers a trivial query."""

    def ping() -> None:
        with state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    await state.run(ping)
    return {"status": "ok", "database": state.engine.dialect.name}


@router.post("/api/query", tags=["query"])
async def query_post(query: CandidateQuery, state: State) -> QueryPage:
    """One page of the candidates that match ``query`` (JSON body), and the total count."""
    return await search_page(state, query)


@router.get("/api/candidates", tags=["query"])
async def query_get(params: Annotated[SearchParams, Query()], state: State) -> QueryPage:
    """The same as ``POST /api/query`` with the query in the query string:
    ``<property>_min``/``_max`` for ranges, ``score:<name>_min``/``_max`` for ranges on a
    stored score (names: ``GET /api/scores``), ``sort_by=score:<name>`` to sort on one,
    repeated ``runs``/``families``. Each row carries its stored ``scores``."""
    return await search_page(state, params.to_query())


@router.get("/api/molecules/{inchikey}", tags=["molecules"])
async def molecule_get(inchikey: str, state: State) -> MoleculeDetail:
    """Everything known about a molecule: properties, alerts, provenance, neighbours."""
    return await molecule(state, inchikey)


class DepictParams(BaseModel):
    """How to draw a depiction: highlights and size."""

    smarts: str | None = Field(
        default=None, max_length=500, description="Highlight this substructure (blue)."
    )
    alerts: bool = Field(default=True, description="Highlight PAINS (red) and Brenk (orange).")
    width: int = Field(default=280, ge=50, le=1000)
    height: int = Field(default=200, ge=50, le=1000)


class SmilesDepictParams(DepictParams):
    """A SMILES to draw, and how."""

    smiles: str = Field(min_length=1, max_length=500)


async def _svg(state: ServerState, smiles: str, params: DepictParams, error: str) -> Response:
    """The SVG response for ``smiles``, or a 400 with ``error`` if RDKit cannot draw it."""
    options = params.model_dump(include=set(DepictParams.model_fields))
    svg = await state.run(depict_svg, smiles, **options)
    if svg is None:
        raise HTTPException(400, error)
    return Response(svg, media_type="image/svg+xml", headers=_SVG_HEADERS)


_SVG_RESPONSE = {"response_class": Response, "responses": {200: {"content": {"image/svg+xml": {}}}}}


@router.get("/api/molecules/{inchikey}/depiction.svg", tags=["molecules"], **_SVG_RESPONSE)
async def molecule_svg(
    inchikey: str, params: Annotated[DepictParams, Query()], state: State
) -> Response:
    """A 2D depiction (SVG) of a stored molecule, its alert atoms highlighted (PAINS red,
    Brenk orange) and, with ``smarts``, the atoms that substructure matches (blue)."""
    smiles = await state.run(molecule_smiles, state.engine, inchikey)
    if smiles is None:
        raise HTTPException(404, f"no molecule with InChIKey {inchikey} in the store")
    return await _svg(state, smiles, params, f"stored SMILES {smiles!r} cannot be drawn")


@router.get("/api/depict.svg", tags=["molecules"], **_SVG_RESPONSE)
async def smiles_svg(params: Annotated[SmilesDepictParams, Query()], state: State) -> Response:
    """A 2D depiction (SVG) of any SMILES (e.g. a training-set neighbour)."""
    return await _svg(state, params.smiles, params, f"invalid SMILES {params.smiles!r}")


@router.post(
    "/api/export",
    tags=["export"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "chemical/x-mdl-sdfile": {}}}},
)
async def export_post(
    query: Annotated[CandidateQuery, Body()],
    state: State,
    format: Format = "csv",
    limit: Annotated[int, Query(ge=1, le=EXPORT_MAX)] = EXPORT_LIMIT,
) -> Response:
    """Every candidate ``query`` matches (not just one page; at most ``limit``) as a CSV or
    SDF file."""
    return await export_response(state, query, format, limit)


@router.get(
    "/api/export",
    tags=["export"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "chemical/x-mdl-sdfile": {}}}},
)
async def export_get(params: Annotated[ExportParams, Query()], state: State) -> Response:
    """``POST /api/export`` with the query in the query string (the page's download links)."""
    return await export_response(state, params.to_query(), params.format, params.limit)


@router.get("/api/runs", tags=["pickers"])
async def runs(state: State) -> list[RunSummary]:
    """The runs that wrote candidates, newest first, with MLflow links."""
    return (await state.pickers())[0]


@router.get("/api/scores", tags=["pickers"])
async def scores(state: State) -> list[str]:
    """The names of the stored scores that queries can filter and sort on (``score:NAME``)."""
    return await state.score_names()


@router.get("/api/families", tags=["pickers"])
async def families(state: State) -> list[FamilySummary]:
    """The model family labels with their candidate counts."""
    return (await state.pickers())[1]
