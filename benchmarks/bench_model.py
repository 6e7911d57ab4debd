"""Model throughput: training tokens/s and sampling molecules/s (batch 256 and 1024), as JSON.

Training runs the shared trainer on MOSES molecules for a short wall-clock budget and
reports its own tokens/s (tokens include ``<bos>``/``<eos>``, padding excluded). Sampling
then draws molecules from that briefly trained model, so sequence lengths are realistic.

    python benchmarks/bench_model.py
    python benchmarks/bench_model.py --config configs/quick.toml --train-seconds 60
    python benchmarks/bench_model.py --hidden-size 384 --batch-size 64

Input: MOSES train, read as in ``tune_char_rnn.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tune_char_rnn import moses_train  # noqa: E402

from molgen.config import load_pipeline_config  # noqa: E402
from molgen.data.tokenizer import Vocabulary  # noqa: E402
from molgen.models.families import create_generator  # noqa: E402
from molgen.training.trainer import Trainer  # noqa: E402
from molgen.utils.runtime import resolve_device, seed_everything  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=None, help="pipeline TOML (model and train used)")
    parser.add_argument("--embedding-dim", type=int, default=None)
    parser.add_argument("--hidden-size", type=int, default=None)
    parser.add_argument("--num-layers", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--train-seconds", type=float, default=30.0)
    parser.add_argument("--n-train", type=int, default=50_000)
    parser.add_argument("--n-samples", type=int, default=4096)
    parser.add_argument("--device", default="auto")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    config = load_pipeline_config(args.config)
    overrides = {
        "embedding_dim": args.embedding_dim,
        "hidden_size": args.hidden_size,
        "num_layers": args.num_layers,
    }
    model_config = config.model.model_copy(
        update={k: v for k, v in overrides.items() if v is not None}
    )
    train_config = config.train.model_copy(
        update={
            "max_minutes": args.train_seconds / 60,
            "max_epochs": 1000,
            "progress_bar": False,
            "device": args.device,
            **({"batch_size": args.batch_size} if args.batch_size else {}),
        }
    )
    smiles = moses_train()
    train, valid = smiles[: args.n_train], smiles[args.n_train : args.n_train + 2000]
    seed_everything(0)
    generator = create_generator(
        model_config, Vocabulary.build(train).to_list(), device=args.device
    )
    with tempfile.TemporaryDirectory() as out_dir:
        result = generator.fit(train, valid, Trainer(train_config), out_dir)
    sampling = {}
    for batch_size in (256, 1024):
        generator.sample(min(batch_size, 64), batch_size=batch_size, seed=0)  # warm-up
        began = time.perf_counter()
        generator.sample(args.n_samples, batch_size=batch_size, seed=0)
        if generator.device.type == "cuda":
            torch.cuda.synchronize()
        sampling[f"batch_{batch_size}"] = args.n_samples / (time.perf_counter() - began)
    report = {
        "device": str(resolve_device(args.device)),
        "torch_threads": torch.get_num_threads(),
        "model": model_config.model_dump(),
        "batch_size": train_config.batch_size,
        "train_seconds": round(result.seconds, 1),
        "train_steps": result.steps,
        "train_tokens_per_second": round(result.tokens_per_second),
        "sample_molecules_per_second": {k: round(v) for k, v in sampling.items()},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
