"""Document shards: the extraction's partitions, runs of some of them, and a new extractor version
brought in shard by shard."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import SAMPLES, copy_published, query, run_cli
from dagster import AssetKey, PartitionKeyRange, build_schedule_context, build_sensor_context
from test_orchestration_tables import _doc, _ingest

from extract import schema
from orchestration import tables
from orchestration.cli import _shard_range
from orchestration.definitions import defs
from orchestration.partitions import (
    DOCUMENT_SHARDS,
    SHARDS,
    all_shards_tags,
    shard_of,
    shard_range_tags,
    shards_of_run,
)
from orchestration.resources import SitrepSettings
from orchestration.schedules import daily_schedule
from orchestration.sensors import source_folder_sensor


def test_pending_documents_of_some_shards_are_those_shard_of_names(con) -> None:
    ids = [f"file-{i}.txt" for i in range(56)] + [f"حلب/تقرير-{i}.txt" for i in range(8)]  # UTF-8 bytes
    docs = [_doc(doc_id, f"Article {i}\nShelling killed {i} people.") for i, doc_id in enumerate(ids)]
    _ingest(con, "r1", docs)
    by_shard: dict[str, list[str]] = {}
    for doc in docs:
        by_shard.setdefault(shard_of(str(doc["doc_id"])), []).append(str(doc["doc_id"]))
    assert len(by_shard) > 8, "64 ids should fall into most of the 16 shards"

    def pending(shards: list[str] | None) -> list[str]:
        found = [b["doc_id"] for b in tables.pending_batches(con, 10, shards=shards)]
        return sorted(pl.concat(found).to_list()) if found else []

    for shard in SHARDS:
        assert pending([shard]) == sorted(by_shard.get(shard, [])), shard
    assert pending(["0", "1", "2"]) == sorted(d for s in "012" for d in by_shard.get(s, []))
    assert pending(None) == sorted(str(d["doc_id"]) for d in docs)
    with pytest.raises(ValueError, match="not both"):
        next(tables.pending_batches(con, 10, since=tables.ingested_through(con), shards=["0"]))


def test_the_shards_a_run_covers_come_from_its_tags() -> None:
    assert shards_of_run({}) is None  # a run that names no partition: every shard
    assert shards_of_run(all_shards_tags()) is None
    assert shards_of_run(shard_range_tags("3", "5")) == ["3", "4", "5"]
    assert shards_of_run(shard_range_tags("9", "b")) == ["9", "a", "b"]
    assert shards_of_run({"dagster/partition": "e"}) == ["e"]
    with pytest.raises(ValueError, match="unknown document shards"):
        shards_of_run({"dagster/partition": "g"})
    with pytest.raises(ValueError, match="after the last"):
        shards_of_run(shard_range_tags("5", "3"))


def test_cli_reads_a_shard_or_a_range() -> None:
    assert _shard_range("3") == ("3", "3")
    assert _shard_range("0-7") == ("0", "7")
    assert _shard_range("A-F") == ("a", "f")
    for bad in ("g", "7-3", "10", "0-", "-3"):
        with pytest.raises(argparse.ArgumentTypeError):
            _shard_range(bad)


def test_only_the_extraction_is_partitioned_and_scheduled_runs_cover_every_shard(tmp_path: Path) -> None:
    graph = defs.resolve_asset_graph()
    partitioned = {k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).partitions_def}
    assert partitioned == {f"extract/{t}" for t in schema.TABLES}
    extract = defs.resolve_assets_def(AssetKey(["extract", "events"]))
    assert extract.partitions_def == DOCUMENT_SHARDS
    assert extract.backfill_policy is not None and extract.backfill_policy.max_partitions_per_run is None
    with build_schedule_context() as context:
        (scheduled,) = daily_schedule.evaluate_tick(context).run_requests
    source = tmp_path / "inbox"
    source.mkdir()
    (source / "a.txt").write_text("Five civilians were killed in Idlib.")
    settings = SitrepSettings(source=str(source), warehouse=str(tmp_path / "wh" / "sitrep.duckdb"))
    (sensed,) = source_folder_sensor(build_sensor_context(resources={"sitrep": settings})).run_requests
    for request in (scheduled, sensed):
        assert request.partition_key_range == PartitionKeyRange(SHARDS[0], SHARDS[-1])
        assert shards_of_run(request.tags) is None


def _versions(warehouse: Path) -> dict[str, str]:
    return dict(query(warehouse, "SELECT doc_id, extractor_version FROM extract.processed"))


def _facts(warehouse: Path, docs: set[str]) -> list[tuple]:
    return query(
        warehouse,
        "SELECT * EXCLUDE (extractor_version, processed_at) FROM extract.events "
        "WHERE list_contains(?, doc_id) ORDER BY event_id",
        [sorted(docs)],
    )


def test_a_new_extractor_version_reaches_the_warehouse_shard_by_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "corpus"
    shutil.copytree(SAMPLES, source)
    warehouse = tmp_path / "wh" / "sitrep.duckdb"

    def run(*extra: str) -> str:
        code, output = run_cli(["run", "--source", str(source), "--warehouse", str(warehouse), *extra])
        assert code == 0, output
        return output

    # sixteen materializations of each extract table, one line
    assert run().count("ok   extract/events") == 1
    old = schema.EXTRACTOR_VERSION
    first = copy_published(warehouse, tmp_path / "first")
    docs = set(_versions(first))
    low = {d for d in docs if shard_of(d) <= "7"}
    assert low and docs - low, "the sample corpus should have documents on both sides"

    new = old + "-next"
    for module in ("extract.schema", "extract.pipeline", "extract.profiles", "orchestration.tables",
                   "orchestration.assets.extract"):
        monkeypatch.setattr(f"{module}.EXTRACTOR_VERSION", new)
    (source / "zz_new_article.txt").write_text(
        "Clashes in Aleppo\n\nClashes killed four fighters near Aleppo on Monday, SOHR said.\n"
    )

    output = run("--shards", "0-7")
    assert "the source is not read" in output
    versions = _versions(warehouse)
    assert set(versions) == docs  # the new file waits for a run that reads the source
    assert {d for d, v in versions.items() if v == new} == low
    assert {d for d, v in versions.items() if v == old} == docs - low
    summary = query(warehouse, "SELECT doc_id, count(*) FROM marts.doc_summary GROUP BY doc_id")
    assert sorted(summary) == sorted((d, 1) for d in docs)  # every document's facts, by one version
    assert query(warehouse, "SELECT DISTINCT extractor_version FROM marts.fct_incidents ORDER BY 1") == sorted(
        [(old,), (new,)]
    )

    run("--shards", "8-f")
    assert set(_versions(warehouse).values()) == {new}
    before = dict(query(warehouse, "SELECT doc_id, run_id FROM extract.processed"))

    run()  # every shard: reads the source; only the new file is left to extract
    after = dict(query(warehouse, "SELECT doc_id, run_id FROM extract.processed"))
    assert set(after) == docs | {"zz_new_article.txt"}
    assert {d for d in after if after[d] != before.get(d)} == {"zz_new_article.txt"}
    assert set(_versions(warehouse).values()) == {new}
    # the same extractor under another version name: the same facts
    assert _facts(warehouse, docs) == _facts(first, docs)
