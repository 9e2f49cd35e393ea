"""Daily run of the main job."""

from __future__ import annotations

from dagster import RunRequest, ScheduleEvaluationContext, schedule

from orchestration.jobs import sitrep_job
from orchestration.partitions import all_shards_tags


@schedule(
    name="sitrep_daily",
    job=sitrep_job,
    cron_schedule="0 6 * * *",
    description="Run the whole pipeline every day at 06:00.",
)
def daily_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    # every document shard in one run, as `sitrep run` does
    return RunRequest(tags=all_shards_tags())
