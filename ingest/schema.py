"""Column schemas of what ingest hands to the warehouse (`raw` schema)."""

from __future__ import annotations

import polars as pl

DOCUMENTS: dict[str, pl.DataType] = {
    "doc_id": pl.String,  # the input's own id; for files the path relative to the source root
    "source": pl.String,  # outlet / publisher, when the input says
    "url": pl.String,
    "title": pl.String,
    "published_date": pl.Date,
    "text": pl.String,  # cleaned text the extractor reads: title as first paragraph, then body
    "n_chars": pl.Int64,
    "content_sha256": pl.String,  # sha256 of `text`
    "source_ref": pl.String,  # file path relative to root, or "path#record N"
    "format": pl.String,  # txt|html|md|json|jsonl|csv|parquet
}

QUARANTINE: dict[str, pl.DataType] = {
    "source_ref": pl.String,
    "reason": pl.String,  # short machine-readable reason, e.g. "empty", "binary", "too_large"
    "detail": pl.String,  # a sentence a user understands
}

DUPLICATES: dict[str, pl.DataType] = {
    "source_ref": pl.String,
    "doc_id": pl.String,
    "duplicate_of": pl.String,  # doc_id of the document that was kept
    "reason": pl.String,  # "same_content" | "same_id"
}
