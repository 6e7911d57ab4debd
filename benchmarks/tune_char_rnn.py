"""Train a CharRNN on MOSES for a wall-clock budget, sample, and print the metrics as JSON.

This is how the quick pipeline's CharRNN recipe was chosen: it trains exactly as the pipeline
does (shared trainer, cosine schedule to the end of the time budget), then samples 10,000
molecules and reports validity, uniqueness and novelty against the training subset. The
defaults are the chosen recipe (2x256 LSTM, embedding 64, batch 64, peak LR 5e-3, 300
warm-up steps, cosine to 2% of the peak, 200k molecules, 9 minutes).

    python benchmarks/tune_char_rnn.py
    python benchmarks/tune_char_rnn.py --hidden-size 384 --lr 3e-3 --temperatures 1.0 0.9

Input: MOSES train via ``molgen.data.moses.fetch_moses`` (cached in ``data/moses``; the
molsets wheel in /tmp/dl is used when present).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from molgen.chem.mol import canonical_smiles  # noqa: E402
from molgen.data.moses import fetch_moses  # noqa: E402
from molgen.data.tokenizer import Vocabulary  # noqa: E402
from molgen.models.base import Generator  # noqa: E402
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator  # noqa: E402
from molgen.sampling.config import SampleConfig  # noqa: E402
from molgen.sampling.sample import sample_metrics, sample_molecules  # noqa: E402
from molgen.training.config import TrainConfig  # noqa: E402
from molgen.training.trainer import Trainer  # noqa: E402
from molgen.utils.runtime import seed_everything  # noqa: E402

WHEEL = Path("/tmp/dl/molsets-0.3.1-py3-none-any.whl")


def moses_train() -> list[str]:
    """All MOSES training SMILES (1.58 M), cached under ``data/moses`` by ``fetch_moses``."""
    if WHEEL.is_file():
        os.environ.setdefault("MOLGEN_MOSES_WHEEL", str(WHEEL))
    return pd.read_csv(fetch_moses()["train"])["SMILES"].tolist()


def seeded_split(
    smiles: list[str], n_train: int, n_valid: int, seed: int
) -> tuple[list[str], list[str]]:
    """Disjoint random training and validation subsets of ``smiles``, fixed by ``seed``."""
    order = np.random.default_rng(seed).permutation(len(smiles))
    train = [smiles[i] for i in order[:n_train]]
    valid = [smiles[i] for i in order[n_train : n_train + n_valid]]
    return train, valid


def temperature_sweep(
    generator: Generator, train: list[str], temperatures: list[float], n: int, seed: int
) -> list[dict[str, Any]]:
    """Validity, uniqueness and novelty (against ``train``) of ``n`` samples per temperature,
    with the seconds each took to draw and canonicalise."""
    train_canonical = {canonical_smiles(s) for s in train}
    samples = []
    for temperature in temperatures:
        began = time.monotonic()
        frame = sample_molecules(generator, SampleConfig(n=n, temperature=temperature, seed=seed))
        samples.append(
            {
                "temperature": temperature,
                **sample_metrics(frame, train_canonical),
                "sample_and_canonicalise_seconds": round(time.monotonic() - began, 1),
            }
        )
    return samples


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-train", type=int, default=200_000)
    parser.add_argument("--n-valid", type=int, default=10_000)
    parser.add_argument("--minutes", type=float, default=9.0)
    parser.add_argument("--embedding-dim", type=int, default=64)
    parser.add_argument("--hidden-size", type=int, default=256)
    parser.add_argument("--num-layers", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=5e-3)
    parser.add_argument("--warmup-steps", type=int, default=300)
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
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if args.threads:
        torch.set_num_threads(args.threads)
    smiles = moses_train()
    train, valid = seeded_split(smiles, args.n_train, args.n_valid, args.seed)
    model_config = CharRNNConfig(
        embedding_dim=args.embedding_dim,
        hidden_size=args.hidden_size,
        num_layers=args.num_layers,
        dropout=args.dropout,
    )
    train_config = TrainConfig(
        batch_size=args.batch_size,
        lr=args.lr,
        weight_decay=args.weight_decay,
        warmup_steps=args.warmup_steps,
        min_lr_ratio=args.min_lr_ratio,
        max_epochs=args.max_epochs,
        max_minutes=args.minutes,
        patience=args.max_epochs,
        seed=args.seed,
        progress_bar=False,
        log_every_steps=200,
    )
    seed_everything(args.seed)
    generator = CharRNNGenerator(model_config, Vocabulary.build(train).to_list())
    history: list[dict[str, float]] = []

    def log(metrics: dict[str, float], step: int) -> None:
        history.append({"step": step, **metrics})

    out_dir = args.out_dir or tempfile.mkdtemp(prefix="tune_char_rnn_")
    result = generator.fit(train, valid, Trainer(train_config), out_dir, log_metrics=log)
    samples = temperature_sweep(generator, train, args.temperatures, args.n_samples, args.seed)
    report = {
        "model": model_config.model_dump(),
        "train": train_config.model_dump(),
        "n_train": len(train),
        "n_valid": len(valid),
        "torch_threads": torch.get_num_threads(),
        "result": result.model_dump(),
        "val_losses": [h["val_loss"] for h in history if "val_loss" in h],
        "samples": samples,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
