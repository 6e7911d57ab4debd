"""``molgen design``: fine-tune an autoregressive prior toward one or more objectives."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from molgen.config import PipelineConfig, load_pipeline_config
from molgen.design.config import DesignConfig
from molgen.utils.config import format_validation_error
from molgen.utils.errors import ConfigError
from molgen.utils.run_layout import RunLayout

__all__ = ["design", "design_settings", "register"]

EXAMPLES = """examples:
  molgen design --prior runs/today/char_rnn/model --objective configs/objectives/celecoxib.toml \\
      --out designs/celecoxib
  molgen design --prior models:/char_rnn@champion --objective configs/objectives/pmo/qed.toml \\
      --max-oracle-calls 2000 --out designs/qed
  molgen design --prior runs/today/char_rnn/model --config configs/design.toml --out designs/x
  molgen design ... --out designs/celecoxib --resume        (continue a killed run)
  (outputs: DIR/design/scored.parquet, top.parquet, summary.json, plots/, agent/)"""


def register(sub: argparse._SubParsersAction, add_common: Callable[[Any], None]) -> None:
    """Add ``design`` to the ``molgen`` subcommands."""
    text = "Steer a trained SMILES model toward objectives (REINVENT-style learning)."
    cmd = sub.add_parser(
        "design",
        help=text,
        description=text,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(cmd)
    cmd.add_argument(
        "--prior",
        required=True,
        metavar="PATH_OR_URI",
        help="char_rnn or transformer checkpoint, model folder or MLflow URI",
    )
    cmd.add_argument(
        "--objective",
        action="append",
        metavar="FILE",
        help="objective TOML or built-in name; repeat for staged learning "
        "(default: the config's [design] stages)",
    )
    cmd.add_argument("--out", required=True, metavar="DIR", help="writes DIR/design/")
    cmd.add_argument("--max-oracle-calls", type=int, metavar="N", help="budget of unique molecules")
    cmd.add_argument("--seed", type=int)
    cmd.add_argument("--data", metavar="DIR", help="curated dataset, for novelty components")
    cmd.add_argument("--resume", action="store_true", help="continue from DIR/design/state.pt")
    cmd.set_defaults(handler=design)


def design_settings(config: PipelineConfig, args: argparse.Namespace) -> DesignConfig:
    """The ``[design]`` section with the command line's options laid over it.

    Raises:
        ConfigError: one line naming the option or key that is wrong.
    """
    data = (config.design or DesignConfig()).model_dump(mode="json")
    if args.objective:
        old = data["stages"]
        keep = old if len(old) == len(args.objective) else [{} for _ in args.objective]
        data["stages"] = [
            {**stage, "objective": objective}
            for stage, objective in zip(keep, args.objective, strict=True)
        ]
    if args.max_oracle_calls is not None:
        data["max_oracle_calls"] = args.max_oracle_calls
    if args.seed is not None:
        data["seed"] = args.seed
    data["prior"] = args.prior
    try:
        return DesignConfig.model_validate(data)
    except ValidationError as exc:
        message = format_validation_error(exc, "molgen design")
        message = message.replace("max_oracle_calls", "--max-oracle-calls")
        raise ConfigError(message) from None


def design(args: argparse.Namespace) -> None:
    """``molgen design``: one design run into ``--out``/design."""
    from flows.design import design_flow
    from molgen.cli.commands import _check_tracking
    from molgen.design.agent import require_autoregressive
    from molgen.model_registry.resolve import load_generator_from_uri
    from molgen.tracking import is_mlflow_uri

    config = load_pipeline_config(args.config)
    config = config.model_copy(update={"design": design_settings(config, args)})
    # A prior that cannot be fine-tuned fails here, in one line, before any flow starts
    # (an MLflow URI once the tracking store is known).
    if not is_mlflow_uri(args.prior):
        require_autoregressive(load_generator_from_uri(args.prior), args.prior)
    _check_tracking(config)
    if is_mlflow_uri(args.prior):
        require_autoregressive(load_generator_from_uri(args.prior), args.prior)
    out = RunLayout(Path(args.out)).design.root
    result = design_flow(config, args.prior, str(out), resume=args.resume, train_data=args.data)
    sys.stdout.write(json.dumps(result, default=str) + "\n")
