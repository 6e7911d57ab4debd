from __future__ import annotations

import json

import numpy as np

from molgen.data.summary import ReasonCounter, describe, reason_kind


def test_reason_kinds_group_measured_values() -> None:
    assert reason_kind("heavy atoms 92 > 70") == "heavy atoms N > N"
    assert reason_kind("duplicate of data/set2.smi row 17") == "duplicate of data/set2.smi row N"
    assert reason_kind("PAINS alert: catechol_A(92)") == "PAINS alert: catechol_A(92)"
    assert reason_kind("element Sn not allowed") == "element Sn not allowed"
    assert reason_kind("not UTF-8 text") == "not UTF-8 text"


def test_reason_counter_top() -> None:
    counter = ReasonCounter()
    counter.add(["heavy atoms 92 > 70", "heavy atoms 80 > 70", "invalid SMILES", "empty SMILES"])
    assert counter.top(2) == {"heavy atoms N > N": 2, "invalid SMILES": 1, "other": 1}


def test_describe_is_json_ready() -> None:
    stats = describe(np.array([1.0, 2.0, 3.0, 4.0, np.nan]), bins=3)
    assert stats["count"] == 4 and stats["mean"] == 2.5 and stats["max"] == 4.0
    assert stats["quantiles"]["0.5"] == 2.5
    assert sum(stats["histogram"]["counts"]) == 4
    json.dumps(stats)
    assert describe(np.array([])) == {"count": 0}
