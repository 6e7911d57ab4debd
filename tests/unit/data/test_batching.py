"""Length-bucketed batches."""

from __future__ import annotations

import numpy as np

from molgen.data.batching import bucketed_batches, sorted_batches

LENGTHS = np.random.default_rng(0).integers(10, 60, size=1000)


def padding(batches: list[np.ndarray]) -> int:
    return sum(int(LENGTHS[b].max() * len(b) - LENGTHS[b].sum()) for b in batches)


def test_every_item_appears_once_per_epoch() -> None:
    batches = bucketed_batches(LENGTHS, 32, seed=1, epoch=0, bucket_batches=4)
    assert sorted(np.concatenate(batches).tolist()) == list(range(1000))
    assert max(len(b) for b in batches) == 32


def test_order_depends_only_on_seed_and_epoch() -> None:
    def run(seed: int, epoch: int) -> list[list[int]]:
        return [b.tolist() for b in bucketed_batches(LENGTHS, 32, seed=seed, epoch=epoch)]

    assert run(1, 3) == run(1, 3)
    assert run(1, 3) != run(1, 4)
    assert run(1, 3) != run(2, 3)


def test_bucketing_cuts_padding() -> None:
    shuffled = np.random.default_rng(0).permutation(1000)
    random_batches = [shuffled[i : i + 32] for i in range(0, 1000, 32)]
    bucketed = bucketed_batches(LENGTHS, 32, seed=0, epoch=0, bucket_batches=8)
    assert padding(bucketed) < padding(random_batches) / 5


def test_sorted_batches_cover_everything_in_length_order() -> None:
    batches = sorted_batches(LENGTHS, 100)
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(1000))
    assert (np.diff(LENGTHS[flat]) >= 0).all()


def test_a_lone_last_item_joins_the_previous_batch() -> None:
    for n in (11, 21, 641):  # 641 = one full bucket of 64 * 10, plus one
        batches = bucketed_batches(list(range(n)), batch_size=10, seed=0, epoch=0)
        assert min(map(len, batches)) > 1
        assert sorted(np.concatenate(batches).tolist()) == list(range(n))
    assert [len(b) for b in bucketed_batches([5], batch_size=10, seed=0, epoch=0)] == [1]
