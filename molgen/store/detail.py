"""Everything the store knows about one molecule, and its nearest training molecules.

The neighbours are the ``k`` training molecules with the highest Tanimoto similarity on the
store's Morgan fingerprints (ties by training-set order). Fingerprinting a training set is
the slow part, so a :class:`TrainingIndex` is built once and reused: pass one, or pass the
same SMILES list on every call (the index of the last list is kept).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import Engine, select

from molgen.chem.fingerprints import fingerprint_smiles, pack, packed_rows, tanimoto_packed
from molgen.store.query import MoleculeDetail
from molgen.store.schema import PROPERTY_COLUMNS, STORE_FINGERPRINT, Candidate, Molecule
from molgen.store.scores import scores_of
from molgen.store.search import row_from, rows_select

__all__ = ["TrainingIndex", "molecule_detail", "nearest_neighbours"]


class TrainingIndex:
    """Packed fingerprints of a training set, for nearest-neighbour lookups.

    Args:
        smiles: training SMILES; ones that do not parse are left out.
    """

    def __init__(self, smiles: Sequence[str]) -> None:
        # Each molecule is fingerprinted as soon as it is parsed: fingerprinting a list of
        # parsed molecules afterwards is ~30% slower (they no longer sit in the CPU cache).
        prints = [(text, fingerprint_smiles(text, STORE_FINGERPRINT)) for text in smiles]
        kept = [(text, pack(bits)) for text, bits in prints if bits is not None]
        self.smiles = [text for text, _ in kept]
        self.matrix = packed_rows([data for _, data in kept])

    def __len__(self) -> int:
        return len(self.smiles)

    def nearest(self, fingerprint: bytes, k: int) -> list[tuple[str, float]]:
        """The ``k`` most similar training SMILES and their Tanimoto, best first."""
        if k < 1 or not self.smiles:
            return []
        sims = tanimoto_packed(fingerprint, self.matrix)
        order = np.lexsort((np.arange(len(sims)), -sims))[:k]
        return [(self.smiles[i], float(sims[i])) for i in order]


_LAST: tuple[Sequence[str], TrainingIndex] | None = None


def _index(train: Sequence[str] | TrainingIndex) -> TrainingIndex:
    """``train`` as an index, reusing the one built for the same list object last time."""
    global _LAST
    if isinstance(train, TrainingIndex):
        return train
    if _LAST is None or _LAST[0] is not train:
        _LAST = (train, TrainingIndex(train))
    return _LAST[1]


def nearest_neighbours(
    fingerprint: bytes, train: Sequence[str] | TrainingIndex, k: int = 5
) -> list[tuple[str, float]]:
    """The ``k`` training molecules most similar to a packed store fingerprint."""
    return _index(train).nearest(fingerprint, k)


def molecule_detail(
    engine: Engine,
    inchikey: str,
    *,
    train_smiles: Sequence[str] | TrainingIndex | None = None,
    k: int = 5,
) -> MoleculeDetail | None:
    """Properties, alerts, every candidate (provenance, oldest first) and, given training
    SMILES, the ``k`` nearest training neighbours of the molecule with ``inchikey``.

    Returns:
        None when the store holds no such molecule.
    """
    key = inchikey.strip().upper()
    columns = [getattr(Molecule, name) for name in PROPERTY_COLUMNS]
    with engine.connect() as conn:
        found = conn.execute(
            select(
                Molecule.smiles, Molecule.pains, Molecule.brenk, Molecule.alerts,
                Molecule.fingerprint, *columns,
            ).where(Molecule.inchikey == key)
        ).first()  # fmt: skip
        if found is None:
            return None
        stmt = rows_select().where(Molecule.inchikey == key)
        stmt = stmt.order_by(Candidate.created_at, Candidate.id)
        candidates = [row_from(row) for row in conn.execute(stmt)]
        scores = scores_of(conn, [c.candidate_id for c in candidates])
        for candidate in candidates:
            candidate.scores = scores.get(candidate.candidate_id, {})
    smiles, pains, brenk, alerts, fingerprint, *values = found
    neighbours = [] if train_smiles is None else nearest_neighbours(fingerprint, train_smiles, k)
    return MoleculeDetail(
        inchikey=key,
        smiles=smiles,
        properties=dict(zip(PROPERTY_COLUMNS, values, strict=True)),
        pains=bool(pains),
        brenk=bool(brenk),
        alerts=[part.strip() for part in (alerts or "").split(";") if part.strip()],
        candidates=candidates,
        neighbours=neighbours,
    )
