"""``molgen predictor``: train, apply and evaluate property predictors."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from molgen.utils.config import format_validation_error
from molgen.utils.errors import ConfigError

__all__ = ["evaluate", "predict", "register", "stage_settings", "train"]

EXAMPLES = """examples:
  molgen predictor train data/logd.csv --target logd --out predictors/logd
  molgen predictor train assays.sdf --target pIC50 --target logS --split random \\
      --ensemble-size 5 --out predictors/multi
  molgen predictor train actives.parquet --target active --task classification --out p/act
  molgen predictor predict predictors/logd candidates.csv --out predicted.parquet
  molgen predictor predict models:/logd@champion candidates.smi --out predicted.csv
  molgen predictor evaluate predictors/logd holdout.csv"""

_MODEL_OPTIONS = (
    "hidden_size", "depth", "aggregation", "dropout", "epochs", "batch_size", "lr",
    "ensemble_size", "descriptors", "seed", "max_minutes",
)  # fmt: skip


def _emit(result: dict[str, Any]) -> None:
    clean = {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in result.items()
    }
    sys.stdout.write(json.dumps(clean, default=str) + "\n")


def register(sub: argparse._SubParsersAction, add_common: Callable[[Any], None]) -> None:
    """Add ``predictor train|predict|evaluate`` to the ``molgen`` subcommands."""
    text = "Train, apply and evaluate molecular property predictors (D-MPNN)."
    cmd = sub.add_parser(
        "predictor",
        help=text,
        description=text,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = cmd.add_subparsers(dest="action", required=True, metavar="ACTION")

    train_cmd = actions.add_parser(
        "train",
        help="train on a labelled file",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(train_cmd)
    train_cmd.add_argument("data", metavar="DATA", help="CSV, TSV, SDF or Parquet with labels")
    train_cmd.add_argument("--target", action="append", required=True, metavar="COL",
                           help="a label column; repeat for multi-task")  # fmt: skip
    train_cmd.add_argument("--task", choices=["regression", "classification"],
                           default="regression")  # fmt: skip
    train_cmd.add_argument("--out", required=True, metavar="DIR")
    train_cmd.add_argument("--name", help="MLflow run and registered name (default: DIR's name)")
    train_cmd.add_argument("--smiles-column", default="smiles", metavar="COL")
    train_cmd.add_argument("--split", choices=["random", "scaffold"], default="scaffold")
    train_cmd.add_argument("--split-seed", type=int, default=0)
    train_cmd.add_argument("--cv-folds", type=int, default=0, metavar="K",
                           help="also cross-validate over K seeded folds (0: off)")  # fmt: skip
    train_cmd.add_argument("--hidden-size", type=int)
    train_cmd.add_argument("--depth", type=int)
    train_cmd.add_argument("--aggregation", choices=["mean", "sum", "norm"])
    train_cmd.add_argument("--dropout", type=float)
    train_cmd.add_argument("--epochs", type=int)
    train_cmd.add_argument("--batch-size", type=int)
    train_cmd.add_argument("--lr", type=float)
    train_cmd.add_argument("--ensemble-size", type=int, help="models with different seeds")
    train_cmd.add_argument("--mve", action="store_true", help="also predict a variance")
    train_cmd.add_argument("--descriptors", action=argparse.BooleanOptionalAction,
                           help="join 14 RDKit 2-D descriptors (default: on)")  # fmt: skip
    train_cmd.add_argument("--seed", type=int)
    train_cmd.add_argument("--max-minutes", type=float)
    train_cmd.add_argument("--no-register", action="store_true", help="log, do not register")
    train_cmd.set_defaults(handler=train)

    predict_cmd = actions.add_parser("predict", help="predict the molecules of a file")
    add_common(predict_cmd)
    predict_cmd.add_argument("model", metavar="MODEL", help="predictor folder, file or MLflow URI")
    predict_cmd.add_argument("input", metavar="INPUT", help="molecule file (any molgen format)")
    predict_cmd.add_argument("--out", required=True, metavar="FILE", help=".csv or .parquet")
    predict_cmd.add_argument("--smiles-column", default="smiles", metavar="COL")
    predict_cmd.set_defaults(handler=predict)

    evaluate_cmd = actions.add_parser("evaluate", help="metrics on a labelled file")
    add_common(evaluate_cmd)
    evaluate_cmd.add_argument("model", metavar="MODEL")
    evaluate_cmd.add_argument("data", metavar="DATA")
    evaluate_cmd.add_argument("--smiles-column", default="smiles", metavar="COL")
    evaluate_cmd.add_argument(
        "--out", metavar="FILE", help="also write predictions (.csv/.parquet)"
    )
    evaluate_cmd.set_defaults(handler=evaluate)


def stage_settings(args: argparse.Namespace) -> Any:
    """The :class:`~molgen.predictors.config.PredictorStageConfig` the options describe.

    Raises:
        ConfigError: one line naming the option that is wrong.
    """
    from molgen.predictors.config import PredictorStageConfig

    model: dict[str, Any] = {"targets": list(args.target), "task": args.task}
    model |= {k: getattr(args, k) for k in _MODEL_OPTIONS if getattr(args, k) is not None}
    model |= {"mve": args.mve}
    name = (args.name or Path(args.out).name or "predictor").lower().replace("-", "_")
    try:
        return PredictorStageConfig(
            name=name, data=args.data, smiles_column=args.smiles_column, split=args.split,
            split_seed=args.split_seed, cv_folds=args.cv_folds,
            register_model=not args.no_register, model=model,
        )  # fmt: skip
    except ValidationError as exc:
        message = format_validation_error(exc, "molgen predictor train")
        message = re.sub(r"model\.(\w+)", lambda m: "--" + m[1].replace("_", "-"), message)
        raise ConfigError(message) from None


def train(args: argparse.Namespace) -> None:
    """``molgen predictor train``: one predictor into ``--out``, tracked in MLflow."""
    from flows.predictor import predictor_flow
    from molgen.cli.commands import _check_sources, _check_tracking
    from molgen.config import load_pipeline_config
    from molgen.predictors.data import check_targets

    stage = stage_settings(args)
    _check_sources([stage.data], stage.smiles_column)
    check_targets(stage.data, stage.model.targets, stage.smiles_column)
    config = load_pipeline_config(args.config)
    _check_tracking(config, registry=stage.register_model)
    _emit(predictor_flow(stage, args.out, config.tracking))


def _load(model: str, config_path: str | None) -> Any:
    from molgen.predictors import load_predictor

    if "://" in model or model.startswith(("runs:/", "models:/")):
        from molgen.cli.commands import _check_tracking
        from molgen.config import load_pipeline_config

        _check_tracking(load_pipeline_config(config_path))
    return load_predictor(model)


def predict(args: argparse.Namespace) -> None:
    """``molgen predictor predict``: predictions for every molecule of a file."""
    from molgen.predictors.run import predict_file

    predictor = _load(args.model, args.config)
    _emit(predict_file(predictor, args.input, args.out, args.smiles_column))


def evaluate(args: argparse.Namespace) -> None:
    """``molgen predictor evaluate``: test metrics of a predictor on a labelled file."""
    from molgen.predictors.data import read_labelled
    from molgen.predictors.evaluate import evaluate_predictor
    from molgen.utils.tables import write_table

    predictor = _load(args.model, args.config)
    table = read_labelled(args.data, predictor.targets, predictor.config.task, args.smiles_column)
    if table.frame.empty:
        raise ConfigError(f"{args.data}: no usable rows ({len(table.rejects)} rejected)")
    metrics, predictions = evaluate_predictor(predictor, table.frame)
    result: dict[str, Any] = {"rows": len(table.frame), "rejected": len(table.rejects), **metrics}
    if args.out:
        result["output"] = str(write_table(predictions, args.out))
    _emit(result)
