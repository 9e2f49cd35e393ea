"""Group `ingest`: read the source's new and changed files (`orchestration.sources`) into
`raw.documents`, `raw.quarantine`, `raw.duplicates`. A run of some document shards
(`orchestration.partitions`) does not read the source."""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

import expectations
from orchestration import sources, tables
from orchestration.partitions import shards_of_run
from orchestration.resources import SitrepSettings
from orchestration.runs import POOL, run_key

RAW_DOCUMENTS = AssetKey(["raw", "documents"])
RAW_QUARANTINE = AssetKey(["raw", "quarantine"])
RAW_DUPLICATES = AssetKey(["raw", "duplicates"])
RAW_KEYS = (RAW_DOCUMENTS, RAW_QUARANTINE, RAW_DUPLICATES)

_DESCRIPTIONS = {
    RAW_DOCUMENTS: "One row per ingested document (cleaned text and metadata), upserted by doc_id.",
    RAW_QUARANTINE: "Inputs that could not be used, with the reason; replaced by source_ref.",
    RAW_DUPLICATES: "Inputs dropped as duplicates of a kept document; replaced by source_ref.",
}


@multi_asset(
    specs=[
        AssetSpec(key, description=_DESCRIPTIONS[key], group_name="ingest", kinds={"python", "duckdb"})
        for key in RAW_KEYS
    ],
    pool=POOL,
)
def raw_tables(context: AssetExecutionContext, sitrep: SitrepSettings) -> Iterator[MaterializeResult]:
    expectations.warm_up()  # the checks that follow need GX, whose import takes seconds
    warehouse = sitrep.warehouse_files()
    began = warehouse.begin(run_key(context))
    context.log.info(f"build file {warehouse.build}: {began}")

    shards = shards_of_run(context.run.tags)
    with warehouse.connect() as con:
        tables.ensure_raw_schema(con)
        if shards is None:
            counts = sources.ingest_source(
                con, run_id=context.run.run_id, source=sitrep.source_path, fmt=sitrep.format
            )
        else:
            # what it ingested of the other shards would be published without its facts
            context.log.info(f"a run of document shards {', '.join(shards)}: the source is not read")
            counts = sources.record_unread_source(
                con, run_id=context.run.run_id, source=sitrep.source_path, fmt=sitrep.format
            )
        totals = {key: tables.count_rows(con, *key.path) for key in RAW_KEYS}

    yield MaterializeResult(
        asset_key=RAW_DOCUMENTS,
        metadata={
            "inputs": counts.n_inputs,
            "ingested": counts.n_documents,
            "new": counts.n_new,
            "changed": counts.n_changed,
            "removed": counts.n_removed,
            "files_read": counts.n_files_read,
            "files_skipped": counts.n_files_skipped,
            "dagster/row_count": totals[RAW_DOCUMENTS],
            "source": str(sitrep.source_path),
            "source_read": shards is None,
            "format": sitrep.format,
        },
    )
    yield MaterializeResult(
        asset_key=RAW_QUARANTINE,
        metadata={"quarantined": counts.n_quarantined, "dagster/row_count": totals[RAW_QUARANTINE]},
    )
    yield MaterializeResult(
        asset_key=RAW_DUPLICATES,
        metadata={"duplicates": counts.n_duplicates, "dagster/row_count": totals[RAW_DUPLICATES]},
    )
