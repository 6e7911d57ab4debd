"""Raw bytes shown safely, and the text checks the readers use."""

from __future__ import annotations

from molgen.chem.mol import mol_from_smiles
from molgen.data.raw_text import NOT_UTF8, NUL_BYTE, line_problem, show_bytes, text_problem


def test_bytes_are_shown_as_a_literal_that_is_never_a_smiles() -> None:
    assert show_bytes(b"CCO caf\xe9\r\n") == r"b'CCO caf\xe9'"
    assert show_bytes(b"C" * 10, limit=4) == "b'CCCC'... (10 bytes)"
    assert mol_from_smiles(show_bytes(b"CCO")) is None


def test_line_and_text_problems() -> None:
    assert line_problem(b"CCO ethanol\n") is None
    assert line_problem("CCO café\n".encode()) is None
    assert line_problem(b"CCO caf\xe9\n") == NOT_UTF8
    assert line_problem(b"C\x00C\n") == NUL_BYTE
    assert text_problem("CCO café") is None
    assert text_problem(b"caf\xe9".decode("utf-8", "surrogateescape")) == NOT_UTF8
    assert text_problem("C\x00C") == NUL_BYTE
