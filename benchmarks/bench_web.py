"""First render of the candidate store's web page, in a real browser.

Starts ``molgen serve-ui`` (the real CLI, uvicorn) on a store and loads the page in Debian's
chromium through Playwright, each time in a fresh browser context (empty cache). Prints JSON
per page: the server's answer (time to first byte), DOMContentLoaded, first contentful
paint, the load event, and when the first three 2D depictions are drawn (``depictions``),
all in milliseconds from navigation start; medians over ``--repeats`` loads, plus the very
first load after the server started (``cold``).

Without ``--db`` it builds a store of ``--n`` MOSES training molecules first (scored and
fingerprinted by the store's ingestion; MOSES is cached under ``$MOLGEN_DATA_DIR/moses``).

    python benchmarks/bench_web.py [--db sqlite:///big.db] [--n 20000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "default": "/",
    "filtered": "/?qed_min=0.7&pains=false&brenk=false&sort_by=qed",
    "substructure": "/?smarts=S(%3DO)(%3DO)N&qed_min=0.6",
}
_TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {ttfb: nav.responseStart, dom_content_loaded: nav.domContentLoadedEventEnd,
          first_contentful_paint: fcp ? fcp.startTime : null, load: nav.loadEventEnd,
          depictions: performance.now(), bytes: nav.transferSize};
}"""
_DEPICTIONS = """() => [...document.querySelectorAll('#grid img.depiction')].slice(0, 3)
    .every(img => img.complete && img.naturalWidth > 0)"""


def build_store(folder: Path, n: int) -> tuple[str, dict[str, Any]]:
    """An SQLite store of ``n`` MOSES training molecules; returns its URL and load figures."""
    import pandas as pd

    from molgen.data.moses import fetch_moses
    from molgen.store.engine import open_store
    from molgen.store.ingest import ingest_scores
    from molgen.store.runs import RunInfo

    smiles = pd.read_csv(fetch_moses()["train"], usecols=["SMILES"], nrows=n)["SMILES"]
    url = f"sqlite:///{folder / 'store.db'}"
    engine = open_store(url)
    started = time.perf_counter()
    report = ingest_scores(
        engine,
        pd.DataFrame({"smiles": smiles}),
        run=RunInfo(run_key="bench-web", name="bench_web"),
        family="moses",
        n_jobs=0,
    )
    seconds = time.perf_counter() - started
    engine.dispose()
    return url, {"molecules": len(smiles), "ingest_s": round(seconds, 2), **_counts(report)}


def _counts(report: Any) -> dict[str, Any]:
    data = report.model_dump() if hasattr(report, "model_dump") else {}
    return {k: v for k, v in data.items() if isinstance(v, int)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: str, port: int) -> subprocess.Popen:
    """``molgen serve-ui`` in a child process, once it answers ``/healthz``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "molgen", "serve-ui", "--db", db, "--port", str(port)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"serve-ui exited: {server.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("serve-ui did not answer /healthz within 600 s")


def _candidates(port: int) -> int:
    """How many candidates the served store holds (the sum over model families)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/families", timeout=600) as answer:
        return sum(family["candidates"] for family in json.load(answer))


def measure(base_url: str, repeats: int) -> dict[str, Any]:
    """Load every page ``repeats`` times in fresh contexts; timings in ms."""
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, path in PAGES.items():
            loads = []
            for _ in range(repeats + (1 if name == "default" else 0)):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.set_default_timeout(180_000)
                response = page.goto(base_url + path, wait_until="load")
                if response is None or response.status != 200:
                    raise RuntimeError(f"{path}: HTTP {response and response.status}")
                page.wait_for_function(_DEPICTIONS)
                timing = page.evaluate(_TIMING)
                timing["cards"] = page.locator("#grid .card").count()
                loads.append(timing)
                context.close()
            if name == "default":
                results["cold"] = _rounded(loads.pop(0))
            results[name] = {
                key: _median([load[key] for load in loads]) for key in loads[0] if key != "cards"
            } | {"cards": loads[0]["cards"], "repeats": len(loads)}
        browser.close()
    return results


def _median(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(statistics.median(kept), 1) if kept else None


def _rounded(timing: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in timing.items()}


def main() -> None:
    """Build or open a store, serve it, measure the page and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="an existing store URL (default: build one)")
    parser.add_argument("--n", type=int, default=20_000, help="MOSES molecules to store")
    parser.add_argument("--repeats", type=int, default=5, help="loads per page")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no browser at {CHROMIUM} (run scripts/chromium.sh install as root)")
    with tempfile.TemporaryDirectory(prefix="molgen-bench-web-") as tmp:
        store: dict[str, Any] = {}
        db = args.db
        if db is not None:
            from molgen.store.engine import public_url, resolve_url

            store["url"] = public_url(resolve_url(db))
        else:
            db, built = build_store(Path(tmp), args.n)
            store = {"url": "temporary SQLite", **built}
        port = _free_port()
        started = time.perf_counter()
        server = start_server(db, port)
        startup = time.perf_counter() - started
        try:
            timings = measure(f"http://127.0.0.1:{port}", args.repeats)  # cold load first
            store["candidates"] = _candidates(port)
        finally:
            server.terminate()
            server.wait(timeout=30)
    result = {
        "benchmark": "web_first_render",
        "store": store,
        "server_startup_s": round(startup, 2),
        "unit": "ms from navigation start (median; cold = first load after start-up)",
        **timings,
    }
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
