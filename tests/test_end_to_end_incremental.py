"""Re-runs: the same input leaves the marts identical; a changed document is all that is redone."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SEEDS, CliRun, Rerun, copy_published, query, sitrep_run

from orchestration.dbt_manifest import DBT_PROJECT


def _marts() -> list[str]:
    manifest = json.loads(DBT_PROJECT.manifest_path.read_text())
    return sorted(
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["config"].get("schema") == "marts"
    )


def _rows(warehouse: Path, schema: str, table: str) -> list[tuple]:
    return query(warehouse, f'SELECT * FROM "{schema}"."{table}" ORDER BY ALL')


def test_second_run_on_the_same_input_leaves_every_mart_identical(seeds_rerun: Rerun) -> None:
    first, second = seeds_rerun.first.warehouse, seeds_rerun.second.warehouse
    assert seeds_rerun.second.exit_code == 0, seeds_rerun.second.output
    for mart in _marts():
        assert _rows(second, "marts", mart) == _rows(first, "marts", mart), mart
    # first-seen stamps survive the re-run
    assert _rows(second, "raw", "documents") == _rows(first, "raw", "documents")
    assert _rows(second, "raw", "quarantine") == _rows(first, "raw", "quarantine")
    assert "new=0, changed=0" in seeds_rerun.second.output


def test_only_new_or_changed_documents_are_extracted_again(
    seeds_run: CliRun, seeds_copy: Path, tmp_path: Path
) -> None:
    assert seeds_run.exit_code == 0, seeds_run.output
    published = copy_published(seeds_run.warehouse, tmp_path / "wh")
    changed, emptied = sorted(seeds_copy.glob("*.txt"))[:2]
    changed.write_text(changed.read_text() + "\nA shell killed two children in Daraa on Friday.\n")
    emptied.write_text("")  # quarantined now: its document and its extraction go
    (seeds_copy / "new_article.txt").write_text(
        "Clashes in Aleppo\n\nClashes killed four fighters near Aleppo on Monday, SOHR said.\n"
    )
    before = dict(query(published, "SELECT doc_id, run_id FROM extract.processed"))
    stamps_before = dict(query(published, "SELECT doc_id, ingested_at FROM raw.documents"))

    run = sitrep_run(seeds_copy, published)
    assert run.exit_code == 0, run.output
    assert "new=1, changed=1" in run.output

    after = dict(query(published, "SELECT doc_id, run_id FROM extract.processed"))
    redone = {doc for doc, run_id in after.items() if before.get(doc) != run_id}
    assert redone == {changed.name, "new_article.txt"}
    assert emptied.name in before and emptied.name not in after
    assert sorted(after) == sorted(d for (d,) in query(published, "SELECT doc_id FROM raw.documents"))
    # the next run starts from what this one saw
    assert query(published, "SELECT ingested_through FROM extract.mark") == query(
        published, "SELECT max(ingested_at) FROM raw.documents"
    )
    stamps_after = dict(query(published, "SELECT doc_id, ingested_at FROM raw.documents"))
    assert {d for d in stamps_after if stamps_after[d] != stamps_before.get(d)} == redone
    assert query(published, "SELECT count(*), count(DISTINCT doc_id) FROM marts.doc_summary") == [
        (len(after), len(after))
    ]


RUN_STAMPS = {"ingested_at", "seen_at", "processed_at"}


def _rows_without_stamps(warehouse: Path, table: str) -> list[tuple]:
    columns = [
        name
        for (name,) in query(
            warehouse,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'marts' AND table_name = ? ORDER BY ordinal_position",
            [table],
        )
        if name not in RUN_STAMPS
    ]
    select = ", ".join(f'"{c}"' for c in columns)
    return query(warehouse, f'SELECT {select} FROM marts."{table}" ORDER BY ALL')


def test_a_fresh_run_reproduces_the_same_ids(seeds_run: CliRun, tmp_path: Path) -> None:
    """Extraction from scratch is deterministic: same rows and ids (only the run's stamps differ)."""
    assert seeds_run.exit_code == 0, seeds_run.output
    fresh = sitrep_run(SEEDS, tmp_path / "fresh" / "sitrep.duckdb")
    assert fresh.exit_code == 0, fresh.output
    for mart in _marts():
        assert _rows_without_stamps(fresh.warehouse, mart) == _rows_without_stamps(
            seeds_run.warehouse, mart
        ), mart
