from __future__ import annotations

from molgen.data.dedup import InchiKeyIndex


def test_first_occurrence_wins_across_sources() -> None:
    index = InchiKeyIndex()
    assert index.check(["A", "B", "A"], ["moses:train"] * 3, [1, 2, 17]) == [
        None,
        None,
        "duplicate of moses:train row 1",
    ]
    assert index.check(["B", "C"], ["mine.csv", "mine.csv"], [4, 5]) == [
        "duplicate of moses:train row 2",
        None,
    ]
    assert len(index) == 3
