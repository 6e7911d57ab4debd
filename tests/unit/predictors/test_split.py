from __future__ import annotations

import pandas as pd
import pytest

from molgen.chem.scaffold import murcko_scaffold_smiles
from molgen.predictors import kfold_frames, split_frame


def test_random_split_sizes_and_seed(labelled: pd.DataFrame) -> None:
    train, val, test = split_frame(labelled, "random", (0.5, 0.25, 0.25), seed=1)
    assert (len(train), len(val), len(test)) == (24, 12, 12)
    again = split_frame(labelled, "random", (0.5, 0.25, 0.25), seed=1)
    assert list(again[1].index) == list(val.index)
    assert sorted([*train.index, *val.index, *test.index]) == list(labelled.index)


def test_scaffold_split_keeps_scaffolds_apart(labelled: pd.DataFrame) -> None:
    train, val, test = split_frame(labelled, "scaffold", seed=0)
    scaffolds = [{murcko_scaffold_smiles(s) for s in part["smiles"]} for part in (train, val, test)]
    assert not scaffolds[0] & scaffolds[1] and not scaffolds[0] & scaffolds[2]
    assert len(train) + len(val) + len(test) == len(labelled)


def test_kfold_holds_each_row_out_once(labelled: pd.DataFrame) -> None:
    folds = kfold_frames(labelled, 5, seed=3)
    held = [i for _, out in folds for i in out.index]
    assert sorted(held) == list(labelled.index)
    assert all(len(train) + len(out) == len(labelled) for train, out in folds)
    assert [list(o.index) for _, o in kfold_frames(labelled, 5, seed=3)] == [
        list(o.index) for _, o in folds
    ]


def test_bad_arguments() -> None:
    frame = pd.DataFrame({"smiles": ["C", "CC"]})
    with pytest.raises(ValueError, match="sum"):
        split_frame(frame, "random", (0.5, 0.5, 0.5))
    with pytest.raises(ValueError, match="k must"):
        kfold_frames(frame, 3)
