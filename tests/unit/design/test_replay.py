"""Experience replay: the best unique molecules, sampling, and its state."""

from __future__ import annotations

import numpy as np

from molgen.design.replay import ReplayMemory


def test_it_keeps_the_best_unique_molecules():
    memory = ReplayMemory(3)
    memory.add(["A", "B", None, "C"], np.array([0.5, 0.9, 1.0, 0.0]))
    memory.add(["D", "A", "E"], np.array([0.7, 0.8, 0.6]))
    smiles, scores = memory.all()
    assert smiles == ["B", "A", "D"]  # C scored 0, None is invalid, A kept its best score
    assert scores.tolist() == [0.9, 0.8, 0.7]


def test_sampling_is_seeded_distinct_and_bounded():
    memory = ReplayMemory(10)
    memory.add(list("ABCDEFG"), np.linspace(0.1, 0.7, 7))
    first = memory.sample(4, np.random.default_rng(3))
    again = memory.sample(4, np.random.default_rng(3))
    assert first[0] == again[0] and len(set(first[0])) == 4
    assert all(memory.entries[s] == v for s, v in zip(*first, strict=True))
    assert len(memory.sample(50, np.random.default_rng(0))[0]) == 7
    assert memory.sample(0, np.random.default_rng(0))[0] == []


def test_remove_and_round_trip():
    memory = ReplayMemory(5)
    memory.add(["A", "B", "C"], np.array([0.3, 0.2, 0.1]))
    memory.remove(["B", "Z"])
    copy = ReplayMemory(5)
    copy.load_state_dict(memory.state_dict())
    assert copy.entries == {"A": 0.3, "C": 0.1}
