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


def test_rows_keep_their_documents_whatever_order_the_ids_sort_in() -> None:
    """Every row comes back with its own document's id, in its row ids too, and its span is its
    evidence in that document. Ids here sort in the reverse of the order the documents come in:
    rows are sorted and grouped by document throughout."""
    base = read_source(SAMPLES).documents
    documents = base.with_columns(doc_id=pl.format("{}-{}", 9_999 - pl.int_range(pl.len()), "doc_id"))
    texts = dict(documents.select("doc_id", "text").iter_rows())
    out = run_extraction(documents, workers=1)
    assert out["doc_profiles"]["doc_id"].sort().to_list() == sorted(texts)
    checked = 0
    for table in ("events", "casualties", "territory"):
        for row in out[table].iter_rows(named=True):
            text = texts[row["doc_id"]]
            span = text[row["char_start"] : row["char_end"]]
            assert span in row["evidence"] and row["evidence"] in text, (table, row)
            for column in _ID_COLUMNS - {"doc_id"}:
                if row.get(column) is not None:
                    assert row[column].startswith(row["doc_id"] + "#"), (table, column, row)
            checked += 1
    for row in out["doc_profiles"].iter_rows(named=True):
        if row["principal_event_id"] is not None:
            assert row["principal_event_id"].startswith(row["doc_id"] + "#")
    assert checked > 200
