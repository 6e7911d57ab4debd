"""``molgen serve``: run the deployments of ``prefect.yaml`` on their schedules, here."""

from __future__ import annotations

import argparse
import logging
import os
from contextlib import nullcontext
from pathlib import Path

from molgen.utils.errors import InputError

__all__ = ["register", "serve"]

logger = logging.getLogger(__name__)

EXAMPLES = """examples:
  molgen serve                          (every deployment of ./prefect.yaml, with its schedule)
  molgen serve --only daily --only curate
  PREFECT_API_URL=http://prefect:4200/api molgen serve --limit 2
  (without PREFECT_API_URL a Prefect server with its scheduler starts on 127.0.0.1:--port
  for as long as this runs; its UI shows the deployments and their runs)"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``serve`` to the ``molgen`` subcommands."""
    text = "Serve the deployments of prefect.yaml on their schedules from this machine."
    cmd = sub.add_parser(
        "serve",
        help=text,
        description=text,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument(
        "--file", default="prefect.yaml", metavar="FILE", help="deployments (prefect.yaml)"
    )
    cmd.add_argument(
        "--only", action="append", metavar="NAME", help="serve only this deployment (repeatable)"
    )
    cmd.add_argument("--limit", type=int, help="most flow runs at once (default: no limit)")
    cmd.add_argument(
        "--port", type=int, default=4200, help="port of the local Prefect server (default 4200)"
    )
    cmd.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    cmd.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> None:
    """Load the deployments (flow runs start in the file's folder) and serve them until
    interrupted, against ``PREFECT_API_URL`` or a local server started for the purpose."""
    path = Path(args.file).resolve()
    if not path.is_file():
        raise InputError(args.file, "prefect.yaml not found (run in the molgen checkout)")
    if args.limit is not None and args.limit < 1:
        raise InputError("--limit", "must be at least 1")
    os.chdir(path.parent)
    from prefect import serve as prefect_serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import load_deployments
    from flows.prefect_server import prefect_server

    deployments = load_deployments(path, args.only)
    api = PREFECT_API_URL.value()
    server = nullcontext(api) if api else prefect_server(port=args.port)
    with server as url:
        if not api:
            logger.info("Prefect server with its scheduler: %s (UI: %s)", url, url[: -len("/api")])
        with temporary_settings({PREFECT_API_URL: url}):
            prefect_serve(*deployments, limit=args.limit)
