"""Publishing from the spare: the previous published file brought up to date by document."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import SAMPLES, CliRun, ReadOnlySession, query, sitrep_run

from orchestration import spare, tables
from orchestration import warehouse as warehouse_module
from orchestration.warehouse import Warehouse


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _differences(a: Path, b: Path) -> dict[str, int]:
    """Rows of each table and view in one file and not in the other (both ways, with multiplicity)."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
        relations = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'a' UNION "
            "SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = 'a' AND NOT internal"
        ).fetchall()
        assert relations
        found = {}
        for schema, table in relations:
            name = f'"{schema}"."{table}"'
            (n,) = con.execute(
                f"SELECT count(*) FROM ((SELECT * FROM a.{name} EXCEPT ALL SELECT * FROM b.{name}) "
                f"UNION ALL (SELECT * FROM b.{name} EXCEPT ALL SELECT * FROM a.{name}))"
            ).fetchone()
            found[f"{schema}.{table}"] = n
        return {name: n for name, n in found.items() if n}
    finally:
        con.close()


# -- spare.sync on small warehouses the way the pipeline lays them out -----------------------------


def _put(con: duckdb.DuckDBPyConnection, doc_id: str, text: str, events: int, run_id: str = "r1") -> None:
    """A document, its processed row and its event rows (written together, as the pipeline does)."""
    _remove(con, doc_id)
    sha = hashlib.sha256(text.encode()).hexdigest()
    con.execute(
        "INSERT INTO raw.documents BY NAME SELECT ? AS doc_id, ? AS text, ? AS content_sha256, "
        "? AS title, now()::TIMESTAMP AS ingested_at",
        [doc_id, text, sha, f"title of {doc_id}"],
    )
    stamp = dt.datetime.now()
    con.execute(
        "INSERT INTO extract.processed BY NAME SELECT ? AS doc_id, ? AS content_sha256, "
        "'v1' AS extractor_version, ? AS processed_at, ? AS run_id",
        [doc_id, sha, stamp, run_id],
    )
    con.execute(
        "INSERT INTO extract.events BY NAME SELECT ? AS doc_id, range AS sentence_idx, ? AS processed_at "
        "FROM range(?)",
        [doc_id, stamp, events],
    )


def _remove(con: duckdb.DuckDBPyConnection, doc_id: str) -> None:
    con.execute("DELETE FROM raw.documents WHERE doc_id = ?", [doc_id])
    con.execute("DELETE FROM extract.processed WHERE doc_id = ?", [doc_id])
    con.execute("DELETE FROM extract.events WHERE doc_id = ?", [doc_id])


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """(spare, build): a warehouse of 20 documents and a byte copy of it."""
    build = tmp_path / "build.duckdb"
    con = duckdb.connect(str(build))
    tables.ensure_schema(con)
    con.execute("CREATE SCHEMA seeds")
    con.execute("CREATE TABLE seeds.actors AS SELECT 'SDF' AS actor")
    for i in range(20):
        _put(con, f"d{i:02}", f"text {i}", events=i % 4)
    con.execute("INSERT INTO raw.quarantine BY NAME SELECT 'bad.txt' AS source_ref, 'empty' AS reason")
    con.close()
    copy = tmp_path / "spare.duckdb"
    shutil.copyfile(build, copy)
    return copy, build


def test_sync_brings_every_table_up_to_date(pair: tuple[Path, Path]) -> None:
    spare_file, build = pair
    con = duckdb.connect(str(build))
    _put(con, "d03", "text 3, corrected", events=5, run_id="r2")  # re-extracted: more events
    _put(con, "d07", "text 7, shortened", events=0, run_id="r2")  # re-extracted: its events gone
    _put(con, "new", "a new article", events=2, run_id="r2")
    _remove(con, "d11")  # its input quarantined since
    con.execute("UPDATE raw.documents SET title = 'retitled' WHERE doc_id = 'd12'")  # metadata only
    con.execute("INSERT INTO seeds.actors VALUES ('HTS')")  # not keyed by document: copied whole
    con.execute("DELETE FROM raw.quarantine")
    con.close()
    assert _differences(spare_file, build)

    result = spare.sync(spare_file, build)

    assert result.changed_documents == 5  # d03, d07, new, d11, d12
    # d12's row was rewritten with its old stamp and d11's deleted: the stamps do not tell them
    assert result.found_by == "every row"
    assert _differences(spare_file, build) == {}
    assert not Path(f"{spare_file}.wal").exists()


@pytest.mark.parametrize(
    ("written", "statements", "changed"),
    [
        pytest.param(
            ["d03", "new"],  # d03 ingested and extracted again, a new document
            [  # d05 extracted again, text unchanged: a later processed_at, the first ingested_at kept
                "UPDATE extract.processed SET processed_at = now()::TIMESTAMP, run_id = 'r2' WHERE doc_id = 'd05'",
                "UPDATE extract.events SET processed_at = now()::TIMESTAMP WHERE doc_id = 'd05'",
            ],
            3,
            id="ingested-or-extracted-again",
        ),
        pytest.param(
            ["new"],
            ["UPDATE raw.documents SET ingested_at = NULL, title = 'retitled' WHERE doc_id = 'd09'"],
            2,
            id="a-row-without-a-stamp-counts-as-changed",
        ),
    ],
)
def test_sync_finds_the_documents_a_run_stamped_without_joining_every_row(
    pair: tuple[Path, Path], written: list[str], statements: list[str], changed: int
) -> None:
    spare_file, build = pair
    with duckdb.connect(str(build)) as con:
        for doc_id in written:
            _put(con, doc_id, f"{doc_id}, written again", events=2, run_id="r2")
        for sql in statements:
            con.execute(sql)

    result = spare.sync(spare_file, build)

    assert (result.found_by, result.changed_documents) == ("stamps", changed)
    assert _differences(spare_file, build) == {}


def test_sync_refuses_when_the_catalog_changed(pair: tuple[Path, Path]) -> None:
    spare_file, build = pair
    with duckdb.connect(str(build)) as con:
        con.execute("COMMENT ON TABLE extract.events IS 'rebuilt with other models'")
    before = _sha(spare_file)
    with pytest.raises(spare.SyncRefusedError, match="changed"):
        spare.sync(spare_file, build)
    assert _sha(spare_file) == before


def test_sync_refuses_when_most_documents_changed(pair: tuple[Path, Path]) -> None:
    spare_file, build = pair
    with duckdb.connect(str(build)) as con:
        for i in range(6):  # 6 of 20 > 25 %
            _put(con, f"d{i:02}", f"text {i} again", events=1, run_id="r2")
    with pytest.raises(spare.SyncRefusedError, match="copying is cheaper"):
        spare.sync(spare_file, build)


def test_sync_refuses_when_rows_changed_outside_the_changed_documents(pair: tuple[Path, Path]) -> None:
    """A document-keyed row that changed without its document: the row counts give it away."""
    spare_file, build = pair
    with duckdb.connect(str(build)) as con:
        con.execute("INSERT INTO extract.events BY NAME SELECT 'd01' AS doc_id, 99 AS sentence_idx")
    with pytest.raises(spare.SyncRefusedError, match=r"extract\.events"):
        spare.sync(spare_file, build)
    with duckdb.connect(str(spare_file), read_only=True) as con:  # rolled back
        assert con.execute("SELECT count(*) FROM extract.events WHERE doc_id = 'd01'").fetchone() == (1,)


def test_sync_refuses_rows_older_than_their_documents_processing(pair: tuple[Path, Path]) -> None:
    """Rows are copied from their document's processed_at on: a row stamped earlier would be left
    behind, so the row counts refuse the sync instead."""
    spare_file, build = pair
    with duckdb.connect(str(build)) as con:
        _put(con, "new", "a new article", events=2, run_id="r2")
        con.execute("UPDATE extract.events SET processed_at = NULL WHERE doc_id = 'new' AND sentence_idx = 1")
    with pytest.raises(
        spare.SyncRefusedError, match=r"extract\.events has 31 rows after the sync, the build 32"
    ):
        spare.sync(spare_file, build)


@pytest.mark.parametrize(
    ("unstamped", "found"),
    [
        # a row rewritten under its old stamp and a deleted document: every row's hash joined
        (
            [
                "UPDATE raw.documents SET title = 'retitled' WHERE doc_id IN ('doc-7', 'doc-123456')",
                "DELETE FROM raw.documents WHERE doc_id = 'doc-399999'",
                "DELETE FROM extract.processed WHERE doc_id = 'doc-399999'",
            ],
            ("every row", 15),
        ),
        ([], ("stamps", 12)),  # only stamped changes: no join, so no passes either
    ],
)
def test_sync_compares_a_long_history_in_what_fits_duckdbs_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unstamped: list[str], found: tuple[str, int]
) -> None:
    """Under a memory limit that comparing 400 000 documents at once runs out of (it did at 2M
    articles under the pipeline's 1 GB, and every publish copied the whole file), passes of
    100 000 fit, and every pass finds its changed documents; the stamps' check needs no pass."""
    n = 400_000
    build = tmp_path / "build.duckdb"
    with duckdb.connect(str(build)) as con:
        tables.ensure_schema(con)
        con.execute(
            "INSERT INTO raw.documents BY NAME SELECT 'doc-' || range AS doc_id, 'text ' || range AS text, "
            "sha256('text ' || range) AS content_sha256, repeat('a headline word ', 12) || range AS title, "
            "'https://example.org/news/' || range AS url, now()::TIMESTAMP AS ingested_at FROM range(?)",
            [n],
        )
        con.execute(
            "INSERT INTO extract.processed BY NAME SELECT 'doc-' || range AS doc_id, "
            "sha256('text ' || range) AS content_sha256, 'v1' AS extractor_version, "
            "now()::TIMESTAMP AS processed_at, 'r1' AS run_id FROM range(?)",
            [n],
        )
    spare_file = tmp_path / "spare.duckdb"
    shutil.copyfile(build, spare_file)
    with duckdb.connect(str(build)) as con:
        for i in range(12):
            _put(con, f"new-{i}", f"new article {i}", events=1, run_id="r2")
        for sql in unstamped:
            con.execute(sql)
    monkeypatch.setattr(spare, "DUCKDB_CONFIG", {**spare.DUCKDB_CONFIG, "memory_limit": "64MB"})
    monkeypatch.setattr(spare, "DOCS_PER_PASS", 100_000)

    result = spare.sync(spare_file, build)

    assert (result.found_by, result.changed_documents) == found
    assert _differences(spare_file, build) == {}


def _row_sums(path: Path) -> spare.Sums:
    """Every row's count and hash sum of the bookkeeping tables, taken over the file itself."""
    with duckdb.connect() as con:
        con.execute("ATTACH ? AS spare (READ_ONLY)", [str(path)])
        return spare._fetch_sums(con, spare._SPARE_SUMS)


def _memo_sums(path: Path) -> list[spare.Sums]:
    return [entry["sums"] for entry in json.loads(Path(f"{path}.sums.json").read_text())]


def _add_new_document(build: Path, doc_id: str) -> None:
    with duckdb.connect(str(build)) as con:
        _put(con, doc_id, f"{doc_id}, a new article", events=2, run_id=doc_id)


def test_a_sync_remembers_the_sums_of_the_file_it_leaves_for_its_next_sync(pair: tuple[Path, Path]) -> None:
    spare_file, build = pair
    _add_new_document(build, "new-1")
    first = spare.sync(spare_file, build)
    assert (first.found_by, first.sums_remembered) == ("stamps", False)  # nothing remembered yet
    assert _memo_sums(spare_file)[-1] == {t: list(v) for t, v in _row_sums(spare_file).items()}

    _add_new_document(build, "new-2")
    second = spare.sync(spare_file, build)

    assert (second.found_by, second.sums_remembered, second.changed_documents) == ("stamps", True, 1)
    assert _differences(spare_file, build) == {}
    assert len(_memo_sums(spare_file)) == 1  # the file's earlier state is forgotten
    assert _memo_sums(spare_file)[-1] == {t: list(v) for t, v in _row_sums(spare_file).items()}


def test_remembered_sums_are_checked_like_counted_ones(pair: tuple[Path, Path]) -> None:
    """Sums that do not add up (here a memo spoiled by hand) send the sync to join every row."""
    spare_file, build = pair
    _add_new_document(build, "new-1")
    spare.sync(spare_file, build)
    memo = Path(f"{spare_file}.sums.json")
    entries = json.loads(memo.read_text())
    entries[-1]["sums"]["raw.documents"][1] += 1
    memo.write_text(json.dumps(entries))
    _add_new_document(build, "new-2")

    result = spare.sync(spare_file, build)

    assert (result.found_by, result.sums_remembered, result.changed_documents) == ("every row", True, 1)
    assert _differences(spare_file, build) == {}


@pytest.mark.parametrize("change", ["touched", "rewritten", "memo unreadable"])
def test_sums_remembered_for_another_state_of_the_file_are_not_used(
    pair: tuple[Path, Path], change: str
) -> None:
    spare_file, build = pair
    _add_new_document(build, "new-1")
    spare.sync(spare_file, build)
    if change == "touched":
        os.utime(spare_file, ns=(0, os.stat(spare_file).st_mtime_ns + 1))
    elif change == "rewritten":  # a row of an unchanged document edited in place
        with duckdb.connect(str(spare_file)) as con:
            con.execute("UPDATE raw.documents SET title = 'edited' WHERE doc_id = 'd04'")
    else:
        Path(f"{spare_file}.sums.json").write_text("{not json")
    _add_new_document(build, "new-2")

    result = spare.sync(spare_file, build)

    expected = ("every row", 2) if change == "rewritten" else ("stamps", 1)  # d04 differs again
    assert (result.found_by, result.changed_documents) == expected
    assert not result.sums_remembered
    assert _differences(spare_file, build) == {}


def test_sync_refuses_a_file_the_pipeline_did_not_build(tmp_path: Path) -> None:
    files = []
    for name in ("a.duckdb", "b.duckdb"):
        with duckdb.connect(str(tmp_path / name)) as con:
            con.execute("CREATE TABLE t AS SELECT 1 AS i")
        files.append(tmp_path / name)
    with pytest.raises(spare.SyncRefusedError, match="not a warehouse the pipeline built"):
        spare.sync(*files)


# -- Warehouse.publish: which file becomes the published one ----------------------------------------


def _inode(path: Path) -> int:
    return os.stat(path).st_ino


def _write_documents(wh: Warehouse, run_key: str, docs: dict[str, int]) -> None:
    wh.begin(run_key)
    with wh.connect() as con:
        tables.ensure_schema(con)
        for doc_id, events in docs.items():
            _put(con, doc_id, f"text of {doc_id}", events, run_id=run_key)


def test_publish_stages_the_spare_and_keeps_the_old_file_as_the_next_spare(tmp_warehouse: Path) -> None:
    wh = Warehouse.at(tmp_warehouse)
    _write_documents(wh, "r1", {f"d{i}": 2 for i in range(10)})
    assert wh.publish().method == "copy"  # nothing published before: a copy, and a spare copy
    assert wh.spare.exists() and _inode(wh.spare) != _inode(wh.published)

    _write_documents(wh, "r2", {"d10": 3})
    spare_inode, published_inode = _inode(wh.spare), _inode(wh.published)
    how = wh.publish()
    assert (how.method, how.detail) == (
        "spare",
        "1 changed documents, found by stamps, the spare's row sums remembered",
    )
    assert how.seconds > 0
    assert _inode(wh.published) == spare_inode  # the spare, brought up to date, is published
    assert _inode(wh.spare) == published_inode  # the replaced file is the next spare
    assert _differences(wh.published, wh.build) == {}
    assert query(wh.published, "SELECT count(*) FROM extract.events") == [(23,)]
    assert not list(wh.build_dir.glob("*.tmp-*")) and not list(tmp_warehouse.parent.glob("*.tmp-*"))


def test_every_sync_on_publish_finds_the_spares_sums_remembered(tmp_warehouse: Path) -> None:
    """The published file and the spare take turns: the file a sync leaves is the spare again two
    publishes later, with the sums that sync remembered for it; the first publish remembers them
    for its two copies."""
    wh = Warehouse.at(tmp_warehouse)
    _write_documents(wh, "r1", {f"d{i}": 1 for i in range(10)})
    assert wh.publish().method == "copy"  # and a copy as the spare
    for run in range(2, 6):
        _write_documents(wh, f"r{run}", {f"d{run + 8}": 1})
        how = wh.publish()
        assert how.method == "spare"
        # the spare is the file published before the last: the documents of the last two runs
        changed = 1 if run == 2 else 2
        assert how.detail == f"{changed} changed documents, found by stamps, the spare's row sums remembered"
        assert _differences(wh.published, wh.build) == {}
    assert not list(wh.build_dir.glob("*.tmp-*"))


def test_the_spare_caught_up_with_the_published_file_during_dbt_stages_only_this_runs_documents(
    tmp_warehouse: Path,
) -> None:
    wh = Warehouse.at(tmp_warehouse)
    for run, documents in ((1, 20), (2, 1), (3, 1)):
        _write_documents(wh, f"r{run}", {f"d{run}-{i}": 1 for i in range(documents)})
        wh.publish()
    # the spare is the file published by r2: it misses r3's document
    assert query(wh.spare, "SELECT count(*) FROM raw.documents") == [(21,)]
    _write_documents(wh, "r4", {"d4-0": 1})

    wh.catch_up_spare()  # as the dbt step does, while it runs
    how = wh.publish()

    assert how.detail == "1 changed documents, found by stamps, the spare's row sums remembered"
    assert _differences(wh.published, wh.build) == {}
    assert query(wh.published, "SELECT count(*) FROM raw.documents") == [(23,)]


def test_a_spare_held_by_a_reader_is_not_caught_up_and_the_publish_copies(tmp_warehouse: Path) -> None:
    wh = Warehouse.at(tmp_warehouse)
    for run in range(1, 3):
        _write_documents(wh, f"r{run}", {f"d{run}": 1})
        wh.publish()
    reader = ReadOnlySession(wh.spare)
    try:
        assert reader.count("raw.documents") == 1  # the file published by r1, open
        _write_documents(wh, "r3", {"d3": 1})
        wh.catch_up_spare()  # refused by DuckDB's lock, quietly
        how = wh.publish()
        assert how.method == "copy" and "cannot open the spare" in how.detail
        assert reader.count("raw.documents") == 1  # its snapshot, untouched
        assert _differences(wh.published, wh.build) == {}
    finally:
        reader.close()


def test_a_reader_holding_the_spare_gets_a_copy_published_and_keeps_its_snapshot(
    tmp_warehouse: Path,
) -> None:
    wh = Warehouse.at(tmp_warehouse)
    _write_documents(wh, "r1", {f"d{i}": 1 for i in range(10)})
    wh.publish()
    reader = ReadOnlySession(wh.published)  # opened now, it holds what becomes the spare
    try:
        assert reader.count("extract.events") == 10
        _write_documents(wh, "r2", {"d10": 1})
        assert wh.publish().method == "spare"
        _write_documents(wh, "r3", {"d11": 1})
        how = wh.publish()
        assert how.method == "copy" and "cannot open the spare" in how.detail
        assert reader.count("extract.events") == 10  # its snapshot, untouched
        assert query(wh.published, "SELECT count(*) FROM extract.events") == [(12,)]
        assert _differences(wh.published, wh.build) == {}
    finally:
        reader.close()
    _write_documents(wh, "r4", {"d12": 1})
    how = wh.publish()
    assert how.method == "spare"  # the file kept by the copy publish serves again
    assert how.detail.endswith("the spare's row sums remembered")  # by the sync that left it (r2)


def test_a_spare_that_is_the_published_file_is_never_written(tmp_warehouse: Path) -> None:
    """E.g. left so by a crash between linking and renaming: publish copies instead."""
    wh = Warehouse.at(tmp_warehouse)
    _write_documents(wh, "r1", {"d0": 1})
    wh.publish()
    wh.spare.unlink()
    os.link(wh.published, wh.spare)
    before = _sha(wh.published)
    _write_documents(wh, "r2", {"d1": 1})
    assert wh.publish().method == "copy"
    assert _sha(wh.spare) == before  # the old published file, kept whole as the next spare


# -- whole runs ----------------------------------------------------------------------------------


def test_runs_publish_from_the_spare_with_the_build_files_content(
    samples_run: CliRun, tmp_path: Path
) -> None:
    assert samples_run.exit_code == 0, samples_run.output
    dst = tmp_path / "wh"
    shutil.copytree(samples_run.warehouse.parent, dst)  # published file, build file and spare
    wh = Warehouse.at(dst / samples_run.warehouse.name)
    assert wh.spare.exists()
    source = tmp_path / "corpus"
    shutil.copytree(SAMPLES, source)

    changed = sorted((source / "txt").glob("*.txt"))
    changed[0].write_text(changed[0].read_text() + "\nA shell killed two children in Daraa on Friday.\n")
    changed[1].write_text("")  # quarantined as empty: its document and facts go
    (source / "txt" / "new_article.txt").write_text(
        "Clashes in Aleppo\n\nClashes killed four fighters near Aleppo on Monday, SOHR said.\n"
    )
    gone = f"txt/{changed[1].name}"
    summary_of_gone = "SELECT count(*) FROM marts.doc_summary WHERE doc_id = ?"
    assert query(wh.published, summary_of_gone, [gone]) == [(1,)]
    spare_inode = _inode(wh.spare)
    run = sitrep_run(source, wh.published)
    assert run.exit_code == 0, run.output
    assert _inode(wh.published) == spare_inode  # published from the spare, not a copy
    # ... which the dbt step started to bring up to date while the checks ran
    assert "staged_from=spare, staged_during_checks=True" in run.output
    # a document removed: the stamps cannot tell, so both files' rows were compared
    assert "changed documents, found by every row" in (wh.build_dir / "sitrep.log").read_text()
    assert _differences(wh.published, wh.build) == {}
    assert query(wh.published, summary_of_gone, [gone]) == [(0,)]
    assert query(
        wh.published, "SELECT count(*) > 0 FROM marts.fct_casualties WHERE doc_id = 'txt/new_article.txt'"
    ) == [(True,)]


# -- staging while the checks run (Warehouse.stage_early) ---------------------------------------


def test_staged_early_the_publish_only_renames(tmp_warehouse: Path) -> None:
    wh = Warehouse.at(tmp_warehouse)
    _write_documents(wh, "r1", {f"d{i}": 2 for i in range(10)})
    wh.stage_early()
    with wh.read() as con:  # a check reads the build file meanwhile
        assert con.execute("SELECT count(*) FROM extract.events").fetchone() == (20,)
    how = wh.publish()
    assert (how.method, how.early) == ("copy", True)  # the first publish, copies made early
    assert wh.spare.exists() and _inode(wh.spare) != _inode(wh.published)
    assert _differences(wh.published, wh.build) == {} and _differences(wh.spare, wh.build) == {}

    _write_documents(wh, "r2", {"d10": 3})
    spare_inode = _inode(wh.spare)
    wh.stage_early()
    how = wh.publish()
    assert (how.method, how.early) == ("spare", True)
    # the early copies' sums were remembered too
    assert how.detail == "1 changed documents, found by stamps, the spare's row sums remembered"
    assert _inode(wh.published) == spare_inode
    assert _differences(wh.published, wh.build) == {}
    assert not list(wh.build_dir.glob("*.tmp-*")) and not list(tmp_warehouse.parent.glob("*.tmp-*"))


def test_a_build_written_after_staging_is_staged_again(tmp_warehouse: Path) -> None:
    wh = Warehouse.at(tmp_warehouse)
    _write_documents(wh, "r1", {f"d{i}": 1 for i in range(10)})
    wh.publish()
    _write_documents(wh, "r2", {"d10": 1})
    wh.stage_early()
    with wh.connect() as con:  # waits for the staging; e.g. a step re-executed after dbt's
        _put(con, "d11", "text of d11", 4, run_id="r2")
    how = wh.publish()
    assert (how.method, how.early) == ("spare", False), how
    assert query(wh.published, "SELECT count(*) FROM extract.events") == [(15,)]
    assert _differences(wh.published, wh.build) == {}
    assert not list(wh.build_dir.glob("*.tmp-*"))


def test_what_a_run_staged_but_never_published_is_dropped_by_the_next(tmp_warehouse: Path) -> None:
    """A run whose checks failed staged a copy (first publish) or synced the spare: neither is
    published, and the next run publishes its own build file."""
    wh = Warehouse.at(tmp_warehouse)
    _write_documents(wh, "r1", {"d0": 1})
    wh.stage_early()  # the checks fail: no publish
    _write_documents(wh, "r2", {f"d{i}": 2 for i in range(1, 11)})
    assert not list(wh.build_dir.glob("*.tmp-*")) and not list(tmp_warehouse.parent.glob("*.tmp-*"))
    assert not wh.published.exists()
    wh.publish()  # r1 never published: r2 began from the last published state (none)
    assert query(wh.published, "SELECT count(*) FROM extract.events") == [(20,)]

    _write_documents(wh, "r3", {"d11": 1})
    wh.publish()
    _write_documents(wh, "r4", {"d12": 5})
    wh.stage_early()  # syncs the spare to r4's build; r4's checks fail
    _write_documents(wh, "r5", {"d13": 1})  # begins from r3's published state, without d12
    how = wh.publish()
    assert how.method == "spare", how
    assert _differences(wh.published, wh.build) == {}
    assert query(wh.published, "SELECT count(*) FROM extract.events WHERE doc_id = 'd12'") == [(0,)]
    assert query(wh.published, "SELECT count(*) FROM extract.events") == [(22,)]


def test_a_run_that_does_not_publish_stages_nothing(samples_run: CliRun, tmp_path: Path) -> None:
    """Materialising the dbt models without the published warehouse (e.g. from the UI) leaves
    no staged copy and no synced spare behind."""
    from dagster import AssetKey, DagsterInstance

    from orchestration.definitions import defs
    from orchestration.jobs import SITREP_JOB_NAME

    assert samples_run.exit_code == 0, samples_run.output
    dst = tmp_path / "wh"
    shutil.copytree(samples_run.warehouse.parent, dst)
    wh = Warehouse.at(dst / samples_run.warehouse.name)
    spare_before = _sha(wh.spare)
    job = defs.resolve_job_def(SITREP_JOB_NAME)
    dbt_keys = [
        k for k in job.asset_layer.selected_asset_keys if k.path[0] in ("staging", "intermediate", "marts")
    ]
    assert AssetKey(["marts", "fct_incidents"]) in dbt_keys
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            run_config={
                "resources": {"sitrep": {"config": {"source": str(SAMPLES), "warehouse": str(wh.published)}}}
            },
            instance=instance,
            asset_selection=dbt_keys,
            raise_on_error=False,
        )
    wh.release()
    assert result.success
    assert _sha(wh.spare) == spare_before
    assert not list(wh.build_dir.glob("*.tmp-*")) and not list(dst.glob("*.tmp-*"))


def test_a_first_publish_whose_spare_copy_fails_publishes_nothing_and_leaves_no_copy(
    tmp_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = warehouse_module._copy_durably

    def no_room_for_the_spare(source: Path, target: Path, *, atomic: bool = True) -> None:
        if target.name.endswith("-next"):
            raise OSError(28, "No space left on device")
        copy(source, target, atomic=atomic)

    monkeypatch.setattr(warehouse_module, "_copy_durably", no_room_for_the_spare)
    wh = Warehouse.at(tmp_warehouse)
    _write_documents(wh, "r1", {f"d{i}": 2 for i in range(10)})
    with pytest.raises(OSError, match="No space left"):
        wh.publish()
    assert not wh.published.exists() and not wh.spare.exists()
    assert not list(wh.build_dir.glob("*.tmp-*")) and not list(tmp_warehouse.parent.glob("*.tmp-*"))
    wh.release()
