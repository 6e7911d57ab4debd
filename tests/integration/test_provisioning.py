"""The test command's provisioning steps (scripts/postgres.sh install, scripts/chromium.sh
install): on this machine they prove their component works; where a component cannot be
provisioned they stop with exit status 1 and one line saying which and why."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_SH = ROOT / "scripts" / "postgres.sh"
CHROMIUM_SH = ROOT / "scripts" / "chromium.sh"
APT_PROVISION = ROOT / "scripts" / "apt-provision.sh"
REPAIR = ROOT / "docker" / "postgres" / "repair-rdkit-cartridge.sh"

pytestmark = pytest.mark.slow


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}
    )


@pytest.fixture
def unprivileged() -> Iterator[tuple[list[str], Path]]:
    """A command prefix that runs as an unprivileged user (nobody, when the tests run as root)
    and a copy of the scripts that user can read."""
    folder = Path(tempfile.mkdtemp(prefix="molgen-provision-"))  # pytest's tmp is root-only
    try:
        for source in (POSTGRES_SH, CHROMIUM_SH, APT_PROVISION, REPAIR):
            target = folder / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755)
        prefix: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            assert runuser, "runuser (util-linux) is needed to run the check as nobody"
            prefix = [runuser, "-u", "nobody", "--", "env", "PATH=/usr/bin:/bin"]
        yield prefix, folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _one_line(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1, (done.returncode, done.stderr)
    return lines[0]


def test_postgres_install_proves_the_cartridge() -> None:
    done = _run([str(POSTGRES_SH), "install"])
    assert done.returncode == 0, done.stderr
    proof = done.stderr.strip().splitlines()[-1]
    assert proof.startswith("postgres.sh: PostgreSQL 15.") and "postgresql-15-rdkit" in proof
    assert proof.endswith("CREATE EXTENSION, substructure and similarity queries work")


def test_postgres_that_cannot_be_installed_fails_in_one_line(unprivileged) -> None:
    prefix, folder = unprivileged
    script = folder / "scripts" / "postgres.sh"
    done = _run([*prefix, "bash", str(script), "install"], env={"PG_BIN": "/nonexistent"})
    line = _one_line(done)
    assert line.startswith("postgres.sh: cannot provision PostgreSQL 15 with the RDKit cartridge")
    assert "/nonexistent/initdb" in line and "only root can apt-get install" in line


def test_chromium_install_proves_it_renders() -> None:
    done = _run([str(CHROMIUM_SH), "install"])
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1].endswith("renders pages headless")


def test_chromium_that_cannot_be_installed_fails_in_one_line(unprivileged) -> None:
    prefix, folder = unprivileged
    script = folder / "scripts" / "chromium.sh"
    done = _run([*prefix, "bash", str(script), "install"], env={"CHROMIUM": "/nonexistent"})
    line = _one_line(done)
    assert line.startswith("chromium.sh: cannot provision chromium for the web page tests")
    assert "/nonexistent is missing" in line


def test_a_browser_that_does_not_render_fails_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")
    broken.chmod(0o755)
    line = _one_line(_run([str(CHROMIUM_SH), "install"], env={"CHROMIUM": str(broken)}))
    assert line == f"chromium.sh: {broken} does not render a page headless: cannot open display"
