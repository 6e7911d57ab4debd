"""tests/skip_policy.py in an inner pytest session: a CUDA skip stays a skip, any other skip
fails with its reason."""

from __future__ import annotations

import pytest


def test_only_the_cuda_reason_may_skip(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.skipif(True, reason="no CUDA device")
        def test_cuda():
            pass

        def test_browser():
            pytest.skip("no system browser at /usr/bin/chromium")

        @pytest.mark.parametrize("x", [])
        def test_empty(x):
            pass

        def test_runs():
            assert True
        """
    )
    result = pytester.runpytest(
        "-p", "tests.skip_policy", "-q", "-W", "ignore::pytest.PytestAssertRewriteWarning"
    )
    # A skip at set-up (an empty parameter set) becomes an error, one in the test a failure.
    result.assert_outcomes(passed=1, skipped=1, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*skipped (no system browser at /usr/bin/chromium), but only CUDA cases may skip*"]
    )
    result.stdout.fnmatch_lines(["*skipped (got empty parameter set*only CUDA cases may skip*"])
