"""A run killed at any stage leaves the published file as it was, and the next run recovers.

Each stage test starts a real `sitrep run` on a copy of a published warehouse plus one new
article, freezes it (SIGSTOP) inside the stage, checks the files while it is frozen, SIGKILLs it,
checks them again, then runs `sitrep run` normally and expects it to publish the new article.

Freezing first makes the kill point deterministic without any hook in product code:

* extract, dbt, checks: the real `sitrep` executable, frozen when the progress line that opens
  the stage arrives (`...  extract`, the first dbt model line, the first `check marts/` line).
* ingest, publish: those moments are too short to catch from outside, so the run is the real
  CLI (`orchestration.cli.main`) in a process that stops itself at one point (`_PAUSING_RUNNER`):
  ingest right after writing `raw.*` (WAL not checkpointed, connection still open); publish
  after the copy of the build file is written and fsynced, just before it is renamed over the
  published file.

A kill does not reach the run's dbt subprocess: `test_kill_during_dbt` keeps that orphan frozen
and checks the next run waits for it rather than racing it on the build file.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import (
    REPO_ROOT,
    SITREP,
    CliRun,
    ReadOnlySession,
    copy_published,
    query,
    sitrep_run,
    spawn,
    spawn_run,
)

import orchestration.warehouse as warehouse_module
from orchestration.warehouse import Warehouse, WarehouseBusyError

pytestmark = pytest.mark.slow

NEW_DOC = "zz_new_article.txt"
NEW_TEXT = "Airstrikes killed 12 civilians in the town of Saraqib in Idlib on Monday, SOHR said.\n"
COUNTS_SQL = (
    "SELECT (SELECT count(*) FROM marts.documents), (SELECT count(*) FROM raw.documents), "
    "(SELECT count(*) FROM marts.fct_incidents)"
)
RUN_TIMEOUT = 300.0

# The real CLI, in a process that SIGSTOPs itself at one point of the run (argv[1] says which).
# It announces the pause on fd 1: the run redirects sys.stdout to its log file, not fd 1.
_PAUSING_RUNNER = textwrap.dedent(
    """
    import os, signal, sys

    STAGE, PUBLISHED = sys.argv[1], sys.argv[2]

    def pause(what):
        os.write(1, f"TEST-PAUSE {what}\\n".encode())
        os.kill(os.getpid(), signal.SIGSTOP)

    if STAGE == "ingest":
        import orchestration.tables as tables
        real_count_rows = tables.count_rows
        def count_rows(con, schema, table):
            if schema == "raw" and not getattr(count_rows, "paused", False):
                count_rows.paused = True
                pause("ingest: raw.* written, connection to the build file still open")
            return real_count_rows(con, schema, table)
        tables.count_rows = count_rows
    elif STAGE == "publish":
        real_replace = os.replace
        def replace(src, dst, *args, **kwargs):
            if os.fspath(dst) == PUBLISHED:
                pause("publish: copy written and fsynced, not yet renamed over the published file")
            return real_replace(src, dst, *args, **kwargs)
        os.replace = replace

    from orchestration.cli import main
    sys.exit(main(sys.argv[3:]))
    """
)


@dataclass(frozen=True)
class Stage:
    name: str
    trigger: str  # the progress line (substring) that says the run is in this stage
    self_pausing: bool = False  # run via _PAUSING_RUNNER, which stops itself at the trigger


STAGES = [
    Stage("ingest", "TEST-PAUSE ingest", self_pausing=True),
    Stage("extract", "...  extract"),
    Stage("dbt", "ok   staging/"),
    Stage("checks", "check marts/"),
    Stage("publish", "TEST-PAUSE publish", self_pausing=True),
]


@dataclass
class Frozen:
    """A `sitrep run` stopped inside a stage."""

    proc: subprocess.Popen[str]
    lines: list[str]
    children: list[int] = field(default_factory=list)  # its dbt subprocess(es), frozen too


@dataclass(frozen=True)
class Before:
    sha: str
    counts: list[tuple]


# -- helpers -------------------------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _proc_state(pid: int) -> str | None:
    """The state letter in /proc/<pid>/stat (R, S, T, Z, ...), or None when gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def _wait_for(predicate: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _dbt_children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids += [int(k) for k in (task / "children").read_text().split()]
    return [k for k in kids if b"dbt" in Path(f"/proc/{k}/cmdline").read_bytes()]


def _gone(pid: int) -> bool:
    return _proc_state(pid) in (None, "Z")


def _start(stage: Stage, source: Path, published: Path) -> subprocess.Popen[str]:
    args = ["run", "--source", str(source), "--warehouse", str(published)]
    if stage.self_pausing:
        cmd = [sys.executable, "-c", _PAUSING_RUNNER, stage.name, str(published), *args]
    else:
        cmd = [str(SITREP), *args]
    return spawn(cmd)


def _freeze_at(stage: Stage, source: Path, published: Path) -> Frozen:
    """Start a run and stop it (SIGSTOP) once it is inside `stage`."""
    proc = _start(stage, source, published)
    watchdog = threading.Timer(RUN_TIMEOUT, proc.kill)
    watchdog.start()
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if stage.trigger in line:
                break
        else:
            pytest.fail(f"the run ended before the {stage.name} stage:\n{''.join(lines)}")
        if stage.self_pausing:
            _wait_for(lambda: _proc_state(proc.pid) == "T", "the run to stop itself")
        else:
            proc.send_signal(signal.SIGSTOP)
        frozen = Frozen(proc, lines)
        if stage.name == "dbt":
            frozen.children = _dbt_children(proc.pid)
            for child in frozen.children:
                os.kill(child, signal.SIGSTOP)
        return frozen
    finally:
        watchdog.cancel()


def _assert_published_untouched(published: Path, before: Before) -> None:
    assert _sha(published) == before.sha
    assert query(published, COUNTS_SQL) == before.counts  # opens read-only, same rows
    assert query(published, "SELECT count(*) FROM raw.documents WHERE doc_id = ?", [NEW_DOC]) == [(0,)]


def _assert_recovered(recovered: CliRun, published: Path, before: Before) -> None:
    assert recovered.exit_code == 0, recovered.output
    wh = Warehouse.at(published)
    assert not wh.dirty_marker.exists()
    assert query(published, "SELECT count(*) FROM marts.documents WHERE doc_id = ?", [NEW_DOC]) == [(1,)]
    assert query(published, "SELECT count(*) FROM raw.documents") == [(before.counts[0][1] + 1,)]
    leftovers = [p.name for p in (*published.parent.iterdir(), *wh.build_dir.iterdir()) if ".tmp-" in p.name]
    assert leftovers == []


@pytest.fixture
def setup(seeds_run: CliRun, seeds_copy: Path, tmp_path: Path) -> tuple[Path, Path, Before]:
    """(source with one new article, a copy of the published seeds warehouse, its state)."""
    assert seeds_run.exit_code == 0, seeds_run.output
    published = copy_published(seeds_run.warehouse, tmp_path / "wh")
    (seeds_copy / NEW_DOC).write_text(NEW_TEXT)
    return seeds_copy, published, Before(_sha(published), query(published, COUNTS_SQL))


# -- kill at every stage ---------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [s for s in STAGES if s.name != "dbt"], ids=lambda s: s.name)
def test_kill_at_stage(stage: Stage, setup: tuple[Path, Path, Before]) -> None:
    source, published, before = setup
    wh = Warehouse.at(published)
    frozen = _freeze_at(stage, source, published)
    try:
        # Frozen mid-stage: the build file is marked dirty, the published file is untouched and a
        # new reader opens it at once.
        assert wh.dirty_marker.exists(), "".join(frozen.lines)
        _assert_published_untouched(published, before)
        if stage.name == "publish":  # the copy to be renamed is complete, the marker still there
            (tmp,) = published.parent.glob(f"{published.name}.tmp-*")
            assert tmp.stat().st_size > 0
    finally:
        frozen.proc.kill()
        frozen.proc.wait(timeout=30)
    assert not any("FAIL" in line for line in frozen.lines), "".join(frozen.lines)

    assert wh.dirty_marker.exists()
    _assert_published_untouched(published, before)

    _assert_recovered(sitrep_run(source, published), published, before)


def test_kill_during_dbt(setup: tuple[Path, Path, Before]) -> None:
    """SIGKILL does not reach dbt: the next run must wait for the orphan before starting over."""
    source, published, before = setup
    wh = Warehouse.at(published)
    stage = next(s for s in STAGES if s.name == "dbt")
    frozen = _freeze_at(stage, source, published)
    recovery: subprocess.Popen[str] | None = None
    try:
        assert frozen.children, "no dbt subprocess found while dbt models were being built"
        assert wh.dirty_marker.exists()
        _assert_published_untouched(published, before)
        frozen.proc.kill()
        frozen.proc.wait(timeout=30)
        assert all(not _gone(child) for child in frozen.children)  # the orphan lives on (frozen)
        _assert_published_untouched(published, before)

        recovery = spawn_run(source, published)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(recovery.stdout or []), daemon=True)
        reader.start()
        _wait_for(lambda: any("...  ingest" in line for line in lines), "the next run to start ingest", 120)
        time.sleep(3.0)  # ingest of these few files takes well under a second when not waiting
        assert not any("ok   raw/documents" in line for line in lines), (
            "the next run started over while the killed run's dbt still had the build file open:\n"
            + "".join(lines)
        )
        _assert_published_untouched(published, before)

        for child in frozen.children:  # let the orphan go on: it finishes or dies on its own
            os.kill(child, signal.SIGCONT)
        for child in frozen.children:
            _wait_for(lambda child=child: _gone(child), "the orphaned dbt to exit", 120)
        assert recovery.wait(timeout=RUN_TIMEOUT) == 0, "".join(lines)
        reader.join(timeout=30)
    finally:
        for pid in frozen.children:
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
        if frozen.proc.poll() is None:
            frozen.proc.kill()
        if recovery is not None and recovery.poll() is None:
            recovery.kill()
            recovery.wait(timeout=30)
    _assert_recovered(CliRun(0, "".join(lines), published), published, before)


# -- the same states at the level of the warehouse files (fast) ------------------------------------

_FILES_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from orchestration.warehouse import Warehouse
    published, when = sys.argv[1], sys.argv[2]
    real_replace = os.replace
    def replace(src, dst, *args, **kwargs):
        if when == "before-restore-rename" and os.fspath(dst).endswith("/.build/sitrep.duckdb"):
            os.write(1, b"paused\\n"); os.kill(os.getpid(), signal.SIGSTOP)
        real_replace(src, dst, *args, **kwargs)
        if when == "after-publish-rename" and os.fspath(dst) == published:
            os.write(1, b"paused\\n"); os.kill(os.getpid(), signal.SIGSTOP)
    os.replace = replace
    wh = Warehouse.at(published)
    wh.begin("dead-run")
    with wh.connect() as con:
        con.execute("CREATE OR REPLACE TABLE t AS SELECT range AS i FROM range(42)")
    wh.publish()
    """
)


def _published_with_rows(path: Path, rows: int) -> Warehouse:
    wh = Warehouse.at(path)
    wh.begin("first")
    with wh.connect() as con:
        con.execute("CREATE TABLE t AS SELECT range AS i FROM range(?)", [rows])
    wh.publish()
    return wh


def _kill_files_writer(published: Path, when: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _FILES_WRITER, str(published), when],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "paused\n"
        _wait_for(lambda: _proc_state(proc.pid) == "T", "the writer to stop itself")
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_kill_after_the_publish_rename_keeps_the_new_file(tmp_warehouse: Path) -> None:
    """Killed between the rename and removing the marker: the new file is whole and is kept."""
    wh = _published_with_rows(tmp_warehouse, 3)
    _kill_files_writer(tmp_warehouse, "after-publish-rename")
    assert wh.dirty_marker.read_text() == "dead-run"
    assert query(tmp_warehouse, "SELECT count(*) FROM t") == [(42,)]
    assert wh.begin("next") == "restored"  # starts over from what was published
    with wh.connect() as con:
        assert con.execute("SELECT count(*) FROM t").fetchall() == [(42,)]
    wh.release()


def test_kill_while_restoring_the_build_file(tmp_warehouse: Path) -> None:
    """Killed with a half-made copy in .build/: published untouched, the copy is swept next time."""
    wh = _published_with_rows(tmp_warehouse, 3)
    with wh.connect() as con:  # the build file drifts from the published one, then a run dies
        con.execute("INSERT INTO t VALUES (99)")
    wh.dirty_marker.write_text("older-dead-run")
    good = _sha(tmp_warehouse)
    _kill_files_writer(tmp_warehouse, "before-restore-rename")
    assert _sha(tmp_warehouse) == good
    assert list(wh.build_dir.glob("sitrep.duckdb.tmp-*"))
    assert wh.begin("next") == "restored"
    assert not list(wh.build_dir.glob("sitrep.duckdb.tmp-*"))
    with wh.connect() as con:
        assert con.execute("SELECT count(*) FROM t").fetchall() == [(3,)]
    wh.release()


def test_begin_waits_while_another_process_still_writes_the_build(
    tmp_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dead run's orphan (e.g. its dbt) holding the build file read-write blocks a fresh start."""
    wh = _published_with_rows(tmp_warehouse, 3)
    wh.dirty_marker.write_text("dead-run")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(wh.build)!r}); print('open', flush=True); "
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        monkeypatch.setattr(warehouse_module, "LOCK_WAIT_SECONDS", 1.0)
        with pytest.raises(WarehouseBusyError):
            wh.begin("next")
        assert wh.dirty_marker.read_text() == "dead-run"  # nothing was touched
        assert wh.build not in warehouse_module._held_locks  # and the writer lock was let go
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert wh.begin("next") == "restored"
    wh.release()


def test_a_read_only_session_on_the_build_file_does_not_block_begin(tmp_warehouse: Path) -> None:
    wh = _published_with_rows(tmp_warehouse, 3)
    wh.dirty_marker.write_text("dead-run")
    reader = ReadOnlySession(wh.build)
    try:
        assert reader.count("t") == 3
        assert wh.begin("next") == "restored"
        wh.release()
    finally:
        reader.close()
