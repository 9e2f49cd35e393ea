"""Ingest at scale: big files are bounded and fast, record files are read vectorised in batches."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest

import ingest

PARAGRAPH = ("Air strikes killed at least 12 civilians in the town of Maaret Hourmeh in southern Idlib on "
             "Tuesday, a war monitor said, and the toll was likely to rise.\n\n")


def check(result: ingest.IngestResult) -> ingest.IngestResult:
    assert result.n_inputs == len(result.documents) + len(result.quarantine) + len(result.duplicates)
    return result


def records(n: int) -> pl.DataFrame:
    """n distinct articles, a few with mojibake, built in polars."""
    ids = pl.int_range(0, n, eager=True)
    body = pl.lit("Air strikes killed ") + ids.cast(pl.String) + pl.lit(
        " civilians in Idlib on Tuesday, a war monitor said, and the toll was likely to rise.\r\n\r\n"
        "The observatory said the strikes were carried out by warplanes.")
    frame = pl.DataFrame({"id": ids}).with_columns(
        title=pl.lit("Strikes in Idlib ") + pl.col("id").cast(pl.String),
        text=pl.when(pl.col("id") % 1000 == 0).then(body + pl.lit(" The regimeâ€™s jets.")).otherwise(body),
        source=pl.lit("wire"),
        published_at=pl.lit("2019-05-21"),
    )
    return frame


def test_records_in_batches_match_read_source(tmp_path: Path) -> None:
    records(2_500).write_parquet(tmp_path / "r.parquet")
    batches = list(ingest.iter_batches(tmp_path, batch_size=1_000))
    assert [b.n_inputs for b in batches] == [1_000, 1_000, 500]
    whole = check(ingest.read_source(tmp_path))
    assert len(whole.documents) == 2_500
    assert pl.concat([b.documents for b in batches]).equals(whole.documents)
    assert whole.documents.filter(pl.col("doc_id") == "1000")["text"][0].endswith("The regime's jets.")


def test_parquet_batches_do_not_keep_earlier_row_groups_in_memory(tmp_path: Path) -> None:
    """Reading a Parquet file batch by batch holds about one batch, however many were read.
    pyarrow's default pre-buffering kept what it had read (in ~32 MB reads) until the file was
    closed: 560 MB more at the end of the bench's 1M-article file than after its first batch."""
    n, group = 48_000, 2_000
    noise = pl.concat_str([pl.int_range(0, n).add(i).hash(i).cast(pl.String) for i in range(64)], separator=" ")
    # ~60 MB uncompressed, so that its size on disk is what a reader could keep
    records(n).with_columns(text=pl.col("text") + " " + noise).write_parquet(
        tmp_path / "r.parquet", compression="uncompressed", row_group_size=group
    )
    file_mb = (tmp_path / "r.parquet").stat().st_size / 2**20
    held = []
    for batch in ingest.iter_batches(tmp_path, batch_size=group):
        check(batch)
        del batch
        held.append(pa.total_allocated_bytes() / 2**20)
    assert len(held) == n // group and file_mb > 50
    assert max(held) - held[0] < file_mb / 4, (file_mb, held)


def test_large_csv_streams_past_the_in_memory_limit(tmp_path: Path) -> None:
    records(3_000).write_csv(tmp_path / "big.csv")
    small_limit = (tmp_path / "big.csv").stat().st_size // 10  # forces the streaming reader
    batches = list(ingest.iter_batches(tmp_path, batch_size=1_000, max_file_bytes=small_limit))
    assert all(b.n_inputs <= 1_000 for b in batches) and sum(b.n_inputs for b in batches) == 3_000
    whole = check(ingest.read_source(tmp_path, max_file_bytes=small_limit))
    assert len(whole.documents) == 3_000 and whole.quarantine.is_empty()
    assert whole.documents["text"][0].startswith("Strikes in Idlib 0\n\nAir strikes killed 0 civilians")


@pytest.mark.slow
def test_fifty_megabyte_text_file_is_fast(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("A very long wire dump\n\n")
        for _ in range(50 * 2**20 // len(PARAGRAPH) + 1):
            handle.write(PARAGRAPH)
    assert path.stat().st_size > 50 * 2**20
    started = time.perf_counter()
    result = check(ingest.read_source(path))
    elapsed = time.perf_counter() - started
    assert len(result.documents) == 1 and result.documents["title"][0] == "A very long wire dump"
    assert elapsed < 30, f"50 MB text file took {elapsed:.1f}s"


@pytest.mark.slow
def test_million_row_csv_is_vectorised(tmp_path: Path) -> None:
    records(1_000_000).write_csv(tmp_path / "million.csv")
    started = time.perf_counter()
    n_docs = n_inputs = 0
    for batch in ingest.iter_batches(tmp_path / "million.csv", batch_size=250_000):
        check(batch)
        n_docs += len(batch.documents)
        n_inputs += batch.n_inputs
    elapsed = time.perf_counter() - started
    assert n_inputs == 1_000_000 and n_docs == 1_000_000
    assert elapsed < 240, f"1M-row CSV took {elapsed:.1f}s"
