from __future__ import annotations

import numpy as np

from molgen.chem.scaffold import murcko_scaffold_smiles
from molgen.data.split import random_split, scaffold_split, split_sizes


def test_split_sizes() -> None:
    assert split_sizes(100, 0.1, 0.2) == (70, 10, 20)
    assert split_sizes(0, 0.1, 0.1) == (0, 0, 0)


def test_random_split_sizes_and_reproducibility() -> None:
    labels = random_split(1000, 0.1, 0.15, seed=3)
    assert {k: int(v) for k, v in zip(*np.unique(labels, return_counts=True), strict=True)} == {
        "test": 150,
        "train": 750,
        "valid": 100,
    }
    assert (labels == random_split(1000, 0.1, 0.15, seed=3)).all()
    assert not (labels == random_split(1000, 0.1, 0.15, seed=4)).all()


def _scaffolds(n: int) -> list[str]:
    """n molecules over many scaffolds of varied sizes, with one big acyclic group."""
    rng = np.random.default_rng(0)
    rings = ["c1ccccc1", "C1CCCCC1", "c1ccncc1", "c1ccoc1", "C1CCNCC1", "c1ccsc1", "C1CCOC1"]
    out = []
    for i in range(n):
        if i % 10 == 0:
            out.append(murcko_scaffold_smiles("CCCCO"))  # acyclic -> ""
        else:
            a, b = rng.choice(len(rings), 2)
            linker = "C" * int(rng.integers(0, 4))
            out.append(murcko_scaffold_smiles(f"{rings[a]}{linker}{rings[b].replace('1', '2')}"))
    return out


def test_scaffold_split_keeps_groups_whole_and_is_seeded() -> None:
    scaffolds = _scaffolds(600)
    labels = scaffold_split(scaffolds, 0.1, 0.1, seed=0)
    for scaffold in set(scaffolds):
        assert len(set(labels[np.array(scaffolds, dtype=object) == scaffold])) == 1, scaffold
    counts = {k: int((labels == k).sum()) for k in ("train", "valid", "test")}
    assert counts["train"] >= 0.7 * 600
    assert counts["valid"] > 0 and counts["test"] > 0
    assert (labels == scaffold_split(scaffolds, 0.1, 0.1, seed=0)).all()
    assert not (labels == scaffold_split(scaffolds, 0.1, 0.1, seed=1)).all()


def test_scaffold_split_puts_a_big_group_in_train() -> None:
    scaffolds = ["c1ccccc1"] * 50 + [f"C1CC{'C' * i}1" for i in range(50)]
    labels = scaffold_split(scaffolds, 0.2, 0.2, seed=0)
    assert set(labels[:50]) == {"train"}
    assert (labels == "valid").sum() == 20
    assert (labels == "test").sum() == 20
