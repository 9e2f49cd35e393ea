"""The benchmark's CPU figure: the pipeline's process tree, children included, counted once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.cpu import tree_cpu_seconds  # noqa: E402


def test_tree_cpu_counts_a_child_while_it_runs_and_after_it_ends() -> None:
    """A child that burns 0.5 s of CPU is counted while it lives (from /proc) and, once waited
    for, through this process's children times: no second count, none lost."""
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.5: pass\ntime.sleep(1.5)"
    before = tree_cpu_seconds()
    child = subprocess.Popen([sys.executable, "-c", burn])
    try:
        deadline = time.monotonic() + 10
        while tree_cpu_seconds() - before < 0.45 and time.monotonic() < deadline:
            time.sleep(0.1)
        during = tree_cpu_seconds() - before
    finally:
        child.wait()
    after = tree_cpu_seconds() - before
    assert 0.45 <= during < 1.2
    assert 0.45 <= after < 1.2
    assert after == pytest.approx(during, abs=0.25)
