"""User-facing error helpers."""

from __future__ import annotations


def test_first_line_prefers_a_wrapped_driver_message() -> None:
    import sqlalchemy.exc

    from molgen.utils.errors import first_line

    assert first_line(ValueError("bad value\nmore detail")) == "bad value"
    assert first_line(RuntimeError("  ")) == "RuntimeError"
    wrapped = sqlalchemy.exc.OperationalError("SELECT 1", {}, ConnectionError("refused\nhint"))
    assert first_line(wrapped) == "refused"
