"""Per-family speed: training tokens/s, sampling molecules/s, and the transformer's KV cache.

Every family of a pipeline config (default ``configs/quick-all.toml``) is trained with its
own recipe for a short wall-clock budget on a MOSES subset, then sampled at batch sizes 256
and 4096. For the transformer, sampling with and without the key/value cache is timed in the
same run. A LatentGAN reuses the first VAE trained before it. Prints JSON.

    python benchmarks/bench_families.py
    python benchmarks/bench_families.py --train-seconds 120 --n-sample 4096

Figures are per family: ``train_tokens_per_second`` (for the LatentGAN a "token" is one
latent dimension; ``train_codes_per_second`` is the number of latent codes),
``sample_molecules_per_second`` keyed by batch size, and ``kv_cache_speedup``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.tune_char_rnn import moses_train  # noqa: E402
from molgen.config import FamilyConfig, load_pipeline_config  # noqa: E402
from molgen.models.families import generator_class, reuse_trained  # noqa: E402
from molgen.training.trainer import Trainer  # noqa: E402
from molgen.utils.run_layout import ModelLayout  # noqa: E402
from molgen.utils.runtime import seed_everything  # noqa: E402


def _timed_sample(generator: Any, n: int, batch_size: int, **kwargs: Any) -> float:
    """Molecules per second drawing ``n`` molecules ``batch_size`` at a time."""
    began = time.perf_counter()
    generator.sample(n, batch_size=batch_size, seed=0, **kwargs)
    return n / (time.perf_counter() - began)


def _kv_cache_speedup(generator: Any, n: int, max_length: int) -> dict[str, float]:
    """Transformer sampling with and without the key/value cache, same seed and batch."""
    from molgen.models.token_generator import evaluating

    vocab = generator.vocabulary
    timings = {}
    for use_cache in (True, False):
        torch_gen = torch.Generator(device=generator.device).manual_seed(0)
        began = time.perf_counter()
        with evaluating(generator.module):
            generator.module.sample(
                n,
                bos_id=vocab.bos_id,
                eos_id=vocab.eos_id,
                banned_ids=[vocab.pad_id, vocab.bos_id, vocab.unk_id],
                max_length=max_length,
                temperature=1.0,
                generator=torch_gen,
                use_cache=use_cache,
            )
        timings["cached" if use_cache else "uncached"] = n / (time.perf_counter() - began)
    return {
        "cached_molecules_per_second": round(timings["cached"], 1),
        "uncached_molecules_per_second": round(timings["uncached"], 1),
        "kv_cache_speedup": round(timings["cached"] / timings["uncached"], 2),
    }


def bench_family(
    family: FamilyConfig,
    train: list[str],
    valid: list[str],
    out_dir: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Train ``family`` briefly, then time its sampling."""
    config = family.train.model_copy(
        update={"max_minutes": args.train_seconds / 60, "progress_bar": False, "max_epochs": 1000}
    )
    seed_everything(0)
    generator = generator_class(family.model.name).for_training(family.model, train, "auto")
    result = generator.fit(train, valid, Trainer(config), out_dir / family.label)
    report: dict[str, Any] = {
        "model": family.model.name,
        "device": str(generator.device),
        "train_seconds": round(result.seconds, 1),
        "train_steps": result.steps,
        "train_tokens_per_second": round(result.tokens_per_second, 1),
    }
    if family.model.name == "latent_gan":
        latent = generator.config.vae.latent_size
        report["train_codes_per_second"] = round(result.tokens_per_second / latent, 1)
    report["sample_molecules_per_second"] = {
        str(size): round(_timed_sample(generator, max(args.n_sample, size), size), 1)
        for size in (256, 4096)
    }
    if family.model.name == "transformer":
        report |= _kv_cache_speedup(generator, 256, family.sample.max_length)
    generator.save(ModelLayout(out_dir / family.label).checkpoint)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "configs" / "quick-all.toml"))
    parser.add_argument("--n-train", type=int, default=50_000)
    parser.add_argument("--train-seconds", type=float, default=60.0)
    parser.add_argument("--n-sample", type=int, default=4096, help="molecules per timing")
    parser.add_argument("--families", nargs="*", help="labels to run (default: all)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    config = load_pipeline_config(args.config)
    smiles = moses_train()
    order = np.random.default_rng(0).permutation(len(smiles))
    train = [smiles[i] for i in order[: args.n_train]]
    valid = [smiles[i] for i in order[args.n_train : args.n_train + 5000]]
    out_dir = Path(tempfile.mkdtemp(prefix="bench_families_"))
    reports: dict[str, Any] = {}
    trained: dict[str, Path] = {}  # family name -> the first checkpoint of it benchmarked
    for family in config.family_configs():
        family = family.model_copy(update={"model": reuse_trained(family.model, trained)})
        if args.families and family.label not in args.families:
            continue
        reports[family.label] = bench_family(family, train, valid, out_dir, args)
        trained.setdefault(family.model.name, ModelLayout(out_dir / family.label).checkpoint)
    print(
        json.dumps(
            {
                "benchmark": "families",
                "config": args.config,
                "n_train": len(train),
                "torch_threads": torch.get_num_threads(),
                "families": reports,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
