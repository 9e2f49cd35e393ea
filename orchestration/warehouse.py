"""The warehouse files: a private build file the pipeline writes, a published file users read.

DuckDB allows one read-write process or many read-only ones on a file, never both. So nobody
ever opens the file the pipeline writes:

* `<dir>/.build/<name>.duckdb` is the build file; only pipeline steps open it (read-write).
* `<dir>/<name>.duckdb` is the published file; users open it read-only, any number at once.

`begin()` (called by every step that writes) restores the build file from the published one
when the build file is missing or a `.dirty` marker from another run says a run stopped
half-way, then marks the build dirty. `publish()` checkpoints the build file, stages a file
with its content, fsyncs it and renames it over the published file in one `os.replace`, so a
reader sees either the old or the new file — readers with an open session keep the old inode —
and a crash at any point leaves the last good published file in place.

The staged file is `.build/<name>.spare.duckdb` brought up to date with the build file
(`orchestration.spare`: the rows of the documents that changed since it was published), which
costs about what the run changed; or, when the spare is missing, refuses or is still held by
a reader of the time it was the published file, a copy of the whole build file. Before the
rename the published file is hard-linked to the spare's name: the published generation being
replaced is the next run's spare. So the warehouse takes three files' room (build, published,
spare) where a publish by copy also needed three while it ran.

`catch_up_spare()`, called when the dbt step starts, syncs the spare from the published file in a
thread while dbt runs (the spare is the file published before the last one, so it also misses the
last run's documents; the published file is only read, beside any reader), so that the staging
after dbt copies only this run's documents.

`stage_early()` does that staging in a thread as soon as the build file is final (after dbt),
so that it runs while the checks read the build file; `publish()` then only fsyncs and renames,
provided the build file is still the one staged (else it stages again itself). A run whose checks
fail never publishes: what it staged is swept like any leftover copy, and a spare brought up to
date with it is simply synced again from the next build (the sync compares the two files).

An exclusive `flock` on `<dir>/.build/<name>.lock`, taken by `begin()` and held by the process
until `publish()` or `release()` (or its death: the kernel drops it), keeps two processes from
writing the same build file at once. A run that dies does not take its dbt subprocess with it,
so before starting over from a dead run's build file `begin()` also waits until no other process
has the build file open read-write (DuckDB's own lock on it), and it sweeps the dead run's
half-made copies (`*.tmp-<pid>`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from orchestration import spare
from orchestration.duckdb_config import DUCKDB_CONFIG

LOCK_WAIT_SECONDS = 3600.0

# Locks this process holds, by build file: {path: open lock file}.
_held_locks: dict[Path, int] = {}
# Staging this process started early (`stage_early`), by build file.
_early: dict[Path, Future[_Staged]] = {}
# The spare's catch-up with the published file this process started (`catch_up_spare`), by build file.
_catching_up: dict[Path, Future[None]] = {}


@dataclass(frozen=True)
class Published:
    """How `publish()` staged the new published file: "spare" (brought up to date) or "copy";
    `early` when that was done by `stage_early()`, while the checks ran; `seconds` it took."""

    method: str
    detail: str
    early: bool = False
    seconds: float = 0.0


@dataclass(frozen=True)
class _Staged:
    """A durable file with the build file's content, ready to be renamed over the published one."""

    path: Path
    how: Published
    build_state: tuple[int, int, bool]  # the build file staged from: size, mtime, WAL present
    next_spare: Path | None = None  # first publish: the next run's spare, copied already


class WarehouseBusyError(RuntimeError):
    """Another process is writing the same warehouse."""


@dataclass(frozen=True)
class Warehouse:
    published: Path

    @classmethod
    def at(cls, published: str | os.PathLike[str]) -> Warehouse:
        return cls(Path(published).expanduser().resolve())

    @property
    def build_dir(self) -> Path:
        return self.published.parent / ".build"

    @property
    def build(self) -> Path:
        return self.build_dir / self.published.name

    @property
    def dirty_marker(self) -> Path:
        return self.build_dir / f"{self.published.stem}.dirty"

    @property
    def lock_file(self) -> Path:
        return self.build_dir / f"{self.published.stem}.lock"

    @property
    def spare(self) -> Path:
        return self.build_dir / f"{self.published.stem}.spare{self.published.suffix}"

    @property
    def data_docs_dir(self) -> Path:
        return self.published.parent / "gx_docs"

    # -- writer side -------------------------------------------------------------------------

    def begin(self, run_key: str) -> str:
        """Prepare the build file for run `run_key`; idempotent within one run.

        Returns what happened: "continued" (this run already began), "reused" (the build file
        is what the last run published), "restored" (copied from the published file) or "empty".
        """
        self.build_dir.mkdir(parents=True, exist_ok=True)
        self._acquire_lock()
        marker = self.dirty_marker.read_text().strip() if self.dirty_marker.exists() else None
        if marker == run_key:
            return "continued"
        self._drop_early_staging()  # an earlier run's (its checks failed): never published
        self._wait_until_build_unused()
        self._remove_leftover_copies()
        outcome = "reused" if marker is None and self.build.exists() else self._restore_build()
        self._write_durably(self.dirty_marker, run_key)
        return outcome

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the build file, closed on exit (DuckDB's file lock with it).

        Waits for this process's early staging, which reads the build file (what it staged then
        no longer matches the build file, and `publish()` stages again)."""
        _wait_for(_early.get(self.build))
        con = duckdb.connect(str(self.build), config=DUCKDB_CONFIG)
        try:
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the build file (checks read it; they never create it)."""
        if not self.build.exists():
            raise FileNotFoundError(f"no build file {self.build}: run the assets that write it first")
        con = duckdb.connect(str(self.build), read_only=True, config=DUCKDB_CONFIG)
        try:
            yield con
        finally:
            con.close()

    def catch_up_spare(self) -> None:
        """Start bringing the spare up to date with the published file, in a thread.

        The spare is the file published before the last one, so it misses the last run's
        documents as well as this run's. Syncing it from the published file (which readers may
        hold; it is only read) while the dbt step runs, where one core is mostly idle, leaves the
        staging after dbt only this run's documents to copy. Staging waits for it; a catch-up that
        fails or is refused leaves the spare as it was, and staging syncs both runs' documents.
        """
        self._wait_for_catch_up()
        if not self.published.exists() or not self.spare.exists() or _same_file(self.spare, self.published):
            return
        pool = ThreadPoolExecutor(1, thread_name_prefix="warehouse-catch-up")
        _catching_up[self.build] = pool.submit(self._catch_up)
        pool.shutdown(wait=False)

    def _catch_up(self) -> None:
        with contextlib.suppress(spare.SyncRefusedError, duckdb.Error, OSError):
            spare.sync(self.spare, self.published)

    def _wait_for_catch_up(self) -> None:
        catching_up = _catching_up.pop(self.build, None)
        if catching_up is not None:
            catching_up.result()

    def stage_early(self) -> None:
        """Start staging the build file's content in a thread, to be published by `publish()`.

        Call when the build file is final (nothing writes it until `publish()`) and this process
        has it closed; the checks may read it meanwhile.
        """
        self._drop_early_staging()
        with self.connect() as con:
            con.execute("CHECKPOINT")
        pool = ThreadPoolExecutor(1, thread_name_prefix="warehouse-stage")
        _early[self.build] = pool.submit(self._stage)
        pool.shutdown(wait=False)

    def publish(self) -> Published:
        """Atomically replace the published file with the content of the checkpointed build file."""
        staged = self._early_staged()
        if staged is None:
            with self.connect() as con:
                con.execute("CHECKPOINT")
            staged = self._stage()
        keep = self.build_dir / f"{self.spare.name}.tmp-{os.getpid()}"
        try:
            kept = self.published.exists() and _link(self.published, keep)
            os.replace(staged.path, self.published)
            if kept:
                os.replace(keep, self.spare)
            elif staged.next_spare is not None:  # the first publish: the next run's spare is a copy
                os.replace(staged.next_spare, self.spare)
        finally:
            for leftover in (staged.path, keep, staged.next_spare):
                if leftover is not None and leftover != self.spare:
                    leftover.unlink(missing_ok=True)
        _fsync_dir(self.published.parent)
        self.dirty_marker.unlink(missing_ok=True)
        _fsync_dir(self.build_dir)
        self.release()
        return staged.how

    def release(self) -> None:
        """Drop this process's writer lock (no-op when not held)."""
        fd = _held_locks.pop(self.build, None)
        if fd is not None:
            os.close(fd)

    # -- internals ---------------------------------------------------------------------------

    def _build_state(self) -> tuple[int, int, bool]:
        stat = self.build.stat()
        return stat.st_size, stat.st_mtime_ns, Path(f"{self.build}.wal").exists()

    def _early_staged(self) -> _Staged | None:
        """What `stage_early()` staged, if it succeeded and the build file has not changed since."""
        future = _early.pop(self.build, None)
        if future is None:
            return None
        try:
            staged = future.result()
        except (OSError, duckdb.Error):
            return None  # staged again by the caller, which then reports the error if it persists
        if staged.build_state == self._build_state():
            return replace(staged, how=replace(staged.how, early=True))
        for path in (staged.path, staged.next_spare):
            if path is not None and path != self.spare:
                path.unlink(missing_ok=True)
        return None

    def _drop_early_staging(self) -> None:
        """Wait for this process's early staging of the build file, and forget it: its copies are
        swept with the leftovers, and a spare it synced is synced again before it is published."""
        _wait_for(_early.pop(self.build, None))

    def _stage(self) -> _Staged:
        """A durable file with the checkpointed build file's content, to be renamed over the published
        one; on a first publish also the next run's spare."""
        started = time.perf_counter()
        self._wait_for_catch_up()
        state = self._build_state()
        next_spare = None
        if not self.published.exists():
            next_spare = self.build_dir / f"{self.spare.name}.tmp-{os.getpid()}-next"
            _copy_durably(self.build, next_spare, atomic=False)
        if self.spare.exists() and not _same_file(self.spare, self.published):
            try:
                result = spare.sync(self.spare, self.build)
            except (spare.SyncRefusedError, duckdb.Error) as refused:
                reason = str(refused)
            else:
                if not Path(f"{self.spare}.wal").exists():
                    _fsync_file(self.spare)
                    how = Published(
                        "spare",
                        f"{result.changed_documents} changed documents, found by {result.found_by}"
                        + (", the spare's row sums remembered" if result.sums_remembered else ""),
                        seconds=time.perf_counter() - started,
                    )
                    return _Staged(self.spare, how, state, next_spare)
                reason = "the spare kept a write-ahead log"
        else:
            reason = "no spare from an earlier publish"
        # Its name only: a reader may still hold the file, and is left its snapshot.
        self.spare.unlink(missing_ok=True)
        Path(f"{self.spare}.wal").unlink(missing_ok=True)
        tmp = self.published.with_name(f"{self.published.name}.tmp-{os.getpid()}")
        _copy_durably(self.build, tmp, atomic=False)
        with contextlib.suppress(OSError, duckdb.Error):  # else the copies' first syncs sum them
            spare.remember_copies(self.spare, self.build, [p for p in (next_spare, tmp) if p is not None])
        return _Staged(
            tmp, Published("copy", reason, seconds=time.perf_counter() - started), state, next_spare
        )

    def _restore_build(self) -> str:
        # A stale WAL next to the build file would be replayed onto the restored copy.
        Path(f"{self.build}.wal").unlink(missing_ok=True)
        if self.published.exists():
            _copy_durably(self.published, self.build)
            return "restored"
        self.build.unlink(missing_ok=True)
        return "empty"

    def _build_in_use(self) -> bool:
        """Whether another process has the build file open read-write (DuckDB holds a POSIX write
        lock on a file it opens read-write; read-only sessions hold read locks, which pass).

        Only called from `begin()` before this process opens the build file: closing the probe's
        descriptor drops every POSIX lock this process holds on the file.
        """
        try:
            fd = os.open(self.build, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)
        return False

    def _wait_until_build_unused(self) -> None:
        # E.g. the dbt subprocess of a run that was killed (SIGKILL does not reach children) may
        # still be writing the build file and dbt's target dir; starting over now would race it.
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while self._build_in_use():
            if time.monotonic() > deadline:
                self.release()
                raise WarehouseBusyError(f"another process still has {self.build} open for writing")
            time.sleep(0.5)

    def _remove_leftover_copies(self) -> None:
        # Copies a dead writer was making (publish's or restore's) and links to a published file
        # it was keeping as the spare; we hold the writer lock, so no live process owns them.
        for target in (self.published, self.build, self.spare):
            prefix = f"{target.name}.tmp-"
            for leftover in target.parent.iterdir():
                if leftover.name.startswith(prefix):
                    leftover.unlink(missing_ok=True)

    def _acquire_lock(self) -> None:
        if self.build in _held_locks:
            return
        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise WarehouseBusyError(
                        f"another process is still writing {self.published} (lock {self.lock_file})"
                    ) from None
                time.sleep(0.5)
        _held_locks[self.build] = fd

    @staticmethod
    def _write_durably(path: Path, text: str) -> None:
        path.write_text(text)
        _fsync_file(path)
        _fsync_dir(path.parent)


def _wait_for(staging: Future[_Staged] | None) -> None:
    """Wait until `staging` is done; its errors are for `publish()`, which stages again."""
    if staging is not None:
        with contextlib.suppress(OSError, duckdb.Error):
            staging.result()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except FileNotFoundError:
        return False


def _link(source: Path, link: Path) -> bool:
    """Hard-link `source` as `link` (replacing it); False where the file system cannot."""
    link.unlink(missing_ok=True)
    try:
        os.link(source, link)
    except OSError:
        return False
    return True


def _copy_durably(source: Path, target: Path, *, atomic: bool = True) -> None:
    """Copy `source` to `target` and fsync it; through a temporary name when `atomic`, so that an
    existing `target` is replaced whole or not at all (else `target` is itself a temporary name)."""
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}") if atomic else target
    try:
        shutil.copyfile(source, tmp)
        _fsync_file(tmp)
        if atomic:
            os.replace(tmp, target)
    finally:
        if atomic:
            tmp.unlink(missing_ok=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
