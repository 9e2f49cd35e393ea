"""One readable line per pipeline step, printed as Dagster events arrive (instead of its log spam)."""

from __future__ import annotations

import time
from collections.abc import Callable

from dagster import DagsterEvent, DagsterEventType, EventLogEntry

from extract.schema import TABLES

# Step (op) names of the assets, as users know them.
STEP_LABELS = {
    "raw_tables": "ingest",
    "extract_tables": "extract",
    "dbt_models": "dbt build",
    "published_warehouse": "publish",
}

MAX_MESSAGE = 300  # characters of an error shown; the log file has the rest

# Materialization metadata worth a mention, per asset.
_SHOWN_METADATA = {
    "raw/documents": ("inputs", "ingested", "new", "changed", "files_skipped"),
    "raw/quarantine": ("quarantined",),
    "raw/duplicates": ("duplicates",),
    "published_warehouse": ("path", "staged_from", "staged_during_checks", "staged_seconds"),
    **{
        f"extract/{table}": ("documents_extracted", "rows_written", "table_rows", "shards")
        for table in TABLES
    },
}


def is_pipeline_check(check_name: str) -> bool:
    """Our own checks (GX suites, accounting), as opposed to dbt tests."""
    return check_name.startswith("gx_") or check_name == "ingest_accounting"


def is_check_failure(event: DagsterEvent) -> bool:
    """A step failure that only says "a blocking check failed" (the check itself was reported)."""
    error = event.step_failure_data.error
    return error is not None and error.cls_name == "DagsterAssetCheckFailedError"


def step_label(step_key: str | None) -> str:
    if not step_key:
        return "run"
    return STEP_LABELS.get(step_key, step_key)


class ProgressPrinter:
    """Event listener for `DagsterInstance.add_event_listener`; prints through `write`."""

    def __init__(self, write: Callable[[str], None] = print) -> None:
        self._write = write
        self._start = time.monotonic()
        self._shown: set[str] = set()  # assets printed: a run of many partitions records each

    def _line(self, text: str) -> None:
        self._write(f"[{time.monotonic() - self._start:6.1f}s] {text}")

    def __call__(self, entry: EventLogEntry) -> None:
        event = entry.dagster_event
        if event is None:
            return
        kind = event.event_type
        if kind == DagsterEventType.STEP_START and event.step_key in STEP_LABELS:
            self._line(f"...  {step_label(event.step_key)}")
        elif kind == DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            key = materialization.asset_key.to_user_string()
            if key in self._shown:
                return
            self._shown.add(key)
            meta = materialization.metadata
            shown = [f"{k}={meta[k].value}" for k in _SHOWN_METADATA.get(key, ()) if k in meta]
            if not shown and "dagster/row_count" in meta:
                shown = [f"rows={meta['dagster/row_count'].value}"]
            self._line(f"ok   {key}" + (f"  ({', '.join(shown)})" if shown else ""))
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            data = event.asset_check_evaluation_data
            if data.passed and not is_pipeline_check(data.check_name):
                return  # dbt tests: only failures are news
            status = "ok  " if data.passed else "FAIL"
            detail = f"  {data.description}" if data.description and not data.passed else ""
            self._line(f"{status} check {data.asset_key.to_user_string()}:{data.check_name}{detail}")
        elif kind == DagsterEventType.STEP_FAILURE and not is_check_failure(event):
            error = event.step_failure_data.error
            # Dagster wraps the user's exception; its innermost cause says what went wrong.
            while error is not None and error.cause is not None:
                error = error.cause
            message = " ".join(error.message.split()) if error else "unknown error"
            if len(message) > MAX_MESSAGE:
                message = message[: MAX_MESSAGE - 3] + "..."
            self._line(f"FAIL {step_label(event.step_key)}: {message}")
        elif kind == DagsterEventType.STEP_SKIPPED:
            self._line(f"skip {step_label(event.step_key)} (an upstream step or blocking check failed)")
