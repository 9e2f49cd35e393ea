"""Daily run of the main job."""

from __future__ import annotations

from dagster import ScheduleDefinition

from orchestration.jobs import sitrep_job

daily_schedule = ScheduleDefinition(
    name="sitrep_daily",
    job=sitrep_job,
    cron_schedule="0 6 * * *",
    description="Run the whole pipeline every day at 06:00.",
)
