"""`read_source`, `iter_batches` and `read_batches`: walk a source, read every input, account for each one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from ingest.assemble import Piece, finalize, problems_frame, raw_frame
from ingest.dedup import deduplicate
from ingest.discover import Input, discover
from ingest.documents import read_document
from ingest.files import Problem
from ingest.records import read_records
from ingest.schema import DOCUMENTS, DUPLICATES, QUARANTINE

FORMATS: tuple[str, ...] = ("auto", "txt", "md", "html", "json", "jsonl", "csv", "parquet", "fakes")
_DOCUMENT_FORMATS = ("txt", "md", "html")
DEFAULT_MAX_FILE_BYTES = 64 * 2**20


@dataclass(frozen=True)
class IngestResult:
    documents: pl.DataFrame  # ingest.schema.DOCUMENTS, one row per kept document
    quarantine: pl.DataFrame  # ingest.schema.QUARANTINE
    duplicates: pl.DataFrame  # ingest.schema.DUPLICATES
    n_inputs: int  # == len(documents) + len(quarantine) + len(duplicates)


def read_source(source: str | Path, fmt: str = "auto", *,
                max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> IngestResult:
    """Everything under `source`, deduplicated across all inputs.

    `max_file_bytes` bounds what is read into memory whole: txt/md/html and .json files over it
    are quarantined as `too_large` without being read. CSV files over it are streamed by polars
    in batches instead (their invalid UTF-8 then becomes U+FFFD rather than being repaired);
    JSON Lines and Parquet are always streamed (a JSON line over the limit is `too_large`).
    """
    batches = list(iter_batches(source, fmt, max_file_bytes=max_file_bytes, dedupe=False))
    documents = pl.concat([b.documents for b in batches]) if batches else pl.DataFrame(schema=DOCUMENTS)
    kept, duplicates = deduplicate(documents)
    return IngestResult(
        documents=kept,
        quarantine=pl.concat([b.quarantine for b in batches]) if batches else pl.DataFrame(schema=QUARANTINE),
        duplicates=pl.concat([*(b.duplicates for b in batches), duplicates]) if batches else duplicates,
        n_inputs=sum(b.n_inputs for b in batches),
    )


def iter_batches(source: str | Path, fmt: str = "auto", batch_size: int = 100_000, *,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, dedupe: bool = True) -> Iterator[IngestResult]:
    """The same result as `read_source`, in batches of at most about `batch_size` inputs.

    Memory stays flat: large CSV/Parquet/JSON Lines files are read in slices. Each batch is
    deduplicated within itself only (not at all with `dedupe=False`); deduplicating across
    batches is the caller's job (`ingest.dedup.deduplicate` with the documents kept so far as
    `prior`, as the pipeline does, or on the concatenated documents).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    yield from read_batches(discover(Path(source), fmt), batch_size, max_file_bytes=max_file_bytes, dedupe=dedupe)


def read_batches(inputs: Iterable[Input], batch_size: int = 100_000, *,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, dedupe: bool = True) -> Iterator[IngestResult]:
    """`iter_batches` over given inputs (from `discover`), e.g. only those that changed since a run."""
    rows: list[dict[str, Any]] = []
    pending = Piece()
    for item in inputs:
        if item.fmt is None:
            pending.problems.append(Problem(item.relpath, item.reason or "unsupported_type", item.detail or ""))
            pending.n_inputs += 1
        elif item.fmt in _DOCUMENT_FORMATS:
            read = read_document(item, max_file_bytes)
            if isinstance(read, Problem):
                pending.problems.append(read)
            else:
                rows.append(read)
            pending.n_inputs += 1
        else:
            if pending.n_inputs:  # keep input order across batches: "first" matters to dedup
                yield _result(Piece(raw_frame(rows), pending.problems, pending.n_inputs), dedupe)
                rows, pending = [], Piece()
            for piece in read_records(item, max_file_bytes, batch_size):
                yield _result(piece, dedupe)
        if pending.n_inputs >= batch_size:
            yield _result(Piece(raw_frame(rows), pending.problems, pending.n_inputs), dedupe)
            rows, pending = [], Piece()
    if pending.n_inputs:
        yield _result(Piece(raw_frame(rows), pending.problems, pending.n_inputs), dedupe)


def _result(piece: Piece, dedupe: bool) -> IngestResult:
    documents, refused = finalize(piece.raw)
    kept, duplicates = deduplicate(documents) if dedupe else (documents, pl.DataFrame(schema=DUPLICATES))
    quarantine = pl.concat([problems_frame(piece.problems), refused]) if piece.problems else refused
    result = IngestResult(kept, quarantine, duplicates.cast(DUPLICATES), piece.n_inputs)  # type: ignore[arg-type]
    assert result.n_inputs == kept.height + quarantine.height + duplicates.height, "ingest lost an input"
    return result
