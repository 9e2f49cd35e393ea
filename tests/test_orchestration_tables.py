"""The incremental writes of `raw.*` and `extract.*` (no Dagster, no dbt)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import polars as pl
import pytest

from extract.schema import TABLES, empty
from ingest.schema import DOCUMENTS, DUPLICATES, QUARANTINE
from orchestration import tables


def _doc(doc_id: str, text: str, source_ref: str | None = None) -> dict[str, object]:
    return {
        "doc_id": doc_id,
        "source": "Test Wire",
        "url": None,
        "title": text.splitlines()[0],
        "published_date": date(2018, 1, 2),
        "text": text,
        "n_chars": len(text),
        "content_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "source_ref": source_ref or doc_id,
        "format": "txt",
    }


def _ingest(con, run_id: str, docs: list[dict], quarantine: list[dict] = (), duplicates: list[dict] = ()):
    return tables.write_ingest(
        con,
        run_id=run_id,
        source="/src",
        fmt="auto",
        n_inputs=len(docs) + len(quarantine) + len(duplicates),
        documents=pl.DataFrame(docs, schema=DOCUMENTS),
        quarantine=pl.DataFrame(list(quarantine), schema=QUARANTINE),
        duplicates=pl.DataFrame(list(duplicates), schema=DUPLICATES),
    )


def _extract_all(con, run_id: str, batch_size: int = 2, since: datetime | None = None) -> list[str]:
    done: list[str] = []
    for pending in tables.pending_batches(con, batch_size, since):
        assert pending.height <= batch_size
        out = {name: empty(name) for name in TABLES}
        out["doc_profiles"] = pl.DataFrame(
            [{"doc_id": d, "extractor_version": "test"} for d in pending["doc_id"]],
            schema=TABLES["doc_profiles"],
        )
        tables.write_extraction(con, run_id=run_id, documents=pending, tables=out)
        done += pending["doc_id"].to_list()
    assert len(done) == len(set(done)), "a document was extracted twice in one run"
    return sorted(done)


def test_documents_are_upserted_and_keep_their_first_stamp(con) -> None:
    first = _ingest(con, "r1", [_doc("a", "A\nkilled 3"), _doc("b", "B\nkilled 4")])
    assert (first.n_new, first.n_changed) == (2, 0)
    stamps = dict(con.execute("SELECT doc_id, ingested_at FROM raw.documents").fetchall())
    con.execute("UPDATE raw.documents SET ingested_at = TIMESTAMP '2000-01-01'")  # make a change visible
    again = _ingest(con, "r2", [_doc("a", "A\nkilled 3"), _doc("b", "B\nkilled 5")])
    assert (again.n_new, again.n_changed) == (0, 1)
    now = dict(con.execute("SELECT doc_id, ingested_at FROM raw.documents").fetchall())
    assert str(now["a"]) == "2000-01-01 00:00:00"  # unchanged text keeps its first value
    assert now["b"] >= stamps["b"]  # changed text is a new version
    assert con.execute("SELECT count(*) FROM raw.documents").fetchall() == [(2,)]
    runs = con.execute("SELECT run_id, n_inputs, n_documents FROM raw.ingest_runs ORDER BY run_id").fetchall()
    assert runs == [("r1", 2, 2), ("r2", 2, 2)]


def test_only_new_changed_or_version_bumped_documents_are_pending(con, monkeypatch) -> None:
    _ingest(con, "r1", [_doc("a", "A\none"), _doc("b", "B\ntwo")])
    assert _extract_all(con, "r1") == ["a", "b"]
    assert _extract_all(con, "r1b") == []
    _ingest(con, "r2", [_doc("a", "A\none"), _doc("b", "B\nchanged"), _doc("c", "C\nnew")])
    assert _extract_all(con, "r2") == ["b", "c"]
    assert con.execute("SELECT count(*) FROM extract.doc_profiles").fetchall() == [(3,)]
    monkeypatch.setattr(tables, "EXTRACTOR_VERSION", "999.0.0")
    assert _extract_all(con, "r3") == ["a", "b", "c"]
    assert con.execute("SELECT count(*), count(DISTINCT doc_id) FROM extract.doc_profiles").fetchall() == [
        (3, 3)
    ]


def test_quarantine_and_duplicates_are_replaced_by_source_ref(con) -> None:
    _ingest(
        con,
        "r1",
        [_doc("a", "A\nx")],
        quarantine=[{"source_ref": "bad.txt", "reason": "empty", "detail": "The file is empty."}],
        duplicates=[{"source_ref": "a2.txt", "doc_id": "a2", "duplicate_of": "a", "reason": "same_content"}],
    )
    # bad.txt was fixed and is a document now; a2.txt is still a duplicate
    _ingest(
        con,
        "r2",
        [_doc("a", "A\nx"), _doc("bad", "Bad\nfixed", source_ref="bad.txt")],
        duplicates=[{"source_ref": "a2.txt", "doc_id": "a2", "duplicate_of": "a", "reason": "same_content"}],
    )
    assert con.execute("SELECT count(*) FROM raw.quarantine").fetchall() == [(0,)]
    assert con.execute("SELECT source_ref FROM raw.duplicates").fetchall() == [("a2.txt",)]
    # and when a document's input turns into garbage, the document goes (and its extraction)
    _extract_all(con, "r2")
    _ingest(
        con,
        "r3",
        [_doc("a", "A\nx")],
        quarantine=[{"source_ref": "bad.txt", "reason": "binary", "detail": "x"}],
    )
    assert sorted(r[0] for r in con.execute("SELECT doc_id FROM raw.documents").fetchall()) == ["a"]
    tables.remove_orphans(con)
    assert con.execute("SELECT doc_id FROM extract.doc_profiles").fetchall() == [("a",)]


def test_a_table_of_another_shape_is_rebuilt_and_reextracted(con) -> None:
    _ingest(con, "r1", [_doc("a", "A\nx")])
    _extract_all(con, "r1")
    con.execute("ALTER TABLE extract.events ADD COLUMN stale INTEGER")
    tables.ensure_schema(con)
    columns = [row[0] for row in con.execute("DESCRIBE extract.events").fetchall()]
    assert columns == [*TABLES["events"], "processed_at"]
    assert _extract_all(con, "r2") == ["a"]  # processed was cleared with it
    # the marts learn that every earlier document's rows went
    assert con.execute("SELECT reason, n_documents FROM extract.withdrawals").fetchall() == [
        ("extract tables rebuilt", -1)
    ]


def test_missing_columns_are_an_error_not_a_silent_null() -> None:
    frame = pl.DataFrame({"doc_id": ["a"]})
    with pytest.raises(ValueError, match="lacks columns"):
        tables.conform(frame, TABLES["doc_profiles"], "doc_profiles")


def test_extract_rows_carry_their_documents_stamp_and_withdrawals_are_logged(con) -> None:
    """dbt finds a run's rows by `processed_at` and deletes older mart rows only when a
    withdrawal was logged, so both must follow every write."""

    def withdrawals() -> list[tuple]:
        return con.execute(
            "SELECT reason, n_documents FROM extract.withdrawals ORDER BY withdrawn_at"
        ).fetchall()

    def unstamped() -> list[tuple]:
        return con.execute(
            "SELECT d.doc_id FROM extract.doc_profiles d JOIN extract.processed p USING (doc_id) "
            "WHERE d.processed_at IS DISTINCT FROM p.processed_at"
        ).fetchall()

    _ingest(con, "r1", [_doc("a", "A\none"), _doc("b", "B\ntwo")])
    _extract_all(con, "r1", batch_size=1)
    assert unstamped() == []
    assert withdrawals() == []  # new documents withdraw nothing

    _ingest(con, "r2", [_doc("a", "A\none"), _doc("b", "B\nchanged")])
    assert _extract_all(con, "r2") == ["b"]
    assert unstamped() == []
    assert withdrawals() == [("documents extracted again", 1)]

    con.execute("DELETE FROM raw.documents WHERE doc_id = 'b'")
    assert tables.remove_orphans(con) == 1
    assert withdrawals() == [("documents extracted again", 1), ("documents removed", 1)]
    assert tables.remove_orphans(con) == 0
    assert len(withdrawals()) == 2


def _stamps(con) -> dict[str, datetime]:
    return dict(con.execute("SELECT doc_id, ingested_at FROM raw.documents").fetchall())


def test_a_marked_run_reads_only_the_documents_stamped_since_the_last_complete_one(con) -> None:
    _ingest(con, "r1", [_doc("a", "A\none"), _doc("b", "B\ntwo")])
    # a was ingested long before (a run in the same second would stamp it as recent)
    con.execute("UPDATE raw.documents SET ingested_at = TIMESTAMP '2000-01-01' WHERE doc_id = 'a'")
    assert tables.extraction_mark(con) is None  # a first run reads everything
    mark = tables.ingested_through(con)
    assert _extract_all(con, "r1") == ["a", "b"]
    tables.save_extraction_mark(con, mark)
    assert tables.extraction_mark(con) == mark
    assert tables.one_processed_row_each(con)

    _ingest(con, "r2", [_doc("a", "A\none"), _doc("b", "B\nchanged"), _doc("c", "C\nnew")])
    # history the marked pass must not read: a's row gone behind the pipeline's back
    con.execute("DELETE FROM extract.processed WHERE doc_id = 'a'")
    since = tables.extraction_mark(con)
    assert _extract_all(con, "r2", since=since) == ["b", "c"]
    # ...which the counts give away, and a full pass finds
    assert not tables.one_processed_row_each(con)
    assert _extract_all(con, "r2b") == ["a"]
    assert tables.one_processed_row_each(con)


def test_ingest_stamps_never_go_back_so_the_mark_misses_no_document(con) -> None:
    _ingest(con, "r1", [_doc("a", "A\none")])
    # a clock that was ahead: the stamps in the file are later than now
    con.execute("UPDATE raw.documents SET ingested_at = TIMESTAMP '2999-01-01'")
    _extract_all(con, "r1")
    tables.save_extraction_mark(con, tables.ingested_through(con))
    _ingest(con, "r2", [_doc("a", "A\nchanged"), _doc("b", "B\nnew")])
    assert set(_stamps(con).values()) == {datetime(2999, 1, 1)}
    assert _extract_all(con, "r2", since=tables.extraction_mark(con)) == ["a", "b"]


def test_the_mark_is_for_one_extractor_version_and_goes_with_rebuilt_tables(con, monkeypatch) -> None:
    _ingest(con, "r1", [_doc("a", "A\none")])
    tables.save_extraction_mark(con, tables.ingested_through(con))
    assert tables.extraction_mark(con) is not None
    monkeypatch.setattr(tables, "EXTRACTOR_VERSION", "999.0.0")
    assert tables.extraction_mark(con) is None
    monkeypatch.undo()
    con.execute("ALTER TABLE extract.casualties ADD COLUMN stale INTEGER")
    tables.ensure_schema(con)
    assert tables.extraction_mark(con) is None


def test_removed_documents_show_in_the_counts(con) -> None:
    _ingest(con, "r1", [_doc("a", "A\nx"), _doc("b", "B\ny", source_ref="b.txt")])
    _extract_all(con, "r1")
    assert tables.one_processed_row_each(con)
    _ingest(
        con, "r2", [_doc("a", "A\nx")], quarantine=[{"source_ref": "b.txt", "reason": "empty", "detail": "x"}]
    )
    assert not tables.one_processed_row_each(con)
    assert tables.remove_orphans(con) == 1
    assert tables.one_processed_row_each(con)
