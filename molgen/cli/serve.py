"""``molgen serve-ui``: the candidate store's web page and HTTP API, served by uvicorn."""

from __future__ import annotations

import argparse
import logging

from molgen.utils.errors import InputError

__all__ = ["register", "serve_ui"]

logger = logging.getLogger(__name__)

EXAMPLES = """examples:
  molgen serve-ui                       (the store ./molgen-store.db on http://127.0.0.1:8000)
  molgen serve-ui --db postgresql://reader@localhost/molgen --port 8080
  molgen serve-ui --train-data data/mine   (nearest training neighbours on the detail view)
  (the page is at /, the API's OpenAPI schema at /openapi.json)"""

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``serve-ui`` to the ``molgen`` subcommands."""
    text = "Serve the candidate store's web page and HTTP API (read-only)."
    cmd = sub.add_parser(
        "serve-ui",
        help=text,
        description=text,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument(
        "--db", metavar="URL", help="store URL (default $MOLGEN_DB_URL, else ./molgen-store.db)"
    )
    cmd.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    cmd.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    cmd.add_argument("--train-data", metavar="DIR", help="curated dataset, for nearest neighbours")
    cmd.add_argument(
        "--timeout", type=float, default=60.0, help="seconds a query may run (default 60)"
    )
    cmd.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    cmd.set_defaults(handler=serve_ui)


def serve_ui(args: argparse.Namespace) -> None:
    """Open the store read-only and serve the page and API until interrupted."""
    if not 0 < args.port < 65536:
        raise InputError("--port", f"{args.port} is not a TCP port (1-65535)")
    if args.timeout <= 0:
        raise InputError("--timeout", "must be positive")
    import uvicorn

    from molgen.server import create_app
    from molgen.store.search import SearchLimits

    limits = SearchLimits(timeout_s=args.timeout)
    app = create_app(args.db, train_dir=args.train_data, limits=limits)
    if args.host not in _LOCAL_HOSTS:
        logger.warning("serving on %s: the store is reachable from other machines", args.host)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
