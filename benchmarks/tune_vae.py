"""Train a VAE on MOSES for a wall-clock budget, sample, and print the metrics as JSON.

It trains exactly as the pipeline does (shared trainer, cosine schedule to the end of the
time budget, KL annealed over the budget), then samples 10,000 molecules from the N(0, I)
prior and reports validity, uniqueness and novelty against the training subset, the greedy
reconstruction rate of 1,000 MOSES test molecules, the active latent units of the last
validation and the training speed.

    python benchmarks/tune_vae.py
    python benchmarks/tune_vae.py --encoder graph --kl-weight 0.3 --minutes 16

Input: MOSES train and test via ``molgen.data.moses.fetch_moses`` (cached in ``data/moses``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tune_char_rnn import seeded_split, temperature_sweep  # noqa: E402

from molgen.data.moses import fetch_moses  # noqa: E402
from molgen.data.tokenizer import Vocabulary  # noqa: E402
from molgen.models.vae import VAEConfig, VAEGenerator  # noqa: E402
from molgen.training.config import TrainConfig  # noqa: E402
from molgen.training.trainer import Trainer  # noqa: E402
from molgen.utils.runtime import seed_everything  # noqa: E402


def parse_args() -> argparse.Namespace:
    """Command-line options: data sizes, budget, model sizes, KL schedule, optimiser."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-train", type=int, default=200_000)
    parser.add_argument("--n-valid", type=int, default=10_000)
    parser.add_argument("--n-test", type=int, default=1_000)
    parser.add_argument("--minutes", type=float, default=9.0)
    parser.add_argument("--encoder", choices=["smiles", "graph"], default="smiles")
    parser.add_argument("--latent-size", type=int, default=64)
    parser.add_argument("--embedding-dim", type=int, default=64)
    parser.add_argument("--encoder-hidden-size", type=int, default=128)
    parser.add_argument("--gnn-hidden-size", type=int, default=128)
    parser.add_argument("--gnn-layers", type=int, default=3)
    parser.add_argument("--decoder-hidden-size", type=int, default=256)
    parser.add_argument("--decoder-layers", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--kl-weight", type=float, default=0.5)
    parser.add_argument("--kl-anneal-start", type=float, default=0.0)
    parser.add_argument("--kl-anneal-end", type=float, default=0.4)
    parser.add_argument("--free-bits", type=float, default=0.0)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--warmup-steps", type=int, default=300)
    parser.add_argument("--min-lr-ratio", type=float, default=0.02)
    parser.add_argument("--max-epochs", type=int, default=100)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0 = default)")
    parser.add_argument("--n-samples", type=int, default=10_000)
    parser.add_argument("--temperatures", type=float, nargs="+", default=[1.0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out-dir", default=None, help="checkpoint folder (default: a temp dir)")
    return parser.parse_args()


def main() -> None:
    """Train, sample, reconstruct and print the JSON report."""
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if args.threads:
        torch.set_num_threads(args.threads)
    paths = fetch_moses()
    smiles = pd.read_csv(paths["train"])["SMILES"].tolist()
    train, valid = seeded_split(smiles, args.n_train, args.n_valid, args.seed)
    test = pd.read_csv(paths["test"])["SMILES"].sample(args.n_test, random_state=args.seed)
    model_config = VAEConfig(
        encoder=args.encoder,
        latent_size=args.latent_size,
        embedding_dim=args.embedding_dim,
        encoder_hidden_size=args.encoder_hidden_size,
        gnn_hidden_size=args.gnn_hidden_size,
        gnn_layers=args.gnn_layers,
        decoder_hidden_size=args.decoder_hidden_size,
        decoder_layers=args.decoder_layers,
        dropout=args.dropout,
        kl_weight=args.kl_weight,
        kl_anneal_start=args.kl_anneal_start,
        kl_anneal_end=args.kl_anneal_end,
        free_bits=args.free_bits,
    )
    train_config = TrainConfig(
        batch_size=args.batch_size,
        lr=args.lr,
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
    generator = VAEGenerator(model_config, Vocabulary.build(train).to_list())
    history: list[dict[str, float]] = []

    def log(metrics: dict[str, float], step: int) -> None:
        history.append({"step": step, **metrics})
        logging.info("step %d: %s", step, {k: round(v, 4) for k, v in metrics.items()})

    out_dir = args.out_dir or tempfile.mkdtemp(prefix="tune_vae_")
    began = time.monotonic()
    result = generator.fit(train, valid, Trainer(train_config), out_dir, log_metrics=log)
    fit_seconds = time.monotonic() - began
    samples = temperature_sweep(generator, train, args.temperatures, args.n_samples, args.seed)
    test_smiles = test.tolist()
    epochs = [h for h in history if "val_loss" in h]
    report = {
        "model": model_config.model_dump(),
        "train": train_config.model_dump(),
        "n_train": len(train),
        "n_valid": len(valid),
        "torch_threads": torch.get_num_threads(),
        "fit_seconds_including_prepare": round(fit_seconds, 1),
        "result": result.model_dump(),
        "val_losses": [h["val_loss"] for h in epochs],
        "last_epoch": epochs[-1] if epochs else {},
        "samples": samples,
        "test_reconstruction_rate": generator.reconstruction_rate(test_smiles),
        "n_test": len(test_smiles),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
