"""``molgen query``: find candidates in the store by property, alerts, provenance, SMARTS
substructure and Tanimoto similarity; print a table, or write CSV or SDF."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from molgen.chem.columns import FEATURED_PROPERTIES, column
from molgen.store.query import (
    MAX_PAGE_SIZE,
    SCORE_SORT_PREFIX,
    SORT_KEYS,
    CandidateQuery,
    QueryPage,
)
from molgen.store.schema import PROPERTY_COLUMNS
from molgen.utils.errors import InputError, MolgenError

__all__ = ["add_query_parser", "build_query", "format_table", "query_command"]

EXAMPLES = """examples:
  molgen query --where 'qed>=0.7' --no-pains --novel --since 2025-03-01
  molgen query --smarts 'S(=O)(=O)N' --similar-to 'CC(=O)Nc1ccc(O)cc1' --min-similarity 0.3
  molgen query --similar-to 'CC(=O)Nc1ccc(O)cc1' --top-k 50 --sort similarity
  molgen query --min qed=0.6 --max mw=450 --family vae --sort sa --asc --page 2
  molgen query --min-score qed_desirability=0.5 --sort score:dock_raw --asc
  molgen query --run <mlflow_run_id> --format sdf --out hits.sdf --limit 5000
  (--db defaults to $MOLGEN_DB_URL, else molgen-store.db in the working directory;
   dates are UTC; a table shows one page, csv/sdf hold every match up to --limit)"""

_WHERE = re.compile(r"^\s*((?:score:)?[\w.-]+?)\s*(>=|<=|=|==|>|<)\s*([^\s]+)\s*$")
_TABLE_PROPS = FEATURED_PROPERTIES[:4]


def _number(text: str, flag: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(flag, f"{text!r} is not a number") from None


def _ranges(args: argparse.Namespace) -> tuple[dict[str, dict[str, float]], ...]:
    """Property ranges and stored-score ranges from ``--where``, ``--min``, ``--max``,
    ``--min-score`` and ``--max-score`` (``--where`` names a score as ``score:NAME``)."""
    ranges: dict[str, dict[str, float]] = {}
    scores: dict[str, dict[str, float]] = {}

    def bound(name: str, end: str, value: float, flag: str) -> None:
        if name.startswith(SCORE_SORT_PREFIX):
            scores.setdefault(name[len(SCORE_SORT_PREFIX) :], {})[end] = value
            return
        if name not in PROPERTY_COLUMNS:
            known = ", ".join(PROPERTY_COLUMNS)
            raise InputError(
                flag, f"unknown property {name!r}; known: {known} (stored scores: score:NAME)"
            )
        ranges.setdefault(name, {})[end] = value

    for text in args.where or []:
        match = _WHERE.match(text)
        if match is None:
            raise InputError("--where", f"{text!r} is not PROPERTY>=X, PROPERTY<=X or PROPERTY=X")
        name, op, value = match.group(1), match.group(2), _number(match.group(3), "--where")
        if op in (">", "<"):
            raise InputError("--where", f"{text!r}: ranges are inclusive, use >= or <=")
        if op in (">=", "=", "=="):
            bound(name, "min", value, "--where")
        if op in ("<=", "=", "=="):
            bound(name, "max", value, "--where")
    for flag, end in (("--min", "min"), ("--max", "max")):
        for text in getattr(args, end) or []:
            name, sep, value = text.partition("=")
            if not sep:
                raise InputError(flag, f"{text!r} is not PROPERTY=VALUE")
            bound(name.strip(), end, _number(value, flag), flag)
    for flag, end in (("--min-score", "min"), ("--max-score", "max")):
        for text in getattr(args, f"{end}_score") or []:
            name, sep, value = text.partition("=")
            if not sep or not name.strip():
                raise InputError(flag, f"{text!r} is not NAME=VALUE")
            bound(SCORE_SORT_PREFIX + name.strip(), end, _number(value, flag), flag)
    return ranges, scores


def _moment(text: str | None, flag: str, end_of_day: bool = False) -> datetime | None:
    """An ISO date or date-time (UTC unless it says otherwise); a bare ``--until`` date
    means the end of that day."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(flag, f"{text!r} is not a date (YYYY-MM-DD[THH:MM[:SS]])") from None
    if end_of_day and len(text.strip()) == 10:
        moment = datetime.combine(moment.date(), time.max)
    return moment


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def build_query(args: argparse.Namespace) -> CandidateQuery:
    """The :class:`CandidateQuery` the command-line flags describe.

    Raises:
        MolgenError: a malformed flag or an invalid query, in one line.
    """
    properties, scores = _ranges(args)
    fields: dict[str, Any] = {
        "properties": properties,
        "scores": scores,
        "pains": args.pains,
        "brenk": args.brenk,
        "novel": args.novel,
        "runs": args.run or [],
        "families": args.family or [],
        "created_after": _moment(args.since, "--since"),
        "created_before": _moment(args.until, "--until", end_of_day=True),
        "smarts": args.smarts,
        "similar_to": args.similar_to,
        "min_similarity": args.min_similarity,
        "top_k": args.top_k,
        "sort_by": args.sort or ("similarity" if args.similar_to else "score"),
        "descending": not args.asc,
        "page": args.page,
        "page_size": args.page_size,
    }
    try:
        return CandidateQuery(**fields)
    except ValidationError as exc:
        raise MolgenError(f"invalid query: {_validation_message(exc)}") from None


def _cell(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def format_table(page: QueryPage) -> str:
    """A page of results as a plain-text table with a header line (plus a column for each
    stored score the query filters or sorts on)."""
    query = page.query
    pages = max(-(-page.total // query.page_size), 1)
    count = f"{page.total}" if page.total_exact else f"more than {page.total}"
    of = f"{pages}" if page.total_exact else f"{pages}+"
    lines = [f"{count} candidates; page {query.page} of {of}, sorted by "
             f"{query.sort_by} {'descending' if query.descending else 'ascending'}"]  # fmt: skip
    if not page.rows:
        return lines[0]
    similar = query.similar_to is not None
    named = list(dict.fromkeys([*filter(None, [query.sort_score]), *query.scores]))
    head = f"{'id':>8} {'score':>6} " + " ".join(f"{p:>7}" for p in _TABLE_PROPS)
    head += "".join(f" {name:>10.10}" for name in named)
    head += f" {'sim':>6}" * similar + f" {'alerts':<7} {'novel':<5} {'family':<12} smiles"
    lines.append(head)
    for row in page.rows:
        alerts = ",".join(flag for flag, on in (("P", row.pains), ("B", row.brenk)) if on)
        line = f"{row.candidate_id:>8} {_cell(row.score):>6} "
        line += " ".join(f"{_cell(row.properties.get(p), 2):>7}" for p in _TABLE_PROPS)
        line += "".join(f" {_cell(row.scores.get(name)):>10}" for name in named)
        line += f" {_cell(row.similarity):>6}" * similar
        line += f" {alerts or '-':<7} {_cell(row.novel):<5} {row.family:<12.12} {row.smiles}"
        lines.append(line)
    return "\n".join(lines)


def _db_url(args: argparse.Namespace) -> str | None:
    if args.db:
        return args.db
    if args.config:
        from molgen.config import load_pipeline_config

        return load_pipeline_config(args.config).store.url
    return None


def query_command(args: argparse.Namespace) -> None:
    """Run the query; print a table, or write (or print) CSV/SDF of every match."""
    query = build_query(args)
    if args.timeout <= 0:
        raise InputError("--timeout", f"must be positive, not {args.timeout}")
    if args.out and args.format == "table":
        raise InputError(args.out, "--out needs --format csv or sdf")
    from molgen.store.engine import open_store
    from molgen.store.search import SearchLimits, search

    limits = SearchLimits(timeout_s=args.timeout)
    engine = open_store(_db_url(args), read_only=True)
    try:
        if args.format == "table":
            print(format_table(search(engine, query, limits=limits)))
            return
        from molgen.store.export import export

        text = export(engine, query, args.format, args.limit, limits=limits)
    finally:
        engine.dispose()
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        print(f"wrote {out}")
    else:
        sys.stdout.write(text)


def add_query_parser(
    sub: argparse._SubParsersAction, add_common: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Register ``molgen query`` on the top-level subparsers."""
    text = "Find candidates in the store by property, alerts, run, substructure, similarity."
    parser = sub.add_parser(
        "query", help=text, description=text, epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    add_common(parser)
    parser.add_argument("--db", metavar="URL", help="database URL or SQLite file")
    group = parser.add_argument_group("filters")
    group.add_argument(
        "--where",
        action="append",
        metavar="EXPR",
        help="property or stored-score range, e.g. 'qed>=0.7', 'mw<=450', 'hbd=2', "
        "'score:dock_raw<=-8' (repeatable)",
    )
    props = ", ".join(f"{c.name} ({c.label})" for c in map(column, PROPERTY_COLUMNS))
    group.add_argument(
        "--min", action="append", metavar="PROP=X", help=f"lower bound; PROP: {props}"
    )
    group.add_argument("--max", action="append", metavar="PROP=X", help="upper bound")
    group.add_argument(
        "--min-score",
        action="append",
        metavar="NAME=X",
        help="lower bound on a stored score (e.g. an objective's qed_desirability)",
    )
    group.add_argument(
        "--max-score", action="append", metavar="NAME=X", help="upper bound on a stored score"
    )
    group.add_argument(
        "--pains",
        action=argparse.BooleanOptionalAction,
        help="only with (--pains) or without (--no-pains) a PAINS alert",
    )
    group.add_argument(
        "--brenk", action=argparse.BooleanOptionalAction, help="only with or without a Brenk alert"
    )
    group.add_argument(
        "--novel",
        action=argparse.BooleanOptionalAction,
        help="only novel (--novel) or known (--no-novel) molecules",
    )
    group.add_argument(
        "--run", action="append", metavar="ID", help="MLflow run id or run key (repeatable)"
    )
    group.add_argument("--family", action="append", metavar="F", help="model family (repeatable)")
    group.add_argument("--since", metavar="DATE", help="created at or after (ISO, UTC)")
    group.add_argument("--until", metavar="DATE", help="created at or before (ISO, UTC)")
    group.add_argument("--smarts", metavar="SMARTS", help="substructure")
    group.add_argument("--similar-to", metavar="SMILES", help="Tanimoto similarity query")
    group.add_argument("--min-similarity", type=float, metavar="T", help="Tanimoto threshold")
    group.add_argument("--top-k", type=int, metavar="K", help="only the K most similar")
    order = parser.add_argument_group("order and output")
    order.add_argument(
        "--sort",
        metavar="KEY",
        help=f"one of {', '.join(SORT_KEYS)}, or score:NAME for a stored score "
        "(default score, or similarity)",
    )
    order.add_argument("--asc", action="store_true", help="ascending (default descending)")
    order.add_argument("--page", type=int, default=1)
    order.add_argument("--page-size", type=int, default=20, help=f"at most {MAX_PAGE_SIZE}")
    order.add_argument("--format", choices=("table", "csv", "sdf"), default="table")
    order.add_argument("--out", metavar="FILE", help="write csv/sdf here (default stdout)")
    order.add_argument("--limit", type=int, default=10_000, help="most rows in csv/sdf")
    order.add_argument("--timeout", type=float, default=60.0, help="seconds a search may take")
    parser.set_defaults(handler=query_command)  # fmt: skip
