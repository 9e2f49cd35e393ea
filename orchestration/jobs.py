"""The main job: every asset and check, in dependency order."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

SITREP_JOB_NAME = "sitrep_job"

sitrep_job = define_asset_job(
    SITREP_JOB_NAME,
    selection=AssetSelection.all(),
    description="Ingest, extract, build the dbt models, check everything, publish the warehouse.",
)
