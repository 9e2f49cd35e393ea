"""Collapse duplicates among documents, keeping the first in input order.

Input order is the sorted order of relative paths, then record order within a file; "first"
means first in that order. Documents already kept before (`prior`: earlier batches of a streamed
run, or the warehouse's documents from files a run did not re-read) come before all of them.
In turn:
1. same_content: an input with the same doc_id and the same text as an earlier one;
2. same_id: the doc_id was already kept with a different text (e.g. a feed re-exported an
   article after an edit): the first is kept, the later one listed;
3. same_content: the text (content_sha256) is already kept under another doc_id.
Doing (2) before (3) means a dropped same_id document never hides another input's text.
"""

from __future__ import annotations

import polars as pl

from ingest.schema import DUPLICATES

KEYS = ("doc_id", "content_sha256")


def deduplicate(documents: pl.DataFrame, prior: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (kept documents, duplicates rows), both in input order.

    `prior` (columns doc_id, content_sha256) holds documents kept earlier; they are never
    dropped and never listed, but a document repeating one of them is a duplicate.
    """
    # Only the keys take part, so the texts are never copied; prior rows get negative row numbers.
    n_prior = 0 if prior is None else prior.height
    keys = documents.select(*KEYS, "source_ref").with_row_index("_row").with_columns(pl.col("_row").cast(pl.Int64))
    if n_prior:
        earlier = prior.select(*KEYS).with_columns(
            source_ref=pl.lit(None, pl.String), _row=pl.int_range(-n_prior, 0, dtype=pl.Int64)
        )
        keys = pl.concat([earlier, keys], how="diagonal")
    repeat = ~pl.struct(*KEYS).is_first_distinct()
    exact, frame = keys.filter(repeat), keys.filter(~repeat)
    same_id, frame = (frame.filter(~pl.col("doc_id").is_first_distinct()),
                      frame.filter(pl.col("doc_id").is_first_distinct()))
    kept_for = frame.group_by("content_sha256").agg(pl.col("doc_id").sort_by("_row").first().alias("_kept"))
    frame = frame.join(kept_for, on="content_sha256", how="left")
    same_content, kept = (frame.filter(pl.col("doc_id") != pl.col("_kept")),
                          frame.filter(pl.col("doc_id") == pl.col("_kept")))
    duplicates = pl.concat([
        exact.select("_row", "source_ref", "doc_id", duplicate_of="doc_id", reason=pl.lit("same_content")),
        same_id.select("_row", "source_ref", "doc_id", duplicate_of="doc_id", reason=pl.lit("same_id")),
        same_content.select("_row", "source_ref", "doc_id", duplicate_of="_kept", reason=pl.lit("same_content")),
    ]).filter(pl.col("_row") >= 0).sort("_row").select(list(DUPLICATES)).cast(DUPLICATES)  # type: ignore[arg-type]
    kept_rows = kept.filter(pl.col("_row") >= 0).get_column("_row")
    kept_docs = (
        documents.with_row_index("_row")
        .filter(pl.col("_row").cast(pl.Int64).is_in(kept_rows.implode()))
        .drop("_row")
    )
    return kept_docs, duplicates
