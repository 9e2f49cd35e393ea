"""Streamed, incremental ingest (orchestration.sources): batches, skipped files, accounting."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

import expectations
import ingest
from orchestration import sources, tables


def article(n: int, place: str = "Idlib") -> str:
    return (
        f"Strikes on {place} number {n}\n\nAir strikes killed {n} civilians in the town of {place} on Tuesday, "
        "a war monitor said, and the toll was likely to rise as rescue workers searched the rubble.\n"
    )


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The relpaths each ingest run handed to the readers."""
    seen: list[list[str]] = []
    real = ingest.read_batches

    def spy(inputs, *args, **kwargs):  # type: ignore[no-untyped-def]
        items = list(inputs)
        seen.append([item.relpath for item in items])
        return real(items, *args, **kwargs)

    monkeypatch.setattr(sources.ingest, "read_batches", spy)
    return seen


def run(con: duckdb.DuckDBPyConnection, source: Path, run_id: str, batch_size: int = 1000) -> tables.IngestCounts:
    return sources.ingest_source(con, run_id=run_id, source=source, fmt="auto", batch_size=batch_size)


def rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return con.execute(f"SELECT * FROM raw.{table} ORDER BY ALL").fetchall()


def write_corpus(root: Path) -> None:
    """25 JSON Lines records (2 repeat an earlier text, 1 is empty), 4 text files (1 a copy), 1 binary."""
    root.mkdir()
    records = [{"id": f"r{i}", "title": f"Report {i}", "text": article(i)} for i in range(22)]
    records += [{"id": "r-copy", "title": "Report 3", "text": article(3)}, {"id": "r5", "text": article(5)}]
    records.append({"id": "r-empty", "text": ""})
    (root / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    for i in range(3):
        (root / f"story{i}.txt").write_text(article(100 + i, "Aleppo"))
    (root / "story9.txt").write_text(article(100, "Aleppo"))  # same text as story0.txt
    (root / "scan.txt").write_bytes(b"%PDF-1.4\x00\x01\x02 binary")


def test_batches_smaller_than_the_source_give_the_whole_source_result(con, tmp_path: Path) -> None:
    source = tmp_path / "src"
    write_corpus(source)
    whole = ingest.read_source(source)
    counts = run(con, source, "r1", batch_size=4)  # many batches, duplicates across them

    assert counts.n_inputs == 30 == whole.n_inputs
    assert (counts.n_documents, counts.n_quarantined, counts.n_duplicates) == (
        whole.documents.height, whole.quarantine.height, whole.duplicates.height
    ) == (25, 2, 3)
    assert sorted(r[0] for r in rows(con, "documents")) == sorted(whole.documents["doc_id"])
    assert [r[:4] for r in rows(con, "duplicates")] == sorted(whole.duplicates.rows())
    assert sorted(r[:2] for r in rows(con, "quarantine")) == sorted(whole.quarantine.select("source_ref", "reason").rows())
    assert counts.n_files_read == 6 and counts.n_files_skipped == 0


def test_a_second_run_reads_no_unchanged_file_and_accounts_for_all(con, tmp_path: Path, reads) -> None:
    source = tmp_path / "src"
    write_corpus(source)
    first = run(con, source, "r1", batch_size=4)
    before = {t: rows(con, t) for t in ("documents", "quarantine", "duplicates")}

    second = run(con, source, "r2", batch_size=4)
    assert reads[1] == []  # nothing opened
    assert {t: rows(con, t) for t in before} == before
    assert (second.n_inputs, second.n_documents, second.n_quarantined, second.n_duplicates) == (
        first.n_inputs, first.n_documents, first.n_quarantined, first.n_duplicates
    )
    assert (second.n_new, second.n_changed, second.n_files_read, second.n_files_skipped) == (0, 0, 0, 6)
    run_row = tables.ingest_run(con, "r2")
    assert run_row is not None and run_row["n_inputs"] == first.n_inputs


def test_only_new_and_changed_files_are_read(con, tmp_path: Path, reads) -> None:
    source = tmp_path / "src"
    write_corpus(source)
    run(con, source, "r1")
    (source / "story1.txt").write_text(article(777, "Homs"))  # changed text, other size
    (source / "new.txt").write_text(article(555, "Daraa"))
    (source / "late-copy.txt").write_text(article(102, "Aleppo"))  # the text of unchanged story2.txt

    counts = run(con, source, "r2")
    assert sorted(reads[1]) == ["late-copy.txt", "new.txt", "story1.txt"]
    assert (counts.n_new, counts.n_changed, counts.n_files_skipped) == (1, 1, 5)
    assert counts.n_inputs == 32 == counts.n_documents + counts.n_quarantined + counts.n_duplicates
    # the document already kept from an unchanged file stays the kept one (though it sorts later)
    assert con.execute(
        "SELECT duplicate_of, reason FROM raw.duplicates WHERE source_ref = 'late-copy.txt'"
    ).fetchall() == [("story2.txt", "same_content")]


def test_a_duplicate_is_read_again_when_its_original_changes(con, tmp_path: Path, reads) -> None:
    source = tmp_path / "src"
    write_corpus(source)
    run(con, source, "r1")
    assert con.execute("SELECT duplicate_of FROM raw.duplicates WHERE source_ref = 'story9.txt'").fetchall() == [
        ("story0.txt",)
    ]
    (source / "story0.txt").write_text(article(888, "Raqqa"))  # story9.txt is no copy of it any more

    run(con, source, "r2")
    assert sorted(reads[1]) == ["story0.txt", "story9.txt"]
    assert con.execute("SELECT count(*) FROM raw.duplicates WHERE source_ref = 'story9.txt'").fetchall() == [(0,)]
    assert con.execute("SELECT doc_id FROM raw.documents WHERE source_ref = 'story9.txt'").fetchall() == [
        ("story9.txt",)
    ]


def test_a_removed_file_is_no_longer_counted(con, tmp_path: Path) -> None:
    source = tmp_path / "src"
    write_corpus(source)
    first = run(con, source, "r1")
    (source / "scan.txt").unlink()
    second = run(con, source, "r2")
    assert second.n_inputs == first.n_inputs - 1 and second.n_quarantined == first.n_quarantined - 1
    assert con.execute("SELECT count(*) FROM raw.source_files WHERE relpath = 'scan.txt'").fetchall() == [(0,)]


def test_batched_validation_finds_a_bad_row_in_any_batch() -> None:
    good = pl.DataFrame({"source_ref": ["a", "b"], "reason": ["empty", "binary"], "detail": ["x", "y"]})
    bad = pl.DataFrame({"source_ref": ["c"], "reason": ["no_such_reason"], "detail": ["z"]})
    outcome = expectations.validate_batches("raw_quarantine", [good, bad])
    assert not outcome.success and outcome.row_count == 3
    assert any("reason" in line for line in outcome.failed)
    assert expectations.validate_batches("raw_quarantine", [good, good]).success


def test_read_ahead_keeps_order_holds_one_batch_ahead_and_raises_where_the_reader_did() -> None:
    made: list[int] = []

    def batches():  # type: ignore[no-untyped-def]
        for n in range(5):
            made.append(n)
            yield n
        raise ValueError("broken record")

    got = []
    with pytest.raises(ValueError, match="broken record"):
        for n in sources.read_ahead(batches()):
            assert len(made) <= n + 2  # the one handed out and at most the next
            got.append(n)
    assert got == [0, 1, 2, 3, 4]
