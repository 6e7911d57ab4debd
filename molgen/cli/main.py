"""The ``molgen`` command line: argument parsing, logging set-up and one-line errors."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from molgen.cli import commands, deploy, design, evaluation, predictor, query, serve, store
from molgen.utils.errors import MolgenError, first_line

__all__ = ["build_parser", "main"]

EXAMPLES = {
    "run": """examples:
  molgen run --config configs/quick.toml
  molgen run --config configs/quick.toml --out runs/today""",
    "curate": """examples:
  molgen curate moses --out data/moses-curated
  molgen curate my_compounds.csv --smiles-column SMILES --out data/mine
  molgen curate actives.sdf.gz more.smi --out data/mine --config configs/quick.toml""",
    "train": """examples:
  molgen train --data data/mine --out models/rnn
  molgen train --data data/mine --out models/rnn --resume""",
    "sample": """examples:
  molgen sample --model models/rnn -n 1000 --out samples.csv
  molgen sample --model runs:/<run_id>/model -n 10000 --out samples.parquet --data data/mine
  molgen sample --model models:/char_rnn@champion -n 1000 --out champion.parquet""",
    "score": """examples:
  molgen score samples.csv --out scores.parquet
  molgen score candidates.sdf --out scores.csv --data data/mine
  molgen score samples.csv --objective configs/objectives/celecoxib.toml --out scores.parquet""",
    "evaluate": """examples:
  molgen evaluate samples.csv --data data/mine --out metrics.json
  molgen evaluate runs/today/char_rnn/samples.parquet --data runs/today/data --out m.json
  (NaN, an undefined metric, is written as null)""",
    "report": """examples:
  molgen report runs/today --out report.html
  molgen report runs/a runs/b --out compare.html --tracking-uri sqlite:///mlflow.db
  molgen report runs/today --out r.html --tracking-uri http://mlflow:5000 --ui http://mlflow:5000""",
    "analogs": """examples:
  molgen analogs 'CC(=O)Nc1ccc(O)cc1' -n 50 --model runs/today/vae/model
  molgen analogs 'CC(=O)Nc1ccc(O)cc1' -n 200 --radius 0.5 --out analogs.csv
  (without --model: the VAE of the newest pipeline run under ./runs)""",
    "interpolate": """examples:
  molgen interpolate 'c1ccccc1O' 'CC(=O)Nc1ccc(O)cc1' --model runs/today/vae/model
  molgen interpolate 'c1ccccc1O' 'CCN(CC)CC' --steps 20 --out path.csv""",
}


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", metavar="FILE", help="pipeline config (TOML); defaults are built in"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="molgen", description="Generate, score and store drug-like molecules."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=EXAMPLES[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _add_common(cmd)
        return cmd

    run = add("run", "Run the whole pipeline: curate, then train, sample, score each family.")
    run.add_argument("--out", metavar="DIR", help="output directory (default runs/<timestamp>)")
    run.add_argument(
        "--budget-minutes",
        type=float,
        metavar="M",
        help="wall clock for the whole pipeline; training gets what the other stages leave "
        "([time_budget] minutes)",
    )
    run.set_defaults(handler=commands.run)

    curate = add("curate", "Curate molecule sources into a clean, split dataset.")
    curate.add_argument("inputs", nargs="+", metavar="INPUT", help="file path or 'moses'")
    curate.add_argument("--out", metavar="DIR", required=True)
    curate.add_argument("--smiles-column", metavar="NAME", help="SMILES column of CSV/TSV/Parquet")
    curate.set_defaults(handler=commands.curate)

    train = add("train", "Train a generative model on a curated dataset.")
    train.add_argument("--data", metavar="DIR", required=True, help="a molgen curate output")
    train.add_argument("--out", metavar="DIR", required=True, help="checkpoint directory")
    train.add_argument("--resume", action="store_true", help="continue from DIR/last.pt")
    train.add_argument("--max-minutes", type=float, help="wall-clock budget")
    train.set_defaults(handler=commands.train)

    sample = add("sample", "Sample molecules from a trained model.")
    sample.add_argument(
        "--model",
        required=True,
        metavar="PATH_OR_URI",
        help="checkpoint file or directory, or MLflow URI (models:/<family>@champion, "
        "models:/<family>/<version>, runs:/<run_id>/model)",
    )
    sample.add_argument("-n", type=int, help="number of molecules")
    sample.add_argument("--out", required=True, metavar="FILE", help=".csv or .parquet")
    sample.add_argument("--temperature", type=float)
    sample.add_argument("--max-length", type=int)
    sample.add_argument("--data", metavar="DIR", help="curated dataset, for novelty")
    sample.set_defaults(handler=commands.sample)

    score = add("score", "Score the molecules of a SMILES/CSV/TSV/SDF/Parquet file.")
    score.add_argument("input", metavar="INPUT")
    score.add_argument("--out", required=True, metavar="FILE", help=".csv or .parquet")
    score.add_argument("--data", metavar="DIR", help="curated dataset, for novelty")
    score.add_argument("--smiles-column", metavar="NAME", default="smiles")
    score.add_argument(
        "--objective",
        metavar="FILE",
        help="objective TOML (configs/objectives/*.toml) or a built-in name; default: the "
        "config's [score] objective",
    )
    score.set_defaults(handler=commands.score)

    evaluate = add("evaluate", "MOSES and GuacaMol metrics of samples against a curated dataset.")
    evaluate.add_argument("samples", metavar="SAMPLES", help="SMILES/CSV/TSV/SDF/Parquet file")
    evaluate.add_argument("--data", metavar="DIR", required=True, help="a molgen curate output")
    evaluate.add_argument("--out", metavar="FILE", required=True, help="metrics (.json)")
    evaluate.add_argument("--smiles-column", metavar="NAME", default="smiles")
    evaluate.add_argument("--device", default="auto", help="ChemNet device: auto, cpu, cuda")
    evaluate.add_argument(
        "--cache-dir",
        metavar="CACHE",
        help="reference statistics cache (default $MOLGEN_CACHE_DIR/reference_stats, "
        "else DIR/reference_stats)",
    )
    evaluate.set_defaults(handler=evaluation.evaluate_command)

    report = add("report", "A self-contained HTML report of one or more pipeline runs.")
    report.add_argument("run_dirs", nargs="+", metavar="RUN_DIR", help="molgen run output")
    report.add_argument("--out", metavar="FILE", required=True, help="the report (.html)")
    report.add_argument(
        "--tracking-uri",
        metavar="URI",
        help="MLflow store for training curves and experiment ids (default: the run's own "
        "tracking URI when it is an http(s) server)",
    )
    report.add_argument("--ui", metavar="URL", help="MLflow UI base URL, for run links")
    report.set_defaults(handler=evaluation.report_command)

    analogs = add("analogs", "Analogues of a molecule from a VAE's latent space.")
    analogs.add_argument("smiles", metavar="SMILES")
    analogs.add_argument("-n", type=int, default=50, help="how many points to decode")
    analogs.add_argument("--model", metavar="PATH_OR_URI", help="a VAE or LatentGAN")
    analogs.add_argument("--radius", type=float, default=1.0, help="latent noise scale")
    analogs.add_argument("--seed", type=int, default=0)
    analogs.add_argument("--out", metavar="FILE", help="also write a .csv or .parquet")
    analogs.set_defaults(handler=commands.analogs)

    interp = add("interpolate", "Molecules on the latent path between two molecules.")
    interp.add_argument("start", metavar="A")
    interp.add_argument("end", metavar="B")
    interp.add_argument("--steps", type=int, default=10, help="points, endpoints included")
    interp.add_argument("--model", metavar="PATH_OR_URI", help="a VAE or LatentGAN")
    interp.add_argument("--out", metavar="FILE", help="also write a .csv or .parquet")
    interp.set_defaults(handler=commands.interpolate)
    design.register(sub, _add_common)
    predictor.register(sub, _add_common)
    serve.register(sub)
    deploy.register(sub)
    store.add_store_parser(sub, _add_common)
    query.add_query_parser(sub, _add_common)
    return parser


def _describe(exc: Exception) -> str:
    """One line for an unexpected error; a database error shows the server's own message,
    not the statement and parameters SQLAlchemy appends."""
    if isinstance(getattr(exc, "orig", None), BaseException):  # SQLAlchemy's DBAPIError
        return f"database error: {first_line(exc)}"
    return f"{type(exc).__name__}: {exc}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``molgen`` console script. Returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per Prefect API call
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    # A Prefect server started for a run would phone home at start-up (an error line
    # behind a firewall); set PREFECT_SERVER_ANALYTICS_ENABLED=true to allow it.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    try:
        args.handler(args)
    except MolgenError as exc:
        if args.debug:
            raise
        print(f"molgen {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"molgen {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"molgen {args.command}: error: {_describe(exc)} (rerun with --debug for a traceback)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
