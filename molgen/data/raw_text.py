"""Bytes before text: opening molecule files, spotting lines that are not clean UTF-8,
and showing raw bytes safely in a reject.

The readers use these so that one bad line costs one row, not the whole file: a line
that is not UTF-8 or holds a NUL byte becomes a reject with a reason, and a damaged gzip
stream ends the file at its last complete line, with the damage recorded as one reject.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "NOT_UTF8",
    "NUL_BYTE",
    "SHOWN_BYTES",
    "SourceStream",
    "damage_reason",
    "line_problem",
    "show_bytes",
    "text_problem",
]

NOT_UTF8 = "not UTF-8 text"
NUL_BYTE = "NUL byte in the text"
SHOWN_BYTES = 200
"""At most this many raw bytes are shown in a reject's ``input``."""

_BLOCK = 1 << 16
_SURROGATE = re.compile("[\udc80-\udcff]")  # how surrogateescape shows a non-UTF-8 byte


def show_bytes(raw: bytes, limit: int = SHOWN_BYTES) -> str:
    """Raw bytes as printable text: Python's bytes literal (``b'C\\xe9C'``), cut to
    ``limit`` bytes with the full length noted. Never a valid SMILES (it starts ``b'``
    or ``b"``), so a consumer that parses it gets an invalid molecule, not a wrong one."""
    raw = raw.rstrip(b"\r\n")
    if len(raw) <= limit:
        return repr(raw)
    return f"{raw[:limit]!r}... ({len(raw)} bytes)"


def line_problem(raw: bytes) -> str | None:
    """Why a raw line (or record) cannot be read as text, or None when it can: a NUL
    byte, or bytes that are not UTF-8."""
    if b"\x00" in raw:
        return NUL_BYTE
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return NOT_UTF8
    return None


def text_problem(text: str) -> str | None:
    """The same check on text decoded with ``errors="surrogateescape"``: a NUL, or a
    lone surrogate standing for a byte that is not UTF-8. None when the text is clean."""
    if "\x00" in text:
        return NUL_BYTE
    if not text.isascii() and _SURROGATE.search(text):
        return NOT_UTF8
    return None


def damage_reason(error: str) -> str:
    """The reject reason for a gzip stream that breaks off (``error`` from
    :attr:`SourceStream.error`)."""
    return f"file ends early: damaged or truncated gzip stream ({error}); rows after this are lost"


class SourceStream(io.RawIOBase):
    """A molecule file's bytes, gunzipped when its name ends in ``.gz``.

    A gzip stream that breaks off (truncated, corrupt) ends the file instead of raising:
    everything up to the last complete line before the damage is returned, and
    :attr:`error` says what went wrong (None for a sound file). Damage before the first
    line raises ``OSError``, as the whole file is unreadable. :attr:`position` is how far
    into the file on disk the reading has got (compressed bytes for gzip), for progress.
    """

    def __init__(self, path: str | Path) -> None:
        self._file: BinaryIO = open(path, "rb")  # noqa: SIM115 (closed in close())
        gz = str(path).lower().endswith(".gz")
        self._gzip = gzip.GzipFile(fileobj=self._file, mode="rb") if gz else None
        self._carry = b""
        self._pending = b""
        self._started = False
        self._done = False
        self.error: str | None = None

    @property
    def position(self) -> int:
        """Bytes of the file on disk read so far."""
        return self._file.tell()

    def readable(self) -> bool:
        """Always True."""
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``buffer`` with the next bytes; 0 at the end of the file."""
        while not self._pending and not self._done:
            self._pending = self._next_block()
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _next_block(self) -> bytes:
        if self._gzip is None:
            block = self._file.read(_BLOCK)
            self._done = not block
            return block
        try:
            block = self._gzip.read1(_BLOCK)
        except (EOFError, OSError, zlib.error) as exc:
            if not self._started and not self._carry:
                raise OSError(str(exc)) from None
            self.error, self._carry, self._done = str(exc) or type(exc).__name__, b"", True
            return b""
        self._started = True
        if not block:
            self._done = True
            tail, self._carry = self._carry, b""
            return tail
        data = self._carry + block
        cut = data.rfind(b"\n") + 1
        self._carry = data[cut:]
        return data[:cut]

    def close(self) -> None:
        """Close the file."""
        if self._gzip is not None:
            self._gzip.close()
        self._file.close()
        super().close()
