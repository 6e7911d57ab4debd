"""Several model families in one pipeline run, and LatentGAN's VAE handling."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from flows.pipeline import pipeline
from flows.train import train_flow
from molgen.config import PipelineConfig
from molgen.models.checkpoint import read_checkpoint
from tests.pipeline_configs import tiny_config

pytestmark = pytest.mark.slow

TINY_VAE = {
    "name": "vae",
    "latent_size": 8,
    "embedding_dim": 8,
    "encoder_hidden_size": 16,
    "decoder_hidden_size": 32,
    "decoder_layers": 1,
}
FAMILIES = [
    {"model": {"name": "char_rnn", "embedding_dim": 8, "hidden_size": 24, "num_layers": 1}},
    {"model": {"name": "transformer", "d_model": 16, "n_layers": 1, "n_heads": 2}},
    {"label": "vae_graph", "model": {**TINY_VAE, "encoder": "graph", "gnn_hidden_size": 16}},
    {
        "model": {"name": "latent_gan", "noise_size": 8, "generator_sizes": [16],
                  "critic_sizes": [16], "monitor_samples": 16},
        "train": {"lr": 1e-3, "betas": [0.5, 0.9], "grad_clip": 0},
    },
]  # fmt: skip


def _children(client: MlflowClient, run_id: str) -> list:
    run = client.get_run(run_id)
    return client.search_runs(
        [run.info.experiment_id], filter_string=f"tags.mlflow.parentRunId = '{run_id}'"
    )


def test_every_family_trains_samples_and_scores_side_by_side(workdir, prefect_harness):
    base = tiny_config().model_dump(mode="json")
    base["train"]["max_epochs"] = 1
    config = PipelineConfig.model_validate({**base, "families": FAMILIES})
    out = workdir / "run"
    summary = pipeline(config, str(out))

    labels = ["char_rnn", "transformer", "vae_graph", "latent_gan"]
    assert list(summary["families"]) == labels
    for label in labels:
        family = summary["families"][label]
        assert (out / label / "model" / "checkpoint.pt").is_file()
        samples = pd.read_parquet(out / label / "samples.parquet")
        assert (
            len(samples) == config.sample.n == len(pd.read_parquet(out / label / "scores.parquet"))
        )
        assert 0 <= family["metrics"]["validity"] <= 1
        assert family["model_uri"].startswith("runs:/")
    assert json.loads((out / "summary.json").read_text())["metrics"].keys() == set(labels)

    # The LatentGAN reused the pipeline's VAE instead of training its own.
    gan = read_checkpoint(out / "latent_gan" / "model" / "checkpoint.pt")
    assert gan["model_type"] == "latent_gan"
    assert gan["config"]["vae_checkpoint"] == str(out / "vae_graph" / "model" / "checkpoint.pt")
    assert gan["config"]["vae"]["encoder"] == "graph"
    assert not (out / "latent_gan" / "model" / "vae").exists()

    # MLflow: one run per family under the pipeline, each with its stages under it.
    client = MlflowClient()
    children = _children(client, summary["mlflow_run_id"])
    families = {r.info.run_name: r for r in children if r.data.tags["molgen.stage"] == "family"}
    assert set(families) == set(labels)
    for label, run in families.items():
        assert run.data.tags["molgen.model"] == summary["families"][label]["model"]
        assert "validity" in run.data.metrics
        stages = {r.data.tags["molgen.stage"] for r in _children(client, run.info.run_id)}
        assert stages >= {"train", "sample", "score"}
    vae_train = next(
        r for r in _children(client, families["vae_graph"].info.run_id)
        if r.data.tags["molgen.stage"] == "train"
    )  # fmt: skip
    history = {
        m: client.get_metric_history(vae_train.info.run_id, m)
        for m in ("kl", "active_units", "reconstruction_rate")
    }
    assert all(history.values()), "the VAE logs its KL term, active units and reconstruction"
    gan_train = next(
        r for r in _children(client, families["latent_gan"].info.run_id)
        if r.data.tags["molgen.stage"] == "train"
    )  # fmt: skip
    assert client.get_metric_history(gan_train.info.run_id, "monitor_uniqueness")


def test_latent_gan_on_its_own_trains_its_vae_first(workdir, prefect_harness):
    from flows.curate import curate_flow

    config = tiny_config()
    config.train.max_epochs = 1
    curate_flow(config, str(workdir / "data"))
    gan = PipelineConfig.model_validate(
        {**config.model_dump(mode="json"), "model": {**FAMILIES[3]["model"], "vae": TINY_VAE}}
    )
    result = train_flow(gan, str(workdir / "data"), str(workdir / "gan"))
    assert read_checkpoint(workdir / "gan" / "vae" / "checkpoint.pt")["model_type"] == "vae"
    trained = read_checkpoint(workdir / "gan" / "checkpoint.pt")
    assert trained["config"]["vae_checkpoint"] == str(workdir / "gan" / "vae" / "checkpoint.pt")
    assert result["steps"] > 0
