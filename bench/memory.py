"""Peak resident memory of a process tree (the pipeline and its dbt subprocess), sampled.

`getrusage(...).ru_maxrss` cannot be used: Linux carries a process's peak across `execve`, so a
child started by a process holding gigabytes (the benchmark's generator, or the pipeline when
it starts dbt) reports its parent's peak as its own. `VmHWM` in /proc/<pid>/status is reset on
exec and is exact for this process; descendants are sampled (`VmRSS`) while they live, and
their concurrent RSS is summed with ours, since that is what the machine must hold at once.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict

from bench.proctree import PROC, tree


def _status_kb(pid: int | str, field: str) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_rss_kb(root: int) -> int:
    """RSS of `root` and all its live descendants, in KiB."""
    return sum(_status_kb(pid, "VmRSS") for pid in tree(root))


class PeakSampler:
    """Samples this process tree's RSS every `interval` seconds in a thread, by current label."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.label = "other"
        self.peak_kb: dict[str, int] = defaultdict(int)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def sample(self) -> None:
        label = self.label
        self.peak_kb[label] = max(self.peak_kb[label], tree_rss_kb(os.getpid()))

    def mark(self, label: str) -> None:
        """Close the current label with a sample and start `label` with one (short steps count too)."""
        self.sample()
        self.label = label
        self.sample()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak_mb(self) -> float:
        """The largest tree RSS sampled, or this process's exact peak when larger."""
        own = _status_kb("self", "VmHWM")
        return round(max([own, *self.peak_kb.values()]) / 1024, 1)

    def by_label_mb(self) -> dict[str, float]:
        return {label: round(kb / 1024, 1) for label, kb in self.peak_kb.items()}
