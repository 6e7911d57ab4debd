"""Train a transformer on MOSES for a wall-clock budget, sample, and print the metrics as JSON.

The transformer counterpart of ``tune_char_rnn.py``: it trains exactly as the pipeline does
(shared trainer, warm-up then cosine decay to the end of the time budget), then samples
10,000 molecules and reports validity, uniqueness and novelty against the training subset.
The defaults are the chosen quick-run recipe.

    python benchmarks/tune_transformer.py
    python benchmarks/tune_transformer.py --d-model 192 --n-heads 6 --lr 2e-3 --minutes 16
    python benchmarks/tune_transformer.py --minutes 0 --max-epochs 1   # a fixed token budget

On a shared CPU the wall-clock budget buys fewer tokens; ``--minutes 0 --max-epochs N`` trains
(and anneals the learning rate) over a fixed amount of data instead, which the report's
``tokens_per_second`` converts back into minutes on a free machine.

Input: MOSES train via ``molgen.data.moses.fetch_moses`` (cached in ``data/moses``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tune_char_rnn import moses_train, seeded_split, temperature_sweep  # noqa: E402

from molgen.data.tokenizer import Vocabulary  # noqa: E402
from molgen.models.transformer import TransformerConfig, TransformerGenerator  # noqa: E402
from molgen.training.config import TrainConfig  # noqa: E402
from molgen.training.trainer import Trainer  # noqa: E402
from molgen.utils.runtime import seed_everything  # noqa: E402


def parse_args() -> argparse.Namespace:
    """Command-line options: data size, budget, network, optimisation and sampling."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-train", type=int, default=200_000)
    parser.add_argument("--n-valid", type=int, default=10_000)
    parser.add_argument(
        "--minutes", type=float, default=8.0, help="wall-clock budget (0 = epochs only)"
    )
    parser.add_argument("--d-model", type=int, default=128)
    parser.add_argument("--n-layers", type=int, default=4)
    parser.add_argument("--n-heads", type=int, default=4)
    parser.add_argument("--ff-mult", type=int, default=4)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--untied", action="store_true", help="separate output weights")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--warmup-steps", type=int, default=200)
    parser.add_argument("--min-lr-ratio", type=float, default=0.02)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--max-epochs", type=int, default=100)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0 = default)")
    parser.add_argument("--n-samples", type=int, default=10_000)
    parser.add_argument("--temperatures", type=float, nargs="+", default=[1.0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out-dir", default=None, help="checkpoint folder (default: a temp dir)")
    return parser.parse_args()


def main() -> None:
    """Train, sample at each temperature and print one JSON report."""
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if args.threads:
        torch.set_num_threads(args.threads)
    smiles = moses_train()
    train, valid = seeded_split(smiles, args.n_train, args.n_valid, args.seed)
    model_config = TransformerConfig(
        d_model=args.d_model,
        n_layers=args.n_layers,
        n_heads=args.n_heads,
        ff_mult=args.ff_mult,
        dropout=args.dropout,
        max_length=args.max_length,
        tie_embeddings=not args.untied,
    )
    train_config = TrainConfig(
        batch_size=args.batch_size,
        lr=args.lr,
        weight_decay=args.weight_decay,
        warmup_steps=args.warmup_steps,
        min_lr_ratio=args.min_lr_ratio,
        max_epochs=args.max_epochs,
        max_minutes=args.minutes or None,
        patience=args.max_epochs,
        seed=args.seed,
        progress_bar=False,
        log_every_steps=200,
    )
    seed_everything(args.seed)
    generator = TransformerGenerator(model_config, Vocabulary.build(train).to_list())
    history: list[dict[str, float]] = []

    def log(metrics: dict[str, float], step: int) -> None:
        history.append({"step": step, **metrics})
        logging.getLogger("tune").info("step %d: %s", step, metrics)

    out_dir = args.out_dir or tempfile.mkdtemp(prefix="tune_transformer_")
    result = generator.fit(train, valid, Trainer(train_config), out_dir, log_metrics=log)
    samples = temperature_sweep(generator, train, args.temperatures, args.n_samples, args.seed)
    report = {
        "model": model_config.model_dump(),
        "train": train_config.model_dump(),
        "n_train": len(train),
        "n_valid": len(valid),
        "torch_threads": torch.get_num_threads(),
        "load_average": os.getloadavg(),
        "result": result.model_dump(),
        "val_losses": [h["val_loss"] for h in history if "val_loss" in h],
        "samples": samples,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
