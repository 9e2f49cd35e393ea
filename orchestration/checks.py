"""Asset checks: the GX suites on every raw, extract and mart table, plus ingest accounting.

All are blocking: a failure skips everything downstream, so `published_warehouse` never
publishes a warehouse that failed a check (it also re-checks the run's results itself).
"""

from dataclasses import replace

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    asset_check,
)

import expectations
from orchestration import tables
from orchestration.assets.extract import EXTRACT_KEYS
from orchestration.assets.ingest import RAW_DOCUMENTS, RAW_QUARANTINE
from orchestration.resources import SitrepSettings
from orchestration.runs import POOL

# Above this many rows a check validates only the rows the run wrote (a daily run must cost what
# the day's articles cost), as the dbt tests do (macros/incremental_marts.sql).
FULL_VALIDATION_MAX_ROWS = 50_000
# GX takes ~0.2 s per suite plus ~1 s per 35k rows here; the suite's SQL form in DuckDB ~0.25 s
# per million rows. A scope up to GX_MAX_ROWS goes through GX whole; a larger one (a day's feed, or
# a first run over a million articles: nine million incidents) through the SQL form, every row,
# and a fixed sample of GX_MAX_ROWS rows through GX too (what Data Docs show). The eleven suites
# of a run adding 10,000 articles take 2.6 s so, 3.2 s with 20,000.
GX_MAX_ROWS = 5_000
# Rows handed to GX at once: this bounds the check's memory (raw.documents carries the texts:
# ~2 KB a row at FA-KES sizes, so fewer of its rows at once).
VALIDATION_BATCH_ROWS = 100_000
VALIDATION_BATCH_ROWS_WITH_TEXT = 25_000

# GX suite of each checked table (raw.duplicates has none: the accounting check covers it).
SUITES: dict[AssetKey, str] = {
    RAW_DOCUMENTS: "raw_documents",
    RAW_QUARANTINE: "raw_quarantine",
    **{key: f"extract_{name}" for name, key in EXTRACT_KEYS.items()},
    AssetKey(["marts", "documents"]): "marts_documents",
    AssetKey(["marts", "fct_incidents"]): "marts_fct_incidents",
    AssetKey(["marts", "fct_casualties"]): "marts_fct_casualties",
    AssetKey(["marts", "fct_territory_changes"]): "marts_fct_territory_changes",
    AssetKey(["marts", "doc_summary"]): "marts_doc_summary",
}


MAX_DESCRIPTION = 1000


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 3] + "..."


def _gx_check(key: AssetKey, suite: str) -> AssetChecksDefinition:
    schema, table = key.path

    @asset_check(
        asset=key,
        name=f"gx_{suite}",
        description=f"Great Expectations suite `{suite}` on {schema}.{table}.",
        blocking=True,
        pool=POOL,
    )
    def _check(context: AssetCheckExecutionContext, sitrep: SitrepSettings) -> AssetCheckResult:
        batch_rows = VALIDATION_BATCH_ROWS_WITH_TEXT if key == RAW_DOCUMENTS else VALIDATION_BATCH_ROWS
        with sitrep.warehouse_files().read() as con:
            scope = tables.run_scope(con, schema, table, context.run.run_id, FULL_VALIDATION_MAX_ROWS)
            outcome, how = validate_scope(con, suite, scope, batch_rows)
        return AssetCheckResult(
            passed=bool(outcome.success),
            severity=AssetCheckSeverity.ERROR,
            description=None
            if outcome.success
            else _shorten(f"failed: {', '.join(map(str, outcome.failed))}"),
            metadata={**how, **outcome.as_metadata()},
        )

    return _check


def validate_scope(
    con: duckdb.DuckDBPyConnection, suite: str, scope: tables.Scope, batch_rows: int
) -> tuple[expectations.SuiteOutcome, dict[str, object]]:
    """Suite `suite` on the rows of `scope`: through GX when they are few enough, else every row
    through the suite's SQL form and a fixed sample through GX. Returns the outcome and how."""
    n_rows = scope.count(con)
    if n_rows <= GX_MAX_ROWS:
        outcome = expectations.validate_batches(suite, scope.frames(con, batch_rows))
        return outcome, {"scope": scope.label, "rows_validated": n_rows, "engine": "great_expectations"}
    in_sql = expectations.validate_sql(suite, con, scope.sql, scope.params)
    sample = scope.sample(GX_MAX_ROWS)
    in_gx = expectations.validate_batches(suite, sample.frames(con, batch_rows))
    how = {
        "scope": scope.label,
        "rows_validated": in_sql.row_count,
        "engine": "duckdb (the suite as SQL) + great_expectations on a sample",
        "rows_in_gx_sample": in_gx.row_count,
    }
    return replace(expectations.merge(suite, [in_sql, in_gx]), row_count=in_sql.row_count), how


@asset_check(
    asset=RAW_DOCUMENTS,
    name="ingest_accounting",
    description="Every input is accounted for: inputs == ingested + quarantined + duplicates.",
    blocking=True,
    pool=POOL,
)
def ingest_accounting(context: AssetCheckExecutionContext, sitrep: SitrepSettings) -> AssetCheckResult:
    # This run's ingest, or (when only the check is re-executed) the latest one.
    with sitrep.warehouse_files().read() as con:
        run = tables.ingest_run(con, context.run.run_id) or tables.latest_ingest_run(con)
    if run is None:
        return AssetCheckResult(passed=False, description="raw.ingest_runs has no ingest run")
    accounted = int(run["n_documents"]) + int(run["n_quarantined"]) + int(run["n_duplicates"])
    return AssetCheckResult(
        passed=accounted == run["n_inputs"],
        description=f"{run['n_inputs']} inputs, {accounted} accounted for",
        metadata={k: run[k] for k in ("run_id", "n_inputs", "n_documents", "n_quarantined", "n_duplicates")},
    )


def all_checks(known_keys: set[AssetKey]) -> list[AssetChecksDefinition]:
    """The GX checks for every suite whose table is an asset, plus the accounting check."""
    return [_gx_check(key, suite) for key, suite in SUITES.items() if key in known_keys] + [ingest_accounting]
