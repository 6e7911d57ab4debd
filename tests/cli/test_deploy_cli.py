"""``molgen serve``: its options and one-line errors, through ``main()``. Serving itself is
tested in tests/integration/test_deployment_runs.py (a run through a runner) and
tests/integration/test_services.py (the scheduler on a real Prefect server)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.deployments import PREFECT_FILE
from molgen.cli.main import build_parser, main


def test_defaults_read_prefect_yaml_here() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.file, args.only, args.limit, args.port) == ("prefect.yaml", None, None, 4200)


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        (["--file", "absent.yaml"], "absent.yaml: prefect.yaml not found"),
        (["--file", str(PREFECT_FILE), "--limit", "0"], "--limit: must be at least 1"),
        (["--file", str(PREFECT_FILE), "--only", "hourly"], "no deployment named hourly; declared"),
    ],
)
def test_bad_options_are_one_line(
    flags: list[str],
    reason: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # serve moves into the file's folder; this restores the cwd
    assert main(["serve", *flags]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("molgen serve: error:") and reason in err and "\n" not in err


def test_a_busy_port_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with socket.socket() as busy, temporary_settings({PREFECT_API_URL: None}):
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["serve", "--file", str(PREFECT_FILE), "--only", "curate", "--port", str(port)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert f"port {port} on 127.0.0.1 is in use" in err and "\n" not in err
