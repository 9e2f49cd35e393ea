"""dbt builds one node at a time after a run that extracted many documents, two otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLES, CliRun, require, sitrep_run

from orchestration.assets import dbt as dbt_assets


def _threads(run: CliRun) -> int:
    """The threads of the run's dbt build, as dbt recorded them."""
    results = json.loads((run.warehouse.parent / ".build" / "dbt_target" / "run_results.json").read_text())
    return int(results["args"]["threads"])


def test_dbt_threads_follow_the_runs_extraction(
    samples_run: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert samples_run.exit_code == 0, samples_run.output
    assert _threads(samples_run) == 2  # 41 documents

    monkeypatch.setattr(dbt_assets, "LARGE_RUN_DOCUMENTS", 40)
    large = sitrep_run(require(SAMPLES), tmp_path / "sitrep.duckdb")
    assert large.exit_code == 0, large.output
    assert _threads(large) == 1

    rerun = sitrep_run(require(SAMPLES), tmp_path / "sitrep.duckdb")  # nothing new to extract
    assert rerun.exit_code == 0, rerun.output
    assert _threads(rerun) == 2
