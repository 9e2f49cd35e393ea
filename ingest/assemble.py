"""From raw rows (title and body as found) to documents and quarantine rows, vectorised.

Every reader produces `Piece`s: a raw frame (schema `RAW`), the problems it found, and how many
inputs it covered. `finalize` cleans titles and bodies for a whole batch at once, composes the
text the extractor reads, hashes it, and sets aside empty and non-English texts.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from ingest.clean import clean_texts, clean_titles
from ingest.files import Problem
from ingest.language import not_english
from ingest.schema import DOCUMENTS, QUARANTINE

RAW: dict[str, pl.DataType] = {
    "doc_id": pl.String,
    "source": pl.String,
    "url": pl.String,
    "title": pl.String,
    "body": pl.String,
    "published_date": pl.Date,
    "source_ref": pl.String,
    "format": pl.String,
}
RECORD_FORMATS = ("json", "jsonl", "csv", "parquet")
MIN_SHARD_ROWS = 5_000  # below this a thread costs more than it saves


@dataclass
class Piece:
    """Part of a source: raw rows to finalize, problems found, and the inputs both account for."""

    raw: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=RAW))
    problems: list[Problem] = field(default_factory=list)
    n_inputs: int = 0


def raw_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=RAW, orient="row") if rows else pl.DataFrame(schema=RAW)


def problems_frame(problems: list[Problem]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_ref": [p.source_ref for p in problems],
            "reason": [p.reason for p in problems],
            "detail": [p.detail for p in problems],
        },
        schema=QUARANTINE,
    )


def finalize(raw: pl.DataFrame, workers: int | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Clean and compose; return (documents, quarantine) in the input's row order.

    Rows are independent, so a large frame is cut into `workers` shards (default: one per core)
    finalized in threads: polars and DuckDB release the GIL, and one string kernel runs on one core.
    """
    workers = workers or os.cpu_count() or 1
    n_shards = max(1, min(workers, raw.height // MIN_SHARD_ROWS))
    if n_shards == 1:
        return _finalize(raw)
    size = -(-raw.height // n_shards)
    with ThreadPoolExecutor(n_shards) as pool:
        parts = list(pool.map(_finalize, [raw.slice(i * size, size) for i in range(n_shards)]))
    return pl.concat([d for d, _ in parts]), pl.concat([q for _, q in parts])


def _finalize(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    if raw.is_empty():
        return pl.DataFrame(schema=DOCUMENTS), pl.DataFrame(schema=QUARANTINE)
    body = clean_texts(raw.get_column("body"))
    # A cleaned text's whitespace runs are one space, one tab or newlines (clean.clean_texts),
    # so its first line is a single line once tabs are spaces: no regex over every article.
    first_line = body.str.split_exact("\n", 1).struct.field("field_0").str.replace_all("\t", " ", literal=True)
    title = clean_titles(raw.get_column("title"))
    # A plain-text or Markdown file without a heading is titled by its first line.
    title = pl.select(
        pl.when((pl.lit(title) == "") & pl.lit(raw.get_column("format")).is_in(["txt", "md"]))
        .then(pl.lit(first_line))
        .otherwise(pl.lit(title))
    ).to_series()
    frame = raw.with_columns(body=body, title=title, _first_line=first_line).with_columns(
        text=pl.when(
            (pl.col("title") == "")
            | pl.col("body").str.starts_with(pl.col("title"))
            | pl.col("_first_line").str.starts_with(pl.col("title"))
        )
        .then(pl.col("body"))
        .otherwise(pl.concat_str(pl.col("title"), pl.lit("\n\n"), pl.col("body")))
    )
    is_record = pl.col("format").is_in(RECORD_FORMATS)
    frame = frame.with_columns(_not_english=not_english(frame.get_column("text"))).with_columns(
        reason=pl.when(pl.col("body") == "").then(pl.lit("empty"))
        .when(pl.col("_not_english")).then(pl.lit("not_english")),
    ).with_columns(
        detail=pl.when(pl.col("reason") == "empty").then(
            pl.when(is_record).then(pl.format("Record {} has no text in its text column.", "source_ref"))
            .otherwise(pl.format("{} has no text left once control and zero-width characters are removed.",
                                 "source_ref"))
        ).when(pl.col("reason") == "not_english").then(pl.format(
            "{} does not look like English (its letters are mostly non-Latin, or English function words "
            "are rare in it); the extractor reads English only.", "source_ref"))
    )
    quarantine = frame.filter(pl.col("reason").is_not_null()).select(list(QUARANTINE))
    kept = frame.filter(pl.col("reason").is_null())
    documents = kept.with_columns(
        title=pl.when(pl.col("title") == "").then(None).otherwise(pl.col("title")),
        n_chars=pl.col("text").str.len_chars().cast(pl.Int64),
        content_sha256=sha256_hex(kept.get_column("text")),
        **{c: pl.col(c).str.strip_chars().replace("", None) for c in ("doc_id", "source", "url")},
    ).select([pl.col(c).cast(t) for c, t in DOCUMENTS.items()])
    return documents, quarantine.cast(QUARANTINE)  # type: ignore[arg-type]


def sha256_hex(texts: pl.Series) -> pl.Series:
    """sha256 of each string's UTF-8 bytes, hex; computed by DuckDB so no Python loop."""
    with duckdb.connect() as con:  # private in-memory connection: safe from any thread
        con.register("texts", pl.DataFrame({"t": texts}))
        hashed = con.sql("SELECT sha256(t) AS h FROM texts").pl().get_column("h")
    return hashed.cast(pl.String)
