"""Wall time of the quick pipeline, and how much of it is orchestration.

Runs ``molgen run`` (Prefect's temporary server, MLflow's local store) in a temp working
directory and prints JSON: total wall time, the library time of each stage as the stages
report it, the orchestration overhead (wall time minus stage time: Prefect, MLflow,
process start-up), and the headline metrics.

    python benchmarks/bench_pipeline.py [--config configs/quick.toml]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from molgen.utils.run_layout import RunLayout  # noqa: E402


def main() -> None:
    """Run the pipeline once and print the timing figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default=str(ROOT / "configs" / "quick.toml"))
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="molgen-bench-"))
    env = dict(os.environ)
    # Reuse the MOSES download cache, but curate afresh.
    env.setdefault("MOLGEN_DATA_DIR", str(ROOT / "data"))
    env["MOLGEN_CACHE_DIR"] = str(work / "cache")
    molgen = Path(sys.executable).with_name("molgen")
    started = time.perf_counter()
    subprocess.run(
        [str(molgen), "run", "--config", args.config, "--out", str(work / "run")],
        cwd=work, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    wall = time.perf_counter() - started
    summary = RunLayout(work / "run").read_summary()
    stages: dict[str, float | None] = {"curate": summary["curate"].get("seconds")}
    for label, family in summary["families"].items():
        for stage in ("train", "sample", "score"):
            stages[f"{label}/{stage}"] = family[stage].get("seconds")
    stage_total = sum(v for v in stages.values() if v)
    print(
        json.dumps(
            {
                "benchmark": "pipeline",
                "config": args.config,
                "wall_seconds": round(wall, 1),
                "stage_seconds": stages,
                "orchestration_overhead_seconds": round(wall - stage_total, 1),
                "orchestration_overhead_fraction": round((wall - stage_total) / wall, 3),
                "metrics": summary["metrics"],
            },
            indent=2,
        )
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
