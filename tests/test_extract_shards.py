"""Extraction in threads gives the same tables as extraction in one piece."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from extract import run_extraction
from ingest import read_source

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "corpus"


def test_sharded_extraction_equals_one_piece() -> None:
    base = read_source(SAMPLES).documents
    copies = 2_500 // base.height + 1
    documents = pl.concat([base.with_columns(doc_id=pl.col("doc_id") + f"~{i}") for i in range(copies)]).head(
        2_500
    )
    whole = run_extraction(documents, workers=1)
    sharded = run_extraction(documents, workers=2)
    assert whole["casualties"].height > 1_000
    for table, frame in whole.items():
        assert_frame_equal(sharded[table], frame, check_row_order=False)
