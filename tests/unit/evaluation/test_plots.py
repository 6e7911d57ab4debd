"""Plots: property distributions, the molecule grid and training curves."""

from __future__ import annotations

import io
import struct

import pandas as pd
import pytest
from PIL import Image

from molgen.evaluation.plots import (
    figure_png,
    molecule_grid,
    property_distributions,
    property_frame,
    top_novel,
    training_curves,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk of a PNG."""
    assert data[:8] == PNG_MAGIC
    return struct.unpack(">II", data[16:24])


@pytest.fixture()
def scored() -> pd.DataFrame:
    """A tiny scored table: the best-scoring row is not novel, one is invalid."""
    return pd.DataFrame(
        {
            "smiles": ["c1ccccc1O", "CCO", "CCN", "CCC", "not-a-smiles", "CCCl", "CCO"],
            "valid": [True, True, True, True, False, True, True],
            "novel": pd.array([False, True, True, True, pd.NA, pd.NA, True], dtype="boolean"),
            "score": [0.99, 0.9, 0.5, 0.7, 0.95, 0.8, 0.9],
            "qed": [0.5, 0.4, 0.3, 0.35, None, 0.3, 0.4],
            "sa": [1.0, 2.0, 2.1, 1.5, None, 1.9, 2.0],
            "logp": [1.4, -0.1, -0.2, 1.4, None, 1.1, -0.1],
        }
    )


def test_property_frame_computes_from_smiles(moses_smiles):
    frame = property_frame([*moses_smiles[:20], None, "xx"], ("logP", "QED", "rings"))
    assert list(frame.columns) == ["logP", "QED", "rings"]
    assert len(frame) == 20
    assert frame["QED"].between(0, 1).all()
    assert (frame["rings"] >= 1).all()


def test_property_frame_uses_scored_columns(scored):
    frame = property_frame(scored, ("logP", "SA"))
    assert frame["logP"].tolist()[:2] == [1.4, -0.1]
    assert len(frame) == 6  # the invalid row is dropped


def test_property_frame_rejects_unknown_property():
    with pytest.raises(KeyError, match="known: logP"):
        property_frame(["CCO"], ("nope",))


def test_property_distributions_png(moses_smiles, tmp_path):
    path = tmp_path / "props.png"
    fig = property_distributions(
        moses_smiles[:40], moses_smiles[100:160], moses_smiles[200:240], path=path
    )
    assert len(fig.axes) == 6
    assert [ax.get_xlabel() for ax in fig.axes] == ["logP", "SA", "QED", "MW", "TPSA", "rings"]
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["generated", "train", "test"]
    width, height = png_size(path.read_bytes())
    assert width > 600 and height > 300


def test_property_distributions_subset_without_references(moses_smiles):
    fig = property_distributions(moses_smiles[:10], properties=("QED", "MW"))
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[1].get_legend().get_texts()] == ["generated"]
    assert png_size(figure_png(fig))[0] > 0


def test_top_novel_keeps_only_valid_novel_best_first(scored):
    top = top_novel(scored, n=10)
    assert top["smiles"].tolist() == ["CCO", "CCC", "CCN"]
    assert top_novel(scored, n=2)["smiles"].tolist() == ["CCO", "CCC"]


def test_molecule_grid_png(scored, tmp_path):
    path = tmp_path / "grid.png"
    data = molecule_grid(scored, n=24, per_row=2, size=(100, 80), path=path)
    assert path.read_bytes() == data
    assert png_size(data) == (200, 160)  # 3 molecules in rows of 2
    assert Image.open(io.BytesIO(data)).format == "PNG"


def test_molecule_grid_with_nothing_to_show(scored):
    data = molecule_grid(scored.assign(novel=False), size=(90, 70))
    assert png_size(data) == (90 * 4, 70)


def test_training_curves(tmp_path):
    history = {
        "train_loss": [(2, 1.5), (0, 2.0), (1, 1.7)],
        "val_loss": [(0, 2.1), (2, 1.6)],
        "lr": [(0, 1e-3), (2, 5e-4)],
    }
    fig = training_curves(history, path=tmp_path / "curves.png")
    assert len(fig.axes) == 2
    loss_ax, lr_ax = fig.axes
    assert (loss_ax.get_xlabel(), loss_ax.get_ylabel()) == ("step", "loss")
    assert [line.get_label() for line in loss_ax.get_lines()] == ["train_loss", "val_loss"]
    assert list(loss_ax.get_lines()[0].get_xdata()) == [0, 1, 2]
    assert lr_ax.get_ylabel() == "lr"
    assert png_size((tmp_path / "curves.png").read_bytes())[0] > 0


def test_training_curves_empty():
    fig = training_curves({})
    assert len(fig.axes) == 1
    assert fig.axes[0].get_title() == "no training history"
