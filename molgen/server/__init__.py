"""The candidate store's HTTP API and web page (FastAPI), a layer on top of
:mod:`molgen.store` that only reads it. ``molgen serve-ui`` runs it with uvicorn."""

from __future__ import annotations

from molgen.server.app import create_app

__all__ = ["create_app"]
