"""The chemistry of a store search, the same on every backend: parsing the query's SMARTS and
SMILES, verifying substructure hits with RDKit, and the limits (how many molecules one query
may examine, for how long). Exact Tanimoto from the stored fingerprint bytes is
:func:`molgen.chem.fingerprints.tanimoto_packed`.

Backends *screen* (SQL filters, popcount bounds, the cartridge's ``%``) and the final
answer is computed here, which is why SQLite and PostgreSQL return the same rows (the
cartridge's ``@>`` is itself RDKit's exact substructure match).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass

from rdkit import Chem

from molgen.chem.fingerprints import fingerprint, pack, popcount
from molgen.chem.mol import mol_from_smiles
from molgen.store.schema import STORE_FINGERPRINT
from molgen.utils.errors import MolgenError
from molgen.utils.parallel import chunked, resolve_n_jobs

__all__ = [
    "Deadline",
    "QueryError",
    "SearchLimits",
    "parse_smarts",
    "parse_smiles",
    "required_elements",
    "substructure_hits",
]

_CARBON, _HYDROGEN = 6, 1
PARALLEL_MIN = 20_000
"""Below this many molecules to check, substructure verification stays in-process."""


class QueryError(MolgenError):
    """A query the store cannot run: an invalid SMARTS or SMILES, or one that exceeds the
    search limits. The message is one line, meant for the user (the API answers 400)."""


@dataclass(frozen=True)
class SearchLimits:
    """Bounds on one substructure or similarity search.

    Attributes:
        max_examined: most candidate rows the structure verification may look at after the
            screens; a broader query is refused (narrow it with filters).
        timeout_s: wall-clock budget of the whole search (database and verification).
        count_limit: plain filter queries count matches up to this many and report "at
            least" beyond it (an exact count of a broad query on a million rows costs
            seconds); None counts everything.
        n_jobs: processes that verify a large substructure search (0: every core).
    """

    max_examined: int = 1_000_000
    timeout_s: float = 60.0
    count_limit: int | None = 10_000
    n_jobs: int = 0


class Deadline:
    """A wall-clock budget that raises :class:`QueryError` when spent."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left (never below a millisecond, for driver timeouts)."""
        return max(self.end - time.monotonic(), 0.001)

    def expired(self) -> bool:
        """Whether the budget is spent."""
        return time.monotonic() >= self.end

    def check(self) -> None:
        """Raise :class:`QueryError` if the budget is spent."""
        if self.expired():
            raise self.error()

    def error(self) -> QueryError:
        """The error for a query that ran out of time."""
        return QueryError(
            f"the query took longer than {self.seconds:g} s; narrow it with property, run "
            "or family filters, or a more specific SMARTS"
        )


def parse_smarts(smarts: str) -> Chem.Mol:
    """The query molecule of a SMARTS pattern.

    Raises:
        QueryError: empty or unparsable SMARTS (naming the field and the text).
    """
    text = smarts.strip()
    mol = Chem.MolFromSmarts(text) if text else None
    if mol is None or mol.GetNumAtoms() == 0:
        raise QueryError(f"smarts: invalid SMARTS {smarts!r}")
    return mol


def parse_smiles(smiles: str) -> tuple[Chem.Mol, bytes, int]:
    """The molecule of a similarity query and its store fingerprint (bytes, popcount).

    Raises:
        QueryError: unparsable SMILES, or one without fingerprint bits.
    """
    mol = mol_from_smiles(smiles)
    if mol is None or mol.GetNumAtoms() == 0:
        raise QueryError(f"similar_to: invalid SMILES {smiles!r}")
    data = pack(fingerprint(mol, STORE_FINGERPRINT))
    count = popcount(data)
    if count == 0:
        raise QueryError(f"similar_to: {smiles!r} has no fingerprint bits to compare")
    return mol, data, count


def _required_element(description: str) -> int | None:
    """The element an atom query demands, from RDKit's query description, else None.

    Only a plain ``AtomType``/``AtomAtomicNum`` equality at the top of the query, or as a
    direct operand of a top-level ``AtomAnd``, counts: ORs, negations and recursive SMARTS
    demand no single element.
    """
    lines = description.rstrip("\n").split("\n")
    candidates = lines[:1] if not lines[0].startswith("AtomAnd") else lines[1:]
    depth = 0 if not lines[0].startswith("AtomAnd") else 2
    for line in candidates:
        indent = len(line) - len(line.lstrip(" "))
        parts = line.split()
        if indent != depth or len(parts) != 4 or parts[2:] != ["=", "val"]:
            continue
        if parts[0] in ("AtomType", "AtomAtomicNum") and parts[1].isdigit():
            return int(parts[1]) % 1000  # AtomType adds 1000 for aromatic atoms
    return None


def required_elements(query: Chem.Mol) -> list[str]:
    """Element symbols (other than C and H) that every match of ``query`` must contain.

    Any SMILES of a matching molecule contains each symbol (upper or lower case), so a
    text search for them is a safe screen: it never drops a true match.
    """
    table = Chem.GetPeriodicTable()
    found: set[str] = set()
    for atom in query.GetAtoms():
        if not atom.HasQuery():
            continue
        number = _required_element(atom.DescribeQuery())
        if number is not None and number not in (0, _CARBON, _HYDROGEN):
            found.add(table.GetElementSymbol(number))
    return sorted(found)


def _matching(smarts: str, molecules: Sequence[tuple[int, str]]) -> list[int]:
    """Ids of the (id, SMILES) pairs that contain ``smarts`` (a worker's chunk)."""
    query = Chem.MolFromSmarts(smarts)
    hits = []
    for molecule_id, smiles in molecules:
        mol = Chem.MolFromSmiles(smiles)
        if mol is not None and mol.HasSubstructMatch(query):
            hits.append(molecule_id)
    return hits


def substructure_hits(
    smarts: str,
    molecules: Sequence[tuple[int, str]],
    deadline: Deadline,
    *,
    n_jobs: int = 0,
    chunk_size: int = 2_000,
) -> set[int]:
    """Ids of the molecules (id, SMILES) that contain ``smarts``, checked with RDKit.

    Large inputs are split over ``n_jobs`` processes (0: every core).

    Raises:
        QueryError: the deadline passed.
    """
    chunks = chunked(molecules, chunk_size)
    jobs = min(resolve_n_jobs(n_jobs), len(chunks))
    hits: set[int] = set()
    if jobs <= 1 or len(molecules) < PARALLEL_MIN:
        for chunk in chunks:
            deadline.check()
            hits.update(_matching(smarts, chunk))
        deadline.check()
        return hits
    pool = ProcessPoolExecutor(max_workers=jobs)
    try:
        futures = [pool.submit(_matching, smarts, chunk) for chunk in chunks]
        for future in as_completed(futures, timeout=deadline.remaining()):
            hits.update(future.result())
    except FuturesTimeout:
        raise deadline.error() from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return hits
