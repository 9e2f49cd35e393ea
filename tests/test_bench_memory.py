"""The benchmark's memory figure: the pipeline's tree, summed while it lives, not inherited peaks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

HOLD_MB = 300
# A child that touches HOLD_MB of memory, says so, then waits for stdin to close.
HOLDER = (
    "import sys; b = bytearray({n} * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); "
    "print('ready', flush=True); sys.stdin.read()"
)
# What the tests run, in a fresh interpreter: a pytest process's own RSS moved by 100 MB and more
# between two reads (its allocators returning what earlier tests used), which hid the child's
# 300 MB (CI: 929 MB alone, 1125 MB with the child).
PRELUDE = f"""
import json, os, subprocess, sys, time
from bench.memory import PeakSampler, tree_rss_kb

def holder():
    proc = subprocess.Popen(
        [sys.executable, "-c", {HOLDER.format(n=HOLD_MB)!r}],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc
"""


def _fresh(body: str) -> dict:
    """Run PRELUDE + `body` in a new interpreter; the JSON it prints last."""
    out = subprocess.run(
        [sys.executable, "-c", PRELUDE + body],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.splitlines()[-1])


def test_tree_rss_adds_a_live_child() -> None:
    got = _fresh(
        """
alone = tree_rss_kb(os.getpid())
proc = holder()
with_child = tree_rss_kb(os.getpid())
proc.communicate("")
print(json.dumps({"added_kb": with_child - alone}))
"""
    )
    assert got["added_kb"] >= HOLD_MB * 1024 * 0.9


def test_sampler_labels_the_peak_and_does_not_inherit_it() -> None:
    got = _fresh(
        """
with PeakSampler(interval=0.05) as sampler:
    sampler.mark("holding")
    proc = holder()
    time.sleep(0.3)
    proc.communicate("")
    sampler.mark("after")
    time.sleep(0.3)
print(json.dumps({"by_label": sampler.by_label_mb(), "peak": sampler.peak_mb()}))
"""
    )
    by_label = got["by_label"]
    assert by_label["holding"] >= HOLD_MB * 0.9
    assert by_label["after"] < by_label["holding"] - HOLD_MB * 0.5
    assert got["peak"] >= by_label["holding"]
