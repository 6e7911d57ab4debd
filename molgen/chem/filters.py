"""Molecule filters. Each returns None when the molecule passes, else a short reason."""

from __future__ import annotations

from collections.abc import Collection
from functools import cache

from rdkit import Chem
from rdkit.Chem import Descriptors

from molgen.chem.alerts import alert_names

__all__ = [
    "charge_reason",
    "element_reason",
    "filter_reason",
    "heavy_atom_reason",
    "macrocycle_reason",
    "mw_reason",
    "pains_reason",
]


@cache
def _atomic_numbers() -> dict[str, int]:
    table = Chem.GetPeriodicTable()
    return {table.GetElementSymbol(n): n for n in range(119)}


@cache
def _other_elements(allowed: frozenset[str]) -> Chem.Mol:
    """A SMARTS query matching any atom whose element is not in ``allowed``."""
    known = _atomic_numbers()
    unknown = sorted(allowed - known.keys())
    if unknown:
        raise ValueError(f"not element symbols: {', '.join(unknown)}")
    numbers = sorted(known[symbol] for symbol in allowed)
    return Chem.MolFromSmarts("[" + (";".join(f"!#{n}" for n in numbers) or "*") + "]")


def element_reason(mol: Chem.Mol, allowed: Collection[str]) -> str | None:
    """Reject atoms whose element is not in ``allowed``: ``"element Sn not allowed"``.

    Raises:
        ValueError: ``allowed`` holds a symbol that is not an element.
    """
    match = mol.GetSubstructMatch(_other_elements(frozenset(allowed)))
    if match:
        return f"element {mol.GetAtomWithIdx(match[0]).GetSymbol()} not allowed"
    return None


def heavy_atom_reason(mol: Chem.Mol, min_atoms: int, max_atoms: int) -> str | None:
    """Reject heavy-atom counts outside ``[min_atoms, max_atoms]``: ``"heavy atoms 92 > 70"``."""
    count = mol.GetNumHeavyAtoms()
    if count > max_atoms:
        return f"heavy atoms {count} > {max_atoms}"
    if count < min_atoms:
        return f"heavy atoms {count} < {min_atoms}"
    return None


def mw_reason(mol: Chem.Mol, min_mw: float, max_mw: float) -> str | None:
    """Reject average molecular weights outside ``[min_mw, max_mw]``:
    ``"molecular weight 950.2 > 900"``."""
    weight = Descriptors.MolWt(mol)
    if weight > max_mw:
        return f"molecular weight {weight:.1f} > {max_mw:g}"
    if weight < min_mw:
        return f"molecular weight {weight:.1f} < {min_mw:g}"
    return None


def charge_reason(mol: Chem.Mol, max_abs_charge: int) -> str | None:
    """Reject a net formal charge beyond ``±max_abs_charge``: ``"net charge +1 (limit ±0)"``."""
    charge = Chem.GetFormalCharge(mol)
    if abs(charge) > max_abs_charge:
        return f"net charge {charge:+d} (limit ±{max_abs_charge})"
    return None


def macrocycle_reason(mol: Chem.Mol, max_ring_size: int) -> str | None:
    """Reject any (SSSR) ring larger than ``max_ring_size``: ``"macrocycle (ring of 12 atoms)"``."""
    largest = max((len(ring) for ring in mol.GetRingInfo().AtomRings()), default=0)
    if largest > max_ring_size:
        return f"macrocycle (ring of {largest} atoms)"
    return None


def pains_reason(mol: Chem.Mol) -> str | None:
    """Reject molecules matching a PAINS alert: ``"PAINS alert: ene_rhod_A(235)"``."""
    names = alert_names(mol, "pains")
    return f"PAINS alert: {names[0]}" if names else None


def filter_reason(
    mol: Chem.Mol,
    *,
    allowed_elements: Collection[str],
    min_heavy_atoms: int,
    max_heavy_atoms: int,
    min_mw: float,
    max_mw: float,
    max_abs_formal_charge: int,
    max_ring_size: int,
    reject_pains: bool = False,
) -> str | None:
    """Run every filter in turn; None if the molecule passes all, else the first reason.

    Args:
        mol: a standardised molecule.
        allowed_elements: element symbols allowed (pass a set for speed).
        min_heavy_atoms: fewest heavy atoms allowed.
        max_heavy_atoms: most heavy atoms allowed.
        min_mw: lowest average molecular weight allowed.
        max_mw: highest average molecular weight allowed.
        max_abs_formal_charge: largest allowed absolute net formal charge.
        max_ring_size: rings larger than this are macrocycles and rejected.
        reject_pains: also reject PAINS matches.
    """
    return (
        element_reason(mol, allowed_elements)
        or heavy_atom_reason(mol, min_heavy_atoms, max_heavy_atoms)
        or mw_reason(mol, min_mw, max_mw)
        or charge_reason(mol, max_abs_formal_charge)
        or macrocycle_reason(mol, max_ring_size)
        or (pains_reason(mol) if reject_pains else None)
    )
