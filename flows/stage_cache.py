"""Input-keyed skipping of finished stages.

A stage writes its outputs into a directory and, when it finishes, a marker file holding
the hash of its inputs. A rerun with the same inputs finds the marker and skips the work;
Prefect sees the same key (``cache_key_fn``) and reports the task as Cached. A stage that
was killed has no marker, so it runs again (training resumes from its last checkpoint).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from molgen.utils.run_layout import stage_marker

T = TypeVar("T")

__all__ = [
    "cache_root",
    "done_result",
    "fingerprint",
    "is_done",
    "link_tree",
    "mark_done",
    "path_fingerprint",
    "stage_key",
    "unless_done",
]


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Path):
        return str(value)
    return value


def fingerprint(*parts: Any) -> str:
    """A stable hash of configs, paths and strings."""
    text = json.dumps([_jsonable(p) for p in parts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def path_fingerprint(path: str | Path) -> str:
    """Cheap identity of an input file or directory: path, sizes and modification times."""
    path = Path(path)
    if not path.exists():
        return f"missing:{path}"
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    stats = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    return fingerprint(stats)


def cache_root() -> Path:
    """Where shared stage caches live: ``$MOLGEN_CACHE_DIR`` or ``./data/cache``."""
    return Path(os.environ.get("MOLGEN_CACHE_DIR", "data/cache"))


def is_done(out: str | Path, stage: str, key: str) -> bool:
    """Whether ``stage`` already finished into ``out`` with inputs hashed to ``key``."""
    marker = stage_marker(Path(out), stage)
    if not marker.is_file():
        return False
    try:
        return json.loads(marker.read_text()).get("key") == key
    except (OSError, ValueError):
        return False


def mark_done(out: str | Path, stage: str, key: str, result: dict[str, Any]) -> None:
    """Record that ``stage`` finished into ``out``, with its result."""
    marker = stage_marker(Path(out), stage)
    marker.parent.mkdir(parents=True, exist_ok=True)
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": key, "result": result}, default=str))
    tmp.replace(marker)


def done_result(out: str | Path, stage: str) -> dict[str, Any]:
    """The result stored by :func:`mark_done`."""
    return json.loads(stage_marker(Path(out), stage).read_text())["result"]


def stage_key(stage: str, out_param: str) -> Callable[[Any, dict[str, Any]], str]:
    """A Prefect ``cache_key_fn``: the stage, its input key and its output location.

    The task must take parameters ``key`` and ``out_param``.
    """

    def cache_key(_context: Any, parameters: dict[str, Any]) -> str:
        out = str(Path(parameters[out_param]).resolve())
        return f"{stage}-{parameters['key']}-{fingerprint(out)}"

    return cache_key


def unless_done(task: T, stage: str, out: str | Path, key: str) -> T:
    """``task`` set to refresh its cache unless ``stage`` already finished into ``out``.

    So a stage whose outputs were deleted, or never finished, runs again; one that finished
    is reported by Prefect as Cached.
    """
    return task.with_options(refresh_cache=not is_done(out, stage, key))


def link_tree(src: str | Path, dst: str | Path) -> None:
    """Make ``dst`` a copy of directory ``src``, hard-linking files where possible."""
    src, dst = Path(src), Path(dst)
    if dst.exists():
        shutil.rmtree(dst)

    def link_or_copy(s: str, d: str) -> None:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    shutil.copytree(src, dst, copy_function=link_or_copy)
