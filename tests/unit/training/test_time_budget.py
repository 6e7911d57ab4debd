"""The pipeline's time budget: the share of it each family's training gets, and its plan."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from molgen.training.time_budget import (
    TimeBudgetConfig,
    planned_training_minutes,
    read_plan,
    training_share,
)
from molgen.utils.errors import InputError


def _budget(**fields) -> TimeBudgetConfig:
    return TimeBudgetConfig(**{"minutes": 15.0, "after_training_minutes": 2.5, **fields})


def test_without_a_budget_the_family_keeps_its_own_minutes():
    off = TimeBudgetConfig()
    assert training_share(off, elapsed_seconds=9e9, families_left=1, max_minutes=9.0) == 9.0
    assert training_share(off, elapsed_seconds=0, families_left=3, max_minutes=None) is None


def test_one_family_gets_what_is_left_after_the_reserve():
    # 15 min budget, 5 min spent, 2.5 min held back for the stages after training
    share = training_share(_budget(), elapsed_seconds=300, families_left=1, max_minutes=None)
    assert share == pytest.approx(7.5)


def test_the_family_own_limit_stays_an_upper_bound():
    share = training_share(_budget(), elapsed_seconds=60, families_left=1, max_minutes=9.0)
    assert share == 9.0  # 11.5 minutes are left, but the family asked for at most 9


def test_families_split_what_is_left_and_each_holds_back_its_reserve():
    # 15 - 3 spent - 3 x 2.5 reserve = 4.5 minutes for 3 families
    share = training_share(_budget(), elapsed_seconds=180, families_left=3, max_minutes=None)
    assert share == pytest.approx(1.5)


def test_a_family_that_trains_its_dependency_first_counts_two_trainings():
    # 15 - 3 spent - 2 x 2.5 reserve = 7 minutes for 2 families, 3 training runs
    share = training_share(
        _budget(), elapsed_seconds=180, families_left=2, trainings_left=3, max_minutes=None
    )
    assert share == pytest.approx(7 / 3)


def test_a_spent_budget_still_trains_for_the_minimum():
    budget = _budget(min_training_minutes=0.75)
    share = training_share(budget, elapsed_seconds=20 * 60, families_left=1, max_minutes=9.0)
    assert share == 0.75


def test_inconsistent_counts_are_refused():
    with pytest.raises(ValueError, match="families_left"):
        training_share(_budget(), elapsed_seconds=0, families_left=0, max_minutes=None)
    with pytest.raises(ValueError, match="trainings_left"):
        training_share(
            _budget(), elapsed_seconds=0, families_left=2, trainings_left=1, max_minutes=None
        )


@pytest.mark.parametrize(
    "fields",
    [{"minutes": 0}, {"minutes": -1}, {"after_training_minutes": -1}, {"spare": 1}],
)
def test_a_bad_budget_fails_validation(fields):
    with pytest.raises(ValidationError):
        TimeBudgetConfig(**fields)


def test_the_plan_is_recorded_once_and_reused_by_a_rerun(tmp_path):
    plan = tmp_path / "run" / "time_budget.json"
    assert planned_training_minutes(plan, "rnn", 7.5) == 7.5
    assert json.loads(plan.read_text()) == {"rnn": 7.5}
    # A rerun whose curation came from the cache has more time left, but trains the same.
    assert planned_training_minutes(plan, "rnn", 11.0) == 7.5
    assert planned_training_minutes(plan, "vae", 2.5) == 2.5
    assert read_plan(plan) == {"rnn": 7.5, "vae": 2.5}


def test_no_plan_file_reads_as_an_empty_plan(tmp_path):
    assert read_plan(tmp_path / "time_budget.json") == {}


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"rnn": "soon"}', '{"rnn": true}'])
def test_a_damaged_plan_is_named_in_one_line(tmp_path, text):
    plan = tmp_path / "time_budget.json"
    plan.write_text(text)
    with pytest.raises(InputError, match=r"time_budget\.json"):
        read_plan(plan)
