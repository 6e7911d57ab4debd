"""Design runs end to end on the tiny prior: learning, stages, outputs, budget and resume."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from molgen.design.config import DesignConfig
from molgen.design.run import DesignRun
from molgen.models.loading import load_generator
from molgen.utils.run_layout import DesignLayout

HOOK = Path(__file__).with_name("nitrogen_hook.py")


def nitrogen_objective(name: str = "more_n", high: float = 4) -> dict:
    return {
        "name": name,
        "components": [{"name": "n", "type": "python",
                        "params": {"function": f"{HOOK}:nitrogens"},
                        "transform": {"kind": "linear", "low": 0, "high": high}}],
    }  # fmt: skip


def config(**overrides) -> DesignConfig:
    settings = {
        "stages": [{"objective": nitrogen_objective()}],
        "max_oracle_calls": 400, "batch_size": 32, "lr": 1e-3, "sigma": 60,
        "max_length": 40, "progress_bar": False, "seed": 7,
        "replay": {"memory_size": 20, "sample_size": 4},
    }  # fmt: skip
    return DesignConfig.model_validate({**settings, **overrides})


def test_a_tiny_prior_learns_to_add_nitrogens(tiny_prior, tmp_path):
    steps: list[dict] = []
    stages = [{"objective": nitrogen_objective(), "max_steps": 40}]
    run = DesignRun(config(max_oracle_calls=2000, stages=stages), tiny_prior, tmp_path,
                    log_metrics=lambda m, step: steps.append(m))  # fmt: skip
    summary = run.run()
    assert summary["steps"] == 40 and summary["stopped_because"] == "last stage done"
    first = np.mean([s["n_mean"] for s in steps[:5]])
    last = np.mean([s["n_mean"] for s in steps[-5:]])
    assert last > first + 0.5, (first, last)
    assert np.mean([s["score_mean"] for s in steps[-5:]]) > np.mean(
        [s["score_mean"] for s in steps[:5]]
    )
    assert summary["top10_mean"] == 1.0  # ten distinct molecules with 4+ nitrogens


def test_outputs_describe_every_molecule_and_call(tiny_prior, tmp_path):
    summary = DesignRun(config(max_oracle_calls=200), tiny_prior, tmp_path).run()
    layout = DesignLayout(tmp_path)
    log = pd.read_parquet(layout.scored)
    called = log[log["call"] >= 0]
    assert summary["oracle_calls"] == 200 == len(called) == called["canonical"].nunique()
    assert called["call"].tolist() == list(range(200))
    assert not log.loc[~log["valid"], "call"].ge(0).any()
    assert set(log["verdict"]) <= {"accepted", "below_min", "bucket_full", "repeat", "invalid"}
    assert {"n_raw", "n_desirability", "score", "reward", "step", "stage"} <= set(log.columns)
    top = pd.read_parquet(layout.top)
    assert top["score"].is_monotonic_decreasing and top["canonical"].is_unique
    assert top["score"].iloc[0] == log["score"].max()
    assert len(pd.read_parquet(layout.steps)) == summary["steps"]
    assert all(path.stat().st_size > 1000 for path in layout.plots().values())
    agent = load_generator(layout.agent)  # molgen sample accepts it
    assert len(agent.sample(5, seed=0)) == 5
    for k in (1, 10, 100):
        assert 0 < summary[f"top{k}_auc"] <= summary[f"top{k}_mean"] <= 1


def test_stages_run_in_turn_and_share_one_budget(tiny_prior, tmp_path):
    stages = [
        {"objective": nitrogen_objective("easy", high=1), "name": "warmup", "max_score": 0.05},
        {"objective": nitrogen_objective("hard", high=4), "max_steps": 3},
    ]
    summary = DesignRun(config(stages=stages), tiny_prior, tmp_path).run()
    assert summary["stages"] == ["warmup", "stage2"]
    log = pd.read_parquet(DesignLayout(tmp_path).scored)
    assert log.groupby("stage")["step"].nunique().to_dict() == {"warmup": 1, "stage2": 3}
    assert set(log.groupby("stage")["objective"].first()) == {"easy", "hard"}
    assert log.loc[log["call"] >= 0, "call"].tolist() == list(range(summary["oracle_calls"]))


class Interrupt(Exception):
    pass


def test_a_killed_run_resumes_to_the_same_result(tiny_prior_path, tmp_path):
    settings = config(
        checkpoint_every=3,
        replay={"memory_size": 20, "sample_size": 4, "randomize": True, "augmented_rounds": 1},
    )
    whole = DesignRun(settings, load_generator(tiny_prior_path), tmp_path / "whole").run()

    def kill_at_step_5(metrics: dict, step: int) -> None:
        if step == 5:
            raise Interrupt

    with pytest.raises(Interrupt):
        DesignRun(settings, load_generator(tiny_prior_path), tmp_path / "killed",
                  log_metrics=kill_at_step_5).run()  # fmt: skip
    resumed = DesignRun(settings, load_generator(tiny_prior_path), tmp_path / "killed")
    assert resumed.run(resume=True)["top10_auc"] == whole["top10_auc"]
    a = pd.read_parquet(DesignLayout(tmp_path / "whole").scored)
    b = pd.read_parquet(DesignLayout(tmp_path / "killed").scored)
    pd.testing.assert_frame_equal(a, b)
    weights_a = torch.load(DesignLayout(tmp_path / "whole").agent, weights_only=True)
    weights_b = torch.load(DesignLayout(tmp_path / "killed").agent, weights_only=True)
    for name, tensor in weights_a["state_dict"].items():
        assert torch.equal(tensor, weights_b["state_dict"][name]), name


def test_a_resume_with_other_settings_is_refused(tiny_prior_path, tmp_path):
    DesignRun(config(max_oracle_calls=64), load_generator(tiny_prior_path), tmp_path).run()
    other = DesignRun(config(max_oracle_calls=64, sigma=10), load_generator(tiny_prior_path),
                      tmp_path)  # fmt: skip
    with pytest.raises(Exception, match="other settings"):
        other.run(resume=True)
