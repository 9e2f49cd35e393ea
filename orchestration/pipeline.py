"""Run the whole pipeline in-process through the same Definitions the UI uses."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from dagster import DagsterEventType, DagsterInstance

from orchestration.dbt_manifest import ensure_manifest
from orchestration.jobs import SITREP_JOB_NAME
from orchestration.partitions import all_shards_tags, shard_range_tags
from orchestration.progress import STEP_LABELS, ProgressPrinter, is_check_failure, step_label
from orchestration.runs import CheckOutcome, check_outcomes
from orchestration.warehouse import Warehouse

# mart → what the summary calls its rows
SUMMARY_MARTS = {
    "fct_incidents": "incidents",
    "fct_casualties": "casualty rows",
    "fct_territory_changes": "territory rows",
}


@dataclass
class RunReport:
    run_id: str
    success: bool
    published: bool
    warehouse: Path
    ingest: dict[str, object] | None
    mart_rows: dict[str, int]
    checks: list[CheckOutcome]
    failed_steps: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    log_file: Path | None = None

    @property
    def failed_checks(self) -> list[CheckOutcome]:
        return [c for c in self.checks if not c.passed]

    @property
    def ok(self) -> bool:
        """Every step succeeded, no blocking check failed and the warehouse was published."""
        return self.success and self.published and not any(c.stops_publish for c in self.checks)

    def summary_lines(self) -> list[str]:
        lines = []
        if self.ingest:
            lines += [
                f"documents in   {self.ingest['n_inputs']}",
                f"ingested       {self.ingest['n_documents']}",
                f"quarantined    {self.ingest['n_quarantined']}",
                f"duplicates     {self.ingest['n_duplicates']}",
            ]
        for mart, label in SUMMARY_MARTS.items():
            if mart in self.mart_rows:
                lines.append(f"{label:<15}{self.mart_rows[mart]}")
        n_failed = len(self.failed_checks)
        lines.append(f"checks         {len(self.checks) - n_failed} passed, {n_failed} failed")
        lines += [
            f"  failed: {c.label}" + (f" ({c.severity.lower()})" if not c.stops_publish else "")
            for c in self.failed_checks
        ]
        lines += [f"failed step    {step}" for step in self.failed_steps]
        if self.not_run:
            lines.append(
                f"not run        {', '.join(self.not_run)} (an earlier step or blocking check failed)"
            )
        lines.append(
            f"warehouse      {self.warehouse}" + ("" if self.published else "  (NOT published by this run)")
        )
        if self.log_file is not None:
            lines.append(f"full log       {self.log_file}")
        return lines


def _run_config(source: Path, warehouse: Path, fmt: str) -> dict[str, object]:
    return {
        "resources": {
            "sitrep": {"config": {"source": str(source), "format": fmt, "warehouse": str(warehouse)}}
        },
        # Dagster's own event log goes to the log file (or the terminal with --verbose).
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }


def _read_counts(path: Path, run_id: str) -> tuple[dict[str, object] | None, dict[str, int]]:
    from orchestration import tables

    if not path.exists():
        return None, {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        ingest = tables.ingest_run(con, run_id) if tables.table_exists(con, "raw", "ingest_runs") else None
        marts = {
            m: tables.count_rows(con, "marts", m)
            for m in SUMMARY_MARTS
            if tables.table_exists(con, "marts", m)
        }
    finally:
        con.close()
    return ingest, marts


def run_pipeline(
    source: Path,
    warehouse: Path,
    fmt: str = "auto",
    progress: Callable[[str], None] | None = None,
    verbose: bool = False,
    shards: tuple[str, str] | None = None,
) -> RunReport:
    """Materialise every asset and check in this process; publish `warehouse` if all checks pass.

    `shards` (first, last): a run of those document shards only (`orchestration.partitions`).

    `progress` gets one line per step as it happens. Everything else the run prints (Dagster's
    event log, dbt's output, warnings) goes to `<warehouse dir>/.build/<name>.log` unless `verbose`.
    """
    ensure_manifest()
    from orchestration.definitions import defs  # after the manifest exists

    logging.getLogger("dagster").setLevel(logging.WARNING)
    files = Warehouse.at(warehouse)
    files.build_dir.mkdir(parents=True, exist_ok=True)
    log_file = None if verbose else files.build_dir / f"{files.published.stem}.log"
    job = defs.resolve_job_def(SITREP_JOB_NAME)
    run_id = str(uuid.uuid4())
    instance = DagsterInstance.ephemeral()
    with contextlib.ExitStack() as stack:
        if progress is not None:
            instance.add_event_listener(run_id, ProgressPrinter(progress))
        if log_file is not None:
            log = stack.enter_context(log_file.open("w", encoding="utf-8"))
            stack.enter_context(contextlib.redirect_stdout(log))
            stack.enter_context(contextlib.redirect_stderr(log))
        stack.callback(instance.dispose)
        stack.callback(files.release)
        result = job.execute_in_process(
            run_config=_run_config(Path(source).resolve(), files.published, fmt),
            instance=instance,
            raise_on_error=False,
            run_id=run_id,
            tags=all_shards_tags() if shards is None else shard_range_tags(*shards),
        )
        checks = check_outcomes(instance, run_id)
        failed_steps = sorted(
            {
                step_label(e.step_key)
                for e in result.all_events
                if e.event_type == DagsterEventType.STEP_FAILURE and not is_check_failure(e)
            }
        )
        started = {e.step_key for e in result.all_events if e.event_type == DagsterEventType.STEP_START}
        published = any(
            e.event_type == DagsterEventType.ASSET_MATERIALIZATION
            and e.asset_key is not None
            and e.asset_key.to_user_string() == "published_warehouse"
            for e in result.all_events
        )
    ingest, marts = _read_counts(files.published if published else files.build, run_id)
    return RunReport(
        run_id=run_id,
        success=result.success,
        published=published,
        warehouse=files.published,
        ingest=ingest,
        mart_rows=marts if published else {},
        checks=checks,
        failed_steps=failed_steps,
        not_run=[label for key, label in STEP_LABELS.items() if key not in started],
        log_file=log_file,
    )
