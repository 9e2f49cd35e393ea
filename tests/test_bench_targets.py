"""`bench.targets`: the scale targets read from a benchmark's results."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.targets import MILLION, TARGETS, assess  # noqa: E402

# a million-article bench that meets the first three targets and misses the extraction ones
RESULTS = {
    "n_docs": MILLION,
    "end_to_end_seconds": 500.0,
    "peak_rss_mb": 3500.0,
    "incremental_1pct_seconds": 22.5,
    "stages": {"extraction": {"docs_per_s": 3600.0, "x_floor": 750.0}},
}


def _with(**changes: object) -> dict:
    results = copy.deepcopy(RESULTS)
    for key, value in changes.items():
        if key in ("docs_per_s", "x_floor"):
            results["stages"]["extraction"][key] = value
        else:
            results[key] = value
    return results


def test_each_target_is_met_or_missed_by_its_figure() -> None:
    assessed = assess(RESULTS)
    assert set(assessed) == {t.name for t in TARGETS}
    assert {name: item["met"] for name, item in assessed.items()} == {
        "end_to_end_seconds": True,
        "peak_rss_mb": True,
        "incremental_1pct_share": True,
        "extraction_docs_per_s": False,
        "extraction_x_floor": False,
    }
    assert assessed["incremental_1pct_share"]["figure"] == pytest.approx(4.5)
    assert assessed["extraction_docs_per_s"]["figure"] == 3600.0


@pytest.mark.parametrize(
    ("changes", "name", "met"),
    [
        ({"end_to_end_seconds": 600.0, "incremental_1pct_seconds": 1.0}, "end_to_end_seconds", False),
        ({"end_to_end_seconds": 599.9}, "end_to_end_seconds", True),
        ({"peak_rss_mb": 4000.0}, "peak_rss_mb", False),
        ({"incremental_1pct_seconds": 25.0}, "incremental_1pct_share", False),  # 5 % exactly
        ({"incremental_1pct_seconds": 24.9}, "incremental_1pct_share", True),
        ({"incremental_1pct_seconds": 24.98}, "incremental_1pct_share", True),  # 4.996 %: not rounded up
        ({"docs_per_s": 20_000.0}, "extraction_docs_per_s", True),
        ({"docs_per_s": 19_999.9}, "extraction_docs_per_s", False),
        ({"x_floor": 20.0}, "extraction_x_floor", False),
        ({"x_floor": 19.9}, "extraction_x_floor", True),
    ],
)
def test_limits_are_strict_under_and_inclusive_at_least(changes: dict, name: str, met: bool) -> None:
    assert assess(_with(**changes))[name]["met"] is met


def test_million_article_targets_do_not_apply_to_other_sizes() -> None:
    assessed = assess(_with(n_docs=10_000, end_to_end_seconds=50.0))
    for name in ("end_to_end_seconds", "peak_rss_mb", "incremental_1pct_share"):
        assert assessed[name]["met"] is None and assessed[name]["figure"] is not None
    assert assessed["extraction_docs_per_s"]["met"] is False


def test_missing_figures_are_not_met_nor_missed() -> None:
    results = _with()
    del results["incremental_1pct_seconds"]
    del results["stages"]
    assessed = assess(results)
    for name in ("incremental_1pct_share", "extraction_docs_per_s", "extraction_x_floor"):
        assert assessed[name] == {**assessed[name], "figure": None, "met": None}
    assert assessed["end_to_end_seconds"]["met"] is True


def test_command_prints_the_verdicts_and_rejects_a_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(RESULTS))
    command = [sys.executable, "-m", "bench.targets"]
    done = subprocess.run([*command, str(path)], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.lstrip().startswith("met ") for line in lines) == 3
    assert sum(line.lstrip().startswith("MISSED ") for line in lines) == 2
    assert any("3600 docs/s" in line for line in lines)
    path.write_text("[1, 2]")
    bad = subprocess.run([*command, str(path)], cwd=REPO, capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "no benchmark results" in bad.stderr
    missing = subprocess.run(
        [*command, str(tmp_path / "none.json")], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert missing.returncode == 2 and "cannot read" in missing.stderr
