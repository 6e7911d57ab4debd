"""docker/postgres/repair-rdkit-cartridge.sh, the repair of the RDKit cartridge's extension
script that scripts/postgres.sh and the PostgreSQL image both apply, on files of the shape
Debian's postgresql-15-rdkit 202209.3-1 ships."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.compose_file import DOCKER

REPAIR = DOCKER / "postgres" / "repair-rdkit-cartridge.sh"

# The declarations around the defect, in the layout of the packaged rdkit--4.2.0.sql.
EQUALITY = """CREATE OPERATOR = (
    LEFTARG = mol,
    RIGHTARG = mol,
    PROCEDURE = mol_eq,
    COMMUTATOR = '=',
    NEGATOR = '<>',
    RESTRICT = eqsel,
    JOIN = eqjoinsel
);

CREATE OPERATOR <> (
    LEFTARG = mol,
    RIGHTARG = mol,
    PROCEDURE = mol_ne,
    COMMUTATOR = '<>',
    NEGATOR = '=',
    RESTRICT = neqsel,
    JOIN = neqjoinsel
);
"""
EXACT_MATCH = """
CREATE OPERATOR @= (
    LEFTARG = {type},
    RIGHTARG = {type},
    PROCEDURE = {type}_eq,
    COMMUTATOR = '=',
    NEGATOR = '<>',
    RESTRICT = eqsel,
    JOIN = eqjoinsel
);
"""
REPAIRED = """
CREATE OPERATOR @= (
    LEFTARG = {type},
    RIGHTARG = {type},
    PROCEDURE = {type}_eq,
    COMMUTATOR = '@=',
    RESTRICT = eqsel,
    JOIN = eqjoinsel
);
"""


def _repair(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(REPAIR), *map(str, files)], capture_output=True, text=True, timeout=30
    )


def test_repairs_both_exact_match_operators_and_nothing_else(tmp_path: Path) -> None:
    script = tmp_path / "rdkit--4.2.0.sql"
    types = ("mol", "reaction")
    script.write_text(EQUALITY + "".join(EXACT_MATCH.format(type=t) for t in types))
    done = _repair(script)
    assert done.returncode == 0, done.stderr
    assert script.read_text() == EQUALITY + "".join(REPAIRED.format(type=t) for t in types)
    assert done.stderr.strip().splitlines() == [
        f"repair-rdkit-cartridge.sh: repaired the @= operator declarations in {script}"
    ]


def test_is_idempotent_and_leaves_a_correct_script_byte_for_byte(tmp_path: Path) -> None:
    script = tmp_path / "rdkit--4.2.0.sql"
    script.write_text(EQUALITY + EXACT_MATCH.format(type="mol"))
    assert _repair(script).returncode == 0
    repaired = script.read_bytes()
    again = _repair(script)
    assert (again.returncode, again.stderr, script.read_bytes()) == (0, "", repaired)


def test_a_script_it_cannot_write_fails_in_one_line() -> None:
    folder = Path(tempfile.mkdtemp(prefix="molgen-repair-"))  # pytest's tmp is root-only
    try:
        folder.chmod(0o755)
        script = folder / "rdkit--4.2.0.sql"
        script.write_text(EXACT_MATCH.format(type="mol"))
        script.chmod(0o444)
        repair = folder / "repair.sh"
        shutil.copy(REPAIR, repair)
        repair.chmod(0o755)
        command = ["bash", str(repair), str(script)]
        if os.geteuid() == 0:  # root may write anything: check as an unprivileged user
            runuser = shutil.which("runuser")
            assert runuser, "runuser (util-linux) is needed to run the check as nobody"
            command = [runuser, "-u", "nobody", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot repair the RDKit cartridge" in lines[0], lines
        assert "is not writable" in lines[0] and str(script) in lines[0]
        assert script.read_text() == EXACT_MATCH.format(type="mol")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_missing_file_fails_in_one_line(tmp_path: Path) -> None:
    done = _repair(tmp_path / "nowhere.sql")
    assert done.returncode == 1
    missing = tmp_path / "nowhere.sql"
    assert done.stderr.strip() == f"repair-rdkit-cartridge.sh: {missing}: no such file"
