"""Extraction does not depend on how documents are batched: in threads or in one piece, alone or
among many."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from conftest import FAKES_DEV, require
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


def test_a_documents_rows_do_not_depend_on_its_batch() -> None:
    """Each of 27 copies of the development articles in one batch gets exactly the rows the
    articles get alone. Ties between matches used to be broken by a sort that is not stable on
    large frames: one claim source in fakes_dev changed with the copy it sat in."""
    base = read_source(require(FAKES_DEV), fmt="fakes").documents
    copies = 27
    batch = pl.concat([base.with_columns(doc_id=pl.col("doc_id") + f"~{i}") for i in range(copies)])
    alone, together = run_extraction(base), run_extraction(batch)
    for table, frame in together.items():
        ids = [c for c, dtype in frame.schema.items() if c in _ID_COLUMNS]
        rows = frame.with_columns(pl.col(c).str.replace(r"~\d+", "") for c in ids).select(
            alone[table].columns
        )
        counts = rows.group_by(rows.columns).len()
        expected = alone[table].group_by(rows.columns).len().with_columns(pl.col("len") * copies)
        assert_frame_equal(counts, expected, check_row_order=False, check_dtypes=False)


# Columns that carry a document id (doc_id, or ids built from it).
_ID_COLUMNS = {"doc_id", "event_id", "casualty_id", "parent_casualty_id", "change_id", "principal_event_id"}
