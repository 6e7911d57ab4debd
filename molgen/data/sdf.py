"""SD files record by record: raw records split on ``$$$$``, parsed by RDKit in batches.

Each record becomes an :class:`SDRecord`: its number, RDKit's SMILES and its title and
SD properties as text, or, when the record cannot be used, the reason and the start of
its raw bytes. A record that is not UTF-8, holds a NUL byte or that RDKit cannot read
(a broken counts line, an impossible valence) is one reject; the records after it are
read as usual.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rdkit import Chem

from molgen.chem.mol import quiet_rdkit
from molgen.data.raw_text import line_problem, show_bytes

__all__ = ["SDRecord", "iter_records", "parse_records"]

_RECORD_END = re.compile(rb"^\$\$\$\$[^\n]*(?:\n|$)", re.MULTILINE)
_NO_MORE = object()


@dataclass(frozen=True)
class SDRecord:
    """One SD record as the readers see it.

    Attributes:
        number: 1-based record number in the file.
        smiles: RDKit's SMILES of the molecule, or None when the record is rejected.
        properties: ``name`` (the title) and every SD property, as text.
        problem: why the record is rejected, or None.
        shown: the start of the raw record (see :func:`~molgen.data.raw_text.show_bytes`)
            when it is rejected, else None.
    """

    number: int
    smiles: str | None
    properties: dict[str, str | None] = field(default_factory=dict)
    problem: str | None = None
    shown: str | None = None


def iter_records(blocks: Iterable[bytes]) -> Iterator[bytes]:
    """Raw records (each ending with its ``$$$$`` line) from an SD file read in blocks
    of whole lines; a last record without ``$$$$`` is returned too, unless it is blank."""
    carry = b""
    for block in blocks:
        data = carry + block if carry else block
        start = 0
        for end in _RECORD_END.finditer(data):
            yield data[start : end.end()]
            start = end.end()
        carry = data[start:]
    if carry.strip():
        yield carry


def _counts_line_problem(raw: bytes) -> str | None:
    """Whether the 4th line is a V2000/V3000 counts line (numbers of atoms and bonds)."""
    lines = raw.split(b"\n", 4)
    if len(lines) < 4:
        return "no counts line (the record has fewer than 4 lines)"
    counts = lines[3].rstrip(b"\r")
    if b"V3000" in counts:
        return None
    if not (counts[0:3].strip().isdigit() and counts[3:6].strip().isdigit()):
        return "broken counts line (line 4 gives no atom and bond numbers)"
    return None


def _unreadable(number: int, raw: bytes) -> SDRecord:
    detail = _counts_line_problem(raw)
    problem = f"unreadable SD record: {detail}" if detail else "unreadable SD record"
    return SDRecord(number, None, problem=problem, shown=show_bytes(raw))


def _from_mol(number: int, mol: Chem.Mol | None, raw: bytes) -> SDRecord:
    if mol is None:
        return _unreadable(number, raw)
    properties = {"name": mol.GetProp("_Name") if mol.HasProp("_Name") else None}
    properties.update({key: mol.GetProp(key) for key in mol.GetPropNames()})
    return SDRecord(number, Chem.MolToSmiles(mol), properties)


def _parse_batch(numbers: list[int], raws: list[bytes]) -> list[SDRecord]:
    """Parse text-clean records with one RDKit supplier, each molecule turned into a
    record as soon as it is read; one at a time if RDKit splits them differently than
    :func:`iter_records` did."""
    mols = iter(Chem.ForwardSDMolSupplier(io.BytesIO(b"".join(raws))))
    records = [_from_mol(n, m, r) for n, r, m in zip(numbers, raws, mols, strict=False)]
    if len(records) == len(raws) and next(mols, _NO_MORE) is _NO_MORE:
        return records
    single = (next(iter(Chem.ForwardSDMolSupplier(io.BytesIO(raw))), None) for raw in raws)
    return [_from_mol(n, m, r) for n, m, r in zip(numbers, single, raws, strict=True)]


def parse_records(raws: list[bytes], first: int) -> list[SDRecord]:
    """Parse consecutive raw records numbered from ``first``, in order.

    Records that are not clean text are rejected without parsing; the rest are parsed
    together (RDKit's messages are silenced: the reasons are recorded instead).
    """
    quiet_rdkit()
    done: dict[int, SDRecord] = {}
    numbers: list[int] = []
    clean: list[bytes] = []
    for number, raw in enumerate(raws, start=first):
        problem = line_problem(raw)
        if problem is None:
            numbers.append(number)
            clean.append(raw)
        else:
            done[number] = SDRecord(number, None, problem=problem, shown=show_bytes(raw))
    if clean:
        done.update((r.number, r) for r in _parse_batch(numbers, clean))
    return [done[number] for number in range(first, first + len(raws))]
