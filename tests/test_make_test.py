"""`make test` (what CI runs) fails when pytest collects no test: exit code 5 must not pass."""

from __future__ import annotations

import os
import subprocess

from conftest import REPO_ROOT

# Set by the make and the pytest-xdist worker this test may run under: not the inner run's.
_OUTER = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_CURRENT_TEST")


def test_make_test_fails_when_no_test_is_collected() -> None:
    env = {k: v for k, v in os.environ.items() if k not in _OUTER and not k.startswith("PYTEST_XDIST")}
    # -o manifest: the outer run made it already; re-parsing would rewrite it under other workers
    done = subprocess.run(
        ["make", "-o", "manifest", "test", "PYTEST_ARGS=-k no_test_has_this_name"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0, done.stdout + done.stderr
    assert "pytest collected no tests" in done.stderr, done.stdout + done.stderr
