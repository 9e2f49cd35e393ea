"""Incremental marts: a run rewrites only the mart rows of the documents it (re)extracted.

DuckDB keeps a row's `rowid` until the row is deleted, so "the row was not rewritten" is
checked by its rowid as well as its values: a rebuilt table would renumber its rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import CliRun, Rerun, copy_published, query, sitrep_run

from orchestration.dbt_manifest import DBT_PROJECT

# Mart -> its unique key: doc_id for the document-keyed ones. (`documents` is a view of
# raw.documents: nothing of it is stored or rebuilt.)
INCREMENTAL_MARTS = {
    "doc_summary": "doc_id",
    "fct_incidents": "doc_id",
    "fct_casualties": "doc_id",
    "fct_territory_changes": "doc_id",
    "quarantine": "source_ref",
}
NEW_ARTICLE = (
    "Shelling kills six in Douma\n\n"
    "Government shelling on a market in Douma killed six civilians, including two children, on "
    "Tuesday, the Syrian Observatory for Human Rights said.\n"
)


# The intermediate tables are updated by document too (a view was recomputed whole by every query).
INCREMENTAL_INTERMEDIATE = ["int_casualties_linked", "int_claims"]


def _rows(warehouse: Path, mart: str, schema: str = "marts") -> dict[int, tuple]:
    """rowid -> row of a mart (or of another schema's table)."""
    return {r[0]: r[1:] for r in query(warehouse, f"SELECT rowid, * FROM {schema}.{mart}")}


def _doc_ids(warehouse: Path, mart: str) -> list[str]:
    return [r[0] for r in query(warehouse, f"SELECT doc_id FROM marts.{mart}")]


def _fingerprints(warehouse: Path) -> dict[str, str | None]:
    rows = query(warehouse, "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'")
    return {name: comment for name, comment in rows if name in INCREMENTAL_MARTS}


def test_a_new_document_adds_its_rows_and_leaves_every_other_row_in_place(
    seeds_run: CliRun, seeds_copy: Path, tmp_path: Path
) -> None:
    assert seeds_run.exit_code == 0, seeds_run.output
    published = copy_published(seeds_run.warehouse, tmp_path / "wh")
    before = {mart: _rows(published, mart) for mart in INCREMENTAL_MARTS}
    before_int = {m: _rows(published, m, "intermediate") for m in INCREMENTAL_INTERMEDIATE}
    fingerprints = _fingerprints(published)
    assert set(fingerprints) == set(INCREMENTAL_MARTS) and all(fingerprints.values()), fingerprints

    (seeds_copy / "zz_new_douma.txt").write_text(NEW_ARTICLE)
    run = sitrep_run(seeds_copy, published)
    assert run.exit_code == 0, run.output
    assert "new=1, changed=0" in run.output

    for mart, key in INCREMENTAL_MARTS.items():
        after = _rows(published, mart)
        # every earlier row is still there, same rowid, same values
        assert {rowid: after.get(rowid) for rowid in before[mart]} == before[mart], mart
        added = {rowid: row for rowid, row in after.items() if rowid not in before[mart]}
        if key == "doc_id":
            assert all(rowid > max(before[mart], default=-1) for rowid in added), mart
            doc_col = [c[0] for c in query(published, f"DESCRIBE marts.{mart}")].index("doc_id")
            assert {row[doc_col] for row in added.values()} <= {"zz_new_douma.txt"}, mart
        else:
            assert not added, mart

    for model in INCREMENTAL_INTERMEDIATE:
        after = _rows(published, model, "intermediate")
        assert {rowid: after.get(rowid) for rowid in before_int[model]} == before_int[model], model
        doc_col = [c[0] for c in query(published, f"DESCRIBE intermediate.{model}")].index("doc_id")
        added = {row[doc_col] for rowid, row in after.items() if rowid not in before_int[model]}
        assert added == {"zz_new_douma.txt"}, model

    assert "zz_new_douma.txt" in _doc_ids(published, "documents")
    assert query(
        published,
        "SELECT civilians_killed, children_killed FROM marts.doc_summary WHERE doc_id = ?",
        ["zz_new_douma.txt"],
    ) == [(6, 2)]
    assert query(
        published,
        "SELECT max(killed_total) FROM marts.fct_incidents WHERE doc_id = ?",
        ["zz_new_douma.txt"],
    ) == [(6,)]
    assert _fingerprints(published) == fingerprints  # same code, same extractor: no rebuild


def test_an_identical_run_rewrites_no_mart_row(seeds_rerun: Rerun) -> None:
    first, second = seeds_rerun.first.warehouse, seeds_rerun.second.warehouse
    assert seeds_rerun.second.exit_code == 0, seeds_rerun.second.output
    for mart in INCREMENTAL_MARTS:
        assert _rows(second, mart) == _rows(first, mart), mart
    assert _fingerprints(second) == _fingerprints(first)


def test_a_retried_build_replaces_the_rows_of_the_run(seeds_run: CliRun, tmp_path: Path) -> None:
    """dbt run again over the same run (a retry after a failed test): the pre-hook deletes the
    run's rows by processed_at before they are appended again, so nothing is doubled."""
    assert seeds_run.exit_code == 0, seeds_run.output
    build = copy_published(seeds_run.warehouse, tmp_path / "wh")
    before = {m: sorted(_rows(build, m).values()) for m in INCREMENTAL_MARTS}
    assert all(before[m] for m in INCREMENTAL_MARTS if m != "quarantine"), before
    fingerprints = _fingerprints(build)

    proc = _dbt_build(build, tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert {m: sorted(_rows(build, m).values()) for m in INCREMENTAL_MARTS} == before
    assert _fingerprints(build) == fingerprints  # incremental, not rebuilt


def test_another_extractor_version_rebuilds_every_mart(seeds_run: CliRun, tmp_path: Path) -> None:
    """What the pipeline does after an EXTRACTOR_VERSION change (every document re-extracted,
    every extract row with the new version), then dbt: no mart row keeps the old version."""
    assert seeds_run.exit_code == 0, seeds_run.output
    build = copy_published(seeds_run.warehouse, tmp_path / "wh")
    con = duckdb.connect(str(build))
    try:
        # processed before this "run": only the fingerprint can tell the marts to follow
        for table in ("events", "casualties", "territory", "doc_profiles", "processed"):
            con.execute(
                f"UPDATE extract.{table} SET extractor_version = '9.9.9-test', "
                "processed_at = TIMESTAMP '2000-01-01'"
            )
    finally:
        con.close()
    counts = {m: query(build, f"SELECT count(*) FROM marts.{m}")[0][0] for m in INCREMENTAL_MARTS}
    old_fingerprints = _fingerprints(build)

    proc = _dbt_build(build, tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:]

    for mart in ("fct_incidents", "fct_casualties", "fct_territory_changes"):
        assert query(build, f"SELECT DISTINCT extractor_version FROM marts.{mart}") == [("9.9.9-test",)], mart
    assert {m: query(build, f"SELECT count(*) FROM marts.{m}")[0][0] for m in INCREMENTAL_MARTS} == counts
    new_fingerprints = _fingerprints(build)
    assert all(new_fingerprints[m] != old_fingerprints[m] for m in INCREMENTAL_MARTS), new_fingerprints
    # the marts were recreated with their contract's constraints, not only its columns
    constraints = query(
        build,
        "SELECT constraint_type, list(constraint_column_names[1]) FROM duckdb_constraints() "
        "WHERE schema_name = 'marts' AND table_name = 'fct_casualties' GROUP BY ALL",
    )
    by_type = {kind: set(columns) for kind, columns in constraints}
    assert {"casualty_id", "doc_id", "outcome", "victim_group"} <= by_type.get("NOT NULL", set()), by_type
    assert {"outcome", "victim_group", "victim_actor"} <= by_type.get("CHECK", set()), by_type


def _as_if_only_processed_in_this_run(con: duckdb.DuckDBPyConnection, doc_id: str) -> list[tuple[str, str]]:
    """Stamp the warehouse so that only `doc_id` was processed since the last ingest (the marts
    stay current: same fingerprint); return the tables stamped by processed_at."""
    stamped = con.execute(
        "SELECT c.table_schema, c.table_name FROM information_schema.columns c "
        "JOIN information_schema.tables t USING (table_schema, table_name) "
        "WHERE c.column_name = 'processed_at' AND t.table_type = 'BASE TABLE'"
    ).fetchall()
    for schema, table in stamped:
        con.execute(f"UPDATE {schema}.{table} SET processed_at = TIMESTAMP '2000-01-01'")
        if schema == "extract":
            con.execute(
                f"UPDATE {schema}.{table} SET processed_at = TIMESTAMP '2002-01-01' WHERE doc_id = ?",
                [doc_id],
            )
    con.execute("UPDATE raw.ingest_runs SET ingested_at = TIMESTAMP '2001-01-01'")
    # as the pipeline logs it when it extracts a document again (its old mart rows must go)
    con.execute("INSERT INTO extract.withdrawals VALUES (TIMESTAMP '2002-01-01', 'extracted again', 1)")
    return stamped


def _failed_tests(build: Path, tmp_path: Path) -> dict[str, int]:
    """`dbt build` on `build`: the failing tests and their failure counts."""
    proc = _dbt_build(build, tmp_path)
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    failures = {r["unique_id"].split(".")[2]: r["failures"] for r in results if r["status"] == "fail"}
    assert all(r["status"] in ("success", "pass", "fail") for r in results), proc.stdout[-4000:]
    return failures


def test_mart_tests_look_at_the_documents_of_the_run(samples_run: CliRun, tmp_path: Path) -> None:
    """A part larger than its total fails the mart's test when its document was processed in the
    run; the same fault in a document processed earlier is not tested again (a run must cost what
    its documents cost; that document's rows were tested when it was processed)."""
    assert samples_run.exit_code == 0, samples_run.output
    build = copy_published(samples_run.warehouse, tmp_path / "wh")
    con = duckdb.connect(str(build))
    try:
        parts = con.execute(
            "SELECT doc_id, min(casualty_id) FROM extract.casualties "
            "WHERE parent_casualty_id IS NOT NULL GROUP BY doc_id ORDER BY doc_id LIMIT 2"
        ).fetchall()
        assert len(parts) == 2, parts
        (this_run, this_part), (_earlier, earlier_part) = parts
        stamped = _as_if_only_processed_in_this_run(con, this_run)
        assert ("marts", "fct_casualties") in stamped and ("extract", "casualties") in stamped, stamped
        # The same fault in both: in the extractor's output of this run, in the mart of the earlier.
        con.execute("UPDATE extract.casualties SET count_best = 1000000 WHERE casualty_id = ?", [this_part])
        con.execute(
            "UPDATE marts.fct_casualties SET count_best = 1000000 WHERE casualty_id = ?", [earlier_part]
        )
    finally:
        con.close()

    assert _failed_tests(build, tmp_path) == {"assert_parts_not_exceed_totals": 1}
    assert query(
        build,
        "SELECT count(*) FROM marts.fct_casualties WHERE count_best = 1000000 AND doc_id = ?",
        [this_run],
    ) == [(1,)]


def test_document_tests_look_at_the_documents_of_the_run(samples_run: CliRun, tmp_path: Path) -> None:
    """The `documents` view's tests look at the documents processed in the run, like the marts':
    a missing hash fails them for a document of the run, not for one processed earlier."""
    assert samples_run.exit_code == 0, samples_run.output
    build = copy_published(samples_run.warehouse, tmp_path / "wh")
    con = duckdb.connect(str(build))
    try:
        (this_run,), (earlier,) = con.execute(
            "SELECT doc_id FROM raw.documents ORDER BY doc_id LIMIT 2"
        ).fetchall()
        _as_if_only_processed_in_this_run(con, this_run)
        con.execute(
            "UPDATE raw.documents SET content_sha256 = NULL WHERE doc_id IN (?, ?)", [this_run, earlier]
        )
    finally:
        con.close()

    assert _failed_tests(build, tmp_path) == {"not_null_documents_content_sha256": 1}


def test_summary_test_looks_at_the_documents_of_the_run(samples_run: CliRun, tmp_path: Path) -> None:
    """doc_summary's one-row-per-document test looks at the documents ingested or summarised in the
    run: a document ingested in it without a summary row fails it; one ingested earlier, with the
    same fault, is not tested again (the whole-table test found both)."""
    assert samples_run.exit_code == 0, samples_run.output
    build = copy_published(samples_run.warehouse, tmp_path / "wh")
    con = duckdb.connect(str(build))
    try:
        (this_run,), (ingested_now,), (earlier,) = con.execute(
            "SELECT doc_id FROM raw.documents ORDER BY doc_id LIMIT 3"
        ).fetchall()
        _as_if_only_processed_in_this_run(con, this_run)
        # the run's ingest stamped its documents with its own time (raw.ingest_runs: 2001)
        con.execute("UPDATE raw.documents SET ingested_at = TIMESTAMP '2000-01-01'")
        con.execute(
            "UPDATE raw.documents SET ingested_at = TIMESTAMP '2001-01-01' WHERE doc_id = ?", [ingested_now]
        )
        con.execute("DELETE FROM marts.doc_summary WHERE doc_id IN (?, ?)", [ingested_now, earlier])
    finally:
        con.close()

    assert _failed_tests(build, tmp_path) == {"assert_doc_summary_one_row_per_document": 1}


def _dbt_build(build: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """`dbt build` of the project on the warehouse file `build`, artifacts in tmp_path/target."""
    dbt = Path(sys.executable).parent / "dbt"
    return subprocess.run(
        [
            str(dbt),
            "build",
            "--project-dir",
            str(DBT_PROJECT.project_dir),
            "--profiles-dir",
            str(DBT_PROJECT.project_dir),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        env={**os.environ, "SITREP_BUILD_DB": str(build), "DO_NOT_TRACK": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
