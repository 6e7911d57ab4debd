from __future__ import annotations

import torch

from molgen.utils.errors import InputError
from molgen.utils.hashing import hash_files, hash_strings
from molgen.utils.runtime import environment_tags, resolve_device, seed_everything


def test_auto_device_follows_cuda():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    assert resolve_device("cpu").type == "cpu"


def test_seed_everything_repeats():
    seed_everything(7)
    a = torch.rand(3)
    seed_everything(7)
    assert torch.equal(a, torch.rand(3))


def test_environment_tags():
    tags = environment_tags()
    for key in ("git_sha", "torch", "rdkit", "prefect", "mlflow", "device"):
        assert tags[key]


def test_hashes(tmp_path):
    a = tmp_path / "a"
    a.write_text("x")
    assert hash_files([a]) == hash_files([a])
    assert hash_strings(["a", "b"]) != hash_strings(["ab"])


def test_input_error_message():
    assert str(InputError("f.csv", "bad SMILES", row=3)) == "f.csv, row 3: bad SMILES"
    assert str(InputError("f.csv", "empty file")) == "f.csv: empty file"
