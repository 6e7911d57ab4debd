"""A pytest plugin that holds the suite to the README's rule: only CUDA cases may skip.

Every real component is provisioned by the test command, so a test that skips for any other
reason (a missing browser, a missing server, an empty parameter set) is reported as a
failure that names the reason, instead of passing quietly as a skip.
"""

from __future__ import annotations

import pytest

ALLOWED_SKIP_REASON = "no CUDA device"


def _reason(report: pytest.TestReport) -> str:
    if isinstance(report.longrepr, tuple):  # (path, line, "Skipped: reason")
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return str(report.longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Turn a skip whose reason is not the CUDA one into a failure with a one-line reason."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = _reason(report)
        if ALLOWED_SKIP_REASON not in reason:
            report.outcome = "failed"
            report.longrepr = (
                f"skipped ({reason}), but only CUDA cases may skip: provision the component "
                "(see the README's test command) instead"
            )
