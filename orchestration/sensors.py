"""Start a run when files appear in or change under the source folder."""

import hashlib
from pathlib import Path

from dagster import RunRequest, SensorEvaluationContext, SensorResult, SkipReason, sensor

from orchestration.jobs import sitrep_job
from orchestration.partitions import all_shards_tags
from orchestration.resources import SitrepSettings


def source_fingerprint(source: Path) -> str:
    """Hash of the sorted (path, size, mtime) of every file under `source` (or of `source` itself)."""
    files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(
            f"{path.relative_to(source) if path != source else path.name}\0{stat.st_size}\0"
            f"{stat.st_mtime_ns}\n".encode()
        )
    return digest.hexdigest()


@sensor(
    name="source_folder_sensor",
    job=sitrep_job,
    minimum_interval_seconds=60,
    description="Runs the pipeline when files under SITREP_SOURCE appear or change.",
)
def source_folder_sensor(
    context: SensorEvaluationContext, sitrep: SitrepSettings
) -> SensorResult | SkipReason:
    source = sitrep.source_path
    if not source.exists():
        return SkipReason(f"source {source} does not exist")
    fingerprint = source_fingerprint(source)
    if fingerprint == context.cursor:
        return SkipReason("no file appeared or changed")
    # The cursor alone dedupes; no run_key, so going back to an earlier state of the folder runs again.
    return SensorResult(run_requests=[RunRequest(tags=all_shards_tags())], cursor=fingerprint)
