"""Pipeline runs, timed per stage from Dagster's event log (run as a child process of bench.run).

    python -m bench.stages --source DIR --warehouse FILE [--format auto] --json OUT
                           [--then-add FILE --then-json OUT2 ...]

With `--then-add`, after the first run FILE is moved into the source folder and the pipeline
runs again into the same warehouse, in the same process (warm imports), writing OUT2; repeated
pairs run in turn.

It executes the same job of the same `Definitions` that `sitrep run` executes
(`orchestration.pipeline.run_pipeline`), in process, with the same run config, but with an
event listener of its own on the Dagster instance. Step times are the time between a step's STEP_START and its STEP_SUCCESS /
STEP_FAILURE events; a step's CPU seconds are those the process tree (the pipeline, its threads
and its dbt process) used between the two (`bench.cpu`). Steps are grouped into the benchmark's stages: ingest (`raw_tables`), extraction
(`extract_tables`), dbt (`dbt_models`: dbt build, i.e. models and dbt tests), checks (every
other step: the Great Expectations suites and the ingest accounting check) and publish
(`published_warehouse`). Dagster's and dbt's own output goes to `<warehouse dir>/.build/bench.log`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import shutil
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, EventLogEntry

from bench.cpu import tree_cpu_seconds
from bench.memory import PeakSampler

STAGE_OF_STEP = {
    "raw_tables": "ingest",
    "extract_tables": "extraction",
    "dbt_models": "dbt",
    "published_warehouse": "publish",
}
STAGES = ("ingest", "extraction", "dbt", "checks", "publish")
_STEP_END = (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE)


def stage_of(step_key: str) -> str:
    return STAGE_OF_STEP.get(step_key, "checks")


def _run_config(source: Path, warehouse: Path, fmt: str) -> dict[str, object]:
    return {
        "resources": {
            "sitrep": {"config": {"source": str(source), "format": fmt, "warehouse": str(warehouse)}}
        },
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }


def run(
    source: Path, warehouse: Path, fmt: str, started: float | None = None, cpu_started: float = 0.0
) -> dict[str, object]:
    """Run the sitrep job once; return per-stage seconds and CPU seconds, success, published and
    peak RSS (of the pipeline process and its dbt subprocess together, overall and per stage).

    `end_to_end_seconds` counts from `started` (a `time.time()`; default: now);
    `end_to_end_cpu_seconds` is the process tree's CPU since `cpu_started` (a `tree_cpu_seconds()`;
    default 0: since the process started, its imports included).
    """
    started = time.time() if started is None else started
    from orchestration.dbt_manifest import ensure_manifest
    from orchestration.progress import ProgressPrinter
    from orchestration.warehouse import Warehouse

    ensure_manifest()
    from orchestration.definitions import defs
    from orchestration.jobs import SITREP_JOB_NAME

    logging.getLogger("dagster").setLevel(logging.WARNING)
    files = Warehouse.at(warehouse)
    files.build_dir.mkdir(parents=True, exist_ok=True)
    job = defs.resolve_job_def(SITREP_JOB_NAME)
    run_id = str(uuid.uuid4())
    instance = DagsterInstance.ephemeral()
    seconds: dict[str, float] = defaultdict(float)
    cpu: dict[str, float] = defaultdict(float)
    step_started: dict[str, float] = {}
    step_cpu_started: dict[str, float] = {}
    failed: list[str] = []
    published = False
    sampler = PeakSampler()

    def record(entry: EventLogEntry) -> None:
        nonlocal published
        event = entry.dagster_event
        if event is None:
            return
        if event.event_type == DagsterEventType.STEP_START and event.step_key:
            step_started[event.step_key] = entry.timestamp
            step_cpu_started[event.step_key] = tree_cpu_seconds()
            sampler.mark(stage_of(event.step_key))
        elif event.event_type in _STEP_END and event.step_key in step_started:
            seconds[stage_of(event.step_key)] += entry.timestamp - step_started.pop(event.step_key)
            cpu[stage_of(event.step_key)] += tree_cpu_seconds() - step_cpu_started.pop(event.step_key)
            sampler.mark("other")
            if event.event_type == DagsterEventType.STEP_FAILURE:
                failed.append(event.step_key)
        elif event.event_type == DagsterEventType.ASSET_MATERIALIZATION and event.asset_key is not None:
            published = published or event.asset_key.to_user_string() == "published_warehouse"

    out = sys.stdout
    instance.add_event_listener(
        run_id, ProgressPrinter(lambda line: print(f"  {line}", file=out, flush=True))
    )
    instance.add_event_listener(run_id, record)
    with contextlib.ExitStack() as stack:
        log = stack.enter_context((files.build_dir / "bench.log").open("w", encoding="utf-8"))
        stack.enter_context(sampler)
        stack.enter_context(contextlib.redirect_stdout(log))
        stack.enter_context(contextlib.redirect_stderr(log))
        stack.callback(instance.dispose)
        stack.callback(files.release)
        result = job.execute_in_process(
            run_config=_run_config(source.resolve(), files.published, fmt),
            instance=instance,
            raise_on_error=False,
            run_id=run_id,
        )
    return {
        "success": bool(result.success),
        "published": published,
        "failed_steps": failed,
        "stages": {stage: round(seconds.get(stage, 0.0), 3) for stage in STAGES},
        "cpu_seconds": {stage: round(cpu.get(stage, 0.0), 3) for stage in STAGES},
        "end_to_end_seconds": round(time.time() - started, 3),
        "end_to_end_cpu_seconds": round(tree_cpu_seconds() - cpu_started, 3),
        "warehouse_mb": round(files.published.stat().st_size / 2**20, 1) if files.published.exists() else 0.0,
        "peak_rss_mb": sampler.peak_mb(),
        "peak_rss_mb_by_stage": sampler.by_label_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__)
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--format", default="auto")
    parser.add_argument("--json", type=Path, required=True, help="write the timings here")
    parser.add_argument(
        "--started-at", type=float, default=None, help="time.time() when the caller started this process"
    )
    parser.add_argument(
        "--then-add",
        type=Path,
        action="append",
        default=[],
        help="then move this file into the source and run again",
    )
    parser.add_argument("--then-json", type=Path, action="append", default=[], help="that run's timings")
    args = parser.parse_args(argv)
    if len(args.then_add) != len(args.then_json):
        parser.error("--then-add and --then-json go together")
    outcome = run(args.source, args.warehouse, args.format, started=args.started_at)
    args.json.write_text(json.dumps(outcome, indent=2))
    ok = bool(outcome["success"] and outcome["published"])
    for add, out in zip(args.then_add, args.then_json, strict=True):
        if not ok:
            break
        shutil.move(add, args.source / add.name)
        outcome = run(args.source, args.warehouse, args.format, cpu_started=tree_cpu_seconds())
        out.write_text(json.dumps(outcome, indent=2))
        ok = bool(outcome["success"] and outcome["published"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
