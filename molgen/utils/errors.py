"""User-facing errors.

Every error a user can cause (bad file, bad row, bad config, missing checkpoint) is raised
as a :class:`MolgenError`. Its message is one line that names the file, the row (when there
is one) and the reason. The CLI and the flows print that line and never a traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["ConfigError", "InputError", "MolgenError", "first_line"]


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, or its type name when it has none.

    A wrapped driver error (SQLAlchemy's ``DBAPIError.orig``) speaks for itself: its
    message is used, without the SQL statement and parameters SQLAlchemy appends.
    """
    original = getattr(exc, "orig", None)
    source = original if isinstance(original, BaseException) else exc
    text = str(source).strip()
    return text.splitlines()[0] if text else type(source).__name__


class MolgenError(Exception):
    """Base class for errors whose message is meant for the user, as one line."""


class InputError(MolgenError):
    """A problem with an input file, optionally at a specific row.

    Args:
        path: the file at fault.
        reason: what is wrong, in plain words.
        row: 1-based data row (or record) number, when the problem is in one row.
    """

    def __init__(self, path: str | Path, reason: str, row: int | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.row = row
        where = f"{self.path}, row {row}" if row is not None else self.path
        super().__init__(f"{where}: {reason}")


class ConfigError(MolgenError, ValueError):
    """An invalid configuration file or value.

    It is also a ValueError, so pydantic validators that raise it report it with the
    location of the offending key.
    """
