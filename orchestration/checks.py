"""Asset checks: the GX suites on every raw, extract and mart table, plus ingest accounting.

All are blocking: a failure skips everything downstream, so `published_warehouse` never
publishes a warehouse that failed a check (it also re-checks the run's results itself).
"""

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
# the day's articles cost); the dbt tests still cover whole tables.
FULL_VALIDATION_MAX_ROWS = 50_000
# Rows handed to GX at once: it validates pandas frames, so this bounds the check's memory
# (raw.documents carries the texts: ~2 KB a row at FA-KES sizes, so fewer of its rows at once).
VALIDATION_BATCH_ROWS = 250_000
VALIDATION_BATCH_ROWS_WITH_TEXT = 50_000

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
        with sitrep.warehouse_files().read() as con:
            frames, scope = tables.rows_of_run(
                con,
                schema,
                table,
                context.run.run_id,
                FULL_VALIDATION_MAX_ROWS,
                VALIDATION_BATCH_ROWS_WITH_TEXT if key == RAW_DOCUMENTS else VALIDATION_BATCH_ROWS,
            )
            outcome = expectations.validate_batches(suite, frames)
        return AssetCheckResult(
            passed=bool(outcome.success),
            severity=AssetCheckSeverity.ERROR,
            description=None
            if outcome.success
            else _shorten(f"failed: {', '.join(map(str, outcome.failed))}"),
            metadata={"rows_validated": outcome.row_count, "scope": scope, **outcome.as_metadata()},
        )

    return _check


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
