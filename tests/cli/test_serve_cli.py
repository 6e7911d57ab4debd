"""``molgen serve-ui``: its options and one-line errors, through ``main()``; the served page
itself is tested in tests/unit/server and tests/integration/test_web_page.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from molgen.cli.main import build_parser, main


def test_defaults_bind_to_localhost() -> None:
    args = build_parser().parse_args(["serve-ui"])
    assert (args.host, args.port, args.db, args.train_data) == ("127.0.0.1", 8000, None, None)


def test_missing_store_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve-ui", "--db", f"sqlite:///{tmp_path / 'absent.db'}", "--port", "8999"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("molgen serve-ui: error:") and "no candidate store" in err
    assert "\n" not in err


@pytest.mark.parametrize(
    ("flags", "reason"), [(["--port", "70000"], "not a TCP port"), (["--timeout", "0"], "positive")]
)
def test_bad_options_are_one_line(
    flags: list[str], reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve-ui", *flags]) == 2
    assert reason in capsys.readouterr().err
