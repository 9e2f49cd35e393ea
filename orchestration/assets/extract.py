"""Group `extract`: run the extractor on new or changed documents into `extract.*`.

Partitioned by document shard (`orchestration.partitions`): a run of every shard (each run of the
main job) reads the documents stamped since the last such run; a run of some shards reads all their
pending documents, and leaves the mark and removed documents to the next run of every shard.
"""

from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

import extract
from extract.schema import EXTRACTOR_VERSION, TABLES
from orchestration import tables
from orchestration.assets.ingest import RAW_DOCUMENTS
from orchestration.partitions import DOCUMENT_SHARDS, ONE_RUN, shards_of_run
from orchestration.resources import SitrepSettings
from orchestration.runs import POOL, run_key

EXTRACT_KEYS = {name: AssetKey(["extract", name]) for name in TABLES}

# Documents handed to the extractor at once, streamed from DuckDB (tables.pending_batches): bounds
# memory (about 1.5 GB at FA-KES sizes), and each batch commits on its own. Large, because each
# extractor call (one per thread: a shard of the batch) has a fixed cost of 0.4-0.9 s: polars keeps
# 32 compiled regexes and the extractor uses ~220, so every call compiles them all again. Against
# 20 000, the extraction of 103 000 articles from a warehouse file took 30.3-33.5 s instead of
# 35.1-37.7 s (three interleaved rounds, 2026-12-07), for ~0.5 GB more memory (2.25 GB instead of
# 1.73 GB at its peak). The 1M bench's peak RSS is then extraction's, 3.56 GB (dbt's 3.48 GB).
BATCH_SIZE = 40_000

_DESCRIPTIONS = {
    "events": "Incidents (ACLED-style events) read from the documents.",
    "casualties": "Casualty figures with their evidence span; parts point at their total.",
    "territory": "Territory changes (places captured or lost).",
    "doc_profiles": "One row per document: principal incident and headline casualty counts.",
}


def _add(written: dict[str, int], writing: Future[dict[str, int]] | None) -> None:
    """Wait for a batch's write (raising its error) and add its rows to `written`."""
    if writing is not None:
        for table, n in writing.result().items():
            if table in written:
                written[table] += n


@multi_asset(
    specs=[
        AssetSpec(
            key,
            deps=[RAW_DOCUMENTS],
            description=_DESCRIPTIONS.get(name),
            group_name="extract",
            kinds={"python", "duckdb"},
        )
        for name, key in EXTRACT_KEYS.items()
    ],
    pool=POOL,
    partitions_def=DOCUMENT_SHARDS,
    backfill_policy=ONE_RUN,
)
def extract_tables(context: AssetExecutionContext, sitrep: SitrepSettings) -> Iterator[MaterializeResult]:
    warehouse = sitrep.warehouse_files()
    warehouse.begin(run_key(context))
    written = dict.fromkeys(TABLES, 0)
    n_extracted = n_orphans = 0
    with warehouse.connect() as con, ThreadPoolExecutor(1) as writer:

        def extract_pending(since: datetime | None, only: Sequence[str] | None = None) -> None:
            nonlocal n_extracted
            # A batch is written (DuckDB, in its own threads) while the next one is extracted
            # (polars): each leaves the other's core idle part of the time (100k articles: 21.4 s
            # against 23.6 s).
            writing: Future[dict[str, int]] | None = None
            for batch in tables.pending_batches(con, BATCH_SIZE, since, only):
                n_extracted += batch.height
                context.log.info(f"extracting {batch.height} documents with extractor {EXTRACTOR_VERSION}")
                out = extract.run_extraction(batch)
                _add(written, writing)
                writing = writer.submit(
                    tables.write_extraction, con, run_id=context.run.run_id, documents=batch, tables=out
                )
            _add(written, writing)

        tables.ensure_extract_schema(con)
        shards = shards_of_run(context.run.tags)
        if shards is not None:
            context.log.info(f"extracting the pending documents of shards {', '.join(shards)}")
            extract_pending(None, shards)
        else:
            since = tables.extraction_mark(con)
            mark = tables.ingested_through(con)
            # Only the documents stamped since the last complete run, unless there is none to go by
            extract_pending(since)
            if since is None or not tables.one_processed_row_each(con):
                # a first run, a new extractor, or documents removed (or missed) since: read them all
                n_orphans = tables.remove_orphans(con)
                if since is not None:
                    context.log.info("documents removed or missed since the last run: reading every document")
                    extract_pending(None)
            tables.save_extraction_mark(con, mark)
        totals = {name: tables.count_rows(con, "extract", name) for name in TABLES}

    # Dagster records this for each shard of the run: the figures are the run's and the table's,
    # not a shard's (counting rows by shard would read every doc_id of the tables)
    for name, key in EXTRACT_KEYS.items():
        yield MaterializeResult(
            asset_key=key,
            metadata={
                "documents_extracted": n_extracted,
                "documents_removed": n_orphans,
                "rows_written": written[name],
                "table_rows": totals[name],
                "shards": "all" if shards is None else ", ".join(shards),
                "extractor_version": EXTRACTOR_VERSION,
            },
        )
