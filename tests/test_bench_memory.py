"""The benchmark's memory figure: the pipeline's tree, summed while it lives, not inherited peaks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.memory import PeakSampler  # noqa: E402

HOLD_MB = 300
# A child that touches HOLD_MB of memory, says so, then waits for stdin to close.
HOLDER = (
    "import sys; b = bytearray({n} * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); "
    "print('ready', flush=True); sys.stdin.read()"
)


def _holder() -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(n=HOLD_MB)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def test_tree_rss_adds_a_live_child() -> None:
    # Read from a fresh interpreter: a pytest worker's own RSS moved by 100 MB and more between
    # two reads (its allocators returning what earlier tests used), which hid the child's 300 MB.
    code = (
        "import os, subprocess, sys\n"
        "from bench.memory import tree_rss_kb\n"
        "alone = tree_rss_kb(os.getpid())\n"
        f"proc = subprocess.Popen([sys.executable, '-c', {HOLDER.format(n=HOLD_MB)!r}], "
        "stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)\n"
        "assert proc.stdout.readline().strip() == 'ready'\n"
        "with_child = tree_rss_kb(os.getpid())\n"
        "proc.communicate('')\n"
        "print(with_child - alone)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(out.stdout.split()[-1]) >= HOLD_MB * 1024 * 0.9


def test_sampler_labels_the_peak_and_does_not_inherit_it() -> None:
    with PeakSampler(interval=0.05) as sampler:
        sampler.mark("holding")
        proc = _holder()
        time.sleep(0.3)
        proc.communicate("")
        sampler.mark("after")
        time.sleep(0.3)
    by_label = sampler.by_label_mb()
    assert by_label["holding"] >= HOLD_MB * 0.9
    assert by_label["after"] < by_label["holding"] - HOLD_MB * 0.5
    assert sampler.peak_mb() >= by_label["holding"]
