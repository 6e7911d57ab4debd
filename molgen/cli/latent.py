"""``molgen analogs`` and ``molgen interpolate``: a VAE's latent space from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from molgen.chem.fingerprints import tanimoto_to
from molgen.chem.mol import canonical_smiles
from molgen.models.checkpoint import read_checkpoint
from molgen.models.families import families_containing, trained_model_of
from molgen.models.loading import load_generator
from molgen.tracking import resolve_model_path
from molgen.utils.errors import InputError, MolgenError
from molgen.utils.run_layout import run_folders
from molgen.utils.tables import write_table

__all__ = ["analogs", "interpolate", "latent_model"]


def _newest_vae(root: Path = Path("runs")) -> Path:
    """The newest VAE checkpoint of a pipeline run under ``root``, finished or not."""
    found = []
    families = (family for run in run_folders(root) for family in run.families_on_disk())
    for checkpoint in (family.checkpoint for family in families if family.checkpoint.is_file()):
        try:
            if read_checkpoint(checkpoint)["model_type"] == "vae":
                found.append(checkpoint)
        except InputError:
            continue
    if not found:
        raise InputError(root, "no VAE checkpoint found in past runs; pass --model PATH_OR_URI")
    return max(found, key=lambda path: path.stat().st_mtime)


def latent_model(model: str | None, device: str = "auto") -> Any:
    """Load the VAE behind ``--model``: a VAE checkpoint, or the VAE a model builds on (a
    LatentGAN's).

    Without ``model``, the newest VAE trained by a pipeline under ``./runs`` is used.

    Raises:
        InputError: nothing loadable, or a family without a latent space.
    """
    path = resolve_model_path(model) if model else _newest_vae()
    generator = load_generator(path, device=device)
    vae = trained_model_of(generator, "vae")
    if vae is None:
        raise InputError(
            model or path,
            f"a {generator.config.name!r} model has no latent space; use a model of family "
            f"{' or '.join(families_containing('vae'))}",
        )
    return vae


def _query(smiles: str) -> str:
    canonical = canonical_smiles(smiles)
    if canonical is None:
        raise MolgenError(f"{smiles}: not a valid SMILES")
    return canonical


def _rows(smiles: list[str], query: str) -> list[dict[str, Any]]:
    similarities = tanimoto_to(query, smiles)
    return [
        {"smiles": text, "valid": canonical_smiles(text) is not None, "tanimoto": sim}
        for text, sim in zip(smiles, similarities, strict=True)
    ]


def _write(rows: list[dict[str, Any]], out: str | None) -> None:
    if out:
        write_table(pd.DataFrame(rows), out)


def analogs(args: argparse.Namespace) -> dict[str, Any]:
    """Decode points around a molecule's latent code: valid, unique, novel analogues."""
    query = _query(args.smiles)
    vae = latent_model(args.model)
    try:
        found = vae.analogs(query, args.n, radius=args.radius, seed=args.seed)
    except ValueError as exc:
        raise MolgenError(f"{args.smiles}: {exc}") from None
    rows = _rows(list(found), query)
    _write(rows, args.out)
    return {"query": query, "n": len(rows), "analogs": rows}


def interpolate(args: argparse.Namespace) -> dict[str, Any]:
    """Decode evenly spaced points on the line between two molecules' latent codes."""
    start, end = _query(args.start), _query(args.end)
    vae = latent_model(args.model)
    try:
        path = vae.interpolate(start, end, steps=args.steps)
    except ValueError as exc:
        raise MolgenError(f"{args.start} -> {args.end}: {exc}") from None
    rows = [{"step": i, **row} for i, row in enumerate(_rows(list(path), start))]
    _write(rows, args.out)
    return {"start": start, "end": end, "path": rows}
