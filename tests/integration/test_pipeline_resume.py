"""Reliability of the real pipeline flow (Prefect test harness, MLflow in a temp dir):
a stage that fails is the one a re-run starts from, and the stages that finished before it
are reused from the stage cache, not recomputed."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pandas as pd
import pytest

from flows.pipeline import pipeline
from molgen.config import PipelineConfig
from molgen.data.dataset import CuratedDataset
from molgen.models.vae import VAEConfig, VAEGenerator
from tests.pipeline_configs import tiny_config
from tests.prefect_runs import newest_task_runs, stage_of, wait_for_new_task_runs

pytestmark = pytest.mark.slow

FINISHED_STAGES = {
    "curate-dataset": "curate",
    "train-model": "train",
    "draw-samples": "sample",
    "score-molecules": "score",
    "evaluate-samples": "evaluate",
}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _outputs(out: Path) -> dict[str, int]:
    """Modification times (ns) of every finished stage's outputs and done-markers."""
    family = out / "char_rnn"
    files = [
        out / "data" / "train.parquet",
        out / "data" / ".molgen-curate.done.json",
        family / "model" / "checkpoint.pt",
        family / "model" / "last.pt",
        family / "model" / ".molgen-train.done.json",
        family / "samples.parquet",
        family / ".molgen-sample.done.json",
        family / "scores.parquet",
        family / ".molgen-score.done.json",
        family / "evaluation.json",
        family / ".molgen-evaluate.done.json",
    ]
    return {str(path.relative_to(out)): path.stat().st_mtime_ns for path in files}


def test_a_rerun_resumes_at_the_failed_stage(workdir, prefect_harness, monkeypatch):
    config = tiny_config()
    config.evaluate.report = False
    out = workdir / "run"

    # First run: the candidate store (PostgreSQL, from $MOLGEN_DB_URL) is down, so the
    # last stage fails after curate, train, sample, score and evaluate have finished.
    down = f"postgresql+psycopg://molgen@127.0.0.1:{_closed_port()}/molgen"
    monkeypatch.setenv("MOLGEN_DB_URL", down)
    state = pipeline(config, str(out), return_state=True)
    assert state.is_failed()
    message = str(state.message) + str(state.result(raise_on_failure=False))
    assert "127.0.0.1" in message or "connect" in message.lower(), message
    assert not (out / "summary.json").exists()
    finished = _outputs(out)

    # The store is back (the same config; the environment now names a reachable store).
    monkeypatch.setenv("MOLGEN_DB_URL", str(workdir / "store.db"))
    before = {task.id for task in newest_task_runs()}
    summary = pipeline(config, str(out))

    # The finished stages were reused: Prefect reports them Cached, and none of their
    # outputs (or done-markers) was rewritten.
    new = wait_for_new_task_runs(
        before, lambda t: stage_of(t) in FINISHED_STAGES, len(FINISHED_STAGES)
    )
    stages = {FINISHED_STAGES[stage_of(task)]: task.state.name for task in new}
    assert stages == dict.fromkeys(FINISHED_STAGES.values(), "Cached"), stages
    assert _outputs(out) == finished

    # The failed stage ran and the pipeline completed.
    stored = summary["store"]["families"]["char_rnn"]
    assert summary["store"]["url"].endswith("store.db") and stored["rows_read"] == 64
    assert stored["candidates_inserted"] + stored["duplicates_skipped"] + stored["rejected"] == 64
    assert (
        json.loads((out / "summary.json").read_text())["mlflow_run_id"]
        == (summary["mlflow_run_id"])
    )
    assert len(pd.read_parquet(out / "char_rnn" / "scores.parquet")) == config.sample.n


def test_a_family_that_failed_resumes_while_the_finished_one_is_reused(workdir, prefect_harness):
    """Two families: the LatentGAN's shared VAE checkpoint is not there yet, so its training
    fails after curation and the whole CharRNN family have finished. Once the file exists,
    the same pipeline re-runs the LatentGAN from its train stage and reuses the rest."""
    vae_path = workdir / "shared" / "vae.pt"
    base = tiny_config().model_dump(mode="json")
    base["train"]["max_epochs"] = 1
    base["evaluate"] = {"enabled": False}
    gan = {"name": "latent_gan", "vae_checkpoint": str(vae_path), "noise_size": 8,
           "generator_sizes": [16], "critic_sizes": [16], "monitor_samples": 16}  # fmt: skip
    families = [
        {"model": {"name": "char_rnn", "embedding_dim": 8, "hidden_size": 24, "num_layers": 1}},
        {"model": gan, "train": {"betas": [0.5, 0.9], "grad_clip": 0}},
    ]
    config = PipelineConfig.model_validate({**base, "families": families})
    out = workdir / "run"

    state = pipeline(config, str(out), return_state=True)
    assert state.is_failed()
    assert f"{vae_path}: checkpoint not found" in str(state.result(raise_on_failure=False))
    rnn = out / "char_rnn"
    done = [
        out / "data" / ".molgen-curate.done.json",
        rnn / "model" / "checkpoint.pt",
        rnn / "model" / ".molgen-train.done.json",
        rnn / "samples.parquet",
        rnn / ".molgen-sample.done.json",
        rnn / "scores.parquet",
        rnn / ".molgen-score.done.json",
    ]
    finished = {str(path): path.stat().st_mtime_ns for path in done}
    assert not (out / "latent_gan" / "model" / "checkpoint.pt").exists()

    # The shared VAE appears (a real, if untrained, VAE over the curated vocabulary).
    train_smiles = CuratedDataset.open(out / "data").smiles("train")
    vae = VAEConfig(latent_size=8, embedding_dim=8, encoder_hidden_size=16,
                    decoder_hidden_size=32, decoder_layers=1)  # fmt: skip
    vae_path.parent.mkdir()
    VAEGenerator.for_training(vae, train_smiles, device="cpu").save(vae_path)

    before = {task.id for task in newest_task_runs()}
    summary = pipeline(config, str(out))
    states: dict[str, list[str]] = {}
    # curate once, then train, sample and score for each of the two families
    for task in wait_for_new_task_runs(before, lambda t: stage_of(t) in FINISHED_STAGES, 7):
        states.setdefault(FINISHED_STAGES[stage_of(task)], []).append(task.state.name)
    # Curate and the CharRNN's stages come from the cache; the LatentGAN's run now.
    assert {stage: sorted(names) for stage, names in states.items()} == {
        "curate": ["Cached"],
        "train": ["Cached", "Completed"],
        "sample": ["Cached", "Completed"],
        "score": ["Cached", "Completed"],
    }
    assert {str(path): path.stat().st_mtime_ns for path in done} == finished
    assert (out / "latent_gan" / "model" / "checkpoint.pt").is_file()
    assert set(summary["metrics"]) == {"char_rnn", "latent_gan"}
