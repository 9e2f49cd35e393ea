"""CPU time used by a process tree (the pipeline and its dbt subprocess), read at any moment.

A stage's CPU seconds over its wall seconds is how many cores it kept busy; its CPU per document
is what the extraction target is about (20 000 documents/s on 2 cores is 0.1 ms a document).
"""

from __future__ import annotations

import os

from bench.proctree import PROC, tree

_TICK = os.sysconf("SC_CLK_TCK")


def _stat_seconds(pid: int) -> float:
    """utime + stime of `pid` and of its children it has waited for, from /proc/<pid>/stat."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    # fields after the command name (which may hold spaces): state is field 3, utime field 14
    fields = stat[stat.rindex(")") + 2 :].split()
    return sum(int(v) for v in fields[11:15]) / _TICK


def tree_cpu_seconds() -> float:
    """CPU seconds used so far by this process, its descendants alive now, and the descendants
    that ended and were waited for (a child's CPU moves into its parent's count when it ends)."""
    own = os.times()
    me = os.getpid()
    descendants = sum(_stat_seconds(pid) for pid in tree(me) if pid != me)
    return own.user + own.system + own.children_user + own.children_system + descendants
