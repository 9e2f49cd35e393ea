"""Streamed, incremental ingest: read only the source files that changed, batch by batch.

* Every source file read is fingerprinted in `raw.source_files` (size, mtime_ns, and how its
  inputs were accounted for). A later run skips a file whose fingerprint is unchanged: it is not
  opened, and its rows in `raw.*` stay as they are. Its inputs still count in the run's
  accounting (from `raw.source_files`), so `raw.ingest_runs` describes the whole source.
* A skipped file is read again anyway when one of its duplicates points at a document of a file
  being re-read (that document may have changed or gone, so the duplicate may now be a document).
* Files are read in batches (`ingest.read_batches`) and each batch is written on its own, so
  memory stays flat as the source grows. The next batch is read and cleaned in a thread while
  the current one is written (`read_ahead`). Deduplication across batches uses the documents kept
  earlier in the run and those of skipped files as `prior`: a document already in the warehouse
  from an unchanged file stays the kept one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

import ingest
from ingest.dedup import deduplicate
from orchestration import tables

# Inputs read at once. At FA-KES sizes (2 KB a text) a batch is ~100 MB of text; cleaning it
# takes a few copies of that, and `read_ahead` holds two batches (one cleaned, one being written).
BATCH_SIZE = 50_000

# The file a source_ref belongs to: `path`, `path#record N` or `path#line N` (ingest.records).
_REF_SUFFIX = r"#(record|line) [0-9]+$"
COUNTS = ("n_inputs", "n_documents", "n_quarantined", "n_duplicates")
T = TypeVar("T")


def file_of(source_ref: pl.Expr) -> pl.Expr:
    return source_ref.str.replace(_REF_SUFFIX, "")


def fingerprints(inputs: Sequence[ingest.Input]) -> pl.DataFrame:
    """relpath, size, mtime_ns of every input that is a readable file (others are always re-read)."""
    rows = []
    for item in inputs:
        if item.fmt is None:
            continue
        try:
            stat = item.path.stat()
        except OSError:
            continue
        rows.append((item.relpath, stat.st_size, stat.st_mtime_ns))
    return pl.DataFrame(rows, schema={"relpath": pl.String, "size": pl.Int64, "mtime_ns": pl.Int64}, orient="row")


def unchanged_files(con: duckdb.DuckDBPyConnection, source: str, fmt: str, found: pl.DataFrame) -> set[str]:
    """Files whose fingerprint matches the last read, minus those that must be re-read."""
    con.register("found_files", found.to_arrow())
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE skipped_files AS SELECT f.relpath FROM found_files f "
            "JOIN raw.source_files s ON s.relpath = f.relpath AND s.size = f.size AND s.mtime_ns = f.mtime_ns "
            "WHERE s.source = ? AND s.format = ?",
            [source, fmt],
        )
    finally:
        con.unregister("found_files")
    # Duplicates in a skipped file that point at a document of a re-read file (or at none):
    # re-read their file too, until nothing changes.
    while True:
        ((moved,),) = con.execute(
            "DELETE FROM skipped_files WHERE relpath IN ("
            "  SELECT regexp_replace(x.source_ref, ?, '') FROM raw.duplicates x "
            "  LEFT JOIN raw.documents d ON d.doc_id = x.duplicate_of "
            "  WHERE d.doc_id IS NULL OR regexp_replace(d.source_ref, ?, '') NOT IN (SELECT relpath FROM skipped_files))",
            [_REF_SUFFIX, _REF_SUFFIX],
        ).fetchall()
        if not moved:
            break
    return {relpath for (relpath,) in con.execute("SELECT relpath FROM skipped_files").fetchall()}


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """`items`, the next one produced in a thread while the caller works on the current one.

    Reading and cleaning a batch is polars (and a little ftfy), writing it is DuckDB; both
    release the GIL, so the two overlap on two cores. At most two batches are held at once.
    """
    done = object()
    with ThreadPoolExecutor(1, thread_name_prefix="ingest-read-ahead") as pool:
        ahead = pool.submit(next, items, done)
        while (item := ahead.result()) is not done:
            ahead = pool.submit(next, items, done)
            yield item  # type: ignore[misc]


def _prior(con: duckdb.DuckDBPyConnection, documents: pl.DataFrame) -> pl.DataFrame:
    """Documents kept before this batch that share an id or a text with it."""
    con.register("batch_keys", documents.select("doc_id", "content_sha256").to_arrow())
    try:
        return con.sql(
            "WITH hit AS (SELECT doc_id, content_sha256, source_ref FROM raw.documents "
            "  WHERE doc_id IN (SELECT doc_id FROM batch_keys) "
            "  OR content_sha256 IN (SELECT content_sha256 FROM batch_keys)) "
            "SELECT doc_id, content_sha256 FROM run_kept "
            "WHERE doc_id IN (SELECT doc_id FROM batch_keys) "
            "OR content_sha256 IN (SELECT content_sha256 FROM batch_keys) "
            "UNION ALL SELECT doc_id, content_sha256 FROM hit "
            "WHERE regexp_replace(source_ref, ?, '') IN (SELECT relpath FROM skipped_files)",
            params=[_REF_SUFFIX],
        ).pl()
    finally:
        con.unregister("batch_keys")


def _file_counts(documents: pl.DataFrame, quarantine: pl.DataFrame, duplicates: pl.DataFrame) -> pl.DataFrame:
    parts = [
        frame.select(relpath=file_of(pl.col("source_ref")), kind=pl.lit(kind))
        for frame, kind in ((documents, "n_documents"), (quarantine, "n_quarantined"), (duplicates, "n_duplicates"))
    ]
    return pl.concat(parts).group_by("relpath", "kind").len()


def ingest_source(
    con: duckdb.DuckDBPyConnection, *, run_id: str, source: Path, fmt: str, batch_size: int = BATCH_SIZE
) -> tables.IngestCounts:
    """Read the source's new and changed files into `raw.*`; record the run in `raw.ingest_runs`."""
    stamp = tables.ingest_stamp(con)
    source_key = str(source)
    if fmt not in ingest.FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(ingest.FORMATS)}")
    inputs = list(ingest.discover(source, fmt))
    found = fingerprints(inputs)
    skipped = unchanged_files(con, source_key, fmt, found)
    con.execute("CREATE OR REPLACE TEMP TABLE run_kept (doc_id VARCHAR, content_sha256 VARCHAR)")

    n_inputs = n_new = n_changed = n_removed = 0
    per_file: list[pl.DataFrame] = []
    to_read = [item for item in inputs if item.relpath not in skipped]
    for batch in read_ahead(ingest.read_batches(to_read, batch_size, dedupe=False)):
        kept, duplicates = deduplicate(batch.documents, _prior(con, batch.documents))
        new, changed, removed = tables.write_ingest_batch(
            con, stamp=stamp, documents=kept, quarantine=batch.quarantine, duplicates=duplicates
        )
        con.register("batch_kept", kept.select("doc_id", "content_sha256").to_arrow())
        con.execute("INSERT INTO run_kept SELECT * FROM batch_kept")
        con.unregister("batch_kept")
        n_inputs, n_new, n_changed, n_removed = (
            n_inputs + batch.n_inputs, n_new + new, n_changed + changed, n_removed + removed
        )
        per_file.append(_file_counts(kept, batch.quarantine, duplicates))

    counts = (
        pl.concat(per_file).group_by("relpath", "kind").agg(pl.col("len").sum())
        .pivot("kind", index="relpath", values="len")
        if per_file else pl.DataFrame(schema={"relpath": pl.String})
    )
    read = found.filter(~pl.col("relpath").is_in(list(skipped))).join(counts, on="relpath", how="left")
    read = read.with_columns(
        *(pl.col(c).fill_null(0).cast(pl.Int64) if c in read.columns else pl.lit(0, pl.Int64).alias(c)
          for c in COUNTS[1:])
    ).with_columns(n_inputs=pl.sum_horizontal(*COUNTS[1:]))
    carried = _record_files(con, source_key, fmt, run_id, stamp, found, read)
    totals = counts.select(pl.sum(c) if c in counts.columns else pl.lit(0).alias(c) for c in COUNTS[1:]).row(0)
    result = tables.IngestCounts(
        n_inputs=n_inputs + carried["n_inputs"],
        n_documents=int(totals[0] or 0) + carried["n_documents"],
        n_quarantined=int(totals[1] or 0) + carried["n_quarantined"],
        n_duplicates=int(totals[2] or 0) + carried["n_duplicates"],
        n_new=n_new,
        n_changed=n_changed,
        n_removed=n_removed,
        n_files_read=len(to_read),
        n_files_skipped=len(skipped),
    )
    tables.record_ingest_run(con, run_id=run_id, source=source_key, fmt=fmt, stamp=stamp, counts=result)
    return result


def record_unread_source(con: duckdb.DuckDBPyConnection, *, run_id: str, source: Path, fmt: str) -> tables.IngestCounts:
    """Record a run that does not read the source (a run of some document shards): an ingest run
    with nothing in it, stamped now, so that the run's own work is told apart from earlier runs'."""
    counts = tables.IngestCounts(
        n_inputs=0, n_documents=0, n_quarantined=0, n_duplicates=0, n_new=0, n_changed=0, n_removed=0
    )
    stamp = tables.ingest_stamp(con)
    tables.record_ingest_run(con, run_id=run_id, source=str(source), fmt=fmt, stamp=stamp, counts=counts)
    return counts


def _record_files(
    con: duckdb.DuckDBPyConnection,
    source: str,
    fmt: str,
    run_id: str,
    stamp: object,
    found: pl.DataFrame,
    read: pl.DataFrame,
) -> dict[str, int]:
    """Store the fingerprints of the files read; return the counts carried over from skipped ones."""
    rows = read.select(
        source=pl.lit(source),
        format=pl.lit(fmt),
        relpath="relpath",
        size="size",
        mtime_ns="mtime_ns",
        **{c: c for c in COUNTS},
        run_id=pl.lit(run_id),
        read_at=pl.lit(stamp).cast(tables.TIMESTAMP),
    )
    rows = tables.conform(rows, tables.RAW_TABLES["source_files"], "source files")
    con.begin()
    try:
        con.register("read_files", rows.to_arrow())
        con.register("found_files", found.select("relpath").to_arrow())
        # Files no longer under the source are forgotten; re-read ones replaced.
        con.execute(
            "DELETE FROM raw.source_files WHERE source = ? AND format = ? AND (relpath NOT IN "
            "(SELECT relpath FROM found_files) OR relpath IN (SELECT relpath FROM read_files))",
            [source, fmt],
        )
        con.execute("INSERT INTO raw.source_files BY NAME SELECT * FROM read_files")
        (sums,) = con.execute(
            "SELECT coalesce(sum(n_inputs), 0), coalesce(sum(n_documents), 0), coalesce(sum(n_quarantined), 0), "
            "coalesce(sum(n_duplicates), 0) FROM raw.source_files "
            "WHERE source = ? AND format = ? AND relpath IN (SELECT relpath FROM skipped_files)",
            [source, fmt],
        ).fetchall()
        con.unregister("read_files")
        con.unregister("found_files")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return dict(zip(COUNTS, (int(v) for v in sums), strict=True))
