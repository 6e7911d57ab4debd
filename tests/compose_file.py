"""docker/compose.yaml read as ``docker compose`` reads it: YAML (anchors and merge keys
resolved), then ``${VAR}`` interpolation from an environment (``docker/.env``).

The static tests check the file with it; the integration tests take the services' commands
and settings from it, so the servers they start outside Docker run with the same settings.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yaml"
ENV_EXAMPLE = DOCKER / ".env.example"

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}, ${NAME:+alt}
VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}")


def read_env_file(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """``NAME=value`` lines of a compose ``.env`` file (comments and blanks skipped)."""
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


def variables(text: str) -> set[str]:
    """Names of the variables a compose file refers to."""
    return {m["name"] for m in VARIABLE.finditer(text)}


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """``value`` with every ``${...}`` replaced as compose does; ``$$`` is a literal ``$``.

    Raises:
        KeyError: a required variable (``:?``/``?``) or one with no default is unset.
    """
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        present = name in env and (env[name] != "" or not (op or "").startswith(":"))
        if op in (":-", "-"):
            return env[name] if present else arg
        if op in (":+", "+"):
            return arg if present else ""
        if present:
            return env[name]
        raise KeyError(f"{name}: {arg}" if op else name)

    return VARIABLE.sub(substitute, value.replace("$$", "\0")).replace("\0", "$")


def load_compose(env: dict[str, str] | None = None) -> dict[str, Any]:
    """The compose file, interpolated with ``env`` (default: ``docker/.env.example``)."""
    data = yaml.safe_load(COMPOSE.read_text())
    return interpolate(data, read_env_file() if env is None else env)
