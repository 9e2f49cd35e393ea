"""Run-level helpers shared by assets, checks and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from dagster import AssetExecutionContext, DagsterEventType, DagsterInstance, OpExecutionContext

# Every step that writes the build file runs in this pool (see orchestration/dagster.yaml).
POOL = "sitrep_warehouse"


def run_key(context: AssetExecutionContext | OpExecutionContext) -> str:
    """Identifies a run for the warehouse's dirty marker; a re-execution continues its root run."""
    return context.run.root_run_id or context.run.run_id


@dataclass(frozen=True)
class CheckOutcome:
    asset: str
    name: str
    passed: bool
    blocking: bool
    severity: str  # ERROR | WARN
    description: str

    @property
    def stops_publish(self) -> bool:
        """A failed blocking or error-severity check keeps the run from publishing."""
        return not self.passed and (self.blocking or self.severity == "ERROR")

    @property
    def label(self) -> str:
        return f"{self.asset}:{self.name}"


def check_outcomes(instance: DagsterInstance, run_id: str) -> list[CheckOutcome]:
    """Every asset check evaluated in the run so far, in order."""
    records = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION, limit=100_000
    ).records
    outcomes = []
    for record in records:
        event = record.event_log_entry.dagster_event
        if event is None:
            continue
        data = event.asset_check_evaluation_data
        outcomes.append(
            CheckOutcome(
                asset="/".join(data.asset_key.path),
                name=data.check_name,
                passed=data.passed,
                blocking=bool(data.blocking),
                severity=data.severity.value,
                description=data.description or "",
            )
        )
    return outcomes
