"""Collapse duplicates among documents, keeping the first in input order.

Input order is the sorted order of relative paths, then record order within a file; "first"
means first in that order. In turn:
1. same_content: an input with the same doc_id and the same text as an earlier one;
2. same_id: the doc_id was already kept with a different text (e.g. a feed re-exported an
   article after an edit): the first is kept, the later one listed;
3. same_content: the text (content_sha256) is already kept under another doc_id.
Doing (2) before (3) means a dropped same_id document never hides another input's text.
"""

from __future__ import annotations

import polars as pl

from ingest.schema import DUPLICATES


def deduplicate(documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (kept documents, duplicates rows), both in input order."""
    frame = documents.with_row_index("_row")
    repeat = ~pl.struct("doc_id", "content_sha256").is_first_distinct()
    exact, frame = frame.filter(repeat), frame.filter(~repeat)
    same_id, frame = (frame.filter(~pl.col("doc_id").is_first_distinct()),
                      frame.filter(pl.col("doc_id").is_first_distinct()))
    kept_for = frame.group_by("content_sha256").agg(pl.col("doc_id").sort_by("_row").first().alias("_kept"))
    frame = frame.join(kept_for, on="content_sha256", how="left").sort("_row")
    same_content, kept = (frame.filter(pl.col("doc_id") != pl.col("_kept")),
                          frame.filter(pl.col("doc_id") == pl.col("_kept")))
    duplicates = pl.concat([
        exact.select("_row", "source_ref", "doc_id", duplicate_of="doc_id", reason=pl.lit("same_content")),
        same_id.select("_row", "source_ref", "doc_id", duplicate_of="doc_id", reason=pl.lit("same_id")),
        same_content.select("_row", "source_ref", "doc_id", duplicate_of="_kept", reason=pl.lit("same_content")),
    ]).sort("_row").select(list(DUPLICATES)).cast(DUPLICATES)  # type: ignore[arg-type]
    return kept.select(documents.columns), duplicates
