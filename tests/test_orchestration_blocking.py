"""A failing blocking check stops the run before anything is published."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest
from conftest import CliRun, copy_published, run_cli

import extract
from extract.schema import TABLES
from orchestration.warehouse import Warehouse


def _with_exploded_casualty(real_extraction):
    """The real extractor, plus one casualty whose outcome no suite allows."""

    def run_extraction(documents: pl.DataFrame) -> dict[str, pl.DataFrame]:
        out = real_extraction(documents)
        row = dict.fromkeys(TABLES["casualties"])
        row.update(
            casualty_id="bad-casualty",
            doc_id=documents["doc_id"][0],
            sentence_idx=0,
            char_start=0,
            char_end=1,
            evidence="x",
            extractor_version="test",
            outcome="exploded",
            victim_group="civilians",
            count_low=1,
            count_best=1,
            count_high=1,
            is_background=False,
        )
        bad = pl.DataFrame([row], schema=TABLES["casualties"])
        out["casualties"] = pl.concat([out["casualties"].cast(TABLES["casualties"]), bad])
        return out

    return run_extraction


@pytest.mark.parametrize("previous", ["none", "good"])
def test_bad_extraction_is_never_published(
    previous: str, seeds_run: CliRun, seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if previous == "good":
        assert seeds_run.exit_code == 0, seeds_run.output
        published = copy_published(seeds_run.warehouse, tmp_path / "wh")
        good = hashlib.sha256(published.read_bytes()).hexdigest()
    else:
        published = tmp_path / "wh" / "sitrep.duckdb"
    # something new to extract, so the extractor runs even on top of the good warehouse
    (seeds_copy / "fresh.txt").write_text("Shelling killed 3 civilians in Homs on Monday.\n")
    monkeypatch.setattr(extract, "run_extraction", _with_exploded_casualty(extract.run_extraction))

    code, output = run_cli(["run", "--source", str(seeds_copy), "--warehouse", str(published)])

    assert code != 0, output
    assert "FAIL check extract/casualties:gx_extract_casualties" in output
    assert "exploded" in output
    assert "not run        dbt build, publish" in output
    assert "NOT published by this run" in output
    assert "ok   published_warehouse" not in output
    if previous == "good":
        assert hashlib.sha256(published.read_bytes()).hexdigest() == good
    else:
        assert not published.exists()
    # the bad rows stay in the build file, which the next run discards (it is marked dirty)
    assert Warehouse.at(published).dirty_marker.exists()


def _with_part_above_its_total(real_extraction):
    """The real extractor, but every part claims more victims than its total (a dbt test catches it)."""

    def run_extraction(documents: pl.DataFrame) -> dict[str, pl.DataFrame]:
        out = real_extraction(documents)
        casualties = out["casualties"]
        totals = casualties.select(
            pl.col("casualty_id").alias("parent_casualty_id"), pl.col("count_best").alias("total_best")
        )
        inflated = pl.col("total_best") + 1000
        out["casualties"] = (
            casualties.join(totals, on="parent_casualty_id", how="left")
            .with_columns(
                [
                    pl.when(pl.col("total_best").is_not_null()).then(inflated).otherwise(pl.col(c)).alias(c)
                    for c in ("count_low", "count_best", "count_high")
                ]
            )
            .drop("total_best")
        )
        return out

    return run_extraction


def test_failing_dbt_test_blocks_publish(
    seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extract, "run_extraction", _with_part_above_its_total(extract.run_extraction))
    published = tmp_path / "wh" / "sitrep.duckdb"

    code, output = run_cli(["run", "--source", str(seeds_copy), "--warehouse", str(published)])

    assert code != 0, output
    assert "ok   check extract/casualties:gx_extract_casualties" in output  # GX let it through ...
    assert "FAIL check marts/fct_casualties:assert_parts_not_exceed_totals" in output  # ... dbt did not
    assert "not run        publish" in output
    assert not published.exists()
