"""Atomic publish: readers never block the pipeline, and a crash never damages the published file."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from conftest import CliRun, ReadOnlySession, Rerun, copy_published, query, sitrep_run, spawn_run

from orchestration.warehouse import Warehouse


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(warehouse: Warehouse, rows: int) -> None:
    with warehouse.connect() as con:
        con.execute("CREATE OR REPLACE TABLE t AS SELECT range AS i FROM range(?)", [rows])


# -- the Warehouse files, without Dagster ----------------------------------------------------------


def test_begin_publish_and_restore_cycle(tmp_warehouse: Path) -> None:
    wh = Warehouse.at(tmp_warehouse)
    assert wh.begin("run-1") == "empty"
    assert wh.dirty_marker.read_text() == "run-1"
    assert wh.begin("run-1") == "continued"
    _write(wh, 3)
    wh.publish()
    assert not wh.dirty_marker.exists()
    assert query(wh.published, "SELECT count(*) FROM t") == [(3,)]
    assert not list(wh.published.parent.glob("*.tmp-*"))

    assert wh.begin("run-2") == "reused"  # clean build file == published
    _write(wh, 5)
    wh.release()  # run-2 "crashes" before publishing: marker stays, build has unpublished rows

    assert query(wh.published, "SELECT count(*) FROM t") == [(3,)]
    assert wh.begin("run-3") == "restored"
    with wh.connect() as con:
        assert con.execute("SELECT count(*) FROM t").fetchall() == [(3,)]
    wh.release()


def _row_groups(con: duckdb.DuckDBPyConnection, table: str) -> int:
    (n,) = con.execute(f"SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('{table}')").fetchone()
    return n


def test_a_checkpoint_leaves_the_row_groups_of_earlier_appends_alone(tmp_warehouse: Path) -> None:
    """Each run's appends stay in row groups of their own: a checkpoint writes what was appended,
    not earlier row groups merged with it (DuckDB's default merges these five into two)."""
    wh = Warehouse.at(tmp_warehouse)
    wh.begin("run-1")
    with wh.connect() as con:
        con.execute("CREATE TABLE t (i BIGINT, s VARCHAR)")
        for _ in range(5):
            con.execute("INSERT INTO t SELECT range, 'text ' || range FROM range(30000)")
            con.execute("CHECKPOINT")
        assert _row_groups(con, "t") == 5
        # deleted rows go with their row group once all of it is deleted
        con.execute("DELETE FROM t WHERE rowid < 60000")
        con.execute("CHECKPOINT")
        assert _row_groups(con, "t") == 3
        assert con.execute("SELECT count(*) FROM t").fetchall() == [(90000,)]
    wh.release()


def test_restore_drops_a_stale_wal(tmp_warehouse: Path) -> None:
    wh = Warehouse.at(tmp_warehouse)
    wh.begin("a")
    _write(wh, 2)
    wh.publish()
    wh.begin("b")
    Path(f"{wh.build}.wal").write_bytes(b"garbage from a crashed writer")
    wh.release()
    assert wh.begin("c") == "restored"
    assert not Path(f"{wh.build}.wal").exists()
    with wh.connect() as con:
        assert con.execute("SELECT count(*) FROM t").fetchall() == [(2,)]
    wh.release()


def test_open_reader_keeps_reading_across_a_publish(tmp_warehouse: Path) -> None:
    wh = Warehouse.at(tmp_warehouse)
    wh.begin("a")
    _write(wh, 1)
    wh.publish()
    reader = ReadOnlySession(wh.published)
    try:
        assert reader.count("t") == 1
        wh.begin("b")
        _write(wh, 7)
        wh.publish()  # no lock error although a reader has the file open
        assert reader.count("t") == 1  # still its old snapshot
        assert query(wh.published, "SELECT count(*) FROM t") == [(7,)]  # new sessions see the new one
    finally:
        reader.close()


def test_a_second_writer_process_is_refused(tmp_warehouse: Path) -> None:
    wh = Warehouse.at(tmp_warehouse)
    wh.begin("holder")
    try:
        code = textwrap.dedent(
            f"""
            import orchestration.warehouse as w
            w.LOCK_WAIT_SECONDS = 0.5
            try:
                w.Warehouse.at({str(tmp_warehouse)!r}).begin("intruder")
            except w.WarehouseBusyError:
                raise SystemExit(3)
            """
        )
        assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 3
        assert wh.dirty_marker.read_text() == "holder"
    finally:
        wh.release()


# -- whole runs ----------------------------------------------------------------------------------


def test_run_succeeds_while_a_reader_holds_the_published_file(seeds_rerun: Rerun) -> None:
    second = seeds_rerun.second
    assert second.exit_code == 0, second.output
    assert seeds_rerun.documents_seen_before > 0
    # the open session kept working across the publish, and saw its own snapshot throughout
    assert seeds_rerun.documents_seen_after == seeds_rerun.documents_seen_before
    assert query(second.warehouse, "SELECT count(*) FROM marts.documents") == [
        (seeds_rerun.documents_seen_before,)
    ]


@pytest.mark.slow
def test_killed_run_leaves_the_last_good_file(seeds_run: CliRun, seeds_copy: Path, tmp_path: Path) -> None:
    assert seeds_run.exit_code == 0, seeds_run.output
    published = copy_published(seeds_run.warehouse, tmp_path / "wh")
    good = _sha(published)
    counts = query(
        published, "SELECT (SELECT count(*) FROM marts.documents), (SELECT count(*) FROM raw.documents)"
    )
    # new input, so the killed run has real work to do
    (seeds_copy / "extra.txt").write_text("Airstrikes killed 12 civilians in Idlib on Monday, SOHR said.\n")

    proc = spawn_run(seeds_copy, published)
    assert proc.stdout is not None
    seen = []
    deadline = time.monotonic() + 300
    for line in proc.stdout:  # kill once the run has written to the build file
        seen.append(line)
        if "ok   raw/documents" in line or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert any("ok   raw/documents" in line for line in seen), "".join(seen)

    wh = Warehouse.at(published)
    assert wh.dirty_marker.exists()  # the killed run had begun
    assert _sha(published) == good
    assert (
        query(
            published, "SELECT (SELECT count(*) FROM marts.documents), (SELECT count(*) FROM raw.documents)"
        )
        == counts
    )

    recovered = sitrep_run(seeds_copy, published)
    assert recovered.exit_code == 0, recovered.output
    assert not wh.dirty_marker.exists()
    assert query(published, "SELECT count(*) FROM raw.documents") == [(counts[0][1] + 1,)]
    assert query(published, "SELECT count(*) FROM raw.documents WHERE doc_id = 'extra.txt'") == [(1,)]


def test_published_file_is_only_ever_the_checkpointed_copy(seeds_run: CliRun) -> None:
    """The published file has no WAL beside it and opens read-only at once."""
    assert seeds_run.exit_code == 0, seeds_run.output
    assert not Path(f"{seeds_run.warehouse}.wal").exists()
    con = duckdb.connect(str(seeds_run.warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM marts.documents").fetchall()[0][0] > 0
    finally:
        con.close()
