"""Group `ingest`: read the source into `raw.documents`, `raw.quarantine`, `raw.duplicates`."""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

import ingest
from orchestration import tables
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
    warehouse = sitrep.warehouse_files()
    began = warehouse.begin(run_key(context))
    context.log.info(f"build file {warehouse.build}: {began}")

    result = ingest.read_source(sitrep.source_path, fmt=sitrep.format)
    with warehouse.connect() as con:
        tables.ensure_schema(con)
        counts = tables.write_ingest(
            con,
            run_id=context.run.run_id,
            source=str(sitrep.source_path),
            fmt=sitrep.format,
            n_inputs=result.n_inputs,
            documents=result.documents,
            quarantine=result.quarantine,
            duplicates=result.duplicates,
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
            "dagster/row_count": totals[RAW_DOCUMENTS],
            "source": str(sitrep.source_path),
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
