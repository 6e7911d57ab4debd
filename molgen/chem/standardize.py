"""Standardising molecules with RDKit's rdMolStandardize.

The steps are RDKit's own: cleanup (RemoveHs, metal disconnection, normalisation,
reionisation — the same sequence as ``rdMolStandardize.Cleanup``), largest-fragment
choice, neutralisation with the ``Uncharger``, and optional stereo removal. The
standardiser objects are built once per process and reused, which halves the cost of
``rdMolStandardize.Cleanup`` (that function rebuilds them on every call).
"""

from __future__ import annotations

from functools import cache

from rdkit import Chem
from rdkit.Chem.MolStandardize import rdMolStandardize

from molgen.chem.mol import mol_from_smiles

__all__ = ["cleanup_mol", "standardize_mol", "standardize_smiles"]


_CHARGED = Chem.MolFromSmarts("[!+0]")


@cache
def _tools() -> tuple[
    rdMolStandardize.MetalDisconnector,
    rdMolStandardize.Normalizer,
    rdMolStandardize.Reionizer,
    rdMolStandardize.LargestFragmentChooser,
    rdMolStandardize.Uncharger,
]:
    return (
        rdMolStandardize.MetalDisconnector(),
        rdMolStandardize.Normalizer(),
        rdMolStandardize.Reionizer(),
        rdMolStandardize.LargestFragmentChooser(),
        rdMolStandardize.Uncharger(),
    )


def cleanup_mol(mol: Chem.Mol) -> Chem.Mol:
    """RDKit's cleanup: remove Hs, disconnect metals, normalise groups, reionise.

    Equivalent to ``rdMolStandardize.Cleanup(mol)`` with default parameters, using
    standardiser objects cached per process. Returns a new molecule; RDKit errors
    propagate (``standardize_mol`` turns them into None).
    """
    disconnector, normalizer, reionizer, _, _ = _tools()
    out = Chem.RemoveHs(mol)
    out = disconnector.Disconnect(out)
    out = normalizer.normalize(out)
    out = reionizer.reionize(out)
    Chem.AssignStereochemistry(out, cleanIt=True, force=True)
    return out


def standardize_mol(
    mol: Chem.Mol | None,
    *,
    cleanup: bool = True,
    largest_fragment: bool = True,
    neutralize: bool = True,
    remove_stereo: bool = False,
) -> Chem.Mol | None:
    """Standardise a molecule; returns a new molecule, or None if RDKit fails on it.

    Args:
        mol: the parsed molecule (None passes through as None).
        cleanup: run :func:`cleanup_mol` first.
        largest_fragment: keep only the largest fragment (strips salts and solvents).
        neutralize: neutralise charges where possible (``rdMolStandardize.Uncharger``).
        remove_stereo: drop all stereochemistry.
    """
    if mol is None:
        return None
    _, _, _, chooser, uncharger = _tools()
    try:
        out = cleanup_mol(mol) if cleanup else Chem.Mol(mol)
        if largest_fragment and len(Chem.GetMolFrags(out)) > 1:
            out = chooser.choose(out)
        if neutralize and out.HasSubstructMatch(_CHARGED):
            out = uncharger.uncharge(out)
        if remove_stereo:
            Chem.RemoveStereochemistry(out)
    except Exception:  # RDKit raises assorted errors (valence, kekulisation) on odd input
        return None
    return out


def standardize_smiles(
    smiles: str | None,
    *,
    cleanup: bool = True,
    largest_fragment: bool = True,
    neutralize: bool = True,
    remove_stereo: bool = False,
) -> str | None:
    """Canonical SMILES of the standardised molecule, or None if parsing or standardising fails.

    Args:
        smiles: input SMILES.
        cleanup: see :func:`standardize_mol`.
        largest_fragment: see :func:`standardize_mol`.
        neutralize: see :func:`standardize_mol`.
        remove_stereo: see :func:`standardize_mol`.
    """
    mol = standardize_mol(
        mol_from_smiles(smiles),
        cleanup=cleanup,
        largest_fragment=largest_fragment,
        neutralize=neutralize,
        remove_stereo=remove_stereo,
    )
    return Chem.MolToSmiles(mol) if mol is not None else None
