"""The FastAPI application: the HTTP API (``/api``), the web page (``/``) and their shared
state and error handling.

Every error a user can cause is a 400 with a one-line JSON message (``{"error": ...}``) on
the API, or a visible message on the page; a query that runs past the time limit is a 503.
Nothing ever answers with a traceback: unexpected failures are logged and answered with a
generic message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from molgen.server.catalog import (
    FamilySummary,
    RunSummary,
    list_families,
    list_runs,
    list_score_names,
)
from molgen.server.params import format_validation_error
from molgen.store.detail import TrainingIndex
from molgen.store.search import SearchLimits
from molgen.utils.errors import MolgenError

__all__ = ["DEFAULT_TIMEOUT", "QueryTimeout", "ServerState", "create_app", "get_state"]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0
"""Seconds a search may run before the store stops it (a 400 that says so)."""
GRACE = 10.0
"""Seconds past :data:`DEFAULT_TIMEOUT`-style limits before a request is abandoned (503)."""
PICKER_TTL = 30.0
"""Seconds the run and family lists are reused before they are read again."""
HERE = Path(__file__).parent

T = TypeVar("T")


class QueryTimeout(MolgenError):
    """A query ran past the server's time limit."""


@dataclass
class ServerState:
    """What every request needs: the read-only engine, the search limits (time, work, how far
    to count) and, when the server was given a curated dataset, its training set's
    fingerprints (for nearest neighbours)."""

    engine: Engine
    limits: SearchLimits = field(default_factory=lambda: SearchLimits(timeout_s=DEFAULT_TIMEOUT))
    train: TrainingIndex | None = None
    _pickers: tuple[float, list[RunSummary], list[FamilySummary]] | None = field(
        default=None, repr=False
    )
    _score_names: tuple[float, list[str]] | None = field(default=None, repr=False)

    @property
    def timeout(self) -> float:
        """Seconds a search may run (the store stops it and says so)."""
        return self.limits.timeout_s

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking store call in a worker thread. The search bounds itself by
        :attr:`timeout`; this is the backstop for anything else (a locked database).

        Raises:
            QueryTimeout: the call did not finish within the timeout plus a grace period.
        """
        try:
            return await asyncio.wait_for(
                run_in_threadpool(fn, *args, **kwargs), timeout=self.timeout + GRACE
            )
        except TimeoutError:
            raise QueryTimeout(
                f"the query did not finish within {self.timeout + GRACE:g} s; narrow it (property "
                "ranges, a more specific SMARTS, fewer runs) and try again"
            ) from None

    async def pickers(self) -> tuple[list[RunSummary], list[FamilySummary]]:
        """The runs and families for the page's pickers (re-read every :data:`PICKER_TTL`)."""
        now = time.monotonic()
        if self._pickers is None or now - self._pickers[0] > PICKER_TTL:
            runs = await self.run(list_runs, self.engine)
            families = await self.run(list_families, self.engine)
            self._pickers = (now, runs, families)
        return self._pickers[1], self._pickers[2]

    async def score_names(self) -> list[str]:
        """The stored score names, for the page's score fields (re-read like the pickers)."""
        now = time.monotonic()
        if self._score_names is None or now - self._score_names[0] > PICKER_TTL:
            self._score_names = (now, await self.run(list_score_names, self.engine))
        return self._score_names[1]


def get_state(request: Request) -> ServerState:
    """The server's :class:`ServerState` (a FastAPI dependency)."""
    return request.app.state.molgen


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path == "/healthz"


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    from molgen.server.ui import error_page  # the page module imports this one

    return error_page(request, status, message)


def _install_error_handlers(app: FastAPI) -> None:
    async def invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError | ValidationError)
        return _error(request, 400, f"invalid query: {format_validation_error(exc.errors())}")

    async def user_error(request: Request, exc: Exception) -> Response:
        status = 503 if isinstance(exc, QueryTimeout) else 400
        return _error(request, status, str(exc))

    async def database_error(request: Request, exc: Exception) -> Response:
        logger.warning("database error on %s: %s", request.url.path, exc)
        return _error(request, 503, "the database could not answer (busy, unreachable or damaged)")

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return _error(request, exc.status_code, str(exc.detail))

    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(ValidationError, invalid_request)
    app.add_exception_handler(MolgenError, user_error)
    app.add_exception_handler(DBAPIError, database_error)
    app.add_exception_handler(StarletteHTTPException, http_error)

    @app.middleware("http")
    async def never_a_traceback(request: Request, call_next: Callable) -> Response:
        try:
            return await call_next(request)
        except Exception:
            logger.exception("unexpected error on %s %s", request.method, request.url.path)
            return _error(request, 500, "internal server error (details are in the server log)")


def create_app(
    db_url: str | None = None,
    *,
    train_dir: str | None = None,
    limits: SearchLimits | None = None,
    engine: Engine | None = None,
) -> FastAPI:
    """The candidate store's HTTP API and web page, reading the store only.

    Args:
        db_url: the store (``--db``); None uses ``$MOLGEN_DB_URL`` or the embedded default.
        train_dir: a ``molgen curate`` output; its train split gives each molecule's nearest
            training-set neighbours on the detail view.
        limits: bounds on each search (default: the store's, with a
            :data:`DEFAULT_TIMEOUT` seconds time limit).
        engine: an already opened engine (instead of ``db_url``), e.g. for tests.

    Raises:
        MolgenError: the store cannot be opened, or ``train_dir`` is not a curated dataset.
    """
    from molgen.server import api, ui

    if engine is None:
        from molgen.store.engine import open_store

        engine = open_store(db_url, read_only=True)
    train = None
    if train_dir is not None:
        from molgen.data.dataset import CuratedDataset

        smiles = CuratedDataset.open(train_dir).smiles("train")
        started = time.monotonic()
        train = TrainingIndex(smiles)
        logger.info(
            "training set %s: %d fingerprints in %.1f s",
            train_dir,
            len(train),
            time.monotonic() - started,
        )
    app = FastAPI(
        title="molgen candidate store",
        summary="Query generated molecules by property, substructure and similarity.",
        version="1",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; the page stays offline
        redoc_url=None,
    )
    limits = limits or SearchLimits(timeout_s=DEFAULT_TIMEOUT)
    app.state.molgen = ServerState(engine=engine, limits=limits, train=train)
    _install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(ui.router)
    return app
