"""The Python-written tables of the build file (`raw.*`, `extract.*`) and the incremental writes.

Frames go in through `con.register(name, arrow_table)` and `INSERT ... BY NAME SELECT ... FROM
name`; values never get pasted into SQL. Identifiers (schema, table, column names) come from the
schemas below, never from data.

Incremental rules:
* `raw.documents` is upserted by doc_id; `ingested_at` keeps its first value while the text
  (content_sha256) is unchanged.
* `raw.quarantine` / `raw.duplicates` are replaced by source_ref; `seen_at` keeps its first value.
* the extractor runs only on documents with no `extract.processed` row for their current
  content_sha256 and `EXTRACTOR_VERSION`; their old extract rows are deleted first, and the
  deletion is logged in `extract.withdrawals`.
* a new or changed text gets its run's stamp, and stamps never go back (`ingest_stamp`), so those
  documents are the ones stamped since the last complete extraction (`extract.mark`): a run reads
  only them and the rows written since (zone maps again), not the whole history. Whether that
  missed nothing is checked by counting: after a complete run every document has one processed
  row, so any other count means removed documents (orphans) or a gap, and the run then reads
  everything, as on its first run or a new extractor version.
* every extract row carries its document's `processed_at`. Rows are appended, so the column
  grows with the table and a `processed_at >= <run start>` filter reads only the row groups a
  run wrote (DuckDB's zone maps): that is how dbt's incremental models find a run's rows.
* a table whose columns differ from the code's schema is rebuilt (for extract tables that means
  everything is re-extracted).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import polars as pl

from extract.schema import EXTRACTOR_VERSION, TABLES
from ingest.schema import DOCUMENTS, DUPLICATES, QUARANTINE

TIMESTAMP = pl.Datetime("us")

RAW_TABLES: dict[str, dict[str, pl.DataType]] = {
    "documents": {**DOCUMENTS, "ingested_at": TIMESTAMP},
    "quarantine": {**QUARANTINE, "seen_at": TIMESTAMP},
    "duplicates": {**DUPLICATES, "seen_at": TIMESTAMP},
    # One row per ingest run: the accounting the `raw/documents` check verifies.
    "ingest_runs": {
        "run_id": pl.String,
        "source": pl.String,
        "format": pl.String,
        "ingested_at": TIMESTAMP,
        "n_inputs": pl.Int64,
        "n_documents": pl.Int64,
        "n_quarantined": pl.Int64,
        "n_duplicates": pl.Int64,
        "n_new": pl.Int64,
        "n_changed": pl.Int64,
        # Files read, and files skipped as unchanged (their inputs are counted from `source_files`).
        "n_files_read": pl.Int64,
        "n_files_skipped": pl.Int64,
    },
    # One row per source file last read: its fingerprint (a run skips the file while size and
    # mtime_ns stay the same) and how its inputs were accounted for.
    "source_files": {
        "source": pl.String,
        "format": pl.String,
        "relpath": pl.String,
        "size": pl.Int64,
        "mtime_ns": pl.Int64,
        "n_inputs": pl.Int64,
        "n_documents": pl.Int64,
        "n_quarantined": pl.Int64,
        "n_duplicates": pl.Int64,
        "run_id": pl.String,
        "read_at": TIMESTAMP,
    },
}

PROCESSED: dict[str, pl.DataType] = {
    "doc_id": pl.String,
    "content_sha256": pl.String,
    "extractor_version": pl.String,
    "processed_at": TIMESTAMP,
    "run_id": pl.String,  # lets checks validate just the rows a run wrote
}

# What the last complete extraction saw: the latest `ingested_at` then, for its extractor version.
MARK: dict[str, pl.DataType] = {
    "extractor_version": pl.String,
    "ingested_through": TIMESTAMP,
    "marked_at": TIMESTAMP,
}

# When extract rows of earlier documents were deleted (re-extracted, removed, or the tables
# rebuilt): the marts then have rows to delete besides those of the run's own documents.
WITHDRAWALS: dict[str, pl.DataType] = {
    "withdrawn_at": TIMESTAMP,
    "reason": pl.String,
    "n_documents": pl.Int64,
}

# The extractor's tables as stored: its columns, then when the document was processed.
FACT_TABLES: dict[str, dict[str, pl.DataType]] = {
    name: {**cols, "processed_at": TIMESTAMP} for name, cols in TABLES.items()
}
EXTRACT_TABLES: dict[str, dict[str, pl.DataType]] = {**FACT_TABLES, "processed": PROCESSED}

_DUCKDB_TYPES: dict[object, str] = {
    pl.String: "VARCHAR",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
    pl.Datetime: "TIMESTAMP",
}


def now() -> datetime:
    """UTC wall clock as a naive timestamp (DuckDB TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _duckdb_type(dtype: pl.DataType) -> str:
    return _DUCKDB_TYPES[dtype.base_type()]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _qualified(schema: str, table: str) -> str:
    return f"{_ident(schema)}.{_ident(table)}"


def conform(frame: pl.DataFrame, schema: Mapping[str, pl.DataType], what: str) -> pl.DataFrame:
    """The frame's columns of `schema`, in order, cast to their types; a missing column is an error."""
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks columns {missing}; has {frame.columns}")
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])


def _columns_in_db(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    return [(name, dtype) for name, dtype in rows]


def _ensure_table(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, cols: Mapping[str, pl.DataType]
) -> bool:
    """Create `schema.table` with `cols`, or rebuild it if its columns differ. True if (re)created."""
    wanted = [(name, _duckdb_type(dtype)) for name, dtype in cols.items()]
    existing = _columns_in_db(con, schema, table)
    if existing == wanted:
        return False
    con.execute(f"DROP TABLE IF EXISTS {_qualified(schema, table)}")
    columns_sql = ", ".join(f"{_ident(name)} {dtype}" for name, dtype in wanted)
    con.execute(f"CREATE TABLE {_qualified(schema, table)} ({columns_sql})")
    return True


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw and extract tables (idempotent)."""
    ensure_raw_schema(con)
    ensure_extract_schema(con)


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for table, cols in RAW_TABLES.items():
        _ensure_table(con, "raw", table, cols)


def ensure_extract_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the extract tables; rebuilt ones empty them all (logged as a withdrawal, which the
    marts see only if it comes after the run's ingest: so extraction, not ingest, calls this)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS extract")
    _ensure_table(con, "extract", "withdrawals", WITHDRAWALS)
    _ensure_table(con, "extract", "mark", MARK)
    had_facts = table_exists(con, "extract", "processed")
    rebuilt = [_ensure_table(con, "extract", table, cols) for table, cols in FACT_TABLES.items()]
    if _ensure_table(con, "extract", "processed", PROCESSED) or any(rebuilt):
        # Extract tables changed shape: nothing in them counts as processed any more.
        con.execute("DELETE FROM extract.mark")
        con.execute("DELETE FROM extract.processed")
        for table in FACT_TABLES:
            con.execute(f"DELETE FROM {_qualified('extract', table)}")
        if had_facts:
            _log_withdrawal(con, "extract tables rebuilt", -1)


def _log_withdrawal(con: duckdb.DuckDBPyConnection, reason: str, n_documents: int) -> None:
    """Record that extract rows of earlier documents were deleted (-1: all of them)."""
    con.execute("INSERT INTO extract.withdrawals VALUES (?, ?, ?)", [now(), reason, n_documents])


def _scalars(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> tuple:
    """The first row of a query (read to the end: DuckDB 2 refuses new work on a half-read result)."""
    rows = con.execute(sql, params or []).fetchall()
    return tuple(rows[0]) if rows else ()


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    con.register(name, frame.to_arrow())


def table_frame(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> pl.DataFrame:
    return con.sql(f"SELECT * FROM {_qualified(schema, table)}").pl()


def count_rows(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> int:
    return int(_scalars(con, f"SELECT count(*) FROM {_qualified(schema, table)}")[0])


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(_columns_in_db(con, schema, table))


# -- ingest ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestCounts:
    n_inputs: int
    n_documents: int
    n_quarantined: int
    n_duplicates: int
    n_new: int
    n_changed: int
    n_removed: int
    n_files_read: int = 0
    n_files_skipped: int = 0


def write_ingest(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    source: str,
    fmt: str,
    n_inputs: int,
    documents: pl.DataFrame,
    quarantine: pl.DataFrame,
    duplicates: pl.DataFrame,
) -> IngestCounts:
    """Upsert one whole ingest result into `raw.*` and record its accounting in `raw.ingest_runs`."""
    stamp = ingest_stamp(con)
    n_new, n_changed, n_removed = write_ingest_batch(
        con, stamp=stamp, documents=documents, quarantine=quarantine, duplicates=duplicates
    )
    counts = IngestCounts(
        n_inputs=n_inputs,
        n_documents=documents.height,
        n_quarantined=quarantine.height,
        n_duplicates=duplicates.height,
        n_new=n_new,
        n_changed=n_changed,
        n_removed=n_removed,
    )
    record_ingest_run(con, run_id=run_id, source=source, fmt=fmt, stamp=stamp, counts=counts)
    return counts


def ingest_stamp(con: duckdb.DuckDBPyConnection) -> datetime:
    """An ingest run's stamp: now, or the latest `ingested_at` if the clock reads earlier (it was
    set back). Stamps never go back, which is what lets extraction read only the documents stamped
    since its last complete run (`pending_batches`)."""
    latest = ingested_through(con)
    return max(now(), latest) if latest is not None else now()


def write_ingest_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    stamp: datetime,
    documents: pl.DataFrame,
    quarantine: pl.DataFrame,
    duplicates: pl.DataFrame,
) -> tuple[int, int, int]:
    """Upsert one batch of an ingest run (all stamped `stamp`) in one transaction.

    Returns (new, changed, removed) documents.
    """
    docs = conform(documents, DOCUMENTS, "ingest documents")
    quar = conform(quarantine, QUARANTINE, "ingest quarantine")
    dups = conform(duplicates, DUPLICATES, "ingest duplicates")
    refs = pl.concat([docs.select("source_ref"), quar.select("source_ref"), dups.select("source_ref")])

    con.begin()
    try:
        for name, frame in (
            ("batch_docs", docs),
            ("batch_quar", quar),
            ("batch_dups", dups),
            ("batch_refs", refs),
        ):
            _register(con, name, frame)
        n_new, n_changed = _scalars(
            con,
            "SELECT count(*) FILTER (WHERE d.doc_id IS NULL), "
            "count(*) FILTER (WHERE d.doc_id IS NOT NULL AND d.content_sha256 IS DISTINCT FROM b.content_sha256) "
            "FROM batch_docs b LEFT JOIN raw.documents d ON d.doc_id = b.doc_id",
        )

        # Documents: unchanged text keeps its first ingested_at.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE incoming_docs AS "
            "SELECT b.*, coalesce(d.ingested_at, ?::TIMESTAMP) AS ingested_at FROM batch_docs b "
            "LEFT JOIN raw.documents d ON d.doc_id = b.doc_id AND d.content_sha256 = b.content_sha256",
            [stamp],
        )
        # A document whose input is now quarantined or a duplicate (and not re-read under the
        # same id) is gone.
        (n_removed,) = _scalars(
            con,
            "DELETE FROM raw.documents WHERE doc_id NOT IN (SELECT doc_id FROM incoming_docs) "
            "AND source_ref IN (SELECT source_ref FROM batch_quar UNION SELECT source_ref FROM batch_dups)",
        )
        # Only rows that differ are rewritten: a run that re-reads a file must not rewrite its
        # unchanged documents.
        differs = " OR ".join(
            f"d.{_ident(c)} IS DISTINCT FROM i.{_ident(c)}" for c in DOCUMENTS if c not in ("doc_id", "text")
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE changed_docs AS SELECT i.* FROM incoming_docs i "
            f"LEFT JOIN raw.documents d ON d.doc_id = i.doc_id WHERE d.doc_id IS NULL OR {differs}"
        )
        con.execute("DELETE FROM raw.documents WHERE doc_id IN (SELECT doc_id FROM changed_docs)")
        con.execute("INSERT INTO raw.documents BY NAME SELECT * FROM changed_docs")

        # Quarantine and duplicates: replaced by source_ref; same finding keeps its first seen_at.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE incoming_quar AS "
            "SELECT b.*, coalesce(q.seen_at, ?::TIMESTAMP) AS seen_at FROM batch_quar b "
            "LEFT JOIN raw.quarantine q ON q.source_ref = b.source_ref AND q.reason = b.reason",
            [stamp],
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE incoming_dups AS "
            "SELECT b.*, coalesce(x.seen_at, ?::TIMESTAMP) AS seen_at FROM batch_dups b "
            "LEFT JOIN raw.duplicates x ON x.source_ref = b.source_ref "
            "AND x.duplicate_of IS NOT DISTINCT FROM b.duplicate_of AND x.reason = b.reason",
            [stamp],
        )
        con.execute("DELETE FROM raw.quarantine WHERE source_ref IN (SELECT source_ref FROM batch_refs)")
        con.execute("DELETE FROM raw.duplicates WHERE source_ref IN (SELECT source_ref FROM batch_refs)")
        con.execute("INSERT INTO raw.quarantine BY NAME SELECT * FROM incoming_quar")
        con.execute("INSERT INTO raw.duplicates BY NAME SELECT * FROM incoming_dups")
        for name in ("batch_docs", "batch_quar", "batch_dups", "batch_refs"):
            con.unregister(name)
        for name in ("incoming_docs", "changed_docs", "incoming_quar", "incoming_dups"):
            con.execute(f"DROP TABLE {_ident(name)}")  # temp copies of the batch's texts
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return int(n_new), int(n_changed), int(n_removed)


def record_ingest_run(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    source: str,
    fmt: str,
    stamp: datetime,
    counts: IngestCounts,
) -> None:
    """The run's accounting row in `raw.ingest_runs` (what the `ingest_accounting` check reads)."""
    values = {
        "run_id": run_id,
        "source": source,
        "format": fmt,
        "ingested_at": stamp,
        "n_inputs": counts.n_inputs,
        "n_documents": counts.n_documents,
        "n_quarantined": counts.n_quarantined,
        "n_duplicates": counts.n_duplicates,
        "n_new": counts.n_new,
        "n_changed": counts.n_changed,
        "n_files_read": counts.n_files_read,
        "n_files_skipped": counts.n_files_skipped,
    }
    assert list(values) == list(RAW_TABLES["ingest_runs"]), "raw.ingest_runs columns"
    con.begin()
    try:
        con.execute("DELETE FROM raw.ingest_runs WHERE run_id = ?", [run_id])
        con.execute(
            f"INSERT INTO raw.ingest_runs VALUES ({', '.join('?' for _ in values)})", list(values.values())
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise


def ingest_run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, object] | None:
    """The `raw.ingest_runs` row of a run, as a dict."""
    frame = con.sql("SELECT * FROM raw.ingest_runs WHERE run_id = ?", params=[run_id]).pl()
    return frame.row(0, named=True) if frame.height else None


def latest_ingest_run(con: duckdb.DuckDBPyConnection) -> dict[str, object] | None:
    frame = con.sql("SELECT * FROM raw.ingest_runs ORDER BY ingested_at DESC, run_id LIMIT 1").pl()
    return frame.row(0, named=True) if frame.height else None


# -- extract -----------------------------------------------------------------------------------


def extraction_mark(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The latest `ingested_at` the last complete extraction with this EXTRACTOR_VERSION saw; None
    (every document must be read) on a first run, a new version, or rebuilt extract tables."""
    rows = con.execute(
        "SELECT ingested_through FROM extract.mark WHERE extractor_version = ?", [EXTRACTOR_VERSION]
    ).fetchall()
    return rows[0][0] if rows else None


def ingested_through(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The latest `ingested_at` (what an extraction starting now will have seen)."""
    return _scalars(con, "SELECT max(ingested_at) FROM raw.documents")[0]


def save_extraction_mark(con: duckdb.DuckDBPyConnection, mark: datetime | None) -> None:
    """Record a complete extraction that saw the documents stamped up to `mark`."""
    con.begin()
    try:
        con.execute("DELETE FROM extract.mark")
        if mark is not None:
            con.execute("INSERT INTO extract.mark VALUES (?, ?, ?)", [EXTRACTOR_VERSION, mark, now()])
        con.commit()
    except BaseException:
        con.rollback()
        raise


def one_processed_row_each(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether there are as many processed rows as documents. After a complete extraction each
    document has one, so a difference means orphans (rows of removed documents) or missed ones.
    Both counts come from table metadata: no scan."""
    (n_documents,) = _scalars(con, "SELECT count(*) FROM raw.documents")
    (n_processed,) = _scalars(con, "SELECT count(*) FROM extract.processed")
    return n_documents == n_processed


# Documents without a processed row for their text and this extractor (parameter: the version)
_PENDING = (
    "SELECT k.rowid AS row, k.doc_id FROM raw.documents k ANTI JOIN extract.processed p "
    "ON p.doc_id = k.doc_id AND p.content_sha256 = k.content_sha256 AND p.extractor_version = ?"
)
# ...among those stamped since a time, against the rows processed since (parameters: the time,
# the version, the time)
_PENDING_SINCE = (
    "SELECT k.rowid AS row, k.doc_id FROM raw.documents k "
    "ANTI JOIN (SELECT * FROM extract.processed WHERE processed_at >= ?) p "
    "ON p.doc_id = k.doc_id AND p.content_sha256 = k.content_sha256 AND p.extractor_version = ? "
    "WHERE k.ingested_at >= ?"
)
# ...of some document shards (parameters: the version, the shards): `partitions.shard_of` in SQL
_PENDING_IN_SHARDS = _PENDING + " WHERE list_contains(?, substr(md5(k.doc_id), 1, 1))"


def pending_batches(
    con: duckdb.DuckDBPyConnection,
    batch_size: int,
    since: datetime | None = None,
    shards: Sequence[str] | None = None,
) -> Iterator[pl.DataFrame]:
    """Documents not yet extracted with this EXTRACTOR_VERSION at their current text, in batches.

    With `since` (`extraction_mark`), only documents stamped since then can be pending, and only
    processed rows written since then can match them: both tables are appended in stamp order, so
    DuckDB's zone maps skip the row groups of the rest of the history. Without it, every row is read.
    With `shards` (`orchestration.partitions`), only the documents of those shards (not with `since`).
    Streamed from a cursor of its own, so only one batch is in memory and `con` stays free to
    write each batch's extraction meanwhile (the cursor reads the snapshot it started with).
    """
    cols = ", ".join(f"d.{_ident(c)}" for c in DOCUMENTS)
    # The pending rows first (keys only: the anti join reads both tables, so once), then
    # their documents within those rows' rowid range: new and changed documents are appended, so
    # the range skips the row groups, and the texts, of the rest (a filter on doc_id alone read
    # every text: 1.5 s at 1M documents).
    if shards is not None and since is not None:
        raise ValueError("pending_batches: a mark is for every shard; pass shards or since, not both")
    if shards is not None:
        pending = con.sql(_PENDING_IN_SHARDS, params=[EXTRACTOR_VERSION, list(shards)])
    elif since is not None:
        pending = con.sql(_PENDING_SINCE, params=[since, EXTRACTOR_VERSION, since])
    else:
        pending = con.sql(_PENDING, params=[EXTRACTOR_VERSION])
    pending = pending.pl()
    if pending.is_empty():
        return
    reader = con.cursor()
    try:
        reader.register("pending_docs", pending.select("doc_id").to_arrow())
        stream = reader.sql(
            f"SELECT {cols} FROM raw.documents d WHERE d.rowid BETWEEN ? AND ? "
            "AND d.doc_id IN (SELECT doc_id FROM pending_docs)",
            params=[pending["row"].min(), pending["row"].max()],
        ).to_arrow_reader(batch_size)
        for batch in stream:
            if batch.num_rows:
                yield pl.from_arrow(batch)  # type: ignore[misc]
    finally:
        reader.close()


def remove_orphans(con: duckdb.DuckDBPyConnection) -> int:
    """Delete extract rows of documents no longer in raw.documents; return how many docs."""
    (orphans,) = _scalars(
        con, "SELECT count(*) FROM extract.processed WHERE doc_id NOT IN (SELECT doc_id FROM raw.documents)"
    )
    if not orphans:  # extract rows exist only with a processed row, so there is nothing to delete
        return 0
    con.begin()
    try:
        for table in EXTRACT_TABLES:
            con.execute(
                f"DELETE FROM {_qualified('extract', table)} "
                "WHERE doc_id NOT IN (SELECT doc_id FROM raw.documents)"
            )
        _log_withdrawal(con, "documents removed", int(orphans))
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return int(orphans)


def write_extraction(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    documents: pl.DataFrame,
    tables: Mapping[str, pl.DataFrame],
) -> dict[str, int]:
    """Replace the extract rows of `documents` with `tables`; return rows written per table."""
    stamp = now()
    conformed = {
        name: conform(tables[name].with_columns(processed_at=pl.lit(stamp)), cols, f"extract table {name!r}")
        for name, cols in FACT_TABLES.items()
    }
    processed = documents.select(
        "doc_id",
        "content_sha256",
        pl.lit(EXTRACTOR_VERSION).alias("extractor_version"),
        pl.lit(stamp).cast(TIMESTAMP).alias("processed_at"),
        pl.lit(run_id).alias("run_id"),
    )
    written: dict[str, int] = {}
    con.begin()
    try:
        _register(con, "batch_ids", documents.select("doc_id"))
        # A document has extract rows only along with its processed row (they are written and
        # deleted together), so new documents (all of a first run) need no delete scans.
        (n_seen,) = _scalars(
            con, "SELECT count(*) FROM extract.processed WHERE doc_id IN (SELECT doc_id FROM batch_ids)"
        )
        for table in EXTRACT_TABLES if n_seen else ():
            con.execute(
                f"DELETE FROM {_qualified('extract', table)} WHERE doc_id IN (SELECT doc_id FROM batch_ids)"
            )
        if n_seen:
            _log_withdrawal(con, "documents extracted again", int(n_seen))
        for table, frame in (*conformed.items(), ("processed", processed)):
            _register(con, "batch_rows", frame)
            con.execute(f"INSERT INTO {_qualified('extract', table)} BY NAME SELECT * FROM batch_rows")
            con.unregister("batch_rows")
            written[table] = frame.height
        con.unregister("batch_ids")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return written


@dataclass(frozen=True)
class Scope:
    """The rows a check validates: a query, its parameters, and what they are."""

    sql: str
    params: tuple[object, ...]
    label: str

    def sample(self, rows: int) -> Scope:
        """A fixed random sample of `rows` of them (the same rows on every call)."""
        return Scope(
            f"SELECT * FROM ({self.sql}) USING SAMPLE reservoir({int(rows)} ROWS) REPEATABLE (1)",
            self.params,
            f"sample of {rows} {self.label}",
        )

    def count(self, con: duckdb.DuckDBPyConnection) -> int:
        return int(_scalars(con, f"SELECT count(*) FROM ({self.sql})", list(self.params))[0])

    def frames(self, con: duckdb.DuckDBPyConnection, batch_size: int) -> Iterator[pl.DataFrame]:
        """The rows in frames of at most `batch_size`; one empty frame (with the columns) if none."""
        reader = con.sql(self.sql, params=list(self.params)).to_arrow_reader(batch_size)
        empty = True
        for batch in reader:
            if batch.num_rows:
                empty = False
                yield pl.from_arrow(batch)  # type: ignore[misc]
        if empty:
            yield pl.from_arrow(reader.schema.empty_table())  # type: ignore[misc]


def run_scope(con: duckdb.DuckDBPyConnection, schema: str, table: str, run_id: str, limit_full: int) -> Scope:
    """What a check of `schema.table` validates: the whole table when it has at most `limit_full`
    rows, else the rows `run_id` wrote."""
    target = _qualified(schema, table)
    if count_rows(con, schema, table) <= limit_full:
        return Scope(f"SELECT * FROM {target}", (), "all rows")
    if schema in ("extract", "marts"):  # marts: the facts of the documents this run extracted
        run_docs = "doc_id IN (SELECT doc_id FROM extract.processed WHERE run_id = ?)"
        columns = dict(_columns_in_db(con, schema, table))
        # Rows are appended, so a literal lower bound on a stamp lets DuckDB skip the row groups of
        # older documents by their min/max, which a doc_id filter alone reads whole (each scope is
        # read several times: counted, checked in SQL, sampled for GX). The bound is the earliest
        # stamp of the run's documents: every row carries its document's processed_at; documents
        # (marts.documents) carry ingested_at, older for those extracted again.
        if "processed_at" in columns:
            stamp = "processed_at"
            bound = "SELECT min(processed_at) FROM extract.processed WHERE run_id = ?"
        else:
            stamp = "ingested_at"
            bound = f"SELECT min(ingested_at) FROM {target} WHERE " + run_docs
        if stamp in columns:
            (since,) = _scalars(con, bound, [run_id])
            if since is not None:
                sql = f"SELECT * FROM {target} WHERE {stamp} >= ? AND " + run_docs
                return Scope(sql, (since, run_id), "rows written by this run")
        return Scope(f"SELECT * FROM {target} WHERE " + run_docs, (run_id,), "rows written by this run")
    stamp_col = "ingested_at" if table == "documents" else "seen_at"
    sql = (
        f"SELECT * FROM {target} WHERE {_ident(stamp_col)} = "
        "(SELECT ingested_at FROM raw.ingest_runs WHERE run_id = ?)"
    )
    return Scope(sql, (run_id,), "rows written by this run")
