"""The `sitrep` console script: arguments, errors, and `sitrep eval`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polars as pl
import pytest
from conftest import FAKES_DEV, REPO_ROOT, SITREP, require, run_cli

import ingest


def test_console_script_lists_its_commands() -> None:
    result = subprocess.run(
        [str(SITREP), "--help"], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    for command in ("run", "eval", "ui"):
        assert command in result.stdout


def test_run_accepts_every_ingest_format() -> None:
    from orchestration.cli import build_parser

    for fmt in ingest.FORMATS:
        args = build_parser().parse_args(["run", "--format", fmt])
        assert args.format == fmt
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["run", "--format", "pdf"])
    assert exc.value.code == 2


def test_missing_source_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli(["run", "--source", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "w.duckdb").exists()


def test_eval_scores_a_small_fakes_file(tmp_path: Path) -> None:
    from extract.evaluation import evaluate_warehouse

    gold = tmp_path / "gold.csv"
    pl.read_csv(require(FAKES_DEV), encoding="utf8-lossy", n_rows=12).write_csv(gold)
    warehouse = tmp_path / "eval" / "sitrep.duckdb"

    code, output = run_cli(["eval", "--gold", str(gold), "--warehouse", str(warehouse)])

    assert code == 0, output
    table, metrics = evaluate_warehouse(warehouse, gold)
    assert metrics
    assert output.rstrip().endswith(table.rstrip())
