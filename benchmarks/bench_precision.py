"""bf16 autocast against fp32 training on the CPU (or GPU): speed, and quality at equal time.

For each family (the CharRNN of ``configs/quick.toml`` and the transformer of
``configs/quick-all.toml``), on a seeded subset of MOSES train:

1. ``speed``: training steps on the same real batches, alternating fp32 and bf16 blocks in
   one process (``--speed-repeats`` blocks of ``--speed-steps`` steps each), so that load
   from other jobs hits both alike; tokens/s per block, their median and spread, and the
   bf16/fp32 ratio of each pair.
2. ``sampling``: molecules/s drawing ``--sample-n`` molecules, alternating plain and
   bf16-autocast sampling.
3. ``equal_time``: the shared trainer, fp32 and then bf16, each for ``--minutes`` of wall
   clock with the config's learning-rate schedule annealing to that budget; the trainer's
   tokens/s, the validation loss (always computed in fp32) at the end of the budget, and the
   validation curve (seconds, loss) of every epoch.

    python benchmarks/bench_precision.py                      # 3 minutes per run
    python benchmarks/bench_precision.py --minutes 1 --families char_rnn
    python benchmarks/bench_precision.py --families char_rnn --precisions bf16 \
        --speed-repeats 0 --model hidden_size=384      # a recipe that spends the speed

Prints one JSON document. Input: MOSES train, read as in ``tune_char_rnn.py``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from key_values import key_value_options  # noqa: E402
from tune_char_rnn import moses_train, seeded_split  # noqa: E402

from molgen.config import FamilyConfig, load_pipeline_config  # noqa: E402
from molgen.data.batching import sorted_batches  # noqa: E402
from molgen.models.families import generator_class  # noqa: E402
from molgen.training.precision import autocast, bf16_supported  # noqa: E402
from molgen.training.trainer import Trainer  # noqa: E402
from molgen.utils.runtime import resolve_device, seed_everything  # noqa: E402

CONFIGS = {"char_rnn": "configs/quick.toml", "transformer": "configs/quick-all.toml"}
BF16 = torch.bfloat16


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--minutes", type=float, default=3.0, help="training budget per run")
    parser.add_argument("--n-train", type=int, default=20_000)
    parser.add_argument("--n-valid", type=int, default=2_000)
    parser.add_argument("--speed-steps", type=int, default=10, help="steps per timed block")
    parser.add_argument(
        "--speed-repeats", type=int, default=5, help="blocks per precision (0: no speed part)"
    )
    parser.add_argument(
        "--precisions", nargs="+", default=["fp32", "bf16"], choices=["fp32", "bf16"]
    )
    parser.add_argument("--sample-n", type=int, default=512)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="auto")
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a model field of every family, e.g. --model hidden_size=384",
    )
    parser.add_argument(
        "--train", action="append", default=[], metavar="KEY=VALUE", help="override a train field"
    )
    return parser.parse_args()


def family_config(name: str, args: argparse.Namespace) -> FamilyConfig:
    """The family's model and train sections from its config file, with overrides."""
    config = load_pipeline_config(ROOT / CONFIGS[name])
    family = next(f for f in config.family_configs() if f.model.name == name)
    model = type(family.model).model_validate(
        {**family.model.model_dump(), **key_value_options(args.model, "--model")}
    )
    train = type(family.train).model_validate(
        {**family.train.model_dump(), **key_value_options(args.train, "--train")}
    )
    return family.model_copy(update={"model": model, "train": train})


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def speed(family: FamilyConfig, train: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Training tokens/s of fp32 and bf16 blocks, alternated on the same batches."""
    device = resolve_device(args.device)
    seed_everything(args.seed)
    generator = generator_class(family.model.name).for_training(family.model, train, device)
    items = generator.prepare(train[:5000])
    batches = sorted_batches([len(item) for item in items], family.train.batch_size)
    order = np.random.default_rng(args.seed).permutation(len(batches))
    batches = [batches[i] for i in order]
    params = [p for p in generator.module.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4)
    generator.module.train()
    cursor = 0

    def block(dtype: torch.dtype | None, steps: int) -> float:
        nonlocal cursor
        tokens, began = 0, time.perf_counter()
        for _ in range(steps):
            idx = batches[cursor % len(batches)]
            cursor += 1
            batch = generator.collate([items[i] for i in idx])
            with autocast(device, dtype):
                loss, _ = generator.training_loss(batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            tokens += sum(len(items[i]) for i in idx)
        return tokens / (time.perf_counter() - began)

    block(None, 3), block(BF16, 3)  # warm-up (oneDNN primitive caches)
    fp32, bf16 = [], []
    for repeat in range(args.speed_repeats):
        first, second = (None, BF16) if repeat % 2 == 0 else (BF16, None)
        for dtype in (first, second):
            (fp32 if dtype is None else bf16).append(block(dtype, args.speed_steps))
    ratios = [b / f for f, b in zip(fp32, bf16, strict=True)]
    return {
        "fp32_tokens_per_second": _summary(fp32),
        "bf16_tokens_per_second": _summary(bf16),
        "bf16_over_fp32": {**_summary(ratios), "each": [round(r, 2) for r in ratios]},
        "median_ratio": round(statistics.median(bf16) / statistics.median(fp32), 3),
        "sampling": sampling(generator, device, args),
    }


def sampling(generator: Any, device: torch.device, args: argparse.Namespace) -> dict[str, Any]:
    """Molecules/s drawing ``--sample-n`` molecules in fp32 and under bf16 autocast."""
    rates: dict[str, list[float]] = {"fp32": [], "bf16": []}
    for repeat in range(3):
        for name in ("fp32", "bf16") if repeat % 2 == 0 else ("bf16", "fp32"):
            began = time.perf_counter()
            with autocast(device, BF16 if name == "bf16" else None):
                generator.sample(args.sample_n, seed=repeat)
            rates[name].append(args.sample_n / (time.perf_counter() - began))
    return {f"{name}_molecules_per_second": _summary(r) for name, r in rates.items()}


def equal_time(
    family: FamilyConfig,
    precision: str,
    train: list[str],
    valid: list[str],
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Train for ``--minutes`` in ``precision``; the trainer's speed and validation losses."""
    device = resolve_device(args.device)
    config = family.train.model_copy(
        update={
            "precision": precision,
            "max_minutes": args.minutes,
            "max_epochs": 1000,
            "patience": 1000,
            "val_max_molecules": None,
            "progress_bar": False,
            "device": args.device,
            "seed": args.seed,
        }
    )
    seed_everything(args.seed)
    generator = generator_class(family.model.name).for_training(family.model, train, device)
    curve: list[tuple[float, float]] = []
    began = time.monotonic()

    def log(metrics: dict[str, float], step: int) -> None:
        if "val_loss" in metrics:
            curve.append((round(time.monotonic() - began, 1), round(metrics["val_loss"], 4)))

    with tempfile.TemporaryDirectory(prefix="bench-precision-") as out_dir:
        result = generator.fit(train, valid, Trainer(config), out_dir, log_metrics=log)
    return {
        "precision": result.precision,
        "tokens_per_second": round(result.tokens_per_second, 1),
        "val_loss_at_end": curve[-1][1] if curve else None,
        "best_val_loss": round(result.best_val_loss, 4),
        "steps": result.steps,
        "epochs": result.epochs,
        "seconds": round(result.seconds, 1),
        "val_curve": curve,
    }


def main() -> None:
    args = parse_args()
    device = resolve_device(args.device)
    if not bf16_supported(device):
        sys.exit(f"{device} has no bf16 support; nothing to compare")
    smiles = moses_train()
    train, valid = seeded_split(smiles, args.n_train, args.n_valid, args.seed)
    report: dict[str, Any] = {
        "device": str(device),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "minutes_per_run": args.minutes,
        "n_train": len(train),
        "n_valid": len(valid),
        "families": {},
    }
    for name in args.families:
        family = family_config(name, args)
        entry: dict[str, Any] = {
            "model": family.model.model_dump(),
            "batch_size": family.train.batch_size,
        }
        if args.speed_repeats:
            entry["speed"] = speed(family, train, args)
        runs = {p: equal_time(family, p, train, valid, args) for p in args.precisions}
        entry["equal_time"] = runs
        if len(runs) == 2:
            entry["tokens_per_second_ratio"] = round(
                runs["bf16"]["tokens_per_second"] / runs["fp32"]["tokens_per_second"], 3
            )
        report["families"][name] = entry
        print(json.dumps({name: entry}), file=sys.stderr, flush=True)  # partial results
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
