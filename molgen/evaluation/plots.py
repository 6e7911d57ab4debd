"""Plots of a generation run: property distributions, a molecule grid, training curves.

Everything draws with matplotlib's Agg backend (no display needed) on a fresh
:class:`~matplotlib.figure.Figure` that is not registered with pyplot, so nothing leaks
between calls. :func:`figure_png` turns a figure into PNG bytes, for files or HTML.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from rdkit import Chem
from rdkit.Chem import QED, Crippen, Descriptors, Draw, rdMolDescriptors

from molgen.chem.mol import mol_from_smiles
from molgen.chem.sascore import sa_score

__all__ = [
    "PLOT_PROPERTIES",
    "figure_png",
    "molecule_grid",
    "property_distributions",
    "property_frame",
    "top_novel",
    "training_curves",
]

logger = logging.getLogger(__name__)

PLOT_PROPERTIES: dict[str, tuple[str, Callable[[Chem.Mol], float | None]]] = {
    "logP": ("logp", Crippen.MolLogP),
    "SA": ("sa", sa_score),
    "QED": ("qed", QED.qed),
    "MW": ("mw", Descriptors.MolWt),
    "TPSA": ("tpsa", rdMolDescriptors.CalcTPSA),
    "rings": ("rings", rdMolDescriptors.CalcNumRings),
}
"""Plot name -> (column of a scored table, RDKit function computing it from a molecule)."""

Molecules = Sequence[str | None] | pd.DataFrame


def figure_png(fig: Figure, path: str | Path | None = None, *, dpi: int = 100) -> bytes:
    """Render ``fig`` as PNG bytes, and also write them to ``path`` when given."""
    buffer = io.BytesIO()
    FigureCanvasAgg(fig)  # attach an Agg canvas: no pyplot, no display
    fig.savefig(buffer, format="png", dpi=dpi)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def property_frame(
    molecules: Molecules, properties: Sequence[str], *, max_molecules: int | None = 5000
) -> pd.DataFrame:
    """The named :data:`PLOT_PROPERTIES` of a set of molecules, one column each.

    Args:
        molecules: SMILES (invalid or None entries are skipped), or a table: a scored table
            that already holds the property columns (``logp``, ``sa``, ...) is used as is,
            otherwise its ``smiles`` column is parsed.
        properties: names from :data:`PLOT_PROPERTIES`.
        max_molecules: use the first this many molecules only (None for all).

    Returns:
        One float column per property; values RDKit fails to compute are NaN.

    Raises:
        KeyError: an unknown property name.
    """
    for name in properties:
        if name not in PLOT_PROPERTIES:
            raise KeyError(f"unknown property {name!r}; known: {', '.join(PLOT_PROPERTIES)}")
    if isinstance(molecules, pd.DataFrame):
        frame = molecules.head(max_molecules) if max_molecules else molecules
        if "valid" in frame:
            frame = frame[frame["valid"].fillna(False).astype(bool)]
        columns = [PLOT_PROPERTIES[name][0] for name in properties]
        if all(c in frame for c in columns):
            pairs = zip(properties, columns, strict=True)
            values = {n: frame[c].astype("float64") for n, c in pairs}
            return pd.DataFrame(values).reset_index(drop=True)
        molecules = frame["smiles"].tolist()
    mols = [m for m in map(mol_from_smiles, list(molecules)[:max_molecules]) if m is not None]
    out = {name: np.full(len(mols), np.nan) for name in properties}
    for i, mol in enumerate(mols):
        for name in properties:
            try:
                value = PLOT_PROPERTIES[name][1](mol)
            except Exception as exc:  # RDKit raises assorted errors on exotic structures
                logger.warning("%s failed for %s: %s", name, Chem.MolToSmiles(mol), exc)
                continue
            out[name][i] = np.nan if value is None else value
    return pd.DataFrame(out)


def property_distributions(
    generated: Molecules,
    train: Molecules | None = None,
    test: Molecules | None = None,
    *,
    properties: Sequence[str] = ("logP", "SA", "QED", "MW", "TPSA", "rings"),
    max_molecules: int | None = 5000,
    path: str | Path | None = None,
) -> Figure:
    """One panel per property: density histograms of generated vs train vs test molecules.

    Args:
        generated, train, test: SMILES or tables (see :func:`property_frame`); train and
            test may be None to leave them out.
        properties: names from :data:`PLOT_PROPERTIES`, one panel each.
        max_molecules: at most this many molecules of each set are used.
        path: also save the figure as a PNG here.

    Returns:
        The figure; each panel's x label is the property name, its legend the set names.
    """
    sets = {"generated": generated, "train": train, "test": test}
    frames = {
        label: property_frame(mols, properties, max_molecules=max_molecules)
        for label, mols in sets.items()
        if mols is not None
    }
    ncols = min(3, len(properties))
    nrows = -(-len(properties) // ncols)
    fig = Figure(figsize=(4 * ncols, 3 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, name in zip(axes, properties, strict=False):
        columns = {label: f[name].dropna().to_numpy() for label, f in frames.items()}
        pooled = np.concatenate([v for v in columns.values()] + [np.zeros(0)])
        bins = np.histogram_bin_edges(pooled, bins=30) if len(pooled) else 10
        for label, values in columns.items():
            if len(values):
                ax.hist(values, bins=bins, density=True, histtype="step", label=label)
        ax.set_xlabel(name)
        ax.set_ylabel("density")
        ax.legend(fontsize="small")
    for ax in axes[len(properties) :]:
        fig.delaxes(ax)
    if path is not None:
        figure_png(fig, path)
    return fig


def top_novel(table: pd.DataFrame, n: int = 24) -> pd.DataFrame:
    """The ``n`` highest-scoring valid, novel molecules of a scored table, best first.

    Rows with ``valid`` False, ``novel`` not True (False or NA), or no ``score`` are left
    out; duplicate SMILES are kept once. A table without a ``novel`` column is taken as is.
    """
    keep = table["score"].notna()
    if "valid" in table:
        keep &= table["valid"].fillna(False).astype(bool)
    if "novel" in table:
        keep &= table["novel"].fillna(False).astype(bool)
    rows = table[keep].drop_duplicates("smiles")
    return rows.sort_values("score", ascending=False, kind="stable").head(n)


def _legend(row: pd.Series) -> str:
    parts = [f"{label} {row[col]:.2f}" for label, col in _LEGEND if pd.notna(row.get(col))]
    return "  ".join(parts)


_LEGEND = (("score", "score"), ("QED", "qed"), ("SA", "sa"), ("logP", "logp"))


def molecule_grid(
    table: pd.DataFrame,
    n: int = 24,
    *,
    per_row: int = 4,
    size: tuple[int, int] = (250, 220),
    path: str | Path | None = None,
) -> bytes:
    """A PNG grid of the top-scoring novel molecules (see :func:`top_novel`).

    Args:
        table: a scored table (``smiles``, ``score`` and optionally ``valid``, ``novel``,
            ``qed``, ``sa``, ``logp``).
        n: at most this many molecules.
        per_row: molecules per row.
        size: the size of each cell in pixels.
        path: also write the PNG here.

    Returns:
        PNG bytes; each legend shows score, QED, SA and logP. With no molecule to show the
        image is a single blank cell.
    """
    rows = top_novel(table, n)
    mols, legends = [], []
    for _, row in rows.iterrows():
        mol = mol_from_smiles(row["smiles"])
        if mol is not None:
            mols.append(mol)
            legends.append(_legend(row))
    image = Draw.MolsToGridImage(
        mols or [Chem.Mol()], molsPerRow=per_row, subImgSize=size, legends=legends or [""]
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def training_curves(
    history: Mapping[str, Sequence[tuple[float, float]]], *, path: str | Path | None = None
) -> Figure:
    """Metric histories against step: losses together in one panel, each other metric alone.

    Args:
        history: metric name -> ``(step, value)`` pairs, e.g. ``train_loss``, ``val_loss``.
            Names ending in ``loss`` share the first panel.
        path: also save the figure as a PNG here.

    Returns:
        The figure; x label ``step``, y label the metric (``loss`` for the loss panel). An
        empty history gives one empty panel titled "no training history".
    """
    losses = [k for k in history if k.endswith("loss")]
    panels: list[list[str]] = ([losses] if losses else []) + [
        [k] for k in history if k not in losses
    ]
    fig = Figure(figsize=(5 * max(1, min(3, len(panels))), 3.2), layout="constrained")
    axes = fig.subplots(1, max(1, len(panels)), squeeze=False).ravel()
    if not panels:
        axes[0].set_title("no training history")
    for ax, names in zip(axes, panels, strict=False):
        for name in names:
            points = sorted(history[name])
            ax.plot([p[0] for p in points], [p[1] for p in points], marker=".", label=name)
        ax.set_xlabel("step")
        ax.set_ylabel("loss" if names is losses else names[0])
        ax.legend(fontsize="small")
    if path is not None:
        figure_png(fig, path)
    return fig
