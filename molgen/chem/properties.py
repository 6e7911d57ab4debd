"""RDKit properties of molecules: one molecule at a time, or a whole batch of SMILES.

Definitions (all RDKit): ``mw`` Descriptors.MolWt, ``logp`` Crippen MolLogP, ``tpsa``
TPSA, ``hbd``/``hba`` Lipinski NumHDonors/NumHAcceptors, ``rotb`` NumRotatableBonds,
``rings`` RingCount, ``qed`` QED.qed, ``sa`` Contrib SA_Score, ``pains``/``brenk``
FilterCatalog matches. QED.properties already computes MolWt, MolLogP, TPSA, NumHDonors
and (strict) NumRotatableBonds, giving the same values as those descriptor functions, so
they are taken from it rather than computed twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from rdkit import Chem
from rdkit.Chem import QED, rdMolDescriptors

from molgen.chem.alert_screen import ALERT_KINDS, match_alerts, warm_up
from molgen.chem.alerts import alert_names
from molgen.chem.columns import PROPERTY_NAMES
from molgen.chem.mol import mol_from_smiles, mol_to_inchikey
from molgen.chem.sascore import load_fragment_scores, sa_score

__all__ = [
    "PROPERTY_NAMES",
    "batch_properties",
    "format_alerts",
    "lipinski_violations",
    "molecule_properties",
    "prepare",
]

logger = logging.getLogger(__name__)


Value = float | int | bool | str | None


def lipinski_violations(mw: float, logp: float, hbd: int, hba: int) -> int:
    """Number of rule-of-five violations: MW > 500, logP > 5, HBD > 5, HBA > 10."""
    return int(mw > 500) + int(logp > 5) + int(hbd > 5) + int(hba > 10)


def format_alerts(matches: Iterable[tuple[str, str]]) -> str:
    """Matched alerts as ``"kind:name; kind:name"`` (empty string for none)."""
    return "; ".join(f"{kind}:{name}" for kind, name in matches)


def _descriptors(mol: Chem.Mol, smiles: str) -> dict[str, Value]:
    """Every property except the structural alerts; ``smiles`` is the canonical SMILES."""
    qed_inputs = QED.properties(mol)
    mw, logp, hbd = qed_inputs.MW, qed_inputs.ALOGP, qed_inputs.HBD
    hba = rdMolDescriptors.CalcNumHBA(mol)
    return {
        "smiles": smiles,
        "inchikey": mol_to_inchikey(mol),
        "mw": mw,
        "logp": logp,
        "tpsa": qed_inputs.PSA,
        "hbd": hbd,
        "hba": hba,
        "rotb": qed_inputs.ROTB,
        "rings": rdMolDescriptors.CalcNumRings(mol),
        "qed": QED.qed(mol, qedProperties=qed_inputs),
        "sa": sa_score(mol),
        "lipinski_violations": lipinski_violations(mw, logp, hbd, hba),
    }


def _with_alerts(values: dict[str, Value], matches: list[tuple[str, str]]) -> dict[str, Value]:
    kinds = {kind for kind, _ in matches}
    values.update(pains="pains" in kinds, brenk="brenk" in kinds, alerts=format_alerts(matches))
    return values


def molecule_properties(mol: Chem.Mol) -> dict[str, Value]:
    """Every property of one sanitised molecule, keyed by :data:`PROPERTY_NAMES`.

    ``inchikey`` is None when InChI generation fails and ``sa`` is None for a molecule
    without atoms; RDKit errors on exotic structures propagate.
    """
    matches = [(kind, name) for kind in ALERT_KINDS for name in alert_names(mol, kind)]
    return _with_alerts(_descriptors(mol, Chem.MolToSmiles(mol)), matches)


def prepare() -> None:
    """Load the SA fragment scores and build the alert screen in this process now."""
    load_fragment_scores()
    warm_up()


def batch_properties(smiles: Sequence[str | None]) -> dict[str, list[Value]]:
    """Properties of a batch of SMILES, as columns: ``valid`` plus :data:`PROPERTY_NAMES`.

    Inputs with the same canonical SMILES are computed once, from the molecule parsed from
    that canonical SMILES, so a molecule's values do not depend on how it was written nor
    on which other inputs share its batch (float sums such as logP follow atom order).
    Values equal :func:`molecule_properties` of the molecule parsed from the canonical
    SMILES.

    Args:
        smiles: SMILES strings; None, empty or unparsable entries are allowed.

    Returns:
        One list per column, one entry per input in order. An invalid row (no molecule,
        no atoms, or an RDKit error while computing its properties, which is logged)
        has ``valid`` False, its raw input (or None) as ``smiles`` and None elsewhere.
    """
    n = len(smiles)
    columns: dict[str, list[Value]] = {name: [None] * n for name in PROPERTY_NAMES}
    columns["valid"] = [False] * n
    columns["smiles"] = [s if isinstance(s, str) else None for s in smiles]
    computed: dict[str, dict[str, Value]] = {}
    mols: list[Chem.Mol] = []
    rows: list[tuple[int, str]] = []
    for i, text in enumerate(smiles):
        mol = mol_from_smiles(text)
        if mol is None or mol.GetNumAtoms() == 0:
            continue
        canonical = Chem.MolToSmiles(mol)
        if canonical not in computed:
            if canonical != text:  # the canonical atom order, so values never depend on
                mol = mol_from_smiles(canonical) or mol  # the spelling or on batch order
            try:
                computed[canonical] = _descriptors(mol, canonical)
            except Exception as exc:  # RDKit raises assorted errors; one must not sink a batch
                logger.warning("properties failed for %r: %s", text, exc)
                continue
            mols.append(mol)
        rows.append((i, canonical))
    for values, matches in zip(computed.values(), match_alerts(mols), strict=True):
        _with_alerts(values, matches)
    for i, canonical in rows:
        columns["valid"][i] = True
        for name, value in computed[canonical].items():
            columns[name][i] = value
    return columns
