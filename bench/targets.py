"""The scale targets (issue 5), read from a benchmark's results.

    python -m bench.targets [bench/results.json]

`make bench` stores this assessment in `results.json` under "targets" and prints it last; this
module reads any results file the same way, older ones included. A target that the issue sets for a
million articles says "n/a" for a bench of another size rather than met or missed: a small
corpus finishes in seconds, which says nothing about a million.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MILLION = 1_000_000


@dataclass(frozen=True)
class Target:
    name: str
    text: str  # the target as the summary prints it
    unit: str
    limit: float
    at_least: bool  # the figure must reach the limit (else stay strictly under it)
    n_docs: int | None  # the corpus size the target is set for; None: any
    figure: Callable[[dict], float]


def incremental_share(results: dict) -> float:
    """The median +1 % run's wall time, in % of the full run's."""
    return 100 * results["incremental_1pct_seconds"] / results["end_to_end_seconds"]


TARGETS = (
    Target("end_to_end_seconds", "1M articles end to end in under", "s", 600, False, MILLION,
           lambda r: r["end_to_end_seconds"]),
    Target("peak_rss_mb", "peak RSS at 1M under", "MB", 4000, False, MILLION, lambda r: r["peak_rss_mb"]),
    Target("incremental_1pct_share", "a run adding 1 % to 1M under", "% of the full run", 5, False, MILLION,
           incremental_share),
    Target("extraction_docs_per_s", "extraction at least", "docs/s", 20_000, True, None,
           lambda r: r["stages"]["extraction"]["docs_per_s"]),
    Target("extraction_x_floor", "extraction within", "x floor", 20, False, None,
           lambda r: r["stages"]["extraction"]["x_floor"]),
)  # fmt: skip


def assess(results: dict) -> dict[str, dict[str, object]]:
    """Per target: its wording, limit and unit, the bench's figure, and `met` (True, False, or None
    where the bench's size is not the one the target is set for, or its figure is missing)."""
    assessed: dict[str, dict[str, object]] = {}
    for target in TARGETS:
        try:
            figure: float | None = float(target.figure(results))
        except (KeyError, TypeError, ZeroDivisionError):
            figure = None
        applies = target.n_docs is None or results.get("n_docs") == target.n_docs
        met = None
        if applies and figure is not None:
            # judged on the figure itself: rounded first, 4.996 % would read as 5 % and miss
            met = figure >= target.limit if target.at_least else figure < target.limit
        assessed[target.name] = {
            "target": f"{target.text} {target.limit:g} {target.unit}",
            "limit": target.limit,
            "unit": target.unit,
            "figure": None if figure is None else round(figure, 2),
            "met": met,
        }
    return assessed


def summary_lines(assessed: dict[str, dict[str, object]], n_docs: object) -> list[str]:
    lines = ["targets     (issue 5; the figures that count are on real text, 1M FA-KES-sized articles)"]
    for item in assessed.values():
        verdict = {True: "met", False: "MISSED", None: "n/a"}[item["met"]]  # type: ignore[index]
        figure = "not in the results" if item["figure"] is None else f"{item['figure']:g} {item['unit']}"
        where = (
            f" (this bench has {n_docs} articles)"
            if item["met"] is None and item["figure"] is not None
            else ""
        )
        lines.append(f"  {verdict:<7} {item['target']}: {figure}{where}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.targets", description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, nargs="?", default=Path(__file__).parent / "results.json")
    args = parser.parse_args(argv)
    try:
        results = json.loads(args.results.read_text())
    except (OSError, ValueError) as error:
        parser.error(f"cannot read {args.results}: {error}")
    if not isinstance(results, dict):
        parser.error(f"{args.results} holds no benchmark results (a JSON object)")
    print("\n".join(summary_lines(assess(results), results.get("n_docs"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
