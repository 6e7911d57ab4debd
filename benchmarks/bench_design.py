"""Goal-directed design on the PMO protocol (Gao et al. 2022, "Sample Efficiency Matters").

Each run fine-tunes the prior toward one task for 10,000 oracle calls, and is judged by the
top-10 AUC: the top-10 mean after every 100 calls, integrated over the budget. Tasks are
molgen objective files written from their GuacaMol definitions (configs/objectives/pmo/):
QED, celecoxib rediscovery and osimertinib MPO. The prior is the CharRNN that
``configs/quick.toml`` trains (``--prior``, or trained here into ``--cache`` by ``molgen
run --config configs/quick.toml`` when missing).

Recipes (``--recipes``), each a ``[design]`` section laid over DesignConfig's defaults:

- ``reinvent``: the defaults (REINVENT 4: sigma 128, Adam 1e-4, replay of 10 from 100);
- ``pmo``: REINVENT as PMO tuned it (sigma 500, Adam 5e-4, replay of 24);
- ``augmented`` (configs/design/pmo.toml): ``pmo`` plus Augmented Memory (two extra updates
  per step on the batch and the memory as random SMILES, Guo & Schwaller 2023), random
  SMILES for replay, and the identical-SMILES filter instead of scaffold buckets;
- any TOML file with a ``[design]`` section (reported under its path).

Runs go ``--jobs`` at a time, each in its own process with one torch thread. It prints
JSON: per recipe and task, top-10 AUC (mean, sd, per seed), top-1/10/100 means, seconds per
run, and REINVENT's published AUC with whether the mean reaches it.

    python benchmarks/bench_design.py --prior runs/quick/char_rnn/model/checkpoint.pt
    python benchmarks/bench_design.py --recipes reinvent augmented --seeds 0 --jobs 2
    python benchmarks/bench_design.py --recipes pmo my_recipe.toml --tasks qed
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TASKS = ("qed", "celecoxib_rediscovery", "osimertinib_mpo")
REINVENT_PMO = {"qed": 0.941, "celecoxib_rediscovery": 0.710, "osimertinib_mpo": 0.837}
"""REINVENT's top-10 AUC in the PMO paper (Gao et al. 2022, table 2), mean of 5 runs."""

RECIPES = {
    "reinvent": {},
    "pmo": {"sigma": 500, "lr": 5e-4, "replay": {"sample_size": 24}},
    "augmented": tomllib.loads((ROOT / "configs/design/pmo.toml").read_text())["design"],
}


def recipe_settings(recipe: str) -> dict:
    """A recipe's ``[design]`` settings: a name from :data:`RECIPES`, or a TOML file's."""
    if recipe in RECIPES:
        return RECIPES[recipe]
    path = Path(recipe)
    if path.suffix == ".toml" and path.is_file():
        return tomllib.loads(path.read_text()).get("design", {})
    known = ", ".join(RECIPES)
    raise SystemExit(f"--recipes: {recipe!r} is neither a known recipe ({known}) nor a .toml file")


def prior_checkpoint(args: argparse.Namespace) -> Path:
    """The prior: ``--prior``, or the quick run's CharRNN trained into the cache."""
    if args.prior:
        return Path(args.prior)
    run = Path(args.cache) / "quick-prior"
    checkpoint = run / "char_rnn" / "model" / "checkpoint.pt"
    if not checkpoint.is_file():
        config = ROOT / "configs" / "quick.toml"
        subprocess.run([sys.executable, "-m", "molgen", "run", "--config", str(config),
                        "--out", str(run)], check=True, cwd=args.cache)  # fmt: skip
    return checkpoint


def one_run(prior: str, recipe: str, task: str, seed: int, calls: int, out: str) -> dict:
    """One design run, in this process (what each worker process executes)."""
    import torch

    from molgen.design.config import DesignConfig
    from molgen.design.run import DesignRun
    from molgen.models.loading import load_generator

    torch.set_num_threads(1)
    objective = str(ROOT / f"configs/objectives/pmo/{task}.toml")
    settings = {**recipe_settings(recipe), "max_oracle_calls": calls, "seed": seed, "n_jobs": 1,
                "progress_bar": False, "stages": [{"objective": objective}]}  # fmt: skip
    started = time.perf_counter()
    summary = DesignRun(DesignConfig.model_validate(settings), load_generator(prior), out).run()
    summary["seconds"] = round(time.perf_counter() - started, 1)
    return summary


def _spawn(prior: Path, recipe: str, task: str, seed: int, calls: int, out: Path) -> dict:
    command = [sys.executable, __file__, "--one", recipe, task, str(seed), "--prior", str(prior),
               "--calls", str(calls), "--out", str(out)]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _folder(key: tuple) -> str:
    recipe, task, seed = key
    return f"{Path(recipe).stem}-{task}-{seed}"


def _table(results: dict, recipes: list[str], tasks: list[str], seeds: list[int]) -> dict:
    table: dict = {}
    for recipe in recipes:
        for task in tasks:
            runs = [results[(recipe, task, seed)] for seed in seeds]
            auc = np.array([r["top10_auc"] for r in runs])
            table.setdefault(recipe, {})[task] = {
                "top10_auc_mean": round(float(auc.mean()), 3),
                "top10_auc_sd": round(float(auc.std(ddof=1)) if len(auc) > 1 else 0.0, 3),
                "top10_auc_per_seed": auc.tolist(),
                "top1_mean": round(float(np.mean([r["top1_mean"] for r in runs])), 3),
                "top10_mean": round(float(np.mean([r["top10_mean"] for r in runs])), 3),
                "top100_mean": round(float(np.mean([r["top100_mean"] for r in runs])), 3),
                "seconds_per_run": round(float(np.mean([r["seconds"] for r in runs])), 1),
                "reinvent_published": REINVENT_PMO[task],
                "meets_reinvent": bool(auc.mean() >= REINVENT_PMO[task]),
            }
    return table


def main() -> None:
    """Run the benchmark and print its JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prior", help="CharRNN checkpoint (default: train configs/quick.toml)")
    parser.add_argument("--cache", default=str(ROOT / "benchmarks" / ".cache"))
    recipes_help = f"{', '.join(RECIPES)}, or a TOML file with a [design] section"
    parser.add_argument("--recipes", nargs="+", default=["augmented"], help=recipes_help)
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=TASKS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time")
    parser.add_argument("--out", help="where runs write (default: a temp dir)")
    parser.add_argument("--one", nargs=3, metavar=("RECIPE", "TASK", "SEED"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.one:
        recipe, task, seed = args.one
        print(json.dumps(one_run(args.prior, recipe, task, int(seed), args.calls, args.out)))
        return
    for recipe in args.recipes:
        recipe_settings(recipe)
    Path(args.cache).mkdir(parents=True, exist_ok=True)
    prior = prior_checkpoint(args)
    out = Path(args.out or tempfile.mkdtemp(prefix="bench_design_"))
    keys = [(r, t, s) for r in args.recipes for t in args.tasks for s in args.seeds]
    started = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        futures = {key: pool.submit(_spawn, prior, *key, args.calls, out / _folder(key))
                   for key in keys}  # fmt: skip
        results = {key: future.result() for key, future in futures.items()}
    report = {
        "prior": str(prior), "oracle_calls": args.calls, "seeds": args.seeds,
        "jobs": args.jobs, "cpus": os.cpu_count(),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "results": _table(results, args.recipes, args.tasks, args.seeds),
    }  # fmt: skip
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
