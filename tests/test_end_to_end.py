"""`sitrep run` end to end: every mart published, every input accounted for."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest
from conftest import FAKES_DEV, CliRun, require, sitrep_run

from orchestration.dbt_manifest import DBT_PROJECT


def _mart_names() -> list[str]:
    manifest = json.loads(DBT_PROJECT.manifest_path.read_text())
    return sorted(
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["config"].get("schema") == "marts"
    )


def _assert_complete(run: CliRun) -> None:
    assert run.exit_code == 0, run.output
    assert "checks" in run.output and " 0 failed" in run.output, run.output
    tables = {
        (schema, name)
        for schema, name in run.query("SELECT table_schema, table_name FROM information_schema.tables")
    }
    missing = [m for m in _mart_names() if ("marts", m) not in tables]
    assert not missing, f"marts missing from the published warehouse: {missing}"

    ((n_inputs, n_docs, n_quar, n_dups),) = run.query(
        "SELECT n_inputs, n_documents, n_quarantined, n_duplicates FROM raw.ingest_runs"
    )
    assert n_docs + n_quar + n_dups == n_inputs
    assert run.query("SELECT count(*) FROM marts.documents") == [(n_docs,)]
    assert run.query("SELECT count(*) FROM marts.quarantine") == [(n_quar,)]
    assert run.query("SELECT count(*) FROM raw.duplicates") == [(n_dups,)]
    # doc_summary: exactly one row per document
    assert run.query("SELECT count(*), count(DISTINCT doc_id) FROM marts.doc_summary") == [(n_docs, n_docs)]
    assert run.query(
        "SELECT count(*) FROM marts.documents d ANTI JOIN marts.doc_summary s USING (doc_id)"
    ) == [(0,)]
    # the printed summary says the same
    assert f"documents in   {n_inputs}\n" in run.output
    assert f"ingested       {n_docs}\n" in run.output


def test_samples_corpus(samples_run: CliRun) -> None:
    _assert_complete(samples_run)
    assert samples_run.query("SELECT count(*) FROM marts.documents")[0][0] > 0


def test_shared_seeds(seeds_run: CliRun) -> None:
    _assert_complete(seeds_run)
    assert seeds_run.query("SELECT count(*) FROM marts.fct_incidents")[0][0] > 0


def test_gx_data_docs_next_to_the_warehouse(seeds_run: CliRun) -> None:
    assert seeds_run.exit_code == 0, seeds_run.output
    index = seeds_run.warehouse.parent / "gx_docs" / "index.html"
    assert index.is_file() and index.stat().st_size > 0


@pytest.mark.slow
def test_fakes_dev_csv(tmp_path: Path) -> None:
    source = require(FAKES_DEV)
    run = sitrep_run(source, tmp_path / "sitrep.duckdb", fmt="fakes")
    _assert_complete(run)
    # all 381 rows read; rows repeating an earlier unit_id and text are duplicates, not documents
    unit_ids = pl.read_csv(source, encoding="utf8-lossy", columns=["unit_id"])["unit_id"]
    assert unit_ids.len() == 381
    assert run.query("SELECT n_inputs, n_quarantined FROM raw.ingest_runs") == [(381, 0)]
    assert run.query("SELECT count(*) FROM marts.doc_summary") == [(unit_ids.n_unique(),)]


def test_dbt_builds_the_runs_own_file_whatever_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build file reaches dbt as an argument of the run's command, so a process that runs
    several warehouses (or a user's SITREP_BUILD_DB, set for dbt by hand) cannot send one run's
    models to another file, and the run leaves the process's environment as it found it."""
    elsewhere = tmp_path / "elsewhere.duckdb"
    monkeypatch.setenv("SITREP_BUILD_DB", str(elsewhere))
    source = tmp_path / "source"
    source.mkdir()
    (source / "a.txt").write_text(
        "Shelling in Aleppo\n\nShelling killed three civilians in Aleppo on Monday, SOHR said.\n"
    )

    run = sitrep_run(source, tmp_path / "wh" / "sitrep.duckdb")

    _assert_complete(run)
    assert run.query("SELECT sum(count_best) FROM marts.fct_casualties WHERE outcome = 'killed'") == [(3,)]
    assert not elsewhere.exists()
    assert os.environ["SITREP_BUILD_DB"] == str(elsewhere)


def test_dbt_parses_partially_from_the_second_run_and_writes_no_json_artifacts(tmp_path: Path) -> None:
    """The dbt step skips dbt's JSON artifacts, which nothing reads, and keeps what its next run
    needs: the partial parse file, so the second run does not parse the project again."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "a.txt").write_text(
        "Shelling in Aleppo\n\nShelling killed three civilians in Aleppo on Monday.\n"
    )
    warehouse = tmp_path / "wh" / "sitrep.duckdb"
    target = warehouse.parent / ".build" / "dbt_target"

    _assert_complete(sitrep_run(source, warehouse))
    first_log_lines = len((target / "dbt.log").read_text().splitlines())
    (source / "b.txt").write_text("Clashes in Idlib\n\nFive fighters were killed in clashes in Idlib.\n")
    second = sitrep_run(source, warehouse)

    assert second.exit_code == 0 and " 0 failed" in second.output, second.output
    assert second.query("SELECT count(*) FROM marts.documents") == [(2,)]
    assert (target / "partial_parse.msgpack").exists()
    written = {p.name for p in target.iterdir()}
    assert not written & {"manifest.json", "semantic_manifest.json", "run_results.json"}, written
    second_log = (target / "dbt.log").read_text().splitlines()[first_log_lines:]
    messages = [json.loads(line)["info"]["msg"] for line in second_log]
    assert any(m.startswith("Found ") for m in messages), messages[:20]
    assert not [m for m in messages if "Unable to do partial parsing" in m]
