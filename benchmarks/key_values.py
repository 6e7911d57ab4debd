"""``KEY=VALUE`` command-line options, shared by the benchmarks that override settings."""

from __future__ import annotations

import json
from typing import Any


def key_value_options(pairs: list[str], flag: str) -> dict[str, Any]:
    """``KEY=VALUE`` pairs as a dict; values are read as JSON when they parse (numbers,
    booleans, lists), else kept as text.

    Raises:
        SystemExit: a pair without ``=`` or without a key, naming ``flag``.
    """
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"{flag} takes KEY=VALUE, got {pair!r}")
        try:
            options[key] = json.loads(text)
        except json.JSONDecodeError:
            options[key] = text
    return options
