"""The diversity filter: scaffold buckets, repeats, the score floor, and its memory."""

from __future__ import annotations

import numpy as np

from molgen.design.config import DiversityFilterConfig
from molgen.design.diversity import DiversityFilter

# Three different molecules on the benzene scaffold, one on pyridine, one acyclic.
BENZENES = ["Cc1ccccc1", "Oc1ccccc1", "Nc1ccccc1"]
PYRIDINE = "Cc1ccccn1"


def test_a_full_bucket_zeroes_further_members():
    f = DiversityFilter(DiversityFilterConfig(kind="scaffold", bucket_size=2, min_score=0.4))
    scores, verdicts = f([*BENZENES, PYRIDINE], np.array([0.9, 0.8, 0.7, 0.6]))
    assert verdicts == ["accepted", "accepted", "bucket_full", "accepted"]
    assert scores.tolist() == [0.9, 0.8, 0.0, 0.6]
    assert f.buckets == {"c1ccccc1": 2, "c1ccncc1": 1}
    assert f.is_full("Clc1ccccc1") and not f.is_full(PYRIDINE)


def test_molecules_below_the_floor_keep_their_score_and_fill_no_bucket():
    f = DiversityFilter(DiversityFilterConfig(kind="scaffold", bucket_size=1, min_score=0.5))
    scores, verdicts = f(BENZENES, np.array([0.3, 0.9, 0.8]))
    assert verdicts == ["below_min", "accepted", "bucket_full"]
    assert scores.tolist() == [0.3, 0.9, 0.0]


def test_repeats_and_invalid_molecules_score_zero():
    f = DiversityFilter(DiversityFilterConfig(kind="scaffold", bucket_size=25))
    f(["CCO"], np.array([0.9]))
    scores, verdicts = f(["CCO", None, "CCN", "CCN"], np.array([0.9, 0.0, 0.8, 0.8]))
    assert verdicts == ["repeat", "invalid", "accepted", "repeat"]
    assert scores.tolist() == [0.0, 0.0, 0.8, 0.0]


def test_the_smiles_filter_only_zeroes_repeats_and_none_filters_nothing():
    smiles = [*BENZENES, BENZENES[0]]
    only_repeats = DiversityFilter(DiversityFilterConfig(kind="smiles", bucket_size=1))
    scores, verdicts = only_repeats(smiles, np.full(4, 0.9))
    assert verdicts == ["accepted", "accepted", "accepted", "repeat"]
    assert scores.tolist() == [0.9, 0.9, 0.9, 0.0]
    off = DiversityFilter(DiversityFilterConfig(kind="none"))
    scores, verdicts = off(smiles, np.full(4, 0.9))
    assert verdicts == ["unfiltered"] * 4 and scores.tolist() == [0.9] * 4


def test_its_memory_survives_a_round_trip():
    config = DiversityFilterConfig(kind="scaffold", bucket_size=2)
    f = DiversityFilter(config)
    f(BENZENES[:2], np.array([0.9, 0.9]))
    again = DiversityFilter(config)
    again.load_state_dict(f.state_dict())
    assert again([BENZENES[2], BENZENES[0]], np.array([0.9, 0.9]))[1] == ["bucket_full", "repeat"]
