"""Length-bucketed batch orders: similar lengths share a batch, so little is padding."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["bucketed_batches", "sorted_batches"]


def bucketed_batches(
    lengths: Sequence[int], batch_size: int, seed: int, epoch: int, bucket_batches: int = 64
) -> list[np.ndarray]:
    """Shuffled batches of indices in which each batch holds items of similar length.

    Items are shuffled, cut into buckets of ``bucket_batches * batch_size``, sorted by
    length inside each bucket and sliced into batches; then the batch order is shuffled.
    The order depends only on ``(seed, epoch)``, so a resumed run replays it exactly.

    Args:
        lengths: length of every item.
        batch_size: items per batch. The last batch may be smaller; a lone
            last item joins the batch before it, so no batch holds a single item unless
            there is only one item (batch normalisation needs two).
        seed: the run's seed.
        epoch: the epoch number, mixed into the seed.
        bucket_batches: batches per bucket; larger means less padding but less randomness.
    """
    rng = np.random.default_rng([seed, epoch])
    lengths = np.asarray(lengths)
    order = rng.permutation(len(lengths))
    bucket = batch_size * bucket_batches
    batches: list[np.ndarray] = []
    for start in range(0, len(order), bucket):
        chunk = order[start : start + bucket]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    if len(batches) > 1 and len(batches[-1]) == 1:  # batch statistics need two items
        batches[-2:] = [np.concatenate(batches[-2:])]
    return [batches[i] for i in rng.permutation(len(batches))]


def sorted_batches(lengths: Sequence[int], batch_size: int) -> list[np.ndarray]:
    """Batches of indices in order of length (for evaluation, where order does not matter)."""
    order = np.argsort(np.asarray(lengths), kind="stable")
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
