"""The suites compiled to SQL (for tables too large for GX frames) judge rows as GX does."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from test_expectations import BAD, KINDS, good, with_value

from expectations import SUITES, validate, validate_sql


def _sql(suite: str, frame: pl.DataFrame):
    con = duckdb.connect()
    con.register("rows_to_check", frame.to_arrow())
    return validate_sql(suite, con, "SELECT * FROM rows_to_check WHERE ? IS NOT NULL", ["scoped"])


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_good_and_empty_frames_pass(suite):
    outcome = _sql(suite, good(suite))
    assert outcome.success, outcome.failed
    assert outcome.row_count == 3
    assert outcome.evaluated == len(SUITES[suite]())
    assert _sql(suite, good(suite).clear()).success


@pytest.mark.parametrize(("suite", "column", "value", "check"), BAD)
def test_bad_value_fails_the_same_expectation_as_gx(suite, column, value, check):
    frame = with_value(suite, column, value)
    if ">" in check:
        a, b = check.split(">")
        expected = f"expect_column_pair_values_a_to_be_greater_than_b({a}, {b})"
    else:
        expected = f"{KINDS[check]}({column})"
    outcome = _sql(suite, frame)
    assert not outcome.success
    assert any(line.startswith(expected + ":") for line in outcome.failed), outcome.failed
    # the same expectations fail as in GX, no more
    heads = {line.split(":")[0] for line in outcome.failed}
    assert heads == {line.split(":")[0] for line in validate(suite, frame).failed}


def test_counts_every_unexpected_row():
    frame = good("extract_casualties").with_columns(outcome=pl.lit("exploded"))
    assert _sql("extract_casualties", frame).failed == [
        "expect_column_values_to_be_in_set(outcome): 3 of 3 rows unexpected"
    ]


def test_missing_column_fails():
    outcome = _sql("extract_casualties", good("extract_casualties").drop("victim_group"))
    assert not outcome.success
    assert any(
        line.startswith("expect_table_columns_to_match_set: missing columns ['victim_group']")
        for line in outcome.failed
    )


def _big_casualties(n: int, bad_row: int) -> pl.DataFrame:
    """n valid casualty rows (copies of the good ones with fresh ids), one spoiled count."""
    frame = pl.concat([good("extract_casualties")] * (n // 3)).with_columns(
        casualty_id=pl.format("c{}", pl.int_range(pl.len())),
    )
    return frame.with_columns(
        count_best=pl.when(pl.int_range(pl.len()) == bad_row).then(-7).otherwise(pl.col("count_best"))
    )


@pytest.mark.parametrize("gx_max_rows", [10_000, 30])
def test_a_large_scope_checks_every_row_in_sql(monkeypatch, gx_max_rows):
    from orchestration import checks, tables

    monkeypatch.setattr(checks, "GX_MAX_ROWS", gx_max_rows)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA extract")
    con.register("frame", _big_casualties(600, bad_row=577).to_arrow())
    con.execute("CREATE TABLE extract.casualties AS SELECT * FROM frame")
    scope = tables.run_scope(con, "extract", "casualties", "run-1", limit_full=10_000)
    outcome, how = checks.validate_scope(con, "extract_casualties", scope, batch_rows=100)
    assert not outcome.success
    assert outcome.row_count == how["rows_validated"] == 600
    assert any(
        line.startswith("expect_column_values_to_be_between(count_best): 1 of") for line in outcome.failed
    )
    if gx_max_rows == 30:  # 600 rows > 30: SQL over all 600 and GX over a sample of 30
        assert how["rows_in_gx_sample"] == 30 and how["engine"].startswith("duckdb")
        # the sample is fixed: the same rows on every call
        sample = scope.sample(30)
        assert pl.concat(sample.frames(con, 100)).equals(pl.concat(sample.frames(con, 100)))
    else:
        assert how["engine"] == "great_expectations"


def test_the_documents_of_a_run_are_read_from_their_first_ingest_on():
    """marts.documents (no processed_at) is scoped by ingested_at from the run's earliest document
    on, so older row groups are skipped; a document of the run ingested long before (extracted
    again) is still in the scope."""
    from orchestration import tables

    con = duckdb.connect()
    con.execute("CREATE SCHEMA extract; CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.documents AS SELECT 'd' || i AS doc_id, "
        "TIMESTAMP '2020-01-01' + to_days(i::INTEGER) AS ingested_at FROM range(100) t(i)"
    )
    run_docs = ["d95", "d96", "d97", "d3"]  # d3: ingested long before, extracted again in this run
    con.execute(
        "CREATE TABLE extract.processed AS SELECT doc_id, CASE WHEN doc_id IN ? THEN 'run-2' ELSE 'run-1' "
        "END AS run_id FROM marts.documents",
        [run_docs],
    )
    scope = tables.run_scope(con, "marts", "documents", "run-2", limit_full=10)
    assert "ingested_at >= ?" in scope.sql
    assert (
        scope.params[0]
        == con.execute("SELECT ingested_at FROM marts.documents WHERE doc_id = 'd3'").fetchone()[0]
    )
    rows = con.execute(scope.sql, list(scope.params)).fetchall()
    assert sorted(r[0] for r in rows) == sorted(run_docs)
