"""`sitrep` command line: run the pipeline, evaluate it against gold annotations, open the UI."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

from orchestration.paths import DAGSTER_YAML, DEFAULT_SOURCE, DEFAULT_WAREHOUSE, REPO_ROOT, WORKSPACE_FILE

FORMATS = ("auto", "txt", "md", "html", "json", "jsonl", "csv", "parquet", "fakes")


def _formats() -> tuple[str, ...]:
    try:
        import ingest

        return tuple(ingest.FORMATS)
    except (ImportError, AttributeError):
        return FORMATS


def _shard_range(text: str) -> tuple[str, str]:
    """`--shards`: one hex digit ("3") or a range of them ("0-7"); see orchestration/partitions.py."""
    found = re.fullmatch(r"([0-9a-f])(?:-([0-9a-f]))?", text.strip().lower())
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r}: a shard is a hex digit, 0 to f; a range is like 0-7")
    first, last = found.group(1), found.group(2) or found.group(1)
    if first > last:
        raise argparse.ArgumentTypeError(f"{text!r}: the first shard comes after the last")
    return first, last


def _run(source: Path, warehouse: Path, fmt: str, verbose: bool, shards: tuple[str, str] | None) -> int:
    from orchestration.pipeline import run_pipeline

    if not source.exists():
        print(f"sitrep: source {source} does not exist", file=sys.stderr)
        return 2
    print(f"sitrep run: {source} ({fmt}) -> {warehouse}")
    if shards is not None:
        print(f"document shards {shards[0]} to {shards[1]} only: their pending documents; the source is not read")
    report = run_pipeline(source, warehouse, fmt, progress=_stdout_lines(), verbose=verbose, shards=shards)
    print()
    print("\n".join(report.summary_lines()))
    return 0 if report.ok else 1


def _stdout_lines() -> Callable[[str], None]:
    """Print to the stdout of now: the run redirects sys.stdout to its log file."""
    out = sys.stdout

    def write(line: str) -> None:
        print(line, file=out, flush=True)

    return write


def _eval(gold: Path, warehouse: Path | None) -> int:
    from extract.evaluation import evaluate_warehouse
    from orchestration.pipeline import run_pipeline

    with tempfile.TemporaryDirectory(prefix="sitrep-eval-") as tmp:
        target = warehouse or Path(tmp) / "sitrep.duckdb"
        report = run_pipeline(gold, target, "fakes", progress=_stdout_lines())
        if not report.published:
            print("\n".join(report.summary_lines()), file=sys.stderr)
            print(
                "sitrep eval: the pipeline did not publish a warehouse; nothing to evaluate", file=sys.stderr
            )
            return 1
        table, _metrics = evaluate_warehouse(report.warehouse, gold)
        print()
        print(table)
    return 0


def _ui(port: int) -> int:
    """`dagster dev` on 127.0.0.1 with a local instance whose pool config serialises writers."""
    home = REPO_ROOT / ".dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copyfile(DAGSTER_YAML, home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    dagster = Path(sys.executable).parent / "dagster"
    cmd = [str(dagster), "dev", "-h", "127.0.0.1", "-p", str(port), "-w", str(WORKSPACE_FILE)]
    return subprocess.call(cmd, cwd=REPO_ROOT, env=env)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitrep", description="News articles in, a DuckDB warehouse of incidents out."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the whole pipeline and publish the warehouse")
    run.add_argument(
        "--source",
        type=Path,
        default=Path(os.environ.get("SITREP_SOURCE", DEFAULT_SOURCE)),
        help="folder or single file to ingest (default: $SITREP_SOURCE or samples/corpus)",
    )
    run.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("SITREP_WAREHOUSE", DEFAULT_WAREHOUSE)),
        help="published DuckDB file (default: $SITREP_WAREHOUSE or warehouse/sitrep.duckdb)",
    )
    run.add_argument(
        "--format",
        default=os.environ.get("SITREP_FORMAT", "auto"),
        choices=_formats(),
        help="input format (default: auto-detect per file)",
    )
    run.add_argument(
        "--shards",
        type=_shard_range,
        default=None,
        metavar="FIRST[-LAST]",
        help="extract only the pending documents of these document shards (hex digits, e.g. 0-7), without "
        "reading the source: a new extractor version in steps (default: every shard, and the source)",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="also print Dagster's own event log")

    ev = sub.add_parser("eval", help="run on an FA-KES-style CSV and score doc_summary against it")
    ev.add_argument("--gold", type=Path, required=True, help="FA-KES-style CSV with annotations")
    ev.add_argument(
        "--warehouse", type=Path, default=None, help="keep the warehouse here (default: temporary)"
    )

    ui = sub.add_parser("ui", help="open the Dagster UI (dagster dev) on 127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    warnings.filterwarnings("ignore", module="dagster")
    warnings.filterwarnings("ignore", module="dagster_dbt")
    if args.command == "run":
        return _run(
            args.source.expanduser().resolve(),
            args.warehouse.expanduser().resolve(),
            args.format,
            args.verbose,
            args.shards,
        )
    if args.command == "eval":
        warehouse = args.warehouse.expanduser().resolve() if args.warehouse else None
        return _eval(args.gold.expanduser().resolve(), warehouse)
    return _ui(args.port)


if __name__ == "__main__":
    sys.exit(main())
