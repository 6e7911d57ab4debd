from __future__ import annotations

from flows.stage_cache import (
    done_result,
    fingerprint,
    is_done,
    link_tree,
    mark_done,
    path_fingerprint,
    stage_key,
)
from molgen.sampling.config import SampleConfig


def test_fingerprint_follows_config():
    assert fingerprint(SampleConfig(n=5)) == fingerprint(SampleConfig(n=5))
    assert fingerprint(SampleConfig(n=5)) != fingerprint(SampleConfig(n=6))


def test_path_fingerprint_sees_changes(tmp_path):
    f = tmp_path / "a.smi"
    f.write_text("CCO\n")
    before = path_fingerprint(f)
    f.write_text("CCO\nCCN\n")
    assert path_fingerprint(f) != before
    assert path_fingerprint(tmp_path / "missing").startswith("missing:")


def test_markers(tmp_path):
    out = tmp_path / "stage"
    assert not is_done(out, "train", "k1")
    mark_done(out, "train", "k1", {"loss": 1.0})
    assert is_done(out, "train", "k1") and not is_done(out, "train", "k2")
    assert done_result(out, "train") == {"loss": 1.0}
    file_out = tmp_path / "samples.parquet"
    mark_done(file_out, "sample", "k", {})
    assert is_done(file_out, "sample", "k")


def test_stage_key_depends_on_output(tmp_path):
    key = stage_key("score", "out_path")
    a = key(None, {"key": "k", "out_path": str(tmp_path / "a.parquet")})
    b = key(None, {"key": "k", "out_path": str(tmp_path / "b.parquet")})
    assert a != b and a.startswith("score-k-")


def test_link_tree(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "x.txt").write_text("hello")
    dst = tmp_path / "dst"
    link_tree(src, dst)
    assert (dst / "x.txt").read_text() == "hello"
    link_tree(src, dst)  # replaces an existing copy
    assert (dst / "x.txt").read_text() == "hello"
