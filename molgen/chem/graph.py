"""Molecular graphs for graph neural networks: atom and bond features as numpy arrays.

Two forms are offered. :func:`graph_codes` gives the compact form that models store per
molecule: one small integer *category code* per atom feature and per bond feature, and each
bond once. :func:`mol_graph` expands it into what a GNN reads: one-hot node features, an
edge index holding each bond in both directions, and one-hot edge features.

Atom features (one-hot each, with an "other" slot where the set is open): element, degree,
formal charge, total hydrogen count, aromaticity, ring membership, hybridisation. Bond
features: bond type, conjugation, ring membership. No torch here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rdkit import Chem

from molgen.chem.mol import mol_from_smiles

__all__ = [
    "ATOM_FEATURE_SIZES",
    "BOND_FEATURE_SIZES",
    "GraphCodes",
    "MolGraph",
    "graph_codes",
    "mol_graph",
    "one_hot_codes",
]

_ELEMENTS = ("C", "N", "O", "S", "F", "Cl", "Br", "I", "P", "B", "Si", "Se")
_CHARGES = (-1, 0, 1)
_HYBRIDISATIONS = (
    Chem.HybridizationType.S,
    Chem.HybridizationType.SP,
    Chem.HybridizationType.SP2,
    Chem.HybridizationType.SP3,
    Chem.HybridizationType.SP3D,
    Chem.HybridizationType.SP3D2,
)
_BOND_TYPES = (
    Chem.BondType.SINGLE,
    Chem.BondType.DOUBLE,
    Chem.BondType.TRIPLE,
    Chem.BondType.AROMATIC,
)
_MAX_DEGREE = 5
_MAX_HYDROGENS = 4

_ELEMENT_CODE = {
    Chem.GetPeriodicTable().GetAtomicNumber(symbol): i for i, symbol in enumerate(_ELEMENTS)
}
_CHARGE_CODE = {charge: i for i, charge in enumerate(_CHARGES)}
_HYBRID_CODE = {kind: i for i, kind in enumerate(_HYBRIDISATIONS)}
_BOND_CODE = {kind: i for i, kind in enumerate(_BOND_TYPES)}

ATOM_FEATURE_SIZES: tuple[int, ...] = (
    len(_ELEMENTS) + 1,  # element, then "other"
    _MAX_DEGREE + 2,  # degree 0..5, then "other"
    len(_CHARGES) + 1,  # formal charge -1, 0, +1, then "other"
    _MAX_HYDROGENS + 2,  # total H count 0..4, then "other"
    2,  # aromatic
    2,  # in a ring
    len(_HYBRIDISATIONS) + 1,  # hybridisation, then "other"
)
"""Number of categories of each atom feature column of :attr:`GraphCodes.atoms`."""

BOND_FEATURE_SIZES: tuple[int, ...] = (len(_BOND_TYPES) + 1, 2, 2)
"""Categories of each bond feature column: type (then "other"), conjugated, in a ring."""


@dataclass(frozen=True, slots=True)
class GraphCodes:
    """A molecular graph in compact form: category codes, each bond listed once.

    Attributes:
        atoms: ``(n_atoms, len(ATOM_FEATURE_SIZES))`` int8 category codes.
        bonds: ``(n_bonds, 2 + len(BOND_FEATURE_SIZES))`` int16: begin atom, end atom,
            then the bond's category codes.
    """

    atoms: np.ndarray
    bonds: np.ndarray


@dataclass(frozen=True, slots=True)
class MolGraph:
    """A molecular graph as a GNN reads it.

    Attributes:
        node_features: ``(n_atoms, sum(ATOM_FEATURE_SIZES))`` float32 one-hot blocks.
        edge_index: ``(2, 2 * n_bonds)`` int64 source and target atoms, each bond both ways.
        edge_features: ``(2 * n_bonds, sum(BOND_FEATURE_SIZES))`` float32 one-hot blocks.
    """

    node_features: np.ndarray
    edge_index: np.ndarray
    edge_features: np.ndarray


def _atom_row(atom: Chem.Atom) -> tuple[int, ...]:
    degree = atom.GetDegree()
    hydrogens = atom.GetTotalNumHs()
    return (
        _ELEMENT_CODE.get(atom.GetAtomicNum(), len(_ELEMENTS)),
        degree if degree <= _MAX_DEGREE else _MAX_DEGREE + 1,
        _CHARGE_CODE.get(atom.GetFormalCharge(), len(_CHARGES)),
        hydrogens if hydrogens <= _MAX_HYDROGENS else _MAX_HYDROGENS + 1,
        int(atom.GetIsAromatic()),
        int(atom.IsInRing()),
        _HYBRID_CODE.get(atom.GetHybridization(), len(_HYBRIDISATIONS)),
    )


def _bond_row(bond: Chem.Bond) -> tuple[int, ...]:
    return (
        bond.GetBeginAtomIdx(),
        bond.GetEndAtomIdx(),
        _BOND_CODE.get(bond.GetBondType(), len(_BOND_TYPES)),
        int(bond.GetIsConjugated()),
        int(bond.IsInRing()),
    )


def graph_codes(smiles: str | Chem.Mol | None) -> GraphCodes | None:
    """The compact graph of a molecule (hydrogens implicit, as atom features).

    Args:
        smiles: a SMILES string or an RDKit molecule.

    Returns:
        Its :class:`GraphCodes`, or None if the SMILES does not parse or has no atoms.
    """
    mol = smiles if isinstance(smiles, Chem.Mol) else mol_from_smiles(smiles)
    if mol is None or mol.GetNumAtoms() == 0:
        return None
    atoms = np.array([_atom_row(atom) for atom in mol.GetAtoms()], dtype=np.int8)
    bonds = np.array([_bond_row(bond) for bond in mol.GetBonds()], dtype=np.int16).reshape(
        -1, 2 + len(BOND_FEATURE_SIZES)
    )
    return GraphCodes(atoms=atoms, bonds=bonds)


def one_hot_codes(codes: np.ndarray, sizes: tuple[int, ...]) -> np.ndarray:
    """Expand ``(rows, len(sizes))`` category codes into concatenated one-hot float32 blocks.

    Args:
        codes: integer codes; column ``k`` lies in ``range(sizes[k])``.
        sizes: number of categories of each column.

    Returns:
        ``(rows, sum(sizes))`` float32 array with one 1 per block.
    """
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    out = np.zeros((codes.shape[0], sum(sizes)), np.float32)
    rows = np.arange(codes.shape[0])[:, None]
    out[rows, codes.astype(np.int64) + offsets] = 1.0
    return out


def mol_graph(smiles: str | Chem.Mol | None) -> MolGraph | None:
    """One-hot node and edge features and a two-way edge index of a molecule.

    Args:
        smiles: a SMILES string or an RDKit molecule.

    Returns:
        The :class:`MolGraph`, or None if the SMILES does not parse or has no atoms.
    """
    codes = graph_codes(smiles)
    if codes is None:
        return None
    ends = codes.bonds[:, :2].astype(np.int64)
    edge_index = np.concatenate([ends.T, ends[:, ::-1].T], axis=1)
    edge_codes = np.concatenate([codes.bonds[:, 2:], codes.bonds[:, 2:]])
    return MolGraph(
        node_features=one_hot_codes(codes.atoms, ATOM_FEATURE_SIZES),
        edge_index=np.ascontiguousarray(edge_index),
        edge_features=one_hot_codes(edge_codes, BOND_FEATURE_SIZES),
    )
