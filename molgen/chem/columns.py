"""The one declaration of the scored table's columns: name, type and meaning.

Every reader of a scored table takes its column lists from here: the property calculator
(:data:`PROPERTY_NAMES`), scoring (:data:`OUTPUT_COLUMNS`, :data:`DTYPES`,
:data:`COMPONENT_PROPERTIES`, :data:`SUMMARY_COLUMNS`, :data:`RATE_COLUMNS`), the store's
tables and ingestion (:data:`FILTER_PROPERTIES`, :data:`INT_PROPERTIES`,
:data:`MOLECULE_COLUMNS`), and the CLI, API and web page (labels, units, descriptions,
:data:`FEATURED_PROPERTIES`). ``tests/unit/chem/test_columns.py`` fails when a list of these
names is written out anywhere else.

Scores an objective adds (``<component>_raw``, ``<component>_desirability``) are not
declared here: they are open-ended, and the store keeps them in its ``scores`` table
(:func:`is_extra_score`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CANDIDATE_COLUMNS",
    "COLUMNS",
    "COMPONENT_PROPERTIES",
    "DTYPES",
    "EXTRA_SCORE_SUFFIXES",
    "FEATURED_PROPERTIES",
    "FILTER_PROPERTIES",
    "INT_PROPERTIES",
    "MOLECULE_COLUMNS",
    "OUTPUT_COLUMNS",
    "PROPERTY_NAMES",
    "RATE_COLUMNS",
    "SUMMARY_COLUMNS",
    "Column",
    "column",
    "is_extra_score",
]

SqlKind = Literal["text", "float", "integer", "boolean"]


@dataclass(frozen=True)
class Column:
    """One column of a scored table.

    Attributes:
        name: the column name, in files, the store and query parameters.
        dtype: its pandas dtype in a scored table (``object`` for text).
        sql: its SQL type kind in the store, or None when the store does not keep it.
        table: where the store keeps it (``molecules`` or ``candidates``), or None.
        label: a short human label (form fields, column headers).
        description: what it means, in one sentence (API docs, CLI help).
        unit: its unit ("" for none).
        stage: ``properties`` (computed from the structure alone) or ``score`` (added by
            the scorer: needs a training set or the objective).
        filterable: a numeric molecule property queries can filter and sort on.
        component: a value a desirability component may take as input.
        summary: how a run summary reports it: ``mean`` (mean and median), ``rate``
            (fraction True) or None.
        featured: its place among the properties shown first (form, cards, sort links,
            CLI table), 1 first; 0 = not featured.
        lower_is_better: a first sort click orders it low to high.
    """

    name: str
    dtype: str
    sql: SqlKind | None
    table: Literal["molecules", "candidates"] | None
    label: str
    description: str
    unit: str = ""
    stage: Literal["properties", "score"] = "properties"
    filterable: bool = False
    component: bool = False
    summary: Literal["mean", "rate"] | None = None
    featured: int = 0
    lower_is_better: bool = False


def _number(name: str, dtype: str, label: str, description: str, **kw: object) -> Column:
    sql: SqlKind = "integer" if dtype == "Int64" else "float"
    return Column(name, dtype, sql, "molecules", label, description, filterable=True,
                  component=True, **kw)  # type: ignore[arg-type]  # fmt: skip


COLUMNS: tuple[Column, ...] = (
    Column("smiles", "object", "text", "molecules", "SMILES",
           "Canonical RDKit SMILES (the raw input for an invalid row)."),
    Column("valid", "bool", None, None, "valid", "Whether RDKit parsed the SMILES."),
    Column("inchikey", "object", "text", "molecules", "InChIKey",
           "Standard InChIKey; the store's identity of a molecule."),
    _number("mw", "float64", "MW", "Molecular weight (RDKit MolWt).", unit="Da",
            summary="mean", featured=2, lower_is_better=True),
    _number("logp", "float64", "logP", "Crippen octanol/water logP (RDKit MolLogP).",
            summary="mean", featured=3, lower_is_better=True),
    _number("tpsa", "float64", "TPSA", "Topological polar surface area (RDKit TPSA).",
            unit="Å²", summary="mean", featured=5, lower_is_better=True),
    _number("hbd", "Int64", "H-bond donors", "Hydrogen-bond donors (Lipinski NumHDonors)."),
    _number("hba", "Int64", "H-bond acceptors",
            "Hydrogen-bond acceptors (Lipinski NumHAcceptors)."),
    _number("rotb", "Int64", "Rotatable bonds", "Rotatable bonds (RDKit, strict)."),
    _number("rings", "Int64", "Rings", "Number of rings (RDKit RingCount)."),
    _number("qed", "float64", "QED", "Quantitative estimate of drug-likeness, 0 to 1.",
            summary="mean", featured=1),
    _number("sa", "float64", "SA score",
            "Synthetic accessibility score, 1 (easy) to 10 (hard).", summary="mean",
            featured=4, lower_is_better=True),
    _number("lipinski_violations", "Int64", "Lipinski violations",
            "Rule-of-five violations: MW > 500, logP > 5, HBD > 5, HBA > 10."),
    Column("pains", "boolean", "boolean", "molecules", "PAINS",
           "Whether a PAINS structural alert matches.", component=True, summary="rate"),
    Column("brenk", "boolean", "boolean", "molecules", "Brenk",
           "Whether a Brenk structural alert matches.", component=True, summary="rate"),
    Column("alerts", "object", "text", "molecules", "alerts",
           "Matched alerts as 'kind:name; kind:name' (empty for none)."),
    Column("novel", "boolean", "boolean", "candidates", "novel",
           "Whether the canonical SMILES is absent from the training set (NA without one).",
           stage="score", component=True, summary="rate"),
    Column("score", "float64", "float", "candidates", "score",
           "The objective's total score (composite desirability), 0 to 1.", stage="score",
           summary="mean"),
)  # fmt: skip
"""Every column of a scored table, in file order."""

_BY_NAME = {c.name: c for c in COLUMNS}

OUTPUT_COLUMNS = tuple(c.name for c in COLUMNS)
"""The columns of a scored table, in order."""
PROPERTY_NAMES = tuple(c.name for c in COLUMNS if c.stage == "properties" and c.name != "valid")
"""What the property calculator computes per molecule (besides ``valid``)."""
DTYPES = {c.name: c.dtype for c in COLUMNS if c.stage == "properties"}
"""pandas dtypes of a property table (the scored table before novelty and score)."""
FILTER_PROPERTIES = tuple(c.name for c in COLUMNS if c.filterable)
"""Numeric molecule properties that queries can filter and sort on."""
INT_PROPERTIES = tuple(c.name for c in COLUMNS if c.filterable and c.sql == "integer")
"""The integer-valued ones among :data:`FILTER_PROPERTIES`."""
MOLECULE_COLUMNS = tuple(c.name for c in COLUMNS if c.table == "molecules" and c.name != "smiles")
"""What the store keeps of a molecule besides its SMILES and fingerprints."""
CANDIDATE_COLUMNS = tuple(c.name for c in COLUMNS if c.table == "candidates")
"""What the store keeps per candidate (a molecule generated by a run)."""
COMPONENT_PROPERTIES = tuple(c.name for c in COLUMNS if c.component)
"""Values a desirability component can transform."""
SUMMARY_COLUMNS = tuple(c.name for c in COLUMNS if c.summary == "mean")
"""Columns a run summary reports the mean and median of."""
RATE_COLUMNS = tuple(c.name for c in COLUMNS if c.summary == "rate")
"""Flags a run summary reports the rate of."""
FEATURED_PROPERTIES = tuple(
    c.name for c in sorted((c for c in COLUMNS if c.featured), key=lambda c: c.featured)
)
"""Properties shown first (form fields, result cards, sort links), in display order."""

EXTRA_SCORE_SUFFIXES = ("_raw", "_desirability")
"""An objective's per-component columns: the raw value and its desirability."""


def column(name: str) -> Column:
    """The declared column called ``name``.

    Raises:
        KeyError: no such column (the message lists the known ones).
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown column {name!r}; known: {', '.join(OUTPUT_COLUMNS)}") from None


def is_extra_score(name: str, numeric: bool) -> bool:
    """Whether a scored table's column ``name`` is an extra score the store should keep.

    The rule: any column that is not declared here, and either ends in one of
    :data:`EXTRA_SCORE_SUFFIXES` (an objective's component; its values are coerced to
    numbers) or holds numbers (``numeric``: an integer or float dtype, not boolean).

    Args:
        name: the column name.
        numeric: whether its dtype is integer or float.
    """
    if name in _BY_NAME:
        return False
    return numeric or name.endswith(EXTRA_SCORE_SUFFIXES)
