"""``molgen store import|stats|upgrade``: fill, inspect and migrate the candidate store."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from molgen.utils.errors import InputError

__all__ = [
    "add_store_parser",
    "create_reader_command",
    "import_command",
    "stats_command",
    "upgrade_command",
]

READER_PASSWORD_ENV = "MOLGEN_READER_PASSWORD"

EXAMPLES = """examples:
  molgen store import runs/today                      (every family of a pipeline run)
  molgen store import scores.parquet --family char_rnn --run-name screen-1
  molgen store import hits.smi --db postgresql://me@dbhost/molgen   (properties computed)
  molgen store stats --format json
  molgen store upgrade --db postgresql://me@dbhost/molgen
  MOLGEN_READER_PASSWORD=... molgen store create-reader molgen_reader --db postgresql://me@dbhost/molgen
  (--db defaults to $MOLGEN_DB_URL, else molgen-store.db in the working directory)"""

_SHOWN_REJECTS = 5


def _db_url(args: argparse.Namespace) -> str | None:
    """``--db``, else the ``[store] url`` of ``--config``, else None (the default store)."""
    if args.db:
        return args.db
    if args.config:
        from molgen.config import load_pipeline_config

        return load_pipeline_config(args.config).store.url
    return None


def import_command(args: argparse.Namespace) -> None:
    """Import scored files (any molecule file) and pipeline run directories."""
    from molgen.store.engine import open_store, public_url
    from molgen.store.ingest import ingest_family, ingest_file
    from molgen.store.runs import read_run_dir

    for path in args.paths:
        if not Path(path).exists():
            raise InputError(path, "not found (give a scored file or a pipeline run directory)")
    engine = open_store(_db_url(args))
    try:
        for path in args.paths:
            if Path(path).is_dir():
                run, families = read_run_dir(path, args.run_name)
                chosen = [f for f in families if args.family in (None, f.label)]
                if not chosen:
                    labels = ", ".join(f.label for f in families)
                    raise InputError(path, f"no family {args.family!r} (has: {labels})")
                reports = [ingest_family(engine, run, f, args.jobs) for f in chosen]
            else:
                family = args.family or "import"
                reports = [
                    ingest_file(
                        engine, path, family=family, run_name=args.run_name, n_jobs=args.jobs
                    )
                ]
            for report in reports:
                print(report.summary())
                for rejected in report.rejected[:_SHOWN_REJECTS]:
                    print(f"  rejected row {rejected.row}: {rejected.reason} ({rejected.smiles})")
                if len(report.rejected) > _SHOWN_REJECTS:
                    print(f"  ... and {len(report.rejected) - _SHOWN_REJECTS} more rejected rows")
        print(f"store: {public_url(engine)}")
    finally:
        engine.dispose()


def stats_command(args: argparse.Namespace) -> None:
    """Print what the store holds, as a table or JSON."""
    from molgen.store.engine import open_store
    from molgen.store.stats import format_stats, store_stats

    engine = open_store(_db_url(args), read_only=True)
    try:
        stats = store_stats(engine)
    finally:
        engine.dispose()
    if args.format == "json":
        sys.stdout.write(stats.model_dump_json(indent=2) + "\n")
    else:
        print(format_stats(stats))


def upgrade_command(args: argparse.Namespace) -> None:
    """Create the store, or migrate its schema to this molgen's version."""
    from molgen.store.engine import open_store, public_url
    from molgen.store.migrate import current_revision

    engine = open_store(_db_url(args), upgrade=True)
    try:
        print(f"store {public_url(engine)} is at schema {current_revision(engine)}")
    finally:
        engine.dispose()


def create_reader_command(args: argparse.Namespace) -> None:
    """Create (or update) the read-only PostgreSQL role the query service connects as."""
    import getpass
    import os

    from molgen.store.engine import open_store, public_url
    from molgen.store.roles import create_readonly_role, readonly_url

    password = os.environ.get(READER_PASSWORD_ENV)
    if not password:
        if not sys.stdin.isatty():
            raise InputError(READER_PASSWORD_ENV, "set it to the new role's password")
        password = getpass.getpass(f"password for {args.name}: ")
    engine = open_store(_db_url(args), upgrade=True)
    try:
        create_readonly_role(engine, args.name, password)
        reader = public_url(readonly_url(engine, args.name, password))
        print(f"read-only role {args.name}: serve with --db {reader}")
    finally:
        engine.dispose()


def add_store_parser(
    sub: argparse._SubParsersAction, add_common: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Register ``molgen store`` and its subcommands on the top-level subparsers."""
    text = "Fill, inspect and migrate the candidate store."
    store = sub.add_parser(
        "store",
        help=text,
        description=text,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = store.add_subparsers(dest="store_command", required=True, metavar="ACTION")

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=EXAMPLES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        add_common(parser)
        parser.add_argument("--db", metavar="URL", help="database URL or SQLite file")
        return parser

    imp = action("import", "Import scored files or pipeline run directories (idempotent).")
    imp.add_argument("paths", nargs="+", metavar="PATH", help="scored file or run directory")
    imp.add_argument("--family", metavar="F", help="family label (default 'import'; for a run "
                     "directory: import only this family)")  # fmt: skip
    imp.add_argument("--run-name", metavar="N", help="name of the run (default: file/dir name)")
    imp.add_argument("--jobs", type=int, default=0, help="fingerprint processes (0 = all cores)")
    imp.set_defaults(handler=import_command)

    stats = action("stats", "Counts of molecules, candidates and runs, per family and run.")
    stats.add_argument("--format", choices=("table", "json"), default="table")
    stats.set_defaults(handler=stats_command)

    upgrade = action("upgrade", "Create the store or migrate its schema to the newest version.")
    upgrade.set_defaults(handler=upgrade_command)

    reader = action(
        "create-reader",
        f"PostgreSQL: create or update a read-only login role for molgen serve-ui and query "
        f"(password from ${READER_PASSWORD_ENV}, else prompted).",
    )
    reader.add_argument("name", help="role name (letters, digits, underscores)")
    reader.set_defaults(handler=create_reader_command)
